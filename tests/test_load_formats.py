"""The readers of aligner/load on files written by the real libraries: text, locators, nothing lost, errors."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from aligner.config import Config
from aligner.load import load_corpus, load_documents
from aligner.load.extract import locate
from aligner.segment import coverage_problems, segment_corpus
from format_fixtures import (EN, EN_TITLE, IT, need, wrap, write_docx, write_odt, write_pdf, write_po,
                             write_xliff12, xliff20)


def read(path: Path, config: Config | None = None):
    config = config or Config()
    docs = load_documents(path, path.stem, config=config)
    segment_corpus(docs, config=config)
    return docs


def one(path: Path):
    docs = read(path)
    assert len(docs) == 1
    doc = docs[0]
    assert doc.ok, doc.problem
    assert coverage_problems(doc) == [], coverage_problems(doc)
    return doc


def texts(doc) -> list[str]:
    return [s.text for s in doc.sentences]


def test_docx_body_list_table_and_headers(tmp_path):
    path = write_docx(tmp_path / "a.docx", EN_TITLE, EN[:2], bullets=["Bring the receipt.", "Keep the book clean."],
                      table=[["Item", "Days to return"], ["Hardback books", "Thirty days from purchase."]],
                      header="Bookshop staff handbook", footer="Internal use only")
    doc = one(path)
    got = texts(doc)
    assert got[0] == EN_TITLE and doc.sentences[0].kind == "heading"
    for sent in ("Customers who bring back a book need a receipt.", "Bring the receipt.", "Keep the book clean.",
                 "Thirty days from purchase."):
        assert sent in got
    assert "Bookshop staff handbook" not in " ".join(got)
    reasons = {r.reason: r.text for r in doc.removed}
    assert reasons.get("page-header") == "Bookshop staff handbook"
    assert reasons.get("page-footer") == "Internal use only"
    # every paragraph its own paragraph id; a table cell is located by table/row/cell
    paras = {s.text: s.paragraph for s in doc.sentences}
    assert paras["Bring the receipt."] != paras["Keep the book clean."]
    cell = next(s for s in doc.sentences if s.text == "Thirty days from purchase.")
    where = locate(doc.extraction, cell.raw_start)
    assert (where["table"], where["row"], where["cell"], where["paragraph"], where["offset"]) == (0, 1, 1, 0, 0)
    second = next(s for s in doc.sentences if s.text.startswith("The receipt shows"))
    where = locate(doc.extraction, second.raw_start)
    import docx

    original = docx.Document(str(path)).paragraphs[where["paragraph"]].text  # the locator finds it
    assert original[where["offset"]:].startswith("The receipt shows")
    assert doc.extraction["reader"] == "docx" and "formatting" in doc.extraction["not_extracted"]
    assert doc.to_dict()["extraction"]["blocks"]


def test_docx_images_are_listed_as_not_extracted(tmp_path):
    docx = need("docx")
    Image = need("PIL.Image")  # Pillow comes with reportlab
    png = tmp_path / "dot.png"
    Image.new("RGB", (4, 4), "red").save(png)
    d = docx.Document()
    d.add_paragraph(EN[0])
    d.add_picture(str(png))
    d.save(str(tmp_path / "img.docx"))
    doc = one(tmp_path / "img.docx")
    assert doc.extraction["not_extracted"]["images"] == 1


@pytest.mark.parametrize("make, problem", [
    (lambda p: p.write_bytes(b"PK\x03\x04 this is not really a zip archive" * 3), "not a readable .docx"),
    (lambda p: p.write_bytes(b""), "empty file"),
])
def test_bad_docx_is_a_document_error(tmp_path, make, problem):
    path = tmp_path / "bad.docx"
    make(path)
    (doc,) = read(path)
    assert doc.status == "error" and problem in doc.problem


def test_truncated_docx(tmp_path):
    good = write_docx(tmp_path / "good.docx", EN_TITLE, EN)
    bad = tmp_path / "cut.docx"
    bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    (doc,) = read(bad)
    assert doc.status == "error" and "corrupt or truncated" in doc.problem


def test_password_protected_docx(tmp_path):
    need("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile
    good = write_docx(tmp_path / "good.docx", EN_TITLE, EN)
    enc = tmp_path / "locked.docx"
    with open(good, "rb") as fi, open(enc, "wb") as fo:
        OOXMLFile(fi).encrypt("secret", fo)
    (doc,) = read(enc)
    assert doc.status == "error" and "password-protected" in doc.problem


def test_odt_headings_paragraphs_and_annotations(tmp_path):
    path = write_odt(tmp_path / "a.odt", EN_TITLE, EN[:3], annotation="Check this with the manager")
    doc = one(path)
    got = texts(doc)
    assert got[0] == EN_TITLE
    assert "Damaged books are never refunded." in got
    assert "Check this with the manager" not in " ".join(got)
    assert doc.extraction["not_extracted"]["annotations"] == 1
    s = next(s for s in doc.sentences if s.text.startswith("Books can be"))
    assert locate(doc.extraction, s.raw_start)["element"] == 2  # h, p, p(this)


def test_markdown_front_matter_code_and_inline_markup(tmp_path):
    md = ("---\ntitle: Returns\nlang: en\n---\n\n# Returns at the bookshop\n\n"
          "Customers who bring back a book need a **receipt**. See [the policy](https://example.org/p).\n\n"
          "- Bring the receipt.\n- Keep the book *clean*.\n\n```python\nprint('refund')\n```\n\n"
          "Damaged books are never refunded.\n\n> Quoted text goes\n> on here.\n")
    path = tmp_path / "a.md"
    path.write_text(md, encoding="utf-8")
    doc = one(path)
    got = texts(doc)
    assert got == ["Returns at the bookshop", "Customers who bring back a book need a receipt.", "See the policy.",
                   "Bring the receipt.", "Keep the book clean.", "Damaged books are never refunded.",
                   "Quoted text goes on here."]
    reasons = {r.reason for r in doc.removed}
    assert {"front-matter", "code", "markup"} <= reasons
    code = next(r for r in doc.removed if r.reason == "code")
    assert "print('refund')" in code.text
    # raw offsets index the Markdown file itself
    s = doc.sentences[-2]
    assert md[s.raw_start:s.raw_end] == "Damaged books are never refunded."


def test_pdf_running_header_page_numbers_hyphenation_and_page_break(tmp_path):
    p1 = [EN_TITLE, ""] + wrap(EN[0]) + [""] + ["Books can be returned within thirty days. After that, the shop of-",
                                                "fers a voucher instead of money. Damaged books are never refunded and"]
    p2 = ["the assistant checks every page before accepting a return.", ""] + wrap(EN[3])
    path = write_pdf(tmp_path / "a.pdf", [p1, p2], header="Bookshop staff handbook")
    doc = one(path)
    got = texts(doc)
    assert "After that, the shop offers a voucher instead of money." in got
    assert ("Damaged books are never refunded and the assistant checks every page before accepting a return."
            in got)  # one paragraph across the page end
    reasons = [r.reason for r in doc.removed]
    assert reasons.count("running-header") == 2 and reasons.count("page-number") == 2
    hy = doc.extraction["info"]["hyphenation"]
    assert [h["joined"] for h in hy] == ["offers"]
    s = next(s for s in doc.sentences if s.text.startswith("After that"))
    assert "of-\nfers" in s.raw_text
    where = locate(doc.extraction, s.raw_start)
    assert where["page"] == 1


def test_pdf_without_text_layer_and_truncated(tmp_path):
    need("reportlab")
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(tmp_path / "scan.pdf"))
    c.rect(50, 50, 200, 200, fill=1)
    c.showPage()
    c.save()
    (doc,) = read(tmp_path / "scan.pdf")
    assert doc.status == "error" and "no text layer" in doc.problem
    good = write_pdf(tmp_path / "good.pdf", [wrap(EN[0])])
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(good.read_bytes()[:300])
    (doc,) = read(cut)
    assert doc.status == "error" and "PDF" in doc.problem


def test_srt_cues_are_units_with_time_codes(tmp_path):
    srt_text = ("1\n00:00:01,000 --> 00:00:03,000\nCustomers who bring back a book\nneed a receipt.\n\n"
                "2\n00:00:03,500 --> 00:00:06,000\nThe receipt shows the date.\n\n")
    path = tmp_path / "a.srt"
    path.write_text(srt_text, encoding="utf-8")
    doc = one(path)
    assert texts(doc) == ["Customers who bring back a book need a receipt.", "The receipt shows the date."]
    assert doc.sentences[0].paragraph != doc.sentences[1].paragraph
    where = locate(doc.extraction, doc.sentences[1].raw_start)
    assert (where["cue"], where["start_time"], where["end_time"]) == (2, "00:00:03,500", "00:00:06,000")
    assert {r.reason for r in doc.removed} == {"timecode"}


def test_srt_malformed(tmp_path):
    path = tmp_path / "bad.srt"
    path.write_text("1\nthis is not a time code\nHello\n", encoding="utf-8")
    (doc,) = read(path)
    assert doc.status == "error" and ".srt" in doc.problem


def test_po_and_xliff_become_two_documents(tmp_path):
    pairs = list(zip(EN[:3], IT[:3]))
    for path in (write_po(tmp_path / "ui.po", pairs), write_xliff12(tmp_path / "ui12.xlf", pairs)):
        src, tgt = read(path)
        assert (src.doc, tgt.doc) == (f"{path.stem}#source", f"{path.stem}#target")
        assert tgt.lang == "it" and src.ok and tgt.ok
        assert coverage_problems(src) == [] and coverage_problems(tgt) == []
        assert texts(src)[:2] == ["Customers who bring back a book need a receipt.", "The receipt shows the date and the price paid."]
        where = locate(tgt.extraction, tgt.sentences[2].raw_start)
        assert where["index"] == 1 and where["line"] > 1
    path = tmp_path / "ui20.xlf"
    path.write_text(xliff20(pairs), encoding="utf-8")
    src, tgt = read(path)
    assert src.lang == "en" and tgt.lang == "it"
    assert locate(src.extraction, src.sentences[0].raw_start)["unit"] == "u1"


@pytest.mark.parametrize("name, content, problem", [
    ("broken.xlf", '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en"><file id="f">',
     "malformed XLIFF"),
    ("notx.xlf", '<?xml version="1.0"?><tmx version="1.4"/>', "not an XLIFF file"),
    ("mixed.xlf", '<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">'
                  '<file source-language="en" target-language="it" original="a"><body><trans-unit id="1">'
                  '<source>Hello.</source><target>Ciao.</target></trans-unit></body></file>'
                  '<file source-language="de" target-language="it" original="b"><body><trans-unit id="2">'
                  '<source>Hallo.</source><target>Ciao.</target></trans-unit></body></file></xliff>',
     "mismatched source language"),
    ("lang.xlf", '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="it">'
                 '<file id="f"><unit id="u1"><segment><source xml:lang="fr">Bonjour.</source><target>Ciao.</target>'
                 '</segment></unit></file></xliff>', "mismatched source language"),
    ("bad.po", 'msgid "Hello"\nmsgstr "Ciao"\nmsgid "unterminated\n', "syntax error at line 3"),
    ("bad2.po", 'msgid "Hello"\nmsgstr "Ciao"\n\nthis is garbage\n', "syntax error at line 4"),
])
def test_bad_bilingual_files_are_document_errors(tmp_path, name, content, problem):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    docs = read(path)
    assert docs and all(d.status == "error" for d in docs)
    assert problem in docs[0].problem


def test_manifest_source_language_mismatch(tmp_path):
    write_xliff12(tmp_path / "ui.xlf", list(zip(EN[:2], IT[:2])))
    (tmp_path / "manifest.toml").write_text('[documents.ui]\nlang = "de"\n', encoding="utf-8")
    docs = load_corpus(tmp_path, config=Config())
    assert [d.status for d in docs] == ["error", "error"]
    assert "mismatched source language" in docs[0].problem


def test_corpus_reads_every_format(tmp_path):
    write_docx(tmp_path / "a.docx", EN_TITLE, EN)
    write_odt(tmp_path / "b.odt", EN_TITLE, EN)
    (tmp_path / "c.md").write_text("# Title\n\nSome text here.\n", encoding="utf-8")
    write_po(tmp_path / "d.po", [("Save", "Salva")])
    docs = load_corpus(tmp_path, config=Config())
    assert [d.doc for d in docs] == ["a", "b", "c", "d#source", "d#target"]
    assert [d.format for d in docs] == ["docx", "odt", "markdown", "po", "po"]


def test_missing_library_names_the_extra(tmp_path, monkeypatch):
    import builtins

    path = write_docx(tmp_path / "a.docx", EN_TITLE, EN)
    real_import = builtins.__import__

    def no_docx(name, *args, **kwargs):
        if name == "docx" or name.startswith("docx."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_docx)
    (doc,) = load_documents(path, "a", config=Config())
    assert doc.status == "error" and "aligner[formats]" in doc.problem and "python-docx" in doc.problem


def test_docx_zip_without_document_part(tmp_path):
    path = tmp_path / "z.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hello")
    (doc,) = read(path)
    assert doc.status == "error" and ".docx" in doc.problem


def test_bilingual_units_match_translate_toolkit(tmp_path):
    """Our PO and XLIFF readers see the same units as translate-toolkit's (an independent reader)."""
    need("translate")
    from translate.storage import factory

    pairs = [(EN[0], IT[0]), ("Save", "Salva"), (EN[2], "")]
    for path in (write_po(tmp_path / "ui.po", pairs), write_xliff12(tmp_path / "ui.xlf", pairs)):
        store = factory.getobject(str(path))
        theirs = [(u.source, u.target or "") for u in store.units if not u.isheader()]
        src, tgt = load_documents(path, "ui", config=Config())
        by_unit = {}
        for side, d in (("s", src), ("t", tgt)):
            for b in d.extraction["blocks"]:
                by_unit.setdefault(b["index"], {})[side] = d.raw[b["start"]:b["end"]]
        ours = [(by_unit[k].get("s", ""), by_unit[k].get("t", "")) for k in sorted(by_unit)]
        assert ours == theirs == pairs


FRAGMENTS = [
    "# Returns at the bookshop", "## Opening *hours*", "Customers who bring back a book need a **receipt**.",
    "See [the policy](https://example.org/p) and `the form`.", "- Bring the receipt.\n- Keep it *clean*.",
    "1. First step.\n2. Second step.", "```\ncode here\n```", "    indented code", "> Quoted text goes\n> on here.",
    "<div>raw html</div>", "| a | b |\n|---|---|\n| one cell. | two cell. |", "Text with an image ![alt text](x.png).",
    "A line with a hard break  \nand more.", "***", "Escaped \\*stars\\* and &amp; entities.",
]


def test_markdown_nothing_lost_property(tmp_path):
    """Whatever the mix of Markdown blocks, every character is in a sentence or a removed span with a reason."""
    hypothesis = need("hypothesis")
    from hypothesis import given, settings, strategies as st

    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=8), st.booleans())
    def check(blocks, front_matter):
        md = ("---\ntitle: x\n---\n\n" if front_matter else "") + "\n\n".join(blocks) + "\n"
        path = tmp_path / "p.md"
        path.write_text(md, encoding="utf-8")
        docs = read(path)
        for d in docs:
            if d.ok:
                assert coverage_problems(d) == [], (md, coverage_problems(d))
                assert not any("**" in s.text or "](" in s.text for s in d.sentences), [s.text for s in d.sentences]

    del hypothesis
    check()
