"""Office, PDF, subtitle and bilingual files written by the real libraries, for the reader tests.

python-docx writes the DOCX, odfpy the ODT, reportlab the PDF, translate-toolkit the XLIFF 1.2
and polib the PO file; the texts are a short English article about a bookshop's returns desk
and its Italian translation, written for these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

EN_TITLE = "Returns at the bookshop"
EN = [
    "Customers who bring back a book need a receipt. The receipt shows the date and the price paid.",
    "Books can be returned within thirty days. After that, the shop offers a voucher instead of money.",
    "Damaged books are never refunded. The assistant checks every page before accepting a return.",
    "Gift cards cannot be exchanged for cash. They are valid for two years from the day of purchase.",
    "Every refund is recorded in the register. The manager reviews the list at the end of each week.",
]
IT_TITLE = "I resi in libreria"
IT = [
    "I clienti che riportano un libro hanno bisogno dello scontrino. Lo scontrino mostra la data e il prezzo pagato.",
    "I libri possono essere restituiti entro trenta giorni. Dopo questo termine, il negozio offre un buono al posto del denaro.",
    "I libri danneggiati non vengono mai rimborsati. L'addetto controlla ogni pagina prima di accettare un reso.",
    "Le carte regalo non possono essere cambiate in contanti. Sono valide per due anni dal giorno dell'acquisto.",
    "Ogni rimborso viene registrato nel registro. Il responsabile controlla l'elenco alla fine di ogni settimana.",
]


def need(module: str):
    return pytest.importorskip(module, reason=f"{module} is part of the test extra: pip install '.[test]'")


def write_docx(path: Path, title: str, paragraphs: list[str], *, table: list[list[str]] | None = None,
               header: str | None = None, footer: str | None = None, bullets: list[str] = ()) -> Path:
    docx = need("docx")
    d = docx.Document()
    d.add_heading(title, level=1)
    for p in paragraphs:
        d.add_paragraph(p)
    for item in bullets:
        d.add_paragraph(item, style="List Bullet")
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                t.cell(r, c).text = text
    if header:
        d.sections[0].header.paragraphs[0].text = header
    if footer:
        d.sections[0].footer.paragraphs[0].text = footer
    d.save(str(path))
    return path


def write_odt(path: Path, title: str, paragraphs: list[str], *, annotation: str | None = None) -> Path:
    need("odf")
    from odf.office import Annotation
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    doc = OpenDocumentText()
    doc.text.addElement(H(outlinelevel=1, text=title))
    for k, text in enumerate(paragraphs):
        p = P(text=text)
        if annotation and k == 0:
            ann = Annotation()
            ann.addElement(P(text=annotation))
            p.addElement(ann)
        doc.text.addElement(p)
    doc.save(str(path))
    return path


def write_pdf(path: Path, pages: list[list[str]], *, header: str | None = None, numbers: bool = True) -> Path:
    """One line of text per entry, a blank entry for a paragraph break; a running header and page numbers."""
    need("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    for n, lines in enumerate(pages, 1):
        c.setFont("Helvetica", 11)
        if header:
            c.drawString(72, height - 40, header)
        y = height - 90
        for line in lines:
            if line:
                c.drawString(72, y, line)
                y -= 14
            else:
                y -= 28
        if numbers:
            c.drawString(width / 2, 30, str(n))
        c.showPage()
    c.save()
    return path


def wrap(text: str, width: int = 80) -> list[str]:
    """Lines of at most `width` characters, broken at spaces (as a typesetter would, without hyphens)."""
    out, cur = [], ""
    for word in text.split():
        if cur and len(cur) + 1 + len(word) > width:
            out.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    if cur:
        out.append(cur)
    return out


def write_po(path: Path, pairs: list[tuple[str, str]], *, lang: str = "it") -> Path:
    polib = need("polib")
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": lang, "MIME-Version": "1.0"}
    for k, (s, t) in enumerate(pairs):
        po.append(polib.POEntry(msgid=s, msgstr=t, occurrences=[("app/views.py", str(10 + k))]))
    po.save(str(path))
    return path


def write_xliff12(path: Path, pairs: list[tuple[str, str]], *, src: str = "en", tgt: str = "it") -> Path:
    """XLIFF 1.2 written by translate-toolkit."""
    need("translate")
    from translate.storage.xliff import xlifffile

    store = xlifffile(sourcelanguage=src, targetlanguage=tgt)
    for k, (s, t) in enumerate(pairs):
        unit = store.addsourceunit(s)
        unit.setid(f"msg{k + 1}")
        unit.target = t
    path.write_bytes(bytes(store))
    return path


def xliff20(pairs: list[tuple[str, str]], *, src: str = "en", tgt: str = "it") -> str:
    units = "\n".join(
        f'    <unit id="u{k + 1}">\n      <segment id="s1">\n        <source>{s}</source>\n'
        f'        <target>{t}</target>\n      </segment>\n    </unit>' for k, (s, t) in enumerate(pairs))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" '
            f'version="2.0" srcLang="{src}" trgLang="{tgt}">\n  <file id="f1">\n{units}\n  </file>\n</xliff>\n')
