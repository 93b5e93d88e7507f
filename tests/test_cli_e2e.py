"""The CI gate end to end on the bundled corpus, as a pipeline would call it:
`aligner run corpus -o OUT`, then `aligner check OUT` in every report format and
`aligner export OUT` in every export format, each a real subprocess.

One run (real default encoder, embedding cache in a temporary folder) is shared by
the whole module; every other command reads its output folder.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    return dict(os.environ, HF_HUB_OFFLINE="1", ALIGNER_CACHE_DIR=str(cache))


def aligner(env, *args, timeout=300) -> subprocess.CompletedProcess:
    # cwd is the checkout: this checkout's package is imported, and report paths are relative to it
    return subprocess.run([sys.executable, "-m", "aligner", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=timeout)


@pytest.fixture(scope="module")
def run(env, tmp_path_factory):
    """`aligner -v run corpus -o OUT` once; returns (OUT, the finished process)."""
    out = tmp_path_factory.mktemp("e2e") / "out"
    proc = aligner(env, "-v", "run", "corpus", "-o", out, timeout=1800)
    assert proc.returncode == 0, proc.stderr
    return out, proc


@pytest.fixture(scope="module")
def out(run):
    return run[0]


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def flags(out):
    return jsonl(out / "flags.jsonl")


@pytest.fixture(scope="module")
def kept(out):
    return [r for r in jsonl(out / "aligned.jsonl") if r["keep"]]


def test_run_writes_files_and_logs_only_to_stderr(run):
    out, proc = run
    assert proc.stdout == ""
    assert {p.name for p in out.iterdir()} >= {"aligned.jsonl", "flags.jsonl", "summary.json", "report.html"}
    assert "aligner: align ..." in proc.stderr  # -v shows the stages
    assert proc.stderr.rstrip().splitlines()[-1].endswith(f"-> {out}")


BASELINE = ROOT / "corpus" / "aligner-baseline.jsonl"


def test_seeds_have_findings_all_accepted_in_the_corpus_baseline(flags):
    """The premise of the cases below: the bundled seeds carry warnings and errors (their real glued words are
    errors by default), and every one of them is an accepted finding of corpus/aligner-baseline.jsonl."""
    severities = {f["severity"] for f in flags}
    assert {"warning", "error"} <= severities
    accepted = {r["fingerprint"] for r in jsonl(BASELINE)}
    assert all(f["fingerprint"] in accepted for f in flags if f["severity"] != "info")


def test_default_gate_passes_on_the_corpus_baseline(env, out, flags):
    """Default thresholds (no config file near OUT): the corpus' own baseline is applied, nothing is new."""
    proc = aligner(env, "check", out)
    assert proc.returncode == 0, proc.stderr
    assert "gate passed" in proc.stderr and "aligner-baseline.jsonl" in proc.stderr
    assert not [line for line in proc.stdout.splitlines() if " warning " in line or " error " in line]


def test_without_the_baseline_every_finding_counts(env, out, flags):
    proc = aligner(env, "check", out, "--no-baseline")
    assert proc.returncode == 1 and "gate failed" in proc.stderr and "Traceback" not in proc.stderr
    reported = [f for f in flags if f["severity"] in ("warning", "error")]
    assert sum((" warning " in line or " error " in line) for line in proc.stdout.splitlines()) == len(reported)


def test_fail_on_warning_fails_after_writing_the_report(env, out, flags, tmp_path):
    report = tmp_path / "gate.txt"
    proc = aligner(env, "check", out, "--no-baseline", "--fail-on", "warning", "-o", report)
    assert proc.returncode == 1
    assert proc.stdout == "" and "gate failed" in proc.stderr and "Traceback" not in proc.stderr
    assert " warning " in report.read_text(encoding="utf-8")
    passed = aligner(env, "check", out, "--fail-on", "warning")  # with the baseline: no new warning either
    assert passed.returncode == 0, passed.stderr


def test_sarif_rule_ids_are_registry_codes(env, out, flags, tmp_path):
    from aligner.checks import registry

    target = tmp_path / "aligner.sarif"
    proc = aligner(env, "check", out, "--no-baseline", "-f", "sarif", "-o", target, "--report-on", "info",
                   "--fail-on", "warning")
    assert proc.returncode == 1, proc.stderr
    sarif = json.loads(target.read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    (sarif_run,) = sarif["runs"]
    results = sarif_run["results"]
    rules = {r["id"] for r in sarif_run["tool"]["driver"]["rules"]}
    codes = set(registry())
    assert len(results) == len(flags)  # --report-on info: every flag of the run
    assert {r["ruleId"] for r in results} == {f["code"] for f in flags}
    assert {r["ruleId"] for r in results} <= rules <= codes
    for r in results:
        assert r["level"] in ("error", "warning", "note")
        location = r["locations"][0]["physicalLocation"]
        assert (ROOT / location["artifactLocation"]["uri"]).is_file()
        assert location["region"]["startLine"] >= 1


def test_sarif_marks_findings_of_the_baseline_unchanged(env, out, flags, tmp_path):
    target = tmp_path / "aligner.sarif"
    proc = aligner(env, "check", out, "-f", "sarif", "-o", target, "--fail-on", "warning")
    assert proc.returncode == 0, proc.stderr
    (sarif_run,) = json.loads(target.read_text(encoding="utf-8"))["runs"]
    states = {r.get("baselineState") for r in sarif_run["results"]}
    assert sarif_run["results"] and states == {"unchanged"}


GITHUB_LINE = re.compile(r"^::(error|warning|notice) ((?:[a-zA-Z]+=[^,:]*)(?:,[a-zA-Z]+=[^,:]*)*)::(.*)$")


@pytest.mark.parametrize("baseline, verdict", [(True, "notice"), (False, "error")])
def test_github_annotations_syntax(env, out, flags, baseline, verdict):
    """With the baseline only new findings are annotated (none here); without it, every reported one."""
    proc = aligner(env, "check", out, "-f", "github", *([] if baseline else ["--no-baseline"]))
    assert proc.returncode == (0 if baseline else 1)
    lines = proc.stdout.splitlines()
    reported = [] if baseline else [f for f in flags if f["severity"] in ("warning", "error")]
    assert len(lines) == len(reported) + 1  # one per reported finding, then the verdict
    for line in lines[:-1]:
        m = GITHUB_LINE.match(line)
        assert m, line
        assert m.group(1) in ("warning", "error") and "\n" not in m.group(3)
        props = dict(p.split("=", 1) for p in m.group(2).split(","))
        assert set(props) <= {"file", "line", "endLine", "col", "endColumn", "title"} and "title" in props
        source = ROOT / props["file"]
        assert source.is_file(), props["file"]
        n_lines = len(source.read_text(encoding="utf-8").splitlines())
        assert 1 <= int(props["line"]) <= int(props["endLine"]) <= n_lines
    last = GITHUB_LINE.match(lines[-1])
    assert last and last.group(1) == verdict and last.group(2).startswith("title=aligner check")


def test_junit_counts_failures(env, out, flags):
    proc = aligner(env, "check", out, "--no-baseline", "-f", "junit", "--fail-on", "warning")
    assert proc.returncode == 1
    suite = ET.fromstring(proc.stdout)
    assert int(suite.get("failures")) == sum(f["severity"] in ("warning", "error") for f in flags)


@pytest.mark.parametrize("fmt", ["tmx", "tsv", "moses", "jsonl"])
def test_export_every_format(env, out, kept, tmp_path, fmt):
    """Each format holds the kept beads, no more, no less (moses skips one-sided beads)."""
    dest = tmp_path / f"aligned.{fmt}"
    proc = aligner(env, "export", out, "-f", fmt, "-o", dest)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr.startswith("aligner: exported")
    if fmt == "tmx":
        tus = ET.parse(dest).getroot().find("body").findall("tu")
        assert len(tus) == len(kept)
        assert all(len(tu.findall("tuv")) == 2 for tu in tus)
    elif fmt == "tsv":
        rows = dest.read_text(encoding="utf-8").splitlines()
        assert rows[0].split("\t")[:4] == ["src_lang", "tgt_lang", "src", "tgt"] and len(rows) == len(kept) + 1
    elif fmt == "jsonl":
        assert [r["id"] for r in jsonl(dest)] == [r["id"] for r in kept]
    else:
        langs = {(r["src_lang"], r["tgt_lang"]) for r in kept}
        assert len(langs) == 1
        (src, tgt), = langs
        two_sided = [r for r in kept if r["src"].strip() and r["tgt"].strip()]
        src_lines = Path(f"{dest}.{src}").read_text(encoding="utf-8").splitlines()
        tgt_lines = Path(f"{dest}.{tgt}").read_text(encoding="utf-8").splitlines()
        assert len(src_lines) == len(tgt_lines) == len(two_sided)
        assert src_lines[0] == " ".join(two_sided[0]["src"].split())


def test_quiet_gate_and_export_write_nothing_on_stderr(env, out):
    check = aligner(env, "-q", "check", out, "-f", "json")
    assert check.returncode == 0 and check.stderr == ""
    assert json.loads(check.stdout)
    export = aligner(env, "-q", "export", out, "-f", "tsv", "-o", "-")
    assert export.returncode == 0 and export.stderr == "" and export.stdout.startswith("src_lang\t")
