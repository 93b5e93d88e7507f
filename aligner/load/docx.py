"""`.docx` (python-docx): body paragraphs, headings, list items and tables cell by cell, in document order.

Locator of a block: `{"part": "body", "paragraph": k}` (k = index among the body's paragraphs,
empty ones included, as `docx.Document(path).paragraphs[k]`), or for a table cell
`{"part": "body", "table": t, "row": r, "cell": c, "paragraph": k}` (t among the body's tables,
`tables[t].rows[r].cells[c].paragraphs[k]`; a merged cell is read once), or
`{"part": "header"|"footer", "section": s, "paragraph": k}`; `offset` counts characters of
that paragraph's `.text`. Headers and footers are kept in the text but removed as
"page-header"/"page-footer" (running boilerplate). Not extracted, and counted in the record:
images, text boxes, comments, footnotes/endnotes, fields' codes, character and paragraph formatting.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import Any

from aligner.load.extract import Builder, Extracted, FormatError, missing_extra

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole_problem(data: bytes, kind: str) -> str | None:
    """A clear problem for an OLE compound file given as an Office Open XML one (encrypted or legacy)."""
    if not data.startswith(OLE_MAGIC):
        return None
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        return f"the {kind} file is password-protected (encrypted): save an unprotected copy and read that"
    return f"not a {kind} file: this is a legacy binary Office file (OLE); save it as {kind} first"


def read_docx(data: bytes) -> Extracted:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError:
        raise missing_extra("python-docx", "DOCX") from None
    problem = ole_problem(data, ".docx")
    if problem:
        raise FormatError(problem)
    try:
        document = docx.Document(BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise FormatError(f"not a readable .docx file (corrupt or truncated): {exc}") from None
    except Exception as exc:  # python-docx raises its own PackageNotFoundError and lxml errors
        raise FormatError(f"not a readable .docx file ({type(exc).__name__}: {exc})") from None

    b = Builder()
    # lxml hands out one proxy per element while a reference lives: keep these lists alive so ids stay unique
    paragraphs, tables = document.paragraphs, document.tables
    body_index = {id(p._p): k for k, p in enumerate(paragraphs)}
    table_index = {id(t._tbl): k for k, t in enumerate(tables)}
    styles: dict[str, int] = {}

    def paragraph(p, where: dict[str, Any]) -> None:
        style = p.style.name if p.style is not None else None
        if style:
            where = {**where, "style": style}
            styles[style] = styles.get(style, 0) + 1
        b.add(p.text, where)

    def table(t, where: dict[str, Any]) -> None:
        seen: list = []
        for r, row in enumerate(t.rows):
            for c, cell in enumerate(row.cells):
                if any(cell._tc is tc for tc in seen):  # a merged cell appears once per grid column it spans
                    continue
                seen.append(cell._tc)
                for k, p in enumerate(cell.paragraphs):
                    paragraph(p, {**where, "row": r, "cell": c, "paragraph": k})
                for n, inner in enumerate(cell.tables):
                    table(inner, {**where, "row": r, "cell": c, "nested": n})

    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            paragraph(item, {"part": "body", "paragraph": body_index.get(id(item._p))})
        elif isinstance(item, Table):
            table(item, {"part": "body", "table": table_index.get(id(item._tbl))})

    seen_parts: list = []
    for s, section in enumerate(document.sections):
        for part, hf in (("header", section.header), ("footer", section.footer)):
            if hf.is_linked_to_previous and s > 0:
                continue
            element = hf._element
            if any(element is x for x in seen_parts):
                continue
            seen_parts.append(element)
            for k, p in enumerate(hf.paragraphs):
                b.add(p.text, {"part": part, "section": s, "paragraph": k}, removed=f"page-{part}")

    out = b.result()
    out.not_extracted = _not_extracted(document, data)
    out.info = {"paragraph_styles": styles}
    return out


def _not_extracted(document, data: bytes) -> dict[str, Any]:
    body = document.element.body
    counts = {
        "images": len(body.findall(f".//{{http://schemas.openxmlformats.org/drawingml/2006/main}}blip")),
        "text_boxes": len(body.findall(f".//{_W}txbxContent")),
        "fields": len(body.findall(f".//{_W}instrText")) + len(body.findall(f".//{_W}fldSimple")),
    }
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            names = set(z.namelist())
            for name, tag, key in (("word/comments.xml", "comment", "comments"),
                                   ("word/footnotes.xml", "footnote", "footnotes"),
                                   ("word/endnotes.xml", "endnote", "endnotes")):
                if name in names:
                    xml = z.read(name)
                    n = xml.count(f"<w:{tag} ".encode())
                    if key != "comments":
                        n = max(0, n - 2)  # the separator and continuation notes every file has
                    counts[key] = n
    except zipfile.BadZipFile:  # pragma: no cover - python-docx read it already
        pass
    out: dict[str, Any] = {k: v for k, v in counts.items() if v}
    out["formatting"] = "character and paragraph formatting (fonts, bold, italic, styles) is not extracted"
    return out
