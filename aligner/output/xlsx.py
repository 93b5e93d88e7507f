"""aligned.xlsx: a review sheet for people who check an alignment in a spreadsheet.

Sheet "beads": one row per bead (kept and dropped, so a reviewer sees what was left out) with
columns id, source, target, score (a red-yellow-green colour scale), type, flags, keep,
drop reason, src_lang, tgt_lang, src_doc, tgt_doc; the header row is frozen and has filters,
long texts wrap. Sheet "run": the run's signature (tool, version, encoder, thresholds).
A reviewer's edits of `keep` can be read back with openpyxl (or pandas). The same beads give the
same bytes (no save time inside), like the other outputs.

The bead rows are streamed: openpyxl builds the workbook's frame (styles, frozen header, filter,
colour scale, the "run" sheet) with the header row only, and the rows are written as sheet XML
into the zip as they come, in the form openpyxl writes them (inline strings, the same styles), so
memory does not grow with the beads (openpyxl's in-memory workbook took ~0.5 GB at 10,000
documents). Text is always text: a sentence starting with "=" or reading "#N/A" is a string cell,
never a formula or an error value.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
import zipfile
from typing import IO, Any, Iterable

COLUMNS = ("id", "source", "target", "score", "type", "flags", "keep", "drop_reason", "src_lang", "tgt_lang",
           "src_doc", "tgt_doc")
WIDTHS = {"id": 18, "source": 60, "target": 60, "score": 8, "type": 6, "flags": 24, "keep": 6, "drop_reason": 18}
MAX_CELL_CHARS = 32767  # a spreadsheet cell's limit (openpyxl cuts longer text there too)
_ILLEGAL = None
_SHEET = "xl/worksheets/sheet1.xml"
# style ids the frame registers, in this order: bold header, wrapped text, score number format
_HEADER_STYLE, _WRAP_STYLE, _SCORE_STYLE = 1, 2, 3


def _cell(value: Any) -> Any:
    """Text without the control characters XML (and so XLSX) cannot hold."""
    global _ILLEGAL
    if not isinstance(value, str):
        return value
    if _ILLEGAL is None:
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        _ILLEGAL = ILLEGAL_CHARACTERS_RE
    return _ILLEGAL.sub("\ufffd", value)


# the characters `_cell` (openpyxl's ILLEGAL_CHARACTERS_RE) and `_text` change: text without any goes as is
_SPECIAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f&<>\r]")


def _letters() -> list[str]:
    return [chr(ord("A") + k) for k in range(len(COLUMNS))]


def _text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _cell_xml(ref: str, value: Any, style: int) -> str:
    """One <c> element as openpyxl (lxml) writes it; `style` 0 = none. The row is ASCII-encoded later."""
    s = f' s="{style}"' if style else ""
    if not isinstance(value, str):  # text first: most cells
        if value is None:
            return f'<c r="{ref}"{s} t="n"></c>' if style else ""
        if isinstance(value, bool):
            return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (int, float)):
            v = "" if value != value or value in (float("inf"), float("-inf")) else "%.16g" % value
            return f'<c r="{ref}"{s} t="n"><v>{v}</v></c>'
        value = str(value)
    plain = _SPECIAL.search(value) is None  # most text: nothing for `_cell` or `_text` to change
    value = (value if plain else _cell(value))[:MAX_CELL_CHARS]
    if value == "":
        return f'<c r="{ref}"{s} t="inlineStr"></c>'
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{value if plain else _text(value)}</t></is></c>'


def _row_values(r: dict[str, Any]) -> tuple:
    score = r.get("score")
    return (r.get("id"), r.get("src"), r.get("tgt"), float(score) if isinstance(score, (int, float)) else None,
            r.get("type"), " ".join(map(str, r.get("flags") or [])), bool(r.get("keep", True)),
            r.get("drop_reason") or "", r.get("src_lang"), r.get("tgt_lang"), r.get("src_doc"), r.get("tgt_doc"))


_STYLES = tuple(_WRAP_STYLE if c in ("source", "target") else _SCORE_STYLE if c == "score" else 0 for c in COLUMNS)


def _frame(n: int, signature: dict[str, Any] | None) -> bytes:
    """The workbook openpyxl builds for `n` bead rows, with the header row and (when n) one row for the styles."""
    try:
        from openpyxl import Workbook
        from openpyxl.formatting.rule import ColorScaleRule
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter
    except ImportError:
        from aligner.errors import InputError

        raise InputError("writing .xlsx needs the 'openpyxl' package: pip install 'aligner[formats]'") from None
    wb = Workbook()
    ws = wb.active
    ws.title = "beads"
    ws.append(list(COLUMNS))
    for c in ws[1]:
        c.font = Font(bold=True)
    if n:  # registers the wrapped-text and score styles (ids 2 and 3); its XML is replaced by the real rows
        wrap = Alignment(wrap_text=True, vertical="top")
        for col in (2, 3):
            ws.cell(row=2, column=col).alignment = wrap
        ws.cell(row=2, column=COLUMNS.index("score") + 1).number_format = "0.000"
    for k, name in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(k)].width = WIDTHS.get(name, 12)
    ws.freeze_panes = "A2"
    last = get_column_letter(len(COLUMNS))
    ws.auto_filter.ref = f"A1:{last}{n + 1}"
    score_col = get_column_letter(COLUMNS.index("score") + 1)
    if n:
        ws.conditional_formatting.add(f"{score_col}2:{score_col}{n + 1}", ColorScaleRule(
            start_type="num", start_value=0, start_color="F8696B", mid_type="num", mid_value=0.5,
            mid_color="FFEB84", end_type="num", end_value=1, end_color="63BE7B"))
    meta = wb.create_sheet("run")
    meta.append(["key", "value"])
    for key, value in (signature or {}).items():
        meta.append([key, _cell(value if isinstance(value, (str, int, float, bool)) or value is None
                                else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_xlsx(fh: IO[bytes], records: Iterable[dict[str, Any]], *, signature: dict[str, Any] | None = None) -> int:
    """Write the workbook into a binary file object; return the number of bead rows."""
    with XlsxRows() as sheet:
        for r in records:
            sheet.add(r)
        return sheet.finish(fh, signature=signature)


class XlsxRows:
    """aligned.xlsx fed one bead at a time (`add`), written by `finish`: for a writer that makes several
    files in one pass over the beads. The rows wait in a temporary file, not in memory."""

    def __init__(self) -> None:
        self.n = 0
        self._rows = tempfile.TemporaryFile()
        self._chunk: list[str] = []
        self._letters = _letters()

    def __enter__(self) -> "XlsxRows":
        return self

    def __exit__(self, *exc) -> None:
        self._rows.close()

    def add(self, r: dict[str, Any]) -> None:
        self.n += 1
        row = self.n + 1
        self._chunk.append(f'<row r="{row}">' + "".join(
            _cell_xml(f"{letter}{row}", v, style)
            for letter, v, style in zip(self._letters, _row_values(r), _STYLES)) + "</row>")
        if len(self._chunk) >= 512:
            self._flush()

    def _flush(self) -> None:
        self._rows.write("".join(self._chunk).encode("ascii", "xmlcharrefreplace"))
        self._chunk = []

    def finish(self, fh: IO[bytes], *, signature: dict[str, Any] | None = None) -> int:
        """Write the workbook into `fh`; return the number of bead rows."""
        self._flush()
        frame = _frame(self.n, signature)
        self._rows.seek(0)
        with tempfile.TemporaryFile() as packed:
            _pack(frame, self.n, self._rows, packed)
            packed.seek(0)
            shutil.copyfileobj(packed, fh, 1 << 20)
        return self.n


_FIXED_TIME = "1980-01-01T00:00:00Z"


def _entry(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = info.external_attr
    return entry


def _pack(frame: bytes, n: int, rows: IO[bytes], out: IO[bytes]) -> None:
    """The frame's entries with fixed times (`reproducible`), the bead sheet's rows streamed in."""
    with zipfile.ZipFile(io.BytesIO(frame)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _fix_dates(body)
            if info.filename != _SHEET or not n:
                dst.writestr(_entry(info), body)
                continue
            head, rest = body.split(b"<sheetData>", 1)
            data, tail = rest.split(b"</sheetData>", 1)
            header = data[:data.index(b'<row r="2"')]
            last = _letters()[-1]
            head = head.replace(f'<dimension ref="A1:{last}2"/>'.encode(), f'<dimension ref="A1:{last}{n + 1}"/>'.encode())
            with dst.open(_entry(info), "w") as sheet:
                sheet.write(head + b"<sheetData>" + header)
                shutil.copyfileobj(rows, sheet, 1 << 20)
                sheet.write(b"</sheetData>" + tail)


def _fix_dates(body: bytes) -> bytes:
    return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + _FIXED_TIME.encode() + rb"\g<2>", body)


def reproducible(data: bytes) -> bytes:
    """The same workbook bytes for the same content: fixed zip entry times and document dates.

    openpyxl stamps the save time into docProps/core.xml and every zip entry; a run's outputs
    must not change when nothing but the clock did (the output manifest compares them).
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _fix_dates(body)
            dst.writestr(_entry(info), body)
    return out.getvalue()
