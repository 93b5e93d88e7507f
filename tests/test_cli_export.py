"""`aligner export`: every format, the filters of read_aligned, files or stdout, clean errors."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pytest

from aligner.cli import main
from aligner.output import write_outputs
from aligner.output.tsv import read_tsv
from output_samples import sample_result


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    write_outputs(sample_result(), folder)
    return folder


def run_cli(*args) -> int:
    with pytest.raises(SystemExit) as exc:
        main(["export", *map(str, args)])
    return exc.value.code


@pytest.mark.parametrize("args, n", [([], 4), (["--all"], 6), (["--min-score", "0.85"], 2),
                                     (["--lang-pair", "tl-it", "--all"], 2), (["--lang-pair", "fr-de"], 3)])
def test_jsonl_to_stdout_with_filters(out, capsys, args, n):
    assert run_cli(out, "-f", "jsonl", *args) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == n
    if "fr-de" in args:
        assert {(r["src_lang"], r["tgt_lang"]) for r in records} == {("fr", "de")}


def test_tsv_to_file(out, tmp_path, capsys):
    assert run_cli(out, "-f", "tsv", "-o", tmp_path / "x.tsv", "--min-score", "0.7") == 0
    rows = read_tsv(io.StringIO((tmp_path / "x.tsv").read_text()))
    assert [r["score"] for r in rows] == ["0.9100", "0.8800", "0.8300"]
    assert "exported 3 beads" in capsys.readouterr().err


def test_tmx_of_one_pair(out, tmp_path, capsys):
    assert run_cli(out / "aligned.jsonl", "-f", "tmx", "-o", tmp_path / "m.tmx", "--lang-pair", "de-fr") == 0
    root = ET.parse(tmp_path / "m.tmx").getroot()
    assert root.find("header").get("srclang") == "de"
    assert len(root.findall("body/tu")) == 3
    props = {p.get("type"): p.text for p in root.find("header").findall("prop")}
    assert props["x-aligner-encoder"] == "fake"  # signature found beside aligned.jsonl


def test_moses_single_pair_files_are_parallel(out, tmp_path, capsys):
    base = tmp_path / "data" / "train"
    assert run_cli(out, "-f", "moses", "--lang-pair", "it-tl", "--all", "-o", base) == 0
    it = (tmp_path / "data" / "train.it").read_text().splitlines()
    tl = (tmp_path / "data" / "train.tl").read_text().splitlines()
    assert it == ["Il manager guida la squadra.", "Lui è veloce."]
    assert tl == ["Ang manager ay namumuno sa koponan.", "Siya ay mabilis."]


def test_moses_several_pairs_name_files_per_pair_and_skip_one_sided_beads(out, tmp_path, capsys):
    base = tmp_path / "c"
    assert run_cli(out, "-f", "moses", "--all", "-o", base) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["c.de-fr.de", "c.de-fr.fr", "c.tl-it.it", "c.tl-it.tl"]
    de = (tmp_path / "c.de-fr.de").read_text().splitlines()
    fr = (tmp_path / "c.de-fr.fr").read_text().splitlines()
    assert len(de) == len(fr) == 3
    assert "1 one-sided beads skipped" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["-f", "moses", "-o", "-"], "two files"),
    (["-f", "jsonl", "--lang-pair", "german"], "xx-yy"),
    (["-f", "xml"], "Invalid value"),
    ([], "Missing option"),
])
def test_usage_errors_exit_2(out, capsys, args, message):
    assert run_cli(out, *args) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("make", [lambda tmp: tmp / "nope", lambda tmp: tmp])
def test_missing_source_exit_2(tmp_path, capsys, make):
    assert run_cli(make(tmp_path), "-f", "tsv") == 2
    err = capsys.readouterr().err
    assert "aligner: error:" in err and "Traceback" not in err


def test_help_has_examples(capsys):
    assert run_cli("--help") == 0
    assert "Examples:" in capsys.readouterr().out
