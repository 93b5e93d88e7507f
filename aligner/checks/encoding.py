"""Encoding damage left in the text: mojibake, control characters, replacement characters."""

from __future__ import annotations

import re

from aligner.checks.base import Check, register
from aligner.checks.glued import scan_regions

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028\u2029\ufeff\u00ad]")
_NAMES = {"\u200b": "zero-width space", "\ufeff": "byte-order mark", "\u00ad": "soft hyphen",
          "\u200e": "left-to-right mark", "\u200f": "right-to-left mark"}
_TOKEN = re.compile(r"\S+")
MAX_WORD = 100


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
        for a, b in scan_regions(doc):
            text = doc.raw[a:b]
            if text.isascii() or not is_bad(text):  # every pattern of ftfy's badness needs a non-ASCII character
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
