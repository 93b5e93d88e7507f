"""Golden end-to-end tests per input family, with the REAL encoder and real files.

1. An English DOCX article (python-docx) and its Italian translation as PDF (reportlab): the translator
   left out one paragraph and split one sentence in two. `aligner align` writes a TMX that
   translate-toolkit reads, an XLSX review sheet and XLIFF 2.1; the missing paragraph is reported as
   an omission and the split sentence is a 1-2 bead.
2. A bilingual XLIFF 1.2 (translate-toolkit) and a PO file (polib) with an untranslated English segment
   and a glued sentence fail `aligner check`, with findings that name the unit id / the file line.
3. A corpus folder with en/ and it/ Markdown files pairs them by name, confirmed by content.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from format_fixtures import need, wrap, write_docx, write_pdf, write_po, write_xliff12

pytestmark = pytest.mark.slow

TITLE_EN = "How a small library runs its lending service"
ARTICLE_EN = [
    "The town library lends about four hundred books every week. Most borrowers are students and retired "
    "people who visit in the morning.",
    "Each loan lasts three weeks and can be renewed twice by phone. A book that another reader has reserved "
    "cannot be renewed.",
    "Late returns cost twenty cents per day. The fee is waived for children under twelve.",
    "Volunteers repair damaged covers every Thursday afternoon. They also label the new arrivals and put them "
    "on the display shelf near the entrance.",
    "Last year the library added a small collection of board games. Families can borrow one game at a time for "
    "a weekend.",
    "The staff publish a short newsletter at the start of each month. It lists the new titles and the dates of "
    "the reading club.",
]
TITLE_IT = "Come una piccola biblioteca gestisce il servizio di prestito"
ARTICLE_IT = [
    "La biblioteca comunale presta circa quattrocento libri ogni settimana. La maggior parte degli utenti sono "
    "studenti e pensionati che vengono al mattino.",
    # split: "Each loan lasts three weeks and can be renewed twice by phone." -> two sentences
    "Ogni prestito dura tre settimane. Può essere rinnovato due volte per telefono. Un libro che un altro "
    "lettore ha prenotato non può essere rinnovato.",
    "I ritardi nella restituzione costano venti centesimi al giorno. La multa non si applica ai bambini sotto "
    "i dodici anni.",
    # the paragraph about the volunteers is missing in the translation
    "L'anno scorso la biblioteca ha aggiunto una piccola raccolta di giochi da tavolo. Le famiglie possono "
    "prendere in prestito un gioco alla volta per un fine settimana.",
    "Il personale pubblica un breve notiziario all'inizio di ogni mese. Vi sono elencati i nuovi titoli e le "
    "date del circolo di lettura.",
]


def aligner_cmd(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "aligner", *args], capture_output=True, text=True, timeout=900,
                          cwd=cwd)


@pytest.fixture(scope="module")
def docx_pdf_outputs(tmp_path_factory):
    need("docx")
    need("reportlab")
    tmp = tmp_path_factory.mktemp("docx_pdf")
    src = write_docx(tmp / "library.en.docx", TITLE_EN, ARTICLE_EN, header="Town library newsletter")
    lines = [TITLE_IT, ""]
    for p in ARTICLE_IT:
        lines += wrap(p, 85) + [""]
    pages = [lines[:14], lines[14:]]  # a page break inside the article, page numbers and a running header
    tgt = write_pdf(tmp / "library.it.pdf", pages, header="Notiziario della biblioteca")
    outs = {}
    for ext in ("tmx", "xlsx", "xlf", "jsonl"):
        out = tmp / f"memory.{ext}"
        proc = aligner_cmd("align", str(src), str(tgt), "-o", str(out))
        assert proc.returncode == 0, proc.stderr
        outs[ext] = out
    return outs


def test_docx_and_pdf_align_into_a_tmx_translate_toolkit_reads(docx_pdf_outputs):
    need("translate")
    from translate.storage.tmx import tmxfile

    with open(docx_pdf_outputs["tmx"], "rb") as fh:
        tmx = tmxfile(fh)
    pairs = {u.source: u.target for u in tmx.units}
    assert pairs["Late returns cost twenty cents per day."] == "I ritardi nella restituzione costano venti centesimi al giorno."
    assert pairs[TITLE_EN] == TITLE_IT
    assert pairs["Each loan lasts three weeks and can be renewed twice by phone."] == \
        "Ogni prestito dura tre settimane. Può essere rinnovato due volte per telefono."
    assert not any("Volunteers" in s for s in pairs)  # the omitted paragraph is not in the memory
    assert not any("Notiziario" in t or "newsletter" in s.lower() and "Town" in s for s, t in pairs.items())


def test_split_sentence_is_a_1_2_bead_and_missing_paragraph_an_omission(docx_pdf_outputs):
    beads = [json.loads(x) for x in docx_pdf_outputs["jsonl"].read_text(encoding="utf-8").splitlines()]
    split = next(b for b in beads if b["src_text"].startswith("Each loan lasts"))
    assert split["type"] == "1-2" and split["keep"]
    assert split["tgt_text"] == "Ogni prestito dura tre settimane. Può essere rinnovato due volte per telefono."
    volunteers = [b for b in beads if b["src_text"].startswith(("Volunteers", "They also label"))]
    assert len(volunteers) == 2 and all(b["type"] == "1-0" for b in volunteers)
    assert all("omission" in b["flags"] for b in volunteers) and not any(b["keep"] for b in volunteers)
    assert sum(b["type"] == "1-1" for b in beads) >= 9


def test_docx_pdf_review_sheet_and_xliff(docx_pdf_outputs):
    openpyxl = need("openpyxl")
    from test_output_formats import check_xliff21

    ws = openpyxl.load_workbook(docx_pdf_outputs["xlsx"])["beads"]
    rows = list(ws.iter_rows(values_only=True))
    omitted = [r for r in rows[1:] if (r[1] or "").startswith("Volunteers")]
    assert omitted and omitted[0][4] == "1-0" and "omission" in omitted[0][5] and omitted[0][6] is False
    units = check_xliff21(docx_pdf_outputs["xlf"].read_bytes())
    ns = "{urn:oasis:names:tc:xliff:document:2.0}"
    src = [u.find(f"{ns}segment/{ns}source").text for u in units]
    assert "Each loan lasts three weeks and can be renewed twice by phone." in src
    assert not any(s.startswith("Volunteers") for s in src)  # only kept beads go to the exchange file


BILINGUAL = [
    ("Your order has been shipped.", "Il tuo ordine è stato spedito."),
    ("The file was saved. Restart the application to apply the changes.",
     "Il file è stato salvato.Riavvia l'applicazione per applicare le modifiche."),  # glued
    ("Your subscription will renew automatically at the end of the month.",
     "Your subscription will renew automatically at the end of the month."),  # untranslated
    ("We could not connect to the server. Check your network settings.",
     "Impossibile connettersi al server. Controlla le impostazioni di rete."),
    ("Click the button below to download your invoice.", "Fai clic sul pulsante qui sotto per scaricare la fattura."),
]


def test_bilingual_xliff_and_po_fail_the_gate_with_unit_and_line(tmp_path):
    need("polib")
    need("translate")
    repo = tmp_path / "locales"
    repo.mkdir()
    write_po(repo / "app.po", BILINGUAL)
    write_xliff12(repo / "site.xlf", BILINGUAL)
    # default gate: the English segment (a run of 4+ English words) is an error; glued sentences are listed too
    proc = aligner_cmd("check", str(repo), "--format", "json", "-o", str(tmp_path / "r.json"))
    assert proc.returncode == 1, proc.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    findings = report["findings"] if "findings" in report else report["reported"]
    po_text = (repo / "app.po").read_text(encoding="utf-8").splitlines()
    xlf_text = (repo / "site.xlf").read_text(encoding="utf-8").splitlines()

    def where(code, doc):
        return [f for f in findings if f["code"] == code and f["doc"] == doc]

    for doc, lines in (("app#target", po_text), ("site#target", xlf_text)):
        glued = where("glued-sentence", doc)
        assert glued, [(f["code"], f["doc"]) for f in findings]
        untranslated = where("untranslated", doc) + where("wrong-language", doc)
        assert untranslated
        for f in glued:
            assert "salvato.Riavvia" in lines[f["line"] - 1] or "Restart the application" in lines[f["line"] - 1] \
                or "salvato.Riavvia" in " ".join(lines[f["line"] - 1:f["line"] + 2])
        for f in untranslated:
            assert "renew automatically" in " ".join(lines[f["line"] - 1:f["line"] + 2])
    assert {f["locator"]["unit"] for f in where("glued-sentence", "site#target")} == {"msg2"}
    assert {f["locator"]["entry"] for f in where("glued-sentence", "app#target")} == {1}
    # the correctly translated segments raise no error
    assert not [f for f in findings if f["severity"] == "error" and "ordine" in (f.get("text") or "")]


def test_corpus_pairs_markdown_by_folder_name(tmp_path):
    corpus = tmp_path / "docs"
    (corpus / "en").mkdir(parents=True)
    (corpus / "it").mkdir()
    (corpus / "en" / "library.md").write_text(f"# {TITLE_EN}\n\n" + "\n\n".join(ARTICLE_EN) + "\n", encoding="utf-8")
    (corpus / "it" / "library.md").write_text(f"# {TITLE_IT}\n\n" + "\n\n".join(ARTICLE_IT) + "\n", encoding="utf-8")
    proc = aligner_cmd("run", str(corpus), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    pairs = [json.loads(x) for x in (tmp_path / "out" / "pairs.jsonl").read_text(encoding="utf-8").splitlines()]
    (pair,) = pairs
    assert pair["relation"] == "parallel" and pair["evidence"]["name_match"]["confirmed"] is True
    passages = [json.loads(x) for x in (tmp_path / "out" / "passages.jsonl").read_text(encoding="utf-8").splitlines()]
    assert any(p["src"].startswith("Late returns cost") and p["tgt"].startswith("I ritardi") for p in passages)


def test_subtitles_align_by_time_into_a_tmx(tmp_path):
    """Two .srt tracks of one film scene (the Italian merges two cues) -> TMX read by translate-toolkit."""
    need("srt")
    need("translate")
    from translate.storage.tmx import tmxfile

    en = [("00:00:01,000", "00:00:03,000", "Where did you put the keys?"),
          ("00:00:03,500", "00:00:05,000", "On the kitchen table."),
          ("00:00:05,200", "00:00:06,500", "They are not there."),
          ("00:00:06,600", "00:00:08,000", "Then look in your coat."),
          ("00:00:09,000", "00:00:11,000", "I found them, thank you!")]
    it = [("00:00:01,050", "00:00:03,000", "Dove hai messo le chiavi?"),
          ("00:00:03,500", "00:00:05,000", "Sul tavolo della cucina."),
          ("00:00:05,200", "00:00:08,000", "Non ci sono. Allora guarda nel cappotto."),
          ("00:00:09,000", "00:00:11,000", "Le ho trovate, grazie!")]
    for name, cues in (("scene.en.srt", en), ("scene.it.srt", it)):
        (tmp_path / name).write_text("".join(f"{k}\n{a} --> {b}\n{t}\n\n" for k, (a, b, t) in enumerate(cues, 1)),
                                     encoding="utf-8")
    proc = aligner_cmd("align", str(tmp_path / "scene.en.srt"), str(tmp_path / "scene.it.srt"),
                       "-o", str(tmp_path / "scene.tmx"))
    assert proc.returncode == 0, proc.stderr
    with open(tmp_path / "scene.tmx", "rb") as fh:
        pairs = {u.source: u.target for u in tmxfile(fh).units}
    assert pairs["Where did you put the keys?"] == "Dove hai messo le chiavi?"
    assert pairs["They are not there."] == "Non ci sono."
    assert pairs["Then look in your coat."] == "Allora guarda nel cappotto."
    assert pairs["I found them, thank you!"] == "Le ho trovate, grazie!"
