"""What the checks read: the text a reader sees, at the offsets of the raw document.

`reader_view(doc)` is a string of the same length as `doc.raw` in which

- HTML markup (tags, comments, scripts, styles) is blanked with spaces, and an entity
  (`&amp;`, `&#233;`) becomes its character followed by spaces, so a check never reads
  `class`, `span` or `strong` out of a tag, and every offset still indexes `doc.raw`;
- do-not-translate text is masked with LITERAL (a symbol, neither a letter nor a space): inline
  code, commands, file names, options and placeholders, from the HTML markup (`code`, `tt`, `kbd`,
  `samp`, `var`, `pre`, classes such as `literal`, `command`, `filename`: aligner.load.html) and, in
  any text, Markdown backticks, file paths, `--options`, `$VARIABLES`, `%s`/`{name}`/`<name>`
  placeholders, `snake_case` identifiers and file names with an extension;
- `language_view(doc)` also masks an acronym's expansion in parentheses (KISS (keep it simple stupid)) and
  short quoted titles or examples (at most 12 words): what untranslated, wrong-language and casing read.

Language checks (untranslated, wrong language, casing, glued words, repetition) read this view, so
a command left in English or a package name is not an "untranslated word" and markup never is.
"""

from __future__ import annotations

import re

LITERAL = "¤"  # masks do-not-translate text: not a letter (no word), not a space (no word boundary games)

# A cheap look-ahead before each look-behind, and possessive runs where giving characters back can never let the
# rest match (a `.` or `_` must follow): the same matches in half the time (this reads every document once).
_CODE_LIKE = re.compile(
    r"```.*?```|`[^`\n]+`"  # Markdown code
    r"|(?=[~./])(?<![\w/.~])(?:~|\.\.?)?/(?:[\w.+@-]+/)*[\w.+@-]*[\w+@-]"  # /etc/apt/sources.list, ~/.bashrc, ./configure
    r"|(?=-)(?<![\w-])(?:--?[a-z][\w-]*=\S*|--[a-z][\w-]+)"  # --option, --opt=value, -o=value
    r"|\$\{?[A-Za-z_]\w*\}?"  # $HOME, ${VAR}
    r"|%[sdif]\b|%\(\w+\)[sd]|\{\{?\s*[\w.]+\s*\}?\}"  # printf / template placeholders
    r"|<[a-z][\w.-]*>"  # <filename> placeholders (HTML: after entities are decoded)
    r"|\b[A-Za-z0-9]++(?:_[A-Za-z0-9]+)+\b"  # snake_case identifiers
    r"|\b[a-z0-9][\w-]*+(?:\.[\w-]+)+\b",  # name.ext, v1.2.3 (filtered below)
    re.DOTALL,
)


def _code_like_spans(text: str) -> list[tuple[int, int]]:
    out = []
    for m in _CODE_LIKE.finditer(text):
        tok = m.group()
        if tok.replace(".", "").isdigit():
            continue  # a number with parts (11.2, 2.100) is read as a number, not masked as code
        if tok[0].isalnum() and "." in tok and not any(c in tok for c in "_/`$%{<-"):
            # name.ext is a file name when the part after the last dot is a known extension or it has digits
            # (v1.2); 'nito.ang' or 'e.g' are not (junctions are the glued-sentence check's business)
            if tok.rsplit(".", 1)[1].lower() not in _EXTENSIONS and not any(c.isdigit() for c in tok):
                continue
        out.append(m.span())
    return out


# extensions of file names written in prose (sources.list, grub.cfg, index.html); others are left to the checks
# An acronym's expansion in parentheses is quoted, not translated: KISS (keep it simple stupid), RTFM (read the
# fine manual); so are short quoted titles and examples: « Guide to Installation and Usage », "Debian Reference".
# Lengths are in characters of the view, where blanked markup (a link's tag) takes room: up to 600 characters, and
# a single line break (HTML source wraps lines), but at most MAX_QUOTED_WORDS words and never a blank line.
_GLOSS = re.compile(r"\b[A-Z]{2,}\s*\(([^()\n]{3,80})\)|\(([^()\n]{3,80}),\s*[A-Z]{2,}\)")
_Q = r"(?:[^{}\n]|\n(?![ \t]*\n))"
_QUOTED = re.compile(rf"«\s*({_Q.format('«»')}{{2,600}}?)\s*»|“({_Q.format('“”')}{{2,600}})”"
                     rf"|„({_Q.format('„“”')}{{2,600}})[“”]|\"({_Q.format(chr(34))}{{2,600}})\"")
MAX_QUOTED_WORDS = 12


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    out = [m.span(1 if m.group(1) is not None else 2) for m in _GLOSS.finditer(text)]  # KISS (...), (..., KISS)
    for m in _QUOTED.finditer(text):
        k = next(i for i in (1, 2, 3, 4) if m.group(i) is not None)
        if len(m.group(k).split()) <= MAX_QUOTED_WORDS:
            out.append(m.span(k))
    return out


_EXTENSIONS = {
    "list", "conf", "cfg", "ini", "txt", "md", "html", "htm", "xml", "json", "yaml", "yml", "toml", "py", "sh",
    "c", "h", "cpp", "js", "ts", "css", "deb", "rpm", "tar", "gz", "bz2", "xz", "zip", "iso", "img", "log",
    "pdf", "png", "jpg", "svg", "so", "d", "service", "desktop", "rules", "pem", "key", "crt", "bashrc",
    "profile", "local", "sources", "pl", "rb", "go", "rs", "java", "csv", "tsv", "db", "sql", "lock", "pid",
}


def _mask(chars: list[str], start: int, end: int) -> None:
    for k in range(start, end):
        if not chars[k].isspace():
            chars[k] = LITERAL


_NONBLANK = re.compile(r"\S")


def _masked(text: str, spans) -> str:
    """`text` with the non-blank characters of `spans` (which may overlap) replaced by LITERAL: same length.
    Built from slices: most documents have few such spans, and a list of every character cost more than the rest."""
    if not spans:
        return text
    parts, done = [], 0
    for s, e in sorted(spans):
        s = max(s, done)
        if e <= s:
            continue
        parts.append(text[done:s])
        parts.append(_NONBLANK.sub(LITERAL, text[s:e]))
        done = e
    parts.append(text[done:])
    return "".join(parts)


def language_view(doc) -> str:
    """The reader view with quoted titles/examples and acronym expansions masked too: what the language checks
    (untranslated, wrong-language, casing) read. The shape checks (glue, hyphens, repetition) read `reader_view`,
    where a quote still ends a sentence ('«basta».Poi')."""
    cached = doc.__dict__.get("_language_view")
    if cached is not None and cached[0] is doc.raw:
        return cached[1]
    reader = reader_view(doc)
    view = _masked(reader, _quoted_spans(reader))
    doc.__dict__["_language_view"] = (doc.raw, view)
    return view


def reader_view(doc) -> str:
    """`doc.raw` as a reader sees it (same length): markup blanked, do-not-translate text masked. Cached."""
    cached = doc.__dict__.get("_reader_view")
    if cached is not None and cached[0] is doc.raw:
        return cached[1]
    view = doc.raw or ""
    if getattr(doc, "format", "text") == "html":
        chars = list(view)
        from aligner.load.html import extract_text

        h = extract_text(view)
        for s, e, _reason in h.regions:
            for k in range(s, min(e, len(chars))):
                if chars[k] not in "\n":
                    chars[k] = " "
        for k, is_data in enumerate(h.is_data):
            if is_data:
                continue
            rs, re_ = h.raw_starts[k], h.raw_ends[k]
            if re_ <= rs:
                continue  # a synthetic line break
            text = h.text[h.view_starts[k]:h.view_starts[k + 1] if k + 1 < len(h.view_starts) else len(h.text)]
            text = (text if text.strip() else " ")[:re_ - rs]
            chars[rs:re_] = list(text.ljust(re_ - rs))
        for s, e in h.literal:
            _mask(chars, s, e)
        view = "".join(chars)
    view = _masked(view, _code_like_spans(view))
    doc.__dict__["_reader_view"] = (doc.raw, view)
    return view


def reader_text(doc, start: int, end: int) -> str:
    """The reader's text of raw[start:end] with do-not-translate and quoted parts left out, whitespace collapsed."""
    return " ".join(language_view(doc)[start:end].replace(LITERAL, " ").split())
