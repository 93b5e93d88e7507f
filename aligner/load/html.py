"""HTML -> article text with a map back to source offsets (stdlib html.parser, no network).

`extract_text(source)` returns an `HtmlText`: `text` is what a reader sees (block
elements become blank lines, `<br>` a line break, entities decoded, whitespace inside
text turned into spaces), `raw_span(i, j)` the source span of `text[i:j]` (kept as runs, so a
50 MB page does not need a list entry per character), and
`regions` the source spans that are not text, each with a reason ("markup" for tags,
comments and declarations; "script", "style", "navigation", "form", "metadata" for the
content of elements that are not part of the article). Segmentation works on `text` and
maps every span back through `raw_span`, so sentence offsets index into the source.

`literal` lists the source spans of text that is not to be translated: inline code,
commands, file names, options, placeholders (`code`, `tt`, `kbd`, `samp`, `var`, `pre`, and
elements whose class says so: `literal`, `command`, `filename`, `option`...). It stays in
the text; the language checks skip it. `title` is the page's title as its author set it
(`og:title`, else the first `<h1>`, else `<title>`), never a line of the body.
"""

from __future__ import annotations

import re
from bisect import bisect_right
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
    # consent banners, tables of contents, ads: chrome in every language, recognised by their markup
    "consent": "navigation", "gdpr": "navigation", "cookiebanner": "navigation", "cookie-banner": "navigation",
    "cookie-notice": "navigation", "cookie-consent": "navigation", "toc": "navigation", "ad": "navigation",
    "ads": "navigation", "advert": "navigation", "advertisement": "navigation", "newsletter": "navigation",
    "subscribe": "navigation", "related": "navigation", "pagination": "navigation", "navheader": "navigation",
    "navfooter": "navigation",
}
# Admonitions (DocBook/Sphinx note, warning, tip...): their label ("Note", "Nota", "Anmerkung") is a structure line,
# left out in every language alike so that the two sides of a pair keep the same lines.
ADMONITION_CLASSES = {"note", "warning", "tip", "caution", "important", "admonition", "hint", "attention", "danger"}
ADMONITION_LABELS = {"th", "h3", "h4", "h5", "h6", "strong", "b"}
# Elements and class words of text that is not to be translated (code, commands, file names, placeholders).
LITERAL_ELEMENTS = {"code", "tt", "kbd", "samp", "var", "pre"}
LITERAL_CLASS_WORDS = {
    "literal", "command", "filename", "option", "replaceable", "userinput", "computeroutput", "programlisting",
    "screen", "systemitem", "envar", "varname", "parameter", "function", "package", "code", "prompt",
    "literallayout", "synopsis", "cmdsynopsis", "classname", "methodname", "keycap", "keycombo", "uri",
    "email", "application", "constant", "sgmltag", "sourcecode", "notranslate", "language-bash", "shell",
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
_CLASS_PARTS = re.compile(r"[\s_-]+")


@dataclass
class HtmlText:
    """Visible text of a page and its map to the source, kept as runs (not one entry per char).

    Run k covers text[view_starts[k]:view_starts[k+1]]. A data run (`is_data`) maps char by char
    from raw_starts[k]; an entity or synthetic-break run maps every char to [raw_starts[k], raw_ends[k]).
    """

    text: str
    view_starts: list[int]
    raw_starts: list[int]
    raw_ends: list[int]
    is_data: list[bool]
    regions: list[tuple[int, int, str]] = field(default_factory=list)
    lang: str | None = None  # the <html lang="..."> attribute, a hint
    literal: list[tuple[int, int]] = field(default_factory=list)  # source spans of do-not-translate text
    title: str | None = None  # og:title, else the first <h1>, else <title>

    def _run(self, v: int) -> int:
        return bisect_right(self.view_starts, v) - 1

    def raw_start(self, v: int) -> int:
        k = self._run(v)
        return self.raw_starts[k] + (v - self.view_starts[k]) if self.is_data[k] else self.raw_starts[k]

    def raw_end(self, v: int) -> int:
        """End of the source span of text[v]."""
        k = self._run(v)
        return self.raw_starts[k] + (v - self.view_starts[k]) + 1 if self.is_data[k] else self.raw_ends[k]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Source span of text[start:end] (end > start)."""
        return self.raw_start(start), self.raw_end(end - 1)


_TO_SPACE = str.maketrans("\r\n\t\f\v", "     ")


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
            words = _CLASS_SPLIT.split(value.lower())
            words += [p for w in words if "-" in w for p in _CLASS_PARTS.split(w)]
            for word in words:
                if word in SKIP_CLASS_WORDS:
                    return SKIP_CLASS_WORDS[word]
        if name == "hidden" or (name == "aria-hidden" and value.lower() == "true"):
            return "markup"
    return None


def _is_literal(tag: str, attrs) -> bool:
    if tag in LITERAL_ELEMENTS:
        return True
    for name, value in attrs:
        if name == "class" and value:
            if any(w in LITERAL_CLASS_WORDS for w in _CLASS_SPLIT.split(value.lower())):
                return True
        if name == "translate" and (value or "").lower() == "no":
            return True
    return False


class _Extractor(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.pieces: list[str] = []
        self.length = 0
        self.view_starts: list[int] = []
        self.raw_starts: list[int] = []
        self.raw_ends: list[int] = []
        self.is_data: list[bool] = []
        self.regions: list[tuple[int, int, str]] = []
        self.stack: list[tuple[str, str | None, bool, bool]] = []  # (tag, skip reason, literal, admonition)
        self.admonition_depth = 0
        self.admonition_label_done = False
        self.skip: list[str] = []
        self.lang: str | None = None
        self.pending_break = ""
        self.literal: list[tuple[int, int]] = []
        self.literal_depth = 0  # open do-not-translate elements
        self.titles: dict[str, str] = {}  # "og", "h1", "title" -> text
        self._title_tag: str | None = None  # collecting the text of this element for the title
        self._title_text: list[str] = []

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

    def _run(self, text: str, start: int, end: int, is_data: bool) -> None:
        self.pieces.append(text)
        self.view_starts.append(self.length)
        self.raw_starts.append(start)
        self.raw_ends.append(end)
        self.is_data.append(is_data)
        self.length += len(text)

    def _emit(self, text: str, start: int, end: int | None = None) -> None:
        """Append visible text; end=None: one source char per text char (data), else an entity."""
        if not text:
            return
        if self.pending_break and self.length:
            self._run(self.pending_break, start, start, False)
        self.pending_break = ""
        text = text.translate(_TO_SPACE)
        if end is None:
            self._run(text, start, start + len(text), True)
        else:
            self._run(text, start, end, False)

    # -- events ----------------------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        pos = self._pos()
        raw = self.get_starttag_text() or ""
        end = pos + len(raw) if raw else self._tag_end(pos)
        if tag == "html" and self.lang is None:
            for name, value in attrs:
                if name == "lang" and value:
                    self.lang = value.split("-")[0].lower()
        if tag == "meta":
            a = {k: v for k, v in attrs}
            if (a.get("property") or a.get("name") or "").lower() == "og:title" and (a.get("content") or "").strip():
                self.titles.setdefault("og", " ".join(unescape(a["content"]).split()))
        if tag in ("title", "h1") and tag not in self.titles and self._title_tag is None:
            self._title_tag, self._title_text = tag, []
        reason = None if self.skip else _skip_reason(tag, attrs)
        classes = {w for n, v in attrs if n == "class" and v for w in _CLASS_SPLIT.split(v.lower())}
        admonition = tag in ("div", "aside", "section") and bool(classes & ADMONITION_CLASSES)
        if admonition:
            self.admonition_label_done = False
        elif (reason is None and not self.skip and self.admonition_depth and not self.admonition_label_done
              and (tag in ("th",) or (tag in ADMONITION_LABELS and "title" in classes))):
            reason = "navigation"  # the admonition's label: a structure line
            self.admonition_label_done = True
        self._region(pos, end, self.skip[-1] if self.skip else (reason or "markup"))
        if tag in BLOCK_ELEMENTS:
            self._break("\n\n")
        elif tag == "br":
            self._break("\n")
        if tag in VOID_ELEMENTS or raw.endswith("/>"):
            return
        literal = _is_literal(tag, attrs)
        self.stack.append((tag, reason, literal, admonition))
        if reason:
            self.skip.append(reason)
        if literal:
            self.literal_depth += 1
        if admonition:
            self.admonition_depth += 1

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
        if tag == self._title_tag:
            text = " ".join("".join(self._title_text).split())
            if text:
                self.titles[tag] = text
            self._title_tag = None
        if any(t == tag for t, _, _, _ in self.stack):
            while self.stack:
                t, reason, literal, admonition = self.stack.pop()
                if reason:
                    self.skip.pop()
                if literal:
                    self.literal_depth -= 1
                if admonition:
                    self.admonition_depth -= 1
                if t == tag:
                    break
        self._region(pos, self._tag_end(pos), reason_here)
        if tag in BLOCK_ELEMENTS:
            self._break("\n\n")

    def handle_data(self, data):
        pos = self._pos()
        if self._title_tag is not None and (self._title_tag == "title" or not self.skip):
            self._title_text.append(data)
        if self.literal_depth and not self.skip and data.strip():
            self._literal(pos, pos + len(data))
        if self.skip:
            self._region(pos, pos + len(data), self.skip[-1])
            return
        self._emit(data, pos)

    def _literal(self, start: int, end: int) -> None:
        if self.literal and self.literal[-1][1] >= start - 1 and not self.source[self.literal[-1][1]:start].strip("; "):
            self.literal[-1] = (self.literal[-1][0], end)
        else:
            self.literal.append((start, end))

    def _entity(self, raw: str, text: str) -> None:
        pos = self._pos()
        if self.source.startswith(raw + ";", pos):
            raw += ";"
        if self._title_tag is not None and (self._title_tag == "title" or not self.skip):
            self._title_text.append(text)
        if self.literal_depth and not self.skip:
            self._literal(pos, pos + len(raw))
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
    text_spans = [(s, e) for s, e in zip(parser.raw_starts, parser.raw_ends) if e > s]
    regions = _fill_gaps(source, parser.regions, text_spans)
    titles = parser.titles
    title = titles.get("og") or titles.get("h1") or titles.get("title")
    return HtmlText("".join(parser.pieces), parser.view_starts, parser.raw_starts, parser.raw_ends,
                    parser.is_data, regions, parser.lang, parser.literal, title)


def _fill_gaps(source: str, regions, text_spans) -> list[tuple[int, int, str]]:
    """Every non-blank source char is text or in a region: what the parser skipped becomes markup."""
    # at equal starts a region comes first: "&nbsp;" is both a text run and a markup region
    spans = sorted([(s, e, r) for s, e, r in regions] + [(s, e, "") for s, e in text_spans],
                   key=lambda x: (x[0], x[2] == ""))
    out: list[tuple[int, int, str]] = []
    pos = 0
    for s, e, reason in spans:
        if s > pos and source[pos:s].strip():
            out.append((pos, s, "markup"))
        if reason and e > max(s, pos):
            out.append((max(s, pos), e, reason))
        pos = max(pos, e)
    if pos < len(source) and source[pos:].strip():
        out.append((pos, len(source), "markup"))
    return out
