"""What the readers of non-plain-text formats share: the extracted text, its view and its locators.

A reader (aligner/load/docx.py, pdf.py, ...) returns an `Extracted`:

- `raw`: the text a Document holds. For text-based formats (Markdown, SRT, PO, XLIFF kept as
  units) it is either the decoded file itself (Markdown, SRT: offsets index the file) or text
  built block by block from the file's structure (DOCX, ODT, PDF, XLIFF, PO);
- `pieces`: the `[start, end)` spans of `raw` that are content, in order, each with the block
  (paragraph) it belongs to. Segmentation reads the *view*: the pieces of one block joined
  as they are, blocks separated by a blank line; everything of `raw` outside the pieces is
  `removed` with a reason (code block, front matter, running header, markup, ...);
- `blocks`: the locators, `{"start", "end", ...where}` per block of `raw`, so that a span
  can be found in the original (`locate`): a DOCX paragraph or table cell, a PDF page and
  line, a subtitle cue, an XLIFF unit or a PO entry and its line;
- `not_extracted`: what the file carries beyond text and the reader left out (images,
  comments, styles, ...), name -> count or description, for the document record.

Nothing is lost: every character of `raw` is in a piece or in a removed span.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any


class FormatError(Exception):
    """A file of a known format that cannot be read: the message is the document's `problem`."""


def missing_extra(package: str, fmt: str) -> FormatError:
    return FormatError(f"reading {fmt} files needs the '{package}' package: pip install 'aligner[formats]'")


@dataclass
class Extracted:
    raw: str = ""
    pieces: list[tuple[int, int, int]] = field(default_factory=list)  # (start, end, block)
    removed: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, reason) of raw
    blocks: list[dict[str, Any]] = field(default_factory=list)
    not_extracted: dict[str, Any] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)  # format-specific facts for the document record
    encoding: str = "utf-8"
    lang: str | None = None  # declared by the file (XLIFF, PO)


class Builder:
    """Builds `raw` block by block (DOCX, ODT, PDF, XLIFF, PO): blocks are separated by a blank line."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.out = Extracted()
        self.n_blocks = 0

    def add(self, text: str, where: dict[str, Any], *, removed: str | None = None,
            join_previous: bool = False) -> tuple[int, int] | None:
        """Append one block; `removed` makes all of it a removed span with that reason.

        `join_previous` continues the previous content block (a paragraph broken by a page end).
        Returns the span of the block in raw, None for a block without text.
        """
        if not text.strip():
            return None
        if self.parts:
            self._put("\n\n")
        start = self.pos
        self._put(text)
        self.out.blocks.append({"start": start, "end": self.pos, **where})
        if removed:
            self.out.removed.append((start, self.pos, removed))
        else:
            if not (join_previous and self.out.pieces):
                self.n_blocks += 1
            self.out.pieces.append((start, self.pos, self.n_blocks))
        return start, self.pos

    def _put(self, s: str) -> None:
        self.parts.append(s)
        self.pos += len(s)

    def result(self) -> Extracted:
        self.out.raw = "".join(self.parts)
        return self.out


class View:
    """The text segmentation reads, with its map back to `raw` (the `raw_span` interface of HtmlText).

    Built from the pieces: the pieces of a block are joined as they are (a removed "-\\n" of a
    rejoined hyphenation or an inline "**" simply disappears) except across a line end (a
    paragraph continued on the next page, a "> " quote marker), which becomes a line break; blocks are separated by "\\n\\n".
    """

    def __init__(self, raw: str, pieces: list[tuple[int, int, int]]):
        parts: list[str] = []
        self.view_starts: list[int] = []
        self.raw_starts: list[int] = []
        pos = 0
        prev_block, prev_end = None, 0
        for s, e, block in pieces:
            if e <= s:
                continue
            sep = ""
            if prev_block is not None and block != prev_block:
                sep = "\n\n"
            elif prev_block is not None:
                gap = raw[prev_end:s]
                if "\n" in gap and not gap.startswith("-"):  # a line end (quote marker, page end) between them
                    sep = "\n"
            if sep:
                parts.append(sep)
                self.view_starts.append(pos)
                self.raw_starts.append(-s)  # a separator maps to the start of the next piece
                pos += len(sep)
            parts.append(raw[s:e])
            self.view_starts.append(pos)
            self.raw_starts.append(s)
            pos += e - s
            prev_block, prev_end = block, e
        self.text = "".join(parts)

    def _raw(self, i: int) -> int:
        k = bisect_right(self.view_starts, i) - 1
        start = self.raw_starts[k]
        return -start if start < 0 else start + (i - self.view_starts[k])

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        return self._raw(start), self._raw(end - 1) + 1


def removed_outside(raw: str, pieces: list[tuple[int, int, int]], reasons: list[tuple[int, int, str]],
                    default: str = "markup") -> list[tuple[int, int, str]]:
    """Every non-blank stretch of `raw` outside the pieces, with the reason of the region it falls in.

    `reasons` name regions (code block, front matter...); what no region names gets `default`.
    A stretch is cut at region edges so each removed span has one reason.
    """
    cuts = sorted({0, len(raw), *(p for s, e, _ in pieces for p in (s, e)), *(p for s, e, _ in reasons for p in (s, e))})
    inside = sorted((s, e) for s, e, _ in pieces)
    starts = [s for s, _ in inside]
    out: list[tuple[int, int, str]] = []
    for a, b in zip(cuts, cuts[1:]):
        k = bisect_right(starts, a) - 1
        if k >= 0 and inside[k][1] >= b:
            continue  # content
        seg = raw[a:b]
        if not seg.strip():
            continue
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg.rstrip())
        reason = next((r for s, e, r in reasons if s <= a and b <= e), default)
        s, e = a + lead, a + trail
        if out and out[-1][2] == reason and not raw[out[-1][1]:s].strip() and "\n\n" not in raw[out[-1][1]:s]:
            out[-1] = (out[-1][0], e, reason)
        else:
            out.append((s, e, reason))
    return out


def locate(extraction: dict[str, Any] | None, offset: int) -> dict[str, Any] | None:
    """The locator of raw `offset`: its block's `where` keys plus `offset` inside the block."""
    blocks = (extraction or {}).get("blocks") or []
    if not blocks:
        return None
    k = bisect_right(_starts(blocks), offset) - 1
    if k < 0:
        return None
    b = blocks[k]
    where = {key: v for key, v in b.items() if key not in ("start", "end")}
    where["offset"] = max(0, min(offset, b["end"]) - b["start"])
    return where


_STARTS: dict[int, tuple[list, list[int]]] = {}


def _starts(blocks: list[dict[str, Any]]) -> list[int]:
    """The blocks' start offsets, computed once per blocks list (locate is called per sentence and flag)."""
    hit = _STARTS.get(id(blocks))
    if hit is None or hit[0] is not blocks or len(hit[1]) != len(blocks):
        if len(_STARTS) > 64:
            _STARTS.clear()
        hit = (blocks, [b["start"] for b in blocks])
        _STARTS[id(blocks)] = hit
    return hit[1]


def describe(where: dict[str, Any] | None) -> str:
    """A short human form of a locator: "unit u3", "page 2 line 5", "table 1 row 2 cell 3 +12"."""
    if not where:
        return ""
    keys = ("file", "unit", "segment", "entry", "cue", "part", "page", "table", "row", "cell", "paragraph", "line")
    bits = [f"{k} {where[k]}" for k in keys if where.get(k) not in (None, "")]
    if where.get("offset"):
        bits.append(f"+{where['offset']}")
    return " ".join(bits)


def add_locator(record: dict[str, Any], extraction: dict[str, Any] | None) -> dict[str, Any]:
    """A flags.jsonl record of a document read from a structured file gets `locator` and `where`.

    For XLIFF and PO, whose text is built unit by unit, `line` (and `end_line`) become the line of
    the unit's element or entry in the file and `column` 1, so `aligner check` points into the file.
    """
    if not extraction or record.get("start") is None:
        return record
    loc = locate(extraction, int(record["start"]))
    if not loc:
        return record
    record["locator"] = loc
    record["where"] = describe(loc)
    if extraction.get("reader") in ("xliff", "po") and loc.get("line"):
        record["line"], record["column"] = int(loc["line"]), 1
        record["end_line"], record["end_column"] = int(loc["line"]), 1
    return record
