"""Sentence splitting with offsets, written for scraped machine-translated text.

`split_sentences(text, lang)` returns `[(start, end), ...]`, spans into `text`, trimmed of
surrounding whitespace. It is a single left-to-right pass over candidate positions found by
two linear regular expressions (no backtracking), so it takes linear time on any input.

A boundary is proposed
- after a run of `.`, `!`, `?`, `…` (plus closing quotes/brackets), followed by whitespace
  or glued directly to the next word (`nito.Ang`, `priorità.È`, `servizio.L'ambito`);
- between a lower-case word and a capitalised word glued together (`propagovatDobrá`),
  when the left part is a lower-case word of at least `MIN_GLUED_LEFT` letters preceded by a
  space, and the right part is one capital followed by lower-case letters only - which
  leaves `iPhone`, `McDonald`, `YouTube`, `PowerPoint`, `JavaScript`, `querySelectorAll` alone.

and rejected
- before a lower-case word (`atd. a`, `1. ledna`, `e.g. the`);
- after an abbreviation of the language that never ends a sentence (`Dr.`, `Sig.`, `tj.`),
  an initial (`G. Rossi`), a dotted abbreviation (`U.S. Bureau`, `s.r.o.`), an abbreviation
  before a number (`No. 5`, `č. 5`), a number in a list marker at the start of a line (`1. Úvod`),
  a German ordinal (`am 3. Oktober`);
- inside numbers (`2.2`, `1.500`, `3.14`: no space and no capital after the period), URLs,
  e-mail addresses and domain names (`www.Example.com`, `Amazon.Com`).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

TERMINAL_RE = re.compile(r"[.!?…]+|[。！？]+")
# The same marks as one class: the engine finds a one-class pattern by its first character, which it cannot do
# for the two-branch TERMINAL_RE; a run longer than one mark is then cut into TERMINAL_RE's own matches.
_TERMINAL_ANY = re.compile(r"[.!?…。！？]+")
CLOSERS = frozenset("\"'”’»)]}›」』“‘")  # “ ‘ close quotes in cs/de („…“)
_CLOSER_CHARS = "".join(sorted(CLOSERS))
OPENERS = frozenset("\"'“‘„«([{¿¡‹「『")
MIN_GLUED_LEFT = 4


def _letters(pred) -> str:
    chars = [chr(c) for c in range(0x41, 0x530) if pred(chr(c))]
    chars += [chr(c) for c in range(0x1E00, 0x1F00) if pred(chr(c))]
    return "".join(re.escape(c) for c in chars)


_LOWER = _letters(str.islower)
_UPPER = _letters(str.isupper)
GLUED_CASE_RE = re.compile(f"[{_LOWER}](?=[{_UPPER}][{_LOWER}])")  # match.end(): the capital
_SHORT_DOTTED = re.compile(r"^[^\W\d_]{1,3}\.")
_DOTTED_ABBREV = re.compile(r"^(?:[^\W\d_]{1,3}\.)+[^\W\d_]{1,3}$")


@lru_cache(maxsize=1)
def _abbreviation_data() -> dict:
    with resources.files("aligner.data").joinpath("abbreviations.json").open(encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=64)
def abbreviations(lang: str | None) -> tuple[frozenset, frozenset, frozenset]:
    """(nonfinal, final_ok, before_number) abbreviation sets for `lang` (plus the common ones)."""
    data = _abbreviation_data()
    sets = []
    for key in ("nonfinal", "final_ok", "before_number"):
        words = set(data["common"][key])
        if lang and lang in data:
            words.update(data[lang].get(key, ()))
        sets.append(frozenset(words))
    nonfinal, final_ok, before_number = sets
    return nonfinal - (final_ok - set(data.get(lang or "", {}).get("nonfinal", ()))), final_ok, before_number


MAX_LOOK = 80  # how far the rules look around a candidate: keeps every candidate O(1)


def _token_start(text: str, pos: int, lo: int) -> int:
    i = pos
    stop = max(lo, pos - MAX_LOOK)
    while i > stop and not text[i - 1].isspace():
        i -= 1
    return i


def _at_line_start(text: str, pos: int, lo: int) -> bool:
    i = pos - 1
    stop = max(lo, pos - MAX_LOOK)
    while i >= stop and text[i] in " \t":
        i -= 1
    return i < lo or (i >= 0 and text[i] == "\n")


def _is_terminal_boundary(text: str, a: int, b: int, d: int, glued: bool, lo: int, hi: int, lang: str | None) -> bool:
    """Is there a sentence boundary after the punctuation run text[a:b], next word at d?"""
    nxt = text[d]
    if nxt.islower():
        return False
    strong = text[a:b].rstrip(_CLOSER_CHARS) != "."  # "?", "!", "…", "..", "。": any run but a single period
    tok = _token_start(text, a, lo)
    word = text[tok:a]
    while word and word[0] in OPENERS:
        word = word[1:]
    lw = word.lower()
    nonfinal, final_ok, before_number = abbreviations(lang)

    if nxt.isdigit():
        if glued:
            return False  # 2.2, 1.500, 3.14, 1.2.3
        if strong:
            return True
        return not (lw in before_number or lw in nonfinal or word.isdigit() or (len(word) == 1 and word.isalpha()))
    if not nxt.isalpha():
        if glued:
            return False
        return strong or not (lw in nonfinal or _DOTTED_ABBREV.match(word) or (len(word) == 1 and word.isalpha()))
    # next is a capital (or a letter without case)
    if word.isdigit() and len(word) <= 3 and _at_line_start(text, tok, lo):
        return False  # a list marker: "1. Introduction", "2.Methods"
    if glued:
        token_end = d
        stop = min(hi, d + MAX_LOOK)
        while token_end < stop and not text[token_end].isspace():
            token_end += 1
        token = text[tok:token_end]
        if "://" in token or "@" in token or token.lower().startswith("www."):
            return False
        if d + 1 < hi and text[d + 1].isupper():
            return False  # ASP.NET, file.TXT: an acronym, not a new sentence
        right = text[d:token_end]
        if _SHORT_DOTTED.match(right):
            return False  # Ph.D., B.Sc.: the right part is itself an abbreviation
        dot = right.find(".")
        if 0 < dot < len(right) - 1 and right[dot + 1].isalpha():
            return False  # Amazon.Com / example.Org.uk
        if strong:
            return True
        core = word.rstrip("".join(CLOSERS))
        if "." in core or sum(ch.isalpha() for ch in core) < 2 and not core.isdigit():
            return False  # J.K.Rowling, G.Rossi
        return lw not in nonfinal
    if strong:
        return True
    if not word:
        return True
    if lw in nonfinal:
        return False
    if lw in final_ok:
        return True
    if len(word) == 1 and word.isalpha():
        return False  # an initial: G. Rossi
    if _DOTTED_ABBREV.match(word):
        return False  # U.S. Bureau, e.g., s.r.o.
    if word.isdigit():
        if len(word) <= 2 and lang in _abbreviation_data().get("ordinal_dot_before_capital", ()):
            return False  # am 3. Oktober
    return True


def _glued_case_boundary(text: str, p: int, lo: int, hi: int) -> bool:
    """Is text[p] (a capital after a lower-case letter) the start of a glued sentence?"""
    i = p
    stop = max(lo, p - MAX_LOOK)
    while i > stop and text[i - 1].isalpha():
        i -= 1
    left = text[i:p]
    if len(left) < MIN_GLUED_LEFT or not left.islower():
        return False
    if i > lo and not (text[i - 1].isspace() or text[i - 1] in OPENERS or text[i - 1] in ",;:"):
        return False  # www.siteName, data_frameName, 3rdParty
    j = p + 1
    stop = min(hi, p + MAX_LOOK)
    while j < stop and text[j].isalpha():
        if text[j].isupper():
            return False  # querySelectorAll, openSUSE
        j += 1
    if j - p < 2:
        return False
    if j < hi and (text[j] in "(_[" or text[j].isdigit() or (text[j] == "." and j + 1 < hi and text[j + 1].isalpha())):
        return False  # code: fooBar(), fooBar.baz
    return True


def boundaries(text: str, lang: str | None = None, start: int = 0, end: int | None = None) -> list[int]:
    """Positions in [start, end) where a new sentence begins (sorted, without start)."""
    hi = len(text) if end is None else end
    cuts: list[int] = []
    for run in _TERMINAL_ANY.finditer(text, start, hi):
        for m in (run,) if run.end() - run.start() == 1 else TERMINAL_RE.finditer(text, run.start(), run.end()):
            a, b = m.span()
            while b < hi and text[b] in CLOSERS:
                b += 1
            if b >= hi:
                continue
            c = b
            glued = not text[c].isspace()
            if not glued:
                while c < hi and text[c].isspace():
                    c += 1
                if c >= hi:
                    continue
            d = c
            while d < hi and text[d] in OPENERS:
                d += 1
            if d >= hi or a == start:
                continue
            if _is_terminal_boundary(text, a, b, d, glued, start, hi, lang):
                cuts.append(b)
    for m in GLUED_CASE_RE.finditer(text, start, hi):
        p = m.end()
        if p > start and _glued_case_boundary(text, p, start, hi):
            cuts.append(p)
    cuts.sort()
    return cuts


def split_sentences(text: str, lang: str | None = None, start: int = 0, end: int | None = None,
                    max_chars: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans [(start, end), ...] of text[start:end], trimmed of whitespace, in order; with
    `max_chars`, a longer span is cut into pieces of at most that many characters (`cap_length`)."""
    hi = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    prev = start
    for cut in [*boundaries(text, lang, start, hi), hi]:
        s, e = prev, cut
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            if max_chars is not None and e - s > max_chars:
                spans.extend(cap_length(text, s, e, max_chars))
            else:
                spans.append((s, e))
        prev = cut
    return spans


_SOFT_BREAK = re.compile(r"[,;:)\]}»”\u2013\u2014/|]")  # where a run without spaces can be cut next best


def cap_length(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """text[start:end] as pieces of at most `max_chars` characters, trimmed of whitespace, every other
    character kept: each cut at the last whitespace of the piece's second half, else after its last
    comma, semicolon, colon, closing bracket, dash or slash, else at the limit itself (never inside a
    combining sequence).

    Why: a "sentence" of thousands of characters is not one (a table, a list or a minified blob
    without final punctuation: a 1.4 MB page of them was a single sentence). It cannot be aligned as
    one, and every string that contains it (the title the roles read, the concatenations alignment
    encodes) costs the encoder its whole length again: minutes per page."""
    import unicodedata

    out: list[tuple[int, int]] = []
    s = start
    while s < end:
        while s < end and text[s].isspace():
            s += 1
        if s >= end:
            break
        if end - s <= max_chars:
            e = end
            while e > s and text[e - 1].isspace():
                e -= 1
            out.append((s, e))
            break
        lo, hi = s + max(1, max_chars // 2), s + max_chars
        cut = next((k + 1 for k in range(hi - 1, lo - 1, -1) if text[k].isspace()), None)
        if cut is None:
            m = None
            for m in _SOFT_BREAK.finditer(text, lo, hi):
                pass
            cut = m.end() if m is not None else hi
            while cut > s + 1 and unicodedata.combining(text[cut]):
                cut -= 1  # a base letter keeps its accents
        e = cut
        while e > s and text[e - 1].isspace():
            e -= 1
        out.append((s, e))
        s = cut
    return out
