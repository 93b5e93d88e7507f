"""Encoding damage left in the text: mojibake, control characters, replacement characters."""

from __future__ import annotations

import re
from functools import lru_cache

from aligner.checks.base import Check, register
from aligner.checks.glued import scan_regions

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028\u2029\ufeff\u00ad]")
_NAMES = {"\u200b": "zero-width space", "\ufeff": "byte-order mark", "\u00ad": "soft hyphen",
          "\u200e": "left-to-right mark", "\u200f": "right-to-left mark"}
_TOKEN = re.compile(r"\S+")
MAX_WORD = 100


def _needed_chars(items) -> frozenset[str] | None:
    """Characters one of which every match of the parsed sequence `items` holds (the cheapest such set: fewest
    ASCII characters, then the smallest share of lower-case letters, then fewest characters), or None when none is known.
    Walks the parse tree of `re`'s own parser; anything it does not know (categories, negated sets, look-arounds,
    back references) needs nothing."""
    candidates = []
    for op, av in items:
        name = str(op)
        chars = None
        if name == "LITERAL":
            chars = frozenset(chr(av))
        elif name == "IN":
            if all(str(o) in ("LITERAL", "RANGE") for o, _ in av):
                chars = frozenset(c for o, a in av for c in
                                  ((chr(a),) if str(o) == "LITERAL" else map(chr, range(a[0], a[1] + 1))))
        elif name == "BRANCH":  # one set from each alternative, together
            parts = [_needed_chars(alt.data) for alt in av[1]]
            chars = None if any(p is None for p in parts) else frozenset().union(*parts)
        elif name == "SUBPATTERN" and not av[1] and not av[2]:  # a group without flags of its own
            chars = _needed_chars(av[3].data)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
            chars = _needed_chars(av[2].data)
        if chars:
            candidates.append(chars)
    if not candidates:
        return None
    return min(candidates, key=lambda cs: (sum(c.isascii() for c in cs), sum(c.islower() for c in cs) / len(cs),
                                           len(cs)))


_SAFE_OPS = frozenset({"LITERAL", "NOT_LITERAL", "IN", "ANY", "BRANCH", "SUBPATTERN", "MAX_REPEAT", "MIN_REPEAT",
                       "POSSESSIVE_REPEAT"})


def _only_safe(items) -> bool:
    """No look-around, back reference or anchor but the string's start: what a search limited to a window of the
    text (`pattern.search(text, pos, endpos)`) finds there is then what a search of the whole text finds there."""
    for op, av in items:
        name = str(op)
        if name == "AT":
            if str(av) != "AT_BEGINNING":  # `^` matches at the string's real start only, whatever `pos` is
                return False
        elif name not in _SAFE_OPS:
            return False
        elif name == "BRANCH" and not all(_only_safe(alt.data) for alt in av[1]):
            return False
        elif name == "SUBPATTERN" and (av[1] or av[2] or not _only_safe(av[3].data)):
            return False
        elif name.endswith("REPEAT") and not _only_safe(av[2].data):
            return False
    return True


@lru_cache(maxsize=None)
def _shortcut(pattern: re.Pattern) -> tuple[re.Pattern, int] | None:
    """(a character class of which every match of `pattern` holds a character, the longest match), or None when
    the pattern is not one `_search_near` answers for.

    ftfy's badness expression has one without the accented lower-case letters of ordinary European text (è, ř,
    ü...), and its matches are at most 7 characters long: a match can only lie within 6 characters of such a
    character. Searching for one character of a class and then the expression around it costs a fraction of
    trying the expression's forty branches at every position of a paragraph."""
    try:
        from re import _parser  # noqa: PLC0415
    except ImportError:  # pragma: no cover - Python < 3.11
        import sre_parse as _parser  # noqa: PLC0415
    if pattern.flags & (re.IGNORECASE | re.MULTILINE):
        return None
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
        chars, width = _needed_chars(tree.data), tree.getwidth()[1]
        safe = _only_safe(tree.data)
    except Exception:  # pragma: no cover - a parser of another Python version: no shortcut, same answers
        return None
    if not safe or not chars or any(c.isascii() for c in chars) or not 0 < width <= 64:
        return None
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]"), width


def _search_near(pattern: re.Pattern, text: str) -> bool:
    """`bool(pattern.search(text))`, searching only the windows of `text` a match can lie in (`_shortcut`)."""
    shortcut = _shortcut(pattern)
    if shortcut is None:
        return bool(pattern.search(text))
    trigger, width = shortcut
    spans: list[list[int]] = []  # windows around the needed characters, overlapping ones merged
    for m in trigger.finditer(text):
        a, b = m.start() - width + 1, m.end() + width - 1
        if spans and a <= spans[-1][1]:
            spans[-1][1] = b
        else:
            spans.append([a, b])
    n = len(text)
    return any(pattern.search(text, max(0, a), min(n, b)) for a, b in spans)


@register
class Mojibake(Check):
    code = "mojibake"
    category = "encoding"
    severity = "error"
    fixable = True
    summary = "Text decoded with the wrong character set (mojibake such as 'Ã¨' for 'è')."
    help = ("UTF-8 text read as Latin-1 or Windows-1252 turns accented letters into pairs like 'Ã¨' or "
            "'Å¾'. Each damaged word is found with ftfy's badness measure and the fix is ftfy's repair. The "
            "loader repairs whole files it detects as mis-decoded; this catches what is left.")

    def find(self, ctx, doc):
        try:
            import ftfy  # noqa: PLC0415
            from ftfy.badness import is_bad  # noqa: PLC0415
        except ImportError:  # pragma: no cover
            return
        from ftfy.badness import BADNESS_RE  # noqa: PLC0415

        for a, b in scan_regions(doc):
            text = doc.raw[a:b]
            # every pattern of ftfy's badness needs a non-ASCII character; is_bad(text), searched near them
            if text.isascii() or not _search_near(BADNESS_RE, text):
                continue
            for m in _TOKEN.finditer(text):
                tok = m.group()
                if is_bad(tok):
                    fixed = ftfy.fix_text(tok)
                    yield self.flag(doc, a + m.start(), a + m.end(), f"Mojibake: '{tok}' should read '{fixed}'.",
                                    fix=fixed if fixed != tok else None, score=1.0)


@register
class ControlCharacter(Check):
    code = "control-character"
    category = "encoding"
    severity = "warning"
    fixable = True
    summary = "An invisible control or formatting character inside the text."
    help = ("C0/C1 control characters, zero-width spaces, stray byte-order marks, soft hyphens and direction "
            "marks are invisible, break tokenisers and search, and are never wanted in a dataset. The fix "
            "deletes them (a tab or vertical tab becomes a space).")

    def find(self, ctx, doc):
        for a, b in scan_regions(doc):
            for m in _CONTROL.finditer(doc.raw, a, b):
                ch = m.group()
                name = _NAMES.get(ch, f"control character U+{ord(ch):04X}")
                fix = " " if ch in "\x0b\x0c" else ""
                yield self.flag(doc, m.start(), m.end(), f"Invisible {name} in the text.", fix=fix, score=1.0)


@register
class ReplacementCharacter(Check):
    code = "replacement-character"
    category = "encoding"
    severity = "error"
    summary = "A U+FFFD replacement character: a character was lost when the text was decoded."
    help = ("'\ufffd' stands for bytes that could not be decoded: the original character is gone and cannot be "
            "restored automatically. Fix the source file or re-extract it.")

    def find(self, ctx, doc):
        for a, b in scan_regions(doc):
            for m in re.finditer("\ufffd+", doc.raw[a:b]):
                s, e = a + m.start(), a + m.end()
                # the word around it, at most MAX_WORD characters each way (a long run without spaces
                # would make this look-up quadratic)
                lo, hi = max(a, s - MAX_WORD), min(b, e + MAX_WORD)
                ws = doc.raw.rfind(" ", lo, s) + 1 or lo
                we = doc.raw.find(" ", e, hi)
                we = hi if we < 0 else we
                yield self.flag(doc, max(ws, a), we, f"Lost character(s) in '{doc.raw[max(ws, a):we]}'.", score=1.0)
