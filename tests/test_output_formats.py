"""The review and exchange writers: XLIFF 2.1 (checked against the OASIS core structure), XLSX (read back by
openpyxl), passages.jsonl, and `aligner export -f xliff|xlsx|passages`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.output import write_outputs
from aligner.output.passages import passage_records
from aligner.output.xliff import write_xliff
from output_samples import sample_result

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
STATES = {"initial", "translated", "reviewed", "final"}


def q(tag: str) -> str:
    return f"{{{XLIFF_NS}}}{tag}"


def check_xliff21(data: bytes) -> list:
    """Assert the XLIFF 2.1 core structure (spec section 4.2); return the <unit> elements."""
    from lxml import etree

    root = etree.fromstring(data)
    assert root.tag == q("xliff") and root.get("version") == "2.1"
    assert root.get("srcLang"), "srcLang is required"
    files = root.findall(q("file"))
    assert files, "at least one <file>"
    units = []
    for f in files:
        assert f.get("id"), "<file> needs an id"
        children = [c for c in f if isinstance(c.tag, str)]
        assert all(c.tag in (q("notes"), q("unit"), q("group"), q("skeleton")) for c in children)
        assert any(c.tag in (q("unit"), q("group")) for c in children), "a <file> holds a unit or a group"
        ids = [u.get("id") for u in f.findall(q("unit"))]
        assert all(ids) and len(ids) == len(set(ids)), "unit ids are required and unique in a file"
        for u in f.findall(q("unit")):
            kids = [c.tag for c in u if isinstance(c.tag, str)]
            assert set(kids) <= {q("notes"), q("segment"), q("ignorable"), q("originalData")}
            assert q("segment") in kids
            if q("notes") in kids:
                assert kids.index(q("notes")) < kids.index(q("segment")), "notes come before segments"
                for note in u.find(q("notes")):
                    assert note.tag == q("note")
                    if note.get("priority"):
                        assert 1 <= int(note.get("priority")) <= 10
                    assert note.get("appliesTo") in (None, "source", "target")
            for seg in u.findall(q("segment")):
                parts = [c.tag for c in seg if isinstance(c.tag, str)]
                assert parts[0] == q("source") and parts[1:] in ([], [q("target")])
                if seg.get("state"):
                    assert seg.get("state") in STATES
                if seg.get("subState"):
                    assert seg.get("state") and ":" in seg.get("subState")
                if seg.find(q("target")) is not None:
                    assert root.get("trgLang"), "trgLang is required when there are targets"
            units.append(u)
    return units


def test_xliff21_structure_notes_and_review_state():
    result = sample_result()
    from aligner.output import flag_records

    flags = flag_records(result)
    recs = [r for r in result.records if r["src_lang"] == result.records[0]["src_lang"]
            and r["tgt_lang"] == result.records[0]["tgt_lang"]]
    buf = io.StringIO()
    n = write_xliff(buf, recs, flags=flags, signature={"id": "abc", "version": "0.1.0"})
    units = check_xliff21(buf.getvalue().encode("utf-8"))
    assert n == len(units) == len(recs)
    by_name = {u.get("name"): u for u in units}
    for r in recs:
        u = by_name[r["id"]]
        seg = u.find(q("segment"))
        assert seg.find(q("source")).text == r["src"] and (seg.find(q("target")).text or "") == r["tgt"]
        cats = [nt.get("category") for nt in u.find(q("notes"))]
        assert all(f"aligner:{code}" in cats for code in r["flags"])
        own = [f for f in flags if f.get("bead") == r["id"] and f["severity"] in ("warning", "error")]
        expected = "aligner:needs-review" if (own or not r["keep"]) else "aligner:ok"
        assert seg.get("subState") == expected
    assert {u.find(q("segment")).get("subState") for u in units} == {"aligner:ok", "aligner:needs-review"}


def test_xliff_without_beads_is_still_valid():
    buf = io.StringIO()
    assert write_xliff(buf, []) == 0
    assert check_xliff21(buf.getvalue().encode()) == []


def test_run_writes_xlsx_xliff_and_passages(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    result = sample_result()
    paths = write_outputs(result, tmp_path / "out")
    wb = openpyxl.load_workbook(paths["aligned.xlsx"])
    ws = wb["beads"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:8] == ("id", "source", "target", "score", "type", "flags", "keep", "drop_reason")
    assert len(rows) - 1 == len(result.records)  # every bead, dropped ones included
    by_id = {r["id"]: r for r in result.records}
    for row in rows[1:]:
        rec = by_id[row[0]]
        assert (row[1] or "") == rec["src"] and (row[2] or "") == rec["tgt"]
        assert row[3] == pytest.approx(rec["score"]) and row[6] is rec["keep"]
        assert (row[7] or None) == rec["drop_reason"] and (row[5] or "") == " ".join(rec["flags"])
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:L{len(rows)}"
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    assert any(rule.type == "colorScale" for rule in rules)
    assert wb["run"]["A2"].value is not None
    # XLIFF: the first language pair in aligned.xlf, the others beside it, every kept bead once
    kept = {r["id"] for r in result.records if r["keep"]}
    seen = []
    for name, path in paths.items():
        if name.endswith(".xlf"):
            seen += [u.get("name") for u in check_xliff21(path.read_bytes())]
    assert sorted(seen) == sorted(kept)
    # passages: every bead in exactly one passage, paragraphs as in documents.jsonl
    passages = [json.loads(x) for x in paths["passages.jsonl"].read_text(encoding="utf-8").splitlines()]
    assert sorted(b for p in passages for b in p["beads"]) == sorted(by_id)
    assert all(p["schema"] == 1 and p["run"] for p in passages)


def test_passages_group_beads_by_paragraph():
    result = sample_result()
    passages = passage_records(result.aligned, result.records)
    docs = {d.doc: d for d in result.documents}
    for p in passages:
        for bid in p["beads"]:
            r = next(x for x in result.records if x["id"] == bid)
            assert {docs[p["src_doc"]].sentences[i].paragraph for i in r["src_sents"]} <= set(p["src_paragraphs"])
            assert {docs[p["tgt_doc"]].sentences[j].paragraph for j in r["tgt_sents"]} <= set(p["tgt_paragraphs"])
        kept = [x for x in result.records if x["id"] in p["beads"] and x["keep"]]
        assert p["src"] == " ".join(x["src"] for x in kept if x["src"])
        assert p["complete"] == (len(kept) == len(p["beads"]))
    # consecutive passages of one pair never share a paragraph
    for a, b in zip(passages, passages[1:]):
        if (a["src_doc"], a["tgt_doc"]) == (b["src_doc"], b["tgt_doc"]):
            assert not set(a["src_paragraphs"]) & set(b["src_paragraphs"])
            assert not set(a["tgt_paragraphs"]) & set(b["tgt_paragraphs"])


@pytest.fixture
def run_dir(tmp_path) -> Path:
    out = tmp_path / "out"
    write_outputs(sample_result(), out)
    return out


def test_export_xliff_needs_one_language_pair(run_dir, tmp_path):
    from aligner.cli import cli

    r = CliRunner().invoke(cli, ["export", str(run_dir), "-f", "xliff", "-o", str(tmp_path / "x.xlf")])
    assert r.exit_code != 0 and "--lang-pair" in str(r.exception or r.output)
    pair = json.loads((run_dir / "aligned.jsonl").read_text(encoding="utf-8").splitlines()[0])
    lp = f"{pair['src_lang']}-{pair['tgt_lang']}"
    r = CliRunner().invoke(cli, ["export", str(run_dir), "-f", "xliff", "--lang-pair", lp, "-o", str(tmp_path / "x.xlf")],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    units = check_xliff21((tmp_path / "x.xlf").read_bytes())
    assert units and all(u.getparent().getparent().get("srcLang") == pair["src_lang"] for u in units)


def test_export_xlsx_and_passages(run_dir, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from aligner.cli import cli

    r = CliRunner().invoke(cli, ["export", str(run_dir), "-f", "xlsx", "--all", "-o", str(tmp_path / "r.xlsx")],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    n = sum(1 for _ in (run_dir / "aligned.jsonl").open(encoding="utf-8"))
    assert openpyxl.load_workbook(tmp_path / "r.xlsx")["beads"].max_row == n + 1
    r = CliRunner().invoke(cli, ["export", str(run_dir), "-f", "passages", "--all", "-o", str(tmp_path / "p.jsonl")],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    exported = [json.loads(x) for x in (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()]
    written = [json.loads(x) for x in (run_dir / "passages.jsonl").read_text(encoding="utf-8").splitlines()]
    strip = lambda p: {k: v for k, v in p.items() if k not in ("schema", "run")}  # noqa: E731
    assert [strip(p) for p in exported] == [strip(p) for p in written]


def test_xlsx_bytes_do_not_depend_on_the_clock(monkeypatch):
    need_openpyxl = pytest.importorskip("openpyxl")
    import time

    from aligner.output.xlsx import write_xlsx

    result = sample_result()
    a, b = io.BytesIO(), io.BytesIO()
    write_xlsx(a, result.records, signature={"id": "x"})
    time.sleep(2.1)  # zip entry times have a 2-second resolution
    write_xlsx(b, result.records, signature={"id": "x"})
    assert a.getvalue() == b.getvalue()
    wb = need_openpyxl.load_workbook(io.BytesIO(a.getvalue()))
    assert wb["beads"].max_row == len(result.records) + 1


def _xlsx_in_memory(records, signature):
    """The review sheet as openpyxl builds it with every row in memory (the writer before streaming): the reference
    the streamed aligned.xlsx must equal byte for byte."""
    from openpyxl import Workbook
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from aligner.output.xlsx import COLUMNS, WIDTHS, _cell, reproducible

    wb = Workbook()
    ws = wb.active
    ws.title = "beads"
    ws.append(list(COLUMNS))
    for c in ws[1]:
        c.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for n, r in enumerate(records, 1):
        score = r.get("score")
        ws.append([_cell(v) for v in (
            r.get("id"), r.get("src"), r.get("tgt"), float(score) if isinstance(score, (int, float)) else None,
            r.get("type"), " ".join(map(str, r.get("flags") or [])), bool(r.get("keep", True)),
            r.get("drop_reason") or "", r.get("src_lang"), r.get("tgt_lang"), r.get("src_doc"), r.get("tgt_doc"))])
        for col in (2, 3):
            ws.cell(row=n + 1, column=col).alignment = wrap
    n = len(records)
    for k, name in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(k)].width = WIDTHS.get(name, 12)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{n + 1}"
    if n:
        ws.conditional_formatting.add(f"D2:D{n + 1}", ColorScaleRule(
            start_type="num", start_value=0, start_color="F8696B", mid_type="num", mid_value=0.5,
            mid_color="FFEB84", end_type="num", end_value=1, end_color="63BE7B"))
        for row in range(2, n + 2):
            ws.cell(row=row, column=4).number_format = "0.000"
    meta = wb.create_sheet("run")
    meta.append(["key", "value"])
    for key, value in (signature or {}).items():
        meta.append([key, _cell(value if isinstance(value, (str, int, float, bool)) or value is None
                                else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))])
    buf = io.BytesIO()
    wb.save(buf)
    return reproducible(buf.getvalue())


@pytest.mark.parametrize("seed,n", [(0, 0), (1, 1), (2, 7), (3, 2500)])
def test_streamed_xlsx_is_the_in_memory_workbook_byte_for_byte(seed, n):
    pytest.importorskip("openpyxl")
    import random

    from aligner.output.xlsx import write_xlsx

    rng = random.Random(seed)
    pieces = ["abc", " ", "XYZ", "\t", "\n", "\r", "&", "<", ">", '"', "'", "\x01", "\x0b", "\x7f", "\x85", "\u00e9",
              "\u2028", "\U0001F600", "\ufffd", "]]>", "  "]

    def text():
        return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 9)))

    records = [{"id": rng.choice([f"p-{k}", None]), "src": rng.choice([text(), "", None, " lead"]), "tgt": text(),
                "score": rng.choice([None, 0.5, 1, 0.1234567890123456789, float("nan"), rng.random()]),
                "type": rng.choice(["1-1", "2-1", None]), "flags": rng.choice([[], ["glue", "case"], None]),
                "keep": rng.choice([True, False, None]), "drop_reason": rng.choice([None, "", "short"]),
                "src_lang": rng.choice(["en", None]), "tgt_lang": "fr", "src_doc": text(), "tgt_doc": "d"}
               for k in range(n)]
    signature = {"id": "run", "version": "1", "encoder": {"name": "e5", "revision": text()}, "t": 0.5}
    streamed = io.BytesIO()
    assert write_xlsx(streamed, iter(records), signature=signature) == n  # a one-pass iterator, as the runs give
    assert streamed.getvalue() == _xlsx_in_memory(records, signature)


def test_xlsx_text_is_never_a_formula_or_an_error_value():
    openpyxl = pytest.importorskip("openpyxl")
    from aligner.output.xlsx import write_xlsx

    buf = io.BytesIO()
    write_xlsx(buf, [{"id": "b1", "src": "=SUM(A1:A9)", "tgt": "#N/A", "score": 0.9, "keep": True}])
    ws = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))["beads"]
    assert (ws["B2"].value, ws["B2"].data_type) == ("=SUM(A1:A9)", "s")
    assert (ws["C2"].value, ws["C2"].data_type) == ("#N/A", "s")
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:L2"
    assert ws["B2"].alignment.wrap_text and ws["D2"].number_format == "0.000" and ws["A1"].font.b


def test_xliff_groups_a_document_pair_that_comes_back_into_its_first_file():
    recs = [{"id": f"b{k}", "src_doc": sd, "tgt_doc": "t", "src_lang": "en", "tgt_lang": "fr", "src": f"s{k}",
             "tgt": f"t{k}", "score": 0.9, "type": "1-1", "flags": [], "keep": True}
            for k, sd in enumerate(["a", "a", "b", "a", "b"])]
    buf = io.StringIO()
    assert write_xliff(buf, recs) == 5
    units = check_xliff21(buf.getvalue().encode("utf-8"))
    # one <file> per document pair, in the order the pairs first come; units numbered in the written order
    assert [u.get("name") for u in units] == ["b0", "b1", "b3", "b2", "b4"]
    assert [u.get("id") for u in units] == ["u1", "u2", "u3", "u4", "u5"]
    assert buf.getvalue().count("<file ") == 2
