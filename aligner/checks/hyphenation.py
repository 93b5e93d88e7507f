"""Broken affix hyphens: `pag -iwas` for `pag-iwas` (a space crept in before the hyphen)."""

from __future__ import annotations

import re

from aligner.checks.base import Check, overlaps, protected_spans, register
from aligner.checks.glued import scan_regions
from aligner.checks.lang import resources
from aligner.checks.view import reader_view

# word, horizontal spaces, a hyphen (not a dash), then a letter right after it
# (`left` from a word's start, possessive: a long word not followed by a space is scanned once, not from every
# position in it)
_SPACED_HYPHEN = re.compile(r"(?<![^\W\d_])(?P<left>[^\W\d_]++)(?P<gap>[ \t\u00a0]++)-(?P<right>[^\W\d_]+)")


@register
class AffixHyphenSpace(Check):
    code = "affix-hyphen-space"
    category = "hyphenation"
    severity = "warning"
    fixable = True
    summary = "A space before the hyphen that joins a prefix or a reduplicated stem to its root."
    help = ("Tagalog writes a hyphen between a prefix and a root that starts with a vowel or is a loan "
            "(pag-iwas, mai-promote, pang-promosyon, makipag-usap) and in partial reduplication "
            "(magkakaiba-iba). Machine translation often puts a space before the hyphen ('pag -iwas'); the fix "
            "removes it. Only flagged when the word before the hyphen is a prefix of the language (its resource "
            "list `hyphen_prefixes`) or the part after the hyphen repeats the end of the word before it; a dash "
            "between spaces (' - ', ' – ') is punctuation and left alone. Runs only for languages with prefixes "
            "listed (tl).")
    params = {"extra_prefixes": []}

    def find(self, ctx, doc):
        res = resources(doc.lang)
        prefixes = set(res.hyphen_prefixes) | {p.lower() for p in self.extra_prefixes}
        if not prefixes:
            return
        for a, b in scan_regions(doc):
            text = reader_view(doc)[a:b]
            protected = protected_spans(text)
            for m in _SPACED_HYPHEN.finditer(text):
                left, right = m.group("left"), m.group("right")
                low = left.lower()
                reduplicated = len(right) >= 2 and low.endswith(right.lower()) and len(low) > len(right)
                if low not in prefixes and not reduplicated:
                    continue
                if overlaps(m.span(), protected):
                    continue
                why = "the reduplicated stem" if reduplicated and low not in prefixes else "the prefix"
                yield self.flag(doc, a + m.start(), a + m.end(),
                                f"Space before the hyphen after {why} '{left}': write '{left}-{right}'.",
                                fix=f"{left}-{right}", score=1.0)
