"""`.pdf` (pdfminer.six): the text layer, box by box, page by page.

Each text box pdfminer finds is a block; its lines stay lines. Locator of a line:
`{"page": p, "line": l}` (both 1-based; l counts the page's text lines top to bottom as
pdfminer orders them) and `offset` in that line.

- Line-end hyphenation ("exam-" / "ple") is rejoined: the raw text keeps both lines, the
  sentence reads "example", and `extraction.hyphenation` lists every join (raw span, joined word).
  A hyphen before an upper-case letter or a digit ("Jean-" / "Paul", "COVID-" / "19") is kept;
  a compound's own hyphen falling at a line end ("well-" / "known") cannot be told from a
  break and is joined too ("wellknown"): the record lists every join for review.
- Running headers and footers (the first or last line of a page repeating, digits aside, on at
  least half of the pages, two at least) are removed as "running-header"/"running-footer"; a
  line at the top or bottom of a page holding only a page number ("3", "- 3 -", "Page 3 of 9")
  as "page-number". These lines are placed after the content in the raw text (their locators
  still give page and line), so a paragraph continued on the next page is one stretch of text.
- A paragraph broken by a page end (the page's last box does not end a sentence and the next
  page's first box starts in lower case) continues as one paragraph.
- A PDF without a text layer (scanned images) is a document error, as are an encrypted,
  truncated or corrupt one. Not extracted: images, fonts and layout, annotations, form fields.
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from aligner.load.extract import Builder, Extracted, FormatError, missing_extra

_PAGE_NUMBER = re.compile(r"^\W*(?:(?:page|p\.|pagina|pag\.|seite|strana|pahina)\s*)?\d{1,4}(?:\s*(?:/|of|di|von|z|ng)\s*\d{1,4})?\W*$",
                          re.IGNORECASE)
_HYPHEN_END = re.compile(r"(\w)-$")
_SENTENCE_END = re.compile(r"[.!?:;…\"”»)]\s*$")


def _lines_of_pages(data: bytes) -> list[list[list[str]]]:
    """pages -> boxes -> lines (text without the line break)."""
    try:
        from pdfminer.high_level import extract_pages
        from pdfminer.layout import LAParams, LTTextContainer, LTTextLine
    except ImportError:
        raise missing_extra("pdfminer.six", "PDF") from None
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise FormatError("not a PDF file (it does not start with %PDF-)")
    pages = []
    try:
        for page in extract_pages(BytesIO(data), laparams=LAParams()):
            boxes = []
            for el in page:
                if isinstance(el, LTTextContainer):
                    lines = [ln.get_text().rstrip("\n") for ln in el if isinstance(ln, LTTextLine)]
                    lines = [ln.replace("\n", " ") for ln in lines if ln.strip()]
                    if lines:
                        boxes.append((-el.y1, el.x0, lines))
            boxes.sort(key=lambda x: (round(x[0]), x[1]))
            pages.append([ln for _, _, ln in boxes])
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise FormatError(f"the PDF is password-protected (encrypted): {exc or 'no password given'}") from None
    except (PDFSyntaxError, PSException) as exc:
        raise FormatError(f"not a readable PDF (truncated or corrupt): {exc}") from None
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        raise FormatError(f"not a readable PDF (truncated or corrupt; {type(exc).__name__}: {exc})") from None
    return pages


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def read_pdf(data: bytes) -> Extracted:
    pages = _lines_of_pages(data)
    if not pages:
        raise FormatError("the PDF has no pages")
    if not any(boxes for boxes in pages):
        raise FormatError(f"the PDF has no text layer ({len(pages)} page(s) of images, e.g. a scan): "
                          "run OCR on it first (e.g. ocrmypdf) and read the result")

    # running headers/footers: first / last line of a page, repeating on >= half of the pages (>= 2)
    firsts = [_key(boxes[0][0]) for boxes in pages if boxes]
    lasts = [_key(boxes[-1][-1]) for boxes in pages if boxes]
    need = max(2, (len(pages) + 1) // 2)
    running_head = {k for k in firsts if firsts.count(k) >= need} if len(pages) >= 2 else set()
    running_foot = {k for k in lasts if lasts.count(k) >= need} if len(pages) >= 2 else set()

    b = Builder()
    hyphenation: list[dict[str, Any]] = []
    removed_counts: dict[str, int] = {}
    running: list[tuple[str, dict[str, Any], str]] = []  # removed header/footer/page-number lines
    prev_open = False  # the previous content box ended without closing its sentence
    for p, boxes in enumerate(pages, 1):
        line_no = 0
        first_content = True
        for bi, box in enumerate(boxes):
            content_lines: list[tuple[str, int]] = []
            for li, line in enumerate(box):
                line_no += 1
                edge = (bi == 0 and li == 0) or (bi == len(boxes) - 1 and li == len(box) - 1)
                top = bi == 0 and li == 0
                reason = None
                if edge and _PAGE_NUMBER.match(line.strip()):
                    reason = "page-number"
                elif top and _key(line) in running_head:
                    reason = "running-header"
                elif (bi == len(boxes) - 1 and li == len(box) - 1) and _key(line) in running_foot:
                    reason = "running-footer"
                if reason:
                    removed_counts[reason] = removed_counts.get(reason, 0) + 1
                    running.append((line, {"page": p, "line": line_no}, reason))
                else:
                    content_lines.append((line, line_no))
            if not content_lines:
                continue
            text = "\n".join(ln for ln, _ in content_lines)
            join = (first_content and prev_open and text[:1].islower())
            first_content = False
            _add_box(b, content_lines, p, join)
            prev_open = not _SENTENCE_END.search(text)
    # the removed lines go after the content (their locators keep page and line), so that a
    # paragraph continued on the next page stays one stretch of text
    for line, where, reason in running:
        b.add(line, where, removed=reason)
    out = b.result()
    # hyphenation: a content line ending "letter-" followed by a content line starting in lower case
    _rejoin_hyphens(out, hyphenation)
    out.info = {"pages": len(pages), "hyphenation": hyphenation, "removed_lines": removed_counts}
    out.not_extracted = {"layout": "fonts, columns, images, annotations and form fields are not extracted"}
    return out


def _add_box(b: Builder, lines: list[tuple[str, int]], page: int, join: bool) -> None:
    """One box: its lines as locator blocks of one content block (a line break between lines)."""
    for k, (line, line_no) in enumerate(lines):
        if k == 0:
            b.add(line, {"page": page, "line": line_no}, join_previous=join)
        else:  # same paragraph: a single line break, not a blank line
            start = b.pos + 1
            b._put("\n" + line)
            b.out.blocks.append({"start": start, "end": b.pos, "page": page, "line": line_no})
            s, e, block = b.out.pieces[-1]
            b.out.pieces[-1] = (s, b.pos, block)


def _rejoin_hyphens(out: Extracted, hyphenation: list[dict[str, Any]]) -> None:
    """Cut "-\\n" (or "-\\n\\n" across a page) out of the pieces where a word was broken at a line end."""
    raw = out.raw
    new_pieces: list[tuple[int, int, int]] = []
    pieces = sorted(out.pieces)
    for idx, (s, e, block) in enumerate(pieces):
        cur = s
        for m in re.finditer(r"(\w)-\n(?=[a-zà-ÿ])", raw[s:e]):
            cut_start = s + m.start() + 1
            cut_end = s + m.end()
            new_pieces.append((cur, cut_start, block))
            cur = cut_end
            w0 = re.search(r"\w+$", raw[s:cut_start])
            w1 = re.match(r"\w+", raw[cut_end:])
            joined = (w0.group() if w0 else "") + (w1.group() if w1 else "")
            hyphenation.append({"start": cut_start, "end": cut_end, "joined": joined})
        # across boxes of one paragraph (page break): the piece ends with "-", next piece continues the block
        nxt = pieces[idx + 1] if idx + 1 < len(pieces) else None
        if nxt and nxt[2] == block and _HYPHEN_END.search(raw[cur:e]) and raw[nxt[0]:nxt[0] + 1].islower():
            new_pieces.append((cur, e - 1, block))
            w0 = re.search(r"\w+$", raw[cur:e - 1])
            w1 = re.match(r"\w+", raw[nxt[0]:])
            hyphenation.append({"start": e - 1, "end": e, "joined": (w0.group() if w0 else "") + (w1.group() if w1 else "")})
        else:
            new_pieces.append((cur, e, block))
    out.pieces = [p for p in new_pieces if p[1] > p[0]]
