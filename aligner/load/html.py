"""HTML -> article text with a map back to source offsets (stdlib html.parser, no network).

`extract_text(source)` returns an `HtmlText`: `text` is what a reader sees (block
elements become blank lines, `<br>` a line break, entities decoded, whitespace inside
text collapsed to spaces), `starts[i]`/`ends[i]` the source span of `text[i]`, and
`regions` the source spans that are not text, each with a reason ("markup" for tags,
comments and declarations; "script", "style", "navigation", "form", "metadata" for the
content of elements that are not part of the article). Segmentation works on `text` and
maps every span back through `starts`/`ends`, so sentence offsets index into the source.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

# Elements whose whole content is left out, and the reason recorded for it.
SKIP_ELEMENTS = {
    "script": "script", "noscript": "script", "template": "script",
    "style": "style",
    "head": "metadata", "title": "metadata",
    "nav": "navigation", "header": "navigation", "footer": "navigation", "aside": "navigation",
    "menu": "navigation",
    "form": "form", "button": "form", "select": "form", "textarea": "form", "label": "form",
    "iframe": "markup", "svg": "markup", "math": "markup", "object": "markup", "canvas": "markup",
}
# ARIA roles and class/id words that mark site chrome in `<div>`-soup pages.
SKIP_ROLES = {"navigation": "navigation", "banner": "navigation", "contentinfo": "navigation",
              "complementary": "navigation", "search": "form", "menu": "navigation", "dialog": "navigation"}
SKIP_CLASS_WORDS = {
    "nav": "navigation", "navbar": "navigation", "navigation": "navigation", "menu": "navigation",
    "breadcrumb": "navigation", "breadcrumbs": "navigation", "sidebar": "navigation",
    "footer": "navigation", "cookie": "navigation", "cookies": "navigation", "share": "navigation",
    "social": "navigation", "skip-link": "navigation", "skiplink": "navigation",
}
BLOCK_ELEMENTS = {
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
    "dl", "dt", "dd", "table", "tr", "td", "th", "thead", "tbody", "tfoot", "caption", "blockquote",
    "pre", "figure", "figcaption", "hr", "address", "details", "summary", "body", "html", "center",
}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                 "source", "track", "wbr", "keygen"}
_WS = re.compile(r"\s")
_CLASS_SPLIT = re.compile(r"[\s_]+")


@dataclass
class HtmlText:
    text: str
    starts: list[int]
    ends: list[int]
    regions: list[tuple[int, int, str]] = field(default_factory=list)
    lang: str | None = None  # the <html lang="..."> attribute, a hint

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Source span of text[start:end] (end > start)."""
        return self.starts[start], self.ends[end - 1]


def _skip_reason(tag: str, attrs) -> str | None:
    reason = SKIP_ELEMENTS.get(tag)
    if reason:
        return reason
    for name, value in attrs:
        if not value:
            continue
        if name == "role" and value.lower() in SKIP_ROLES:
            return SKIP_ROLES[value.lower()]
        if name in ("class", "id"):
            for word in _CLASS_SPLIT.split(value.lower()):
                if word in SKIP_CLASS_WORDS:
                    return SKIP_CLASS_WORDS[word]
        if name == "hidden" or (name == "aria-hidden" and value.lower() == "true"):
            return "markup"
    return None


class _Extractor(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.regions: list[tuple[int, int, str]] = []
        self.stack: list[tuple[str, str | None]] = []  # (tag, skip reason opened by it)
        self.skip: list[str] = []
        self.lang: str | None = None
        self.pending_break = ""

    # -- positions -------------------------------------------------------------------------
    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _region(self, start: int, end: int, reason: str) -> None:
        if end <= start:
            return
        if self.regions and self.regions[-1][2] == reason and self.regions[-1][1] == start:
            self.regions[-1] = (self.regions[-1][0], end, reason)
        else:
            self.regions.append((start, end, reason))

    def _tag_end(self, pos: int) -> int:
        end = self.source.find(">", pos)
        return len(self.source) if end < 0 else end + 1

    def _break(self, kind: str) -> None:
        if kind == "\n\n" or not self.pending_break:
            self.pending_break = kind

    def _emit(self, text: str, start: int, end: int | None = None) -> None:
        """Append visible text; end=None: one source char per text char."""
        if self.pending_break and self.chars:
            for ch in self.pending_break:
                self.chars.append(ch)
                self.starts.append(start)
                self.ends.append(start)
        self.pending_break = ""
        if end is None:
            for i, ch in enumerate(text):
                self.chars.append(" " if ch in "\r\n\t\f\v" else ch)
                self.starts.append(start + i)
                self.ends.append(start + i + 1)
        else:
            for ch in text:
                self.chars.append(" " if ch in "\r\n\t\f\v" else ch)
                self.starts.append(start)
                self.ends.append(end)

    # -- events ----------------------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        pos = self._pos()
        raw = self.get_starttag_text() or ""
        end = pos + len(raw) if raw else self._tag_end(pos)
        if tag == "html" and self.lang is None:
            for name, value in attrs:
                if name == "lang" and value:
                    self.lang = value.split("-")[0].lower()
        reason = None if self.skip else _skip_reason(tag, attrs)
        self._region(pos, end, self.skip[-1] if self.skip else (reason or "markup"))
        if tag in BLOCK_ELEMENTS:
            self._break("\n\n")
        elif tag == "br":
            self._break("\n")
        if tag in VOID_ELEMENTS or raw.endswith("/>"):
            return
        self.stack.append((tag, reason))
        if reason:
            self.skip.append(reason)

    def handle_startendtag(self, tag, attrs):
        pos = self._pos()
        raw = self.get_starttag_text() or ""
        self._region(pos, pos + len(raw) if raw else self._tag_end(pos), self.skip[-1] if self.skip else "markup")
        if tag in BLOCK_ELEMENTS:
            self._break("\n\n")
        elif tag == "br":
            self._break("\n")

    def handle_endtag(self, tag):
        pos = self._pos()
        reason_here = self.skip[-1] if self.skip else "markup"
        # close up to the matching open element (browsers forgive missing end tags)
        if any(t == tag for t, _ in self.stack):
            while self.stack:
                t, reason = self.stack.pop()
                if reason:
                    self.skip.pop()
                if t == tag:
                    break
        self._region(pos, self._tag_end(pos), reason_here)
        if tag in BLOCK_ELEMENTS:
            self._break("\n\n")

    def handle_data(self, data):
        pos = self._pos()
        if self.skip:
            self._region(pos, pos + len(data), self.skip[-1])
            return
        self._emit(data, pos)

    def _entity(self, raw: str, text: str) -> None:
        pos = self._pos()
        if self.source.startswith(raw + ";", pos):
            raw += ";"
        if self.skip:
            self._region(pos, pos + len(raw), self.skip[-1])
            return
        if text.isspace():  # &nbsp; between sentences is markup; inside one, the sentence covers it
            self._region(pos, pos + len(raw), "markup")
        self._emit(text, pos, pos + len(raw))

    def handle_entityref(self, name):
        raw = f"&{name}"
        text = unescape(raw + ";")
        self._entity(raw, text if text != raw + ";" else raw)

    def handle_charref(self, name):
        raw = f"&#{name}"
        self._entity(raw, unescape(raw + ";"))

    def _other(self, closer: str):
        pos = self._pos()
        end = self.source.find(closer, pos)
        end = len(self.source) if end < 0 else end + len(closer)
        self._region(pos, end, self.skip[-1] if self.skip else "markup")

    def handle_comment(self, data):
        self._other("-->")

    def handle_decl(self, decl):
        self._other(">")

    def handle_pi(self, data):
        self._other(">")

    def unknown_decl(self, data):
        self._other("]]>")


def extract_text(source: str) -> HtmlText:
    """Visible article text of an HTML page, with source offsets for each character."""
    parser = _Extractor(source)
    parser.feed(source)
    parser.close()
    regions = _fill_gaps(source, parser.regions, parser.starts, parser.ends)
    return HtmlText("".join(parser.chars), parser.starts, parser.ends, regions, parser.lang)


def _fill_gaps(source, regions, starts, ends):
    """Every non-blank source char is text or in a region: what the parser skipped becomes markup."""
    spans = sorted(regions)
    out: list[tuple[int, int, str]] = []
    pos = 0
    for s, e, reason in spans:
        if s > pos:
            out.extend(_untexted(source, pos, s, starts, ends))
        s = max(s, pos)
        if e > s:
            out.append((s, e, reason))
        pos = max(pos, e)
    if pos < len(source):
        out.extend(_untexted(source, pos, len(source), starts, ends))
    return out


def _untexted(source, lo, hi, starts, ends):
    """Sub-spans of [lo, hi) that hold non-blank chars not mapped to text (parser leftovers)."""
    i = bisect_left(starts, lo)
    pos = lo
    out = []
    while pos < hi:
        while i < len(starts) and ends[i] <= pos:
            i += 1
        nxt = starts[i] if i < len(starts) and starts[i] < hi else hi
        if nxt > pos and source[pos:nxt].strip():
            out.append((pos, nxt, "markup"))
        if i < len(starts) and starts[i] < hi:
            pos = max(nxt, ends[i])
            i += 1
        else:
            break
    return out
