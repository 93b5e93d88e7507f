"""aligned.xlsx: a review sheet (openpyxl) for people who check an alignment in a spreadsheet.

Sheet "beads": one row per bead (kept and dropped, so a reviewer sees what was left out) with
columns id, source, target, score (a red-yellow-green colour scale), type, flags, keep,
drop reason, src_lang, tgt_lang, src_doc, tgt_doc; the header row is frozen and has filters,
long texts wrap. Sheet "run": the run's signature (tool, version, encoder, thresholds).
A reviewer's edits of `keep` can be read back with openpyxl (or pandas). The same beads give the
same bytes (no save time inside), like the other outputs.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import IO, Any, Iterable

COLUMNS = ("id", "source", "target", "score", "type", "flags", "keep", "drop_reason", "src_lang", "tgt_lang",
           "src_doc", "tgt_doc")
WIDTHS = {"id": 18, "source": 60, "target": 60, "score": 8, "type": 6, "flags": 24, "keep": 6, "drop_reason": 18}
_ILLEGAL = None


def _cell(value: Any) -> Any:
    """Text without the control characters XML (and so XLSX) cannot hold."""
    global _ILLEGAL
    if not isinstance(value, str):
        return value
    if _ILLEGAL is None:
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        _ILLEGAL = ILLEGAL_CHARACTERS_RE
    return _ILLEGAL.sub("\ufffd", value)


def write_xlsx(fh: IO[bytes], records: Iterable[dict[str, Any]], *, signature: dict[str, Any] | None = None) -> int:
    """Write the workbook into a binary file object; return the number of bead rows."""
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
    n = 0
    wrap = Alignment(wrap_text=True, vertical="top")
    for r in records:
        score = r.get("score")
        ws.append([_cell(v) for v in (
            r.get("id"), r.get("src"), r.get("tgt"), float(score) if isinstance(score, (int, float)) else None,
            r.get("type"), " ".join(map(str, r.get("flags") or [])), bool(r.get("keep", True)),
            r.get("drop_reason") or "", r.get("src_lang"), r.get("tgt_lang"), r.get("src_doc"), r.get("tgt_doc"))])
        n += 1
        for col in (2, 3):
            ws.cell(row=n + 1, column=col).alignment = wrap
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
        for row in range(2, n + 2):
            ws.cell(row=row, column=COLUMNS.index("score") + 1).number_format = "0.000"
    meta = wb.create_sheet("run")
    meta.append(["key", "value"])
    for key, value in (signature or {}).items():
        meta.append([key, _cell(value if isinstance(value, (str, int, float, bool)) or value is None
                                else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))])
    buf = io.BytesIO()
    wb.save(buf)
    fh.write(reproducible(buf.getvalue()))
    return n


_FIXED_TIME = "1980-01-01T00:00:00Z"


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
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                              rb"\g<1>" + _FIXED_TIME.encode() + rb"\g<2>", body)
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, body)
    return out.getvalue()
