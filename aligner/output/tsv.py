"""aligned.tsv: one bead per line, tab-separated, with a header row.

Columns: src_lang, tgt_lang, src, tgt, score, type, role, id.

Text fields are escaped so that a row is always exactly one line of eight fields:
backslash -> `\\\\`, tab -> `\\t`, newline -> `\\n`, carriage return -> `\\r`
(the "linear TSV" convention). `unescape_field` reverses it. Cleaned sentence text
rarely contains any of these, so most rows read the same with or without unescaping.
"""

from __future__ import annotations

import re
from typing import IO, Any, Iterable

COLUMNS = ("src_lang", "tgt_lang", "src", "tgt", "score", "type", "role", "id")

_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_ESCAPE_RE = re.compile(r"[\\\t\n\r]")
_UNESCAPES = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}
_UNESCAPE_RE = re.compile(r"\\[\\tnr]")


def escape_field(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    text = str(value)
    if _ESCAPE_RE.search(text) is None:  # most fields
        return text
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group()], text)


def unescape_field(value: str) -> str:
    return _UNESCAPE_RE.sub(lambda m: _UNESCAPES[m.group()], value)


def tsv_row(record: dict[str, Any]) -> str:
    return "\t".join(escape_field(record.get(col)) for col in COLUMNS) + "\n"


def write_tsv(fh: IO[str], records: Iterable[dict[str, Any]], *, header: bool = True) -> int:
    """Write the records' rows (header first); return the number of rows."""
    if header:
        fh.write("\t".join(COLUMNS) + "\n")
    n = 0
    for record in records:
        fh.write(tsv_row(record))
        n += 1
    return n


def read_tsv(fh: IO[str]) -> list[dict[str, str]]:
    """Read rows written by `write_tsv` back into dicts of unescaped strings."""
    lines = fh.read().split("\n")
    header = lines[0].split("\t")
    return [dict(zip(header, map(unescape_field, line.split("\t")))) for line in lines[1:] if line]
