"""write_outputs: every file of the contract, stamped, atomic, with a consistent summary."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pytest

from aligner.errors import InputError
from aligner.output import FILES, write_outputs
from aligner.output.atomic import atomic_open, json_line, write_jsonl
from aligner.output.records import LineIndex, signature_id
from aligner.output.tsv import COLUMNS, escape_field, read_tsv, unescape_field, write_tsv
from output_samples import SIGNATURE, sample_result


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def written(tmp_path):
    result = sample_result()
    write_outputs(result, tmp_path / "out")
    return result, tmp_path / "out"


def test_every_contract_file_is_written(written):
    _, out = written
    names = sorted(p.name for p in out.iterdir())
    extra_pairs = [n for n in names if n not in FILES]  # XLIFF holds one language pair: one file per further pair
    assert sorted(set(names) - set(extra_pairs)) == sorted(FILES)
    assert extra_pairs and all(n.startswith("aligned.") and n.endswith(".xlf") and n.count("-") == 1
                               for n in extra_pairs), extra_pairs


@pytest.mark.parametrize("name, count", [("documents.jsonl", 5), ("pairs.jsonl", 3), ("aligned.jsonl", 6),
                                         ("flags.jsonl", 6)])
def test_jsonl_records_carry_schema_and_run_id(written, name, count):
    """No header line: every record says its schema and run, so plain JSON loaders work."""
    result, out = written
    records = _jsonl(out / name)
    assert len(records) == count
    run = signature_id(result.signature)
    assert all(r["schema"] == 1 and r["run"] == run for r in records)
    assert list(records[0])[:2] == ["schema", "run"]


def test_aligned_records_are_the_cleaning_records(written):
    result, out = written
    for written_rec, rec in zip(_jsonl(out / "aligned.jsonl"), result.records):
        assert {k: v for k, v in written_rec.items() if k not in ("schema", "run")} == rec


def test_documents_keep_the_error_document(written):
    docs = {d["doc"]: d for d in _jsonl(written[1] / "documents.jsonl")}
    assert docs["004_bad"]["status"] == "error" and "UTF-8" in docs["004_bad"]["problem"]
    assert docs["000_de"]["flags"] == 4


def test_flag_positions_point_at_the_evidence(written):
    """line/column (1-based, end exclusive) agree with the raw offsets."""
    result, out = written
    raws = {d.doc: d.raw for d in result.documents}
    for f in _jsonl(out / "flags.jsonl"):
        line = raws[f["doc"]].split("\n")[f["line"] - 1]
        assert line[f["column"] - 1:f["end_column"] - 1] == f["text"]


def test_summary_counts(written):
    result, out = written
    s = json.loads((out / "summary.json").read_text())
    c = s["counts"]
    assert s["signature"]["id"] == s["run"] == signature_id(result.signature)
    assert s["signature"]["encoder"] == SIGNATURE["encoder"]
    assert c["documents"]["ok"] == 4 and c["documents"]["error"] == 1
    assert c["documents"]["problems"][0]["doc"] == "004_bad"
    assert c["sentences"] == 4 + 3 + 2 + 2
    assert c["pairs"]["by_relation"] == {"parallel": 2, "comparable": 1, "unrelated": 0}
    assert c["beads"]["by_type"] == {"1-1": 5, "1-0": 1}
    assert (c["beads"]["kept"], c["beads"]["dropped"]) == (4, 2)
    assert c["beads"]["dropped_by_reason"] == {"low-score": 1, "one-sided": 1}
    assert c["flags"]["by_category"]["boilerplate"] == 2
    assert c["flags"]["by_code"]["untranslated"] == 1
    assert c["flags"]["by_severity"] == {"error": 2, "warning": 2, "info": 2}
    assert s["timings"] == {"load": 0.01, "align": 0.2}


def test_tsv_holds_kept_beads_only(written):
    rows = read_tsv(io.StringIO((written[1] / "aligned.tsv").read_text()))
    assert [r["id"] for r in rows] == [r["id"] for r in written[0].records if r["keep"]]
    assert list(rows[0]) == list(COLUMNS)


def test_run_id_is_stable_and_tracks_the_signature():
    assert signature_id(dict(SIGNATURE)) == signature_id(dict(reversed(list(SIGNATURE.items()))))
    changed = {**SIGNATURE, "thresholds": {"clean": {"min_score": 0.5}}}
    assert signature_id(changed) != signature_id(SIGNATURE)
    assert len(signature_id(SIGNATURE)) == 12


def test_interrupted_writer_leaves_previous_file_and_no_temp(tmp_path):
    """A writer that raises half-way must not leave a truncated file behind."""
    target = tmp_path / "aligned.jsonl"
    write_jsonl(target, [{"a": 1}])

    def records():
        yield {"a": 2}
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_jsonl(target, records())
    assert _jsonl(target) == [{"a": 1}]
    assert [p.name for p in tmp_path.iterdir()] == ["aligned.jsonl"]


def test_interrupted_run_writes_no_half_file(tmp_path, monkeypatch):
    """If the report writer fails, report.html and summary.json do not appear at all."""
    import aligner.output.report as report

    def broken(fh, *a, **k):
        fh.write("<!DOCTYPE html><html>")
        raise OSError("no space left on device")

    monkeypatch.setattr(report, "write_report", broken)
    with pytest.raises(InputError, match="report.html: no space left"):
        write_outputs(sample_result(), tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "report.html" not in names and "summary.json" not in names
    assert not [n for n in names if n.endswith(".tmp")]


def test_atomic_file_has_normal_permissions(tmp_path):
    with atomic_open(tmp_path / "x.txt") as fh:
        fh.write("x")
    assert (tmp_path / "x.txt").stat().st_mode & 0o044  # readable by others, not mkstemp's 0600


def test_non_finite_numbers_become_null():
    assert json.loads(json_line({"score": math.nan, "xs": [math.inf, 1.0]})) == {"score": None, "xs": [None, 1.0]}


@pytest.mark.parametrize("text, offset, expected", [
    ("abc", 0, (1, 1)),
    ("abc", 3, (1, 4)),
    ("ab\ncd", 3, (2, 1)),
    ("ab\r\ncd", 4, (2, 1)),
    ("ab\rcd\nef", 6, (3, 1)),
    ("a\n\nb", 3, (3, 1)),
    ("añ🙂\nx", 4, (2, 1)),  # code points, not bytes or UTF-16 units
    ("abc", 99, (1, 4)),  # clamped to the end
])
def test_line_index(text, offset, expected):
    assert LineIndex(text).position(offset) == expected


@pytest.mark.parametrize("raw", ["plain", "tab\there", "new\nline", "cr\rlf\r\n", "back\\slash\\t", "\\n literal", ""])
def test_tsv_escaping_round_trips(raw):
    escaped = escape_field(raw)
    assert "\t" not in escaped and "\n" not in escaped and "\r" not in escaped
    assert unescape_field(escaped) == raw


def test_tsv_row_with_hostile_text_stays_one_line():
    buf = io.StringIO()
    write_tsv(buf, [{"src_lang": "de", "tgt_lang": "fr", "src": "a\tb\nc", "tgt": "x\\y", "score": 0.5,
                     "type": "1-1", "role": None, "id": "i"}])
    lines = buf.getvalue().splitlines()
    assert len(lines) == 2 and len(lines[1].split("\t")) == len(COLUMNS)
    assert read_tsv(io.StringIO(buf.getvalue()))[0]["src"] == "a\tb\nc"


def test_destination_that_is_a_folder_is_an_input_error(tmp_path):
    (tmp_path / "report.html").mkdir()
    with pytest.raises(InputError, match="cannot write"):
        with atomic_open(tmp_path / "report.html") as fh:
            fh.write("x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_output_path_that_is_a_file_is_an_input_error(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError):
        write_outputs(sample_result(), tmp_path / "f")


def test_streamed_pair_record_is_the_stamped_to_dict():
    from aligner.model import DocPair
    from aligner.output.records import stamp
    from aligner.output.stream import pair_record

    p = DocPair("a", "b", "en", "fr", "parallel", 0.5,
                {"sentences": [3, 4], "nested": {"x": (1, 2)}, "error": None, "share": 0.25})
    assert pair_record(p, "run1") == stamp(p.to_dict(), "run1")
    assert json_line(pair_record(p, "run1")) == json_line(stamp(p.to_dict(), "run1"))
