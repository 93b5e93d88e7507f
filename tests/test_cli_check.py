"""`aligner check`: exit codes 0/1/2, config and options, report written before the verdict."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from aligner.cli import main
from aligner.output import write_outputs
from output_samples import sample_result

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    write_outputs(sample_result(), folder)
    return folder


def run_cli(*args) -> int:
    with pytest.raises(SystemExit) as exc:
        main(["check", *map(str, args)])
    return exc.value.code


@pytest.mark.parametrize("args, code", [
    ([], 1),  # 3 errors, none tolerated
    (["--max-findings", "3"], 0),
    (["--category", "length"], 0),
    (["--category", "length", "--fail-on", "info"], 1),
    (["--fail-on", "warning", "--max-findings", "4"], 1),
    (["--fail-on", "warning", "--max-findings", "4", "--ignore-fixed"], 0),
    (["--fail-on", "fatal"], 2),
    (["--category", "typos"], 2),
    (["--max-findings", "-1"], 2),
    (["--format", "yaml"], 2),
    (["--out", "elsewhere"], 2),  # --out is for a corpus target only
])
def test_exit_codes(out, capsys, args, code):
    assert run_cli(out, *args) == code


def test_failure_prints_the_report_then_the_verdict(out, capsys):
    assert run_cli(out) == 1
    captured = capsys.readouterr()
    assert "corpus/000_de.txt:2:5: error untranslated" in captured.out
    assert "gate failed" in captured.err


def test_report_file_is_written_even_when_the_gate_fails(out, tmp_path, capsys):
    target = tmp_path / "reports" / "aligner.sarif"
    assert run_cli(out, "-f", "sarif", "-o", target) == 1
    sarif = json.loads(target.read_text())
    assert sarif["version"] == "2.1.0" and len(sarif["runs"][0]["results"]) == 5
    assert capsys.readouterr().out == ""


def test_junit_to_stdout(out, capsys):
    assert run_cli(out, "--format", "junit") == 1
    assert ET.fromstring(capsys.readouterr().out).get("failures") == "3"


@pytest.mark.parametrize("make", [lambda tmp: tmp / "missing", lambda tmp: tmp / "file.txt"])
def test_missing_or_wrong_target_is_exit_2_without_traceback(tmp_path, capsys, make):
    (tmp_path / "file.txt").write_text("x")
    assert run_cli(make(tmp_path)) == 2
    err = capsys.readouterr().err
    assert "aligner: error:" in err and "Traceback" not in err


@pytest.mark.parametrize("toml, code", [
    ('[gate]\nfail_on = "info"\nmax_findings = 100\n', 0),
    ('[gate]\ncategories = ["boilerplate"]\n', 1),
    ('[gate]\ncategories = ["boilerplate"]\nmax_findings = 1\n', 0),
    ('[gate]\ncategories = ["boilerplate"]\nfail_on = "info"\nmax_findings = 1\n', 1),
])
def test_thresholds_come_from_aligner_toml(out, capsys, toml, code):
    (out.parent / "aligner.toml").write_text(toml)
    assert run_cli(out) == code


def test_options_override_the_config_file(out, capsys):
    (out.parent / "aligner.toml").write_text('[gate]\nmax_findings = 100\n')
    assert run_cli(out) == 0
    assert run_cli(out, "--max-findings", "0") == 1


def test_pyproject_tool_aligner_is_read(out, capsys):
    (out.parent / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.aligner.gate]\nmax_findings = 9\n')
    assert run_cli(out) == 0


@pytest.mark.parametrize("toml, key", [
    ('[gate]\nfail_onn = "info"\n', "gate.fail_onn"),
    ('[gates]\nfail_on = "info"\n', "gates"),
])
def test_unknown_config_key_is_exit_2_naming_the_key(out, tmp_path, capsys, toml, key):
    cfg = tmp_path / "custom.toml"
    cfg.write_text(toml)
    assert run_cli(out, "--config", cfg) == 2
    assert f"'{key}'" in capsys.readouterr().err


def test_missing_config_file_is_exit_2(out, tmp_path, capsys):
    assert run_cli(out, "-c", tmp_path / "none.toml") == 2
    assert "not found" in capsys.readouterr().err


def test_corpus_target_runs_the_pipeline_and_can_keep_its_outputs(tmp_path, monkeypatch, capsys):
    import aligner.pipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Hallo.")
    seen = {}

    def fake_run(corpus_dir, out=None, *, config=None, encoder=None, write=True):
        seen.update(corpus=pathlib.Path(corpus_dir), out=out, write=write, fail_on=config.gate.fail_on)
        result = sample_result()
        if write and out is not None:
            write_outputs(result, pathlib.Path(out))
        return result

    monkeypatch.setattr(aligner.pipeline, "run", fake_run)
    assert run_cli(corpus, "--out", tmp_path / "o", "--fail-on", "warning") == 1
    assert seen == {"corpus": corpus, "out": str(tmp_path / "o"), "write": True, "fail_on": "warning"}
    assert (tmp_path / "o" / "summary.json").is_file()


def test_help_has_examples(capsys):
    assert run_cli("--help") == 0
    text = capsys.readouterr().out
    assert "Examples:" in text and "--fail-on" in text and "sarif" in text


def test_real_entry_point_exit_code(out):
    """The console entry point, in a fresh process, maps a failed gate to 1 and still prints the report."""
    proc = subprocess.run([sys.executable, "-m", "aligner", "check", str(out), "-f", "github"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("::") and "Traceback" not in proc.stderr
