"""`.odt` (odfpy): headings, paragraphs, list items and table cells of the text body, in document order.

Locator of a block: `{"element": k, "tag": "text:p"|"text:h", "table": t, "row": r, "cell": c}`
where k counts the text:p/text:h elements of the body in document order (table and list
paragraphs included) and `offset` counts characters of that element's text (spaces as the
file encodes them: <text:s/>, <text:tab/>, <text:line-break/> become " ", "\\t", "\\n").
Not extracted, and counted: images and frames, annotations (comments), footnotes/endnotes,
tracked changes, page headers/footers, formatting. Their text is not part of the paragraph's text.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import Any

from aligner.load.docx import ole_problem
from aligner.load.extract import Builder, Extracted, FormatError, missing_extra

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_SKIP = {(_OFFICE, "annotation"): "annotations", (_TEXT, "note"): "notes", (_DRAW, "frame"): "frames",
         (_TEXT, "tracked-changes"): "tracked_changes", (_OFFICE, "annotation-end"): None}


def read_odt(data: bytes) -> Extracted:
    try:
        from odf.draw import Image
        from odf.opendocument import load
        from odf.table import TableRow
    except ImportError:
        raise missing_extra("odfpy", "ODT") from None
    problem = ole_problem(data, ".odt")
    if problem:
        raise FormatError(problem)
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            if "META-INF/manifest.xml" in z.namelist() and b"encryption-data" in z.read("META-INF/manifest.xml"):
                raise FormatError("the .odt file is password-protected (encrypted): save an unprotected copy and read that")
        doc = load(BytesIO(data))
    except FormatError:
        raise
    except zipfile.BadZipFile as exc:
        raise FormatError(f"not a readable .odt file (corrupt or truncated): {exc}") from None
    except Exception as exc:  # odfpy raises KeyError, xml.sax errors...
        raise FormatError(f"not a readable .odt file ({type(exc).__name__}: {exc})") from None

    b = Builder()
    skipped: dict[str, int] = {}
    counter = [0]

    def text_of(node) -> str:
        out = []
        for child in node.childNodes:
            if child.nodeType == child.TEXT_NODE:
                out.append(child.data)
                continue
            q = child.qname
            if q in _SKIP:
                if _SKIP[q]:
                    skipped[_SKIP[q]] = skipped.get(_SKIP[q], 0) + 1
                continue
            if q == (_TEXT, "s"):
                out.append(" " * int(child.getAttribute("c") or 1))
            elif q == (_TEXT, "tab"):
                out.append("\t")
            elif q == (_TEXT, "line-break"):
                out.append("\n")
            else:
                out.append(text_of(child))
        return "".join(out)

    tables = [0]

    def walk(node, where: dict[str, Any]) -> None:
        for child in node.childNodes:
            if child.nodeType != child.ELEMENT_NODE:
                continue
            q = child.qname
            if q in ((_TEXT, "p"), (_TEXT, "h")):
                k = counter[0]
                counter[0] += 1
                b.add(text_of(child), {**where, "element": k, "tag": f"text:{q[1]}"})
            elif q == (_TABLE, "table"):
                t = tables[0]
                tables[0] += 1
                rows = child.getElementsByType(TableRow)
                for r, row in enumerate(rows):
                    cells = [c for c in row.childNodes if c.nodeType == c.ELEMENT_NODE and c.qname[1] == "table-cell"]
                    for c, cell in enumerate(cells):
                        walk(cell, {"table": t, "row": r, "cell": c})
            elif q in _SKIP:
                if _SKIP[q]:
                    skipped[_SKIP[q]] = skipped.get(_SKIP[q], 0) + 1
            else:
                walk(child, where)

    walk(doc.text, {})
    out = b.result()
    images = len(doc.getElementsByType(Image))
    out.not_extracted = {**({"images": images} if images else {}), **skipped,
                         "headers_footers": "page headers and footers (master pages in styles.xml) are not extracted",
                         "formatting": "character and paragraph formatting (styles) is not extracted"}
    return out
