"""Doubled words and phrases: `zpracování zpracování`, `Děkuji za zpětnou vazbu Děkuji za zpětnou vazbu`."""

from __future__ import annotations

import re
from functools import lru_cache

from aligner.checks.base import Check, register
from aligner.checks.glued import scan_regions
from aligner.checks.lang import resources
from aligner.checks.view import reader_view

_TOKEN = re.compile(r"[^\W_]+(?:['’.,][^\W_]+)*|[^\w\s]")


_STOPS = {".", "!", "?", "…"}


class _Tokens:
    """The tokens of a text as (start, end, token) on demand, stored as two integer arrays: a region of a 10 MB page
    has ~2 million tokens, and a list of tuples of them took ~300 MB. The arrays are built on the first look-up
    (most regions hold no repeat, and the repeat search reads the lower-case keys only)."""

    def __init__(self, text: str, n: int):
        self.text = text
        self.n = n
        self.starts = self.ends = None

    def _build(self) -> None:
        from array import array
        from itertools import islice

        starts, ends = array("q"), array("q")
        matches = _TOKEN.finditer(self.text)
        while True:  # in chunks: the list of spans of a huge region is never held whole
            chunk = [m.span() for m in islice(matches, 65536)]
            if not chunk:
                break
            starts.extend([a for a, _ in chunk])
            ends.extend([b for _, b in chunk])
        self.starts, self.ends = starts, ends

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, k):
        if self.starts is None:
            self._build()
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        a, b = self.starts[k], self.ends[k]
        return a, b, self.text[a:b]


class _Region:
    """A text's lower-case token keys (equal keys share one string object), its tokens (`_Tokens`) and, per
    token, the index of the next token with the same key (len(keys) + max gap when none)."""

    __slots__ = ("keys", "toks", "_next", "repeats")

    def __init__(self, text: str):
        seen: dict[str, str] = {}
        self.keys = [seen.setdefault(k, k) for k in map(str.lower, _TOKEN.findall(text))]
        self.toks = _Tokens(text, len(self.keys))
        self._next = None
        self.repeats: dict[int, list] = {}

    def next_same(self) -> list[int]:
        if self._next is None:
            keys = self.keys
            far = 2 * len(keys) + 1
            nxt = [far] * len(keys)
            last: dict[str, int] = {}
            for i in range(len(keys) - 1, -1, -1):
                k = keys[i]
                nxt[i] = last.get(k, far)
                last[k] = i
            self._next = nxt
        return self._next


_REGIONS: dict[str, _Region] = {}  # recent texts, oldest first (insertion order)
_REGION_TOKENS = 400_000  # tokens kept in `_REGIONS`: the checks of one document read the same regions twice
_held = [0]  # tokens in `_REGIONS`


def _region(text: str) -> _Region:
    """The tokens of `text`, shared by the repetition checks (each region is tokenised once)."""
    r = _REGIONS.pop(text, None)
    if r is None:
        r = _Region(text)
        _held[0] += len(r.keys)
        while _REGIONS and _held[0] > _REGION_TOKENS:
            _held[0] -= len(_REGIONS.pop(next(iter(_REGIONS))).keys)
    _REGIONS[text] = r
    return r


def _tokens(text: str) -> _Tokens:
    return _region(text).toks


def _keys(text: str) -> list[str]:
    """Lower-case tokens; equal keys share one string object (a vocabulary, not a copy per token)."""
    return _region(text).keys


def _period(unit: list[str]) -> int:
    """The smallest p such that `unit` is its first p keys repeated ('parola parola parola parola': 1)."""
    n = len(unit)
    return next(p for p in range(1, n + 1) if n % p == 0 and unit == unit[:p] * (n // p))


def find_repeats(text: str, max_n: int):
    """(tokens, start_token, n, copies) of every unit of n tokens written `copies` (2+) times in a row, the longest
    unit first, non-overlapping. A unit made of one shorter unit repeated counts as that shorter one, and a run
    is one repeat however long: a page of 'parola parola ...' (200,000 copies) is one finding whose fix keeps one
    copy, not 100,000 findings (and 8,334 more for 12-word 'phrases') whose fixes would still leave half."""
    reg = _region(text)
    if max_n in reg.repeats:
        return reg.repeats[max_n]
    toks, keys = reg.toks, reg.keys
    n_toks = len(keys)
    nxt = reg.next_same()
    out = []
    pos = 0  # the next token a repeat may start at
    # only a token whose key comes again within max_n tokens can start a repeat
    for i in [i for i, j in enumerate(nxt) if j - i <= max_n]:
        if i < pos:
            continue
        lim = min(max_n, (n_toks - i) // 2)
        sizes = []  # n such that keys[i + n] == keys[i], ascending
        j = nxt[i]
        while j - i <= lim:
            sizes.append(j - i)
            j = nxt[j]
        for n in reversed(sizes):  # longest first
            if keys[i:i + n] == keys[i + n:i + 2 * n]:
                # the copies must be separated by whitespace only
                gap = text[toks[i + n - 1][1]:toks[i + n][0]]
                inner_stop = any(k in _STOPS for k in keys[i:i + n - 1])  # a unit never spans a sentence end
                if gap.strip() == "" and not inner_stop and any(ch.isalpha() for k in keys[i:i + n] for ch in k):
                    p = _period(keys[i:i + n])
                    if p < n and not text[toks[i + p - 1][1]:toks[i + p][0]].strip():
                        n = p  # 'a b a b a b a b' is 'a b' four times, not 'a b a b' twice
                    unit, c = keys[i:i + n], 2
                    while (i + (c + 1) * n <= n_toks and keys[i + c * n:i + (c + 1) * n] == unit
                           and not text[toks[i + c * n - 1][1]:toks[i + c * n][0]].strip()):
                        c += 1
                    out.append((toks, i, n, c))
                    pos = i + c * n
                    break
    reg.repeats[max_n] = out
    return out


def _paragraph_regions(doc) -> list[tuple[int, int]]:
    """Raw runs of sentences of one paragraph (a heading is its own): a heading followed by a sentence that starts
    with the same words ('Customer service' / 'Customer service is...') is not a doubled phrase."""
    out: list[list[int]] = []
    prev = None
    view = reader_view(doc)
    for s in sorted(doc.sentences, key=lambda s: s.raw_start):
        same = prev is not None and prev.paragraph == s.paragraph and prev.kind == s.kind == "sentence" \
            and not view[prev.raw_end:s.raw_start].strip()
        if same:
            out[-1][1] = max(out[-1][1], s.raw_end)
        else:
            out.append([s.raw_start, s.raw_end])
        prev = s
    return [(a, b) for a, b in out]


@lru_cache(maxsize=None)
def _commonest(lang: str | None, n: int = 100) -> frozenset[str]:
    """The language's `n` most frequent words (wordfreq), empty when unknown: pronouns, question words..."""
    from aligner.checks.lexicon import get_lexicon  # remembered on disk: a second run does not import wordfreq

    return get_lexicon().top_words(lang, n)


class _Repetition(Check):
    category = "repetition"
    severity = "warning"
    fixable = True
    params = {"max_phrase_tokens": 12, "include_removed": True}
    needs = frozenset({"words"})

    def _repeats(self, doc):
        """(offset, text, tokens, i, n, copies, removed) of each repeat in the sentences, and in removed chrome when
        `include_removed` (reported for the record, already fixed: that text is not in the dataset)."""
        regions = [(a, b, False) for a, b in _paragraph_regions(doc)]
        if self.include_removed:
            regions += [(r.start, r.end, True) for r in doc.removed if reader_view(doc)[r.start:r.end].strip()]
        for a, b, removed in sorted(regions):
            text = reader_view(doc)[a:b]
            for toks, i, n, copies in find_repeats(text, self.max_phrase_tokens):
                yield a, text, toks, i, n, copies, removed

    @staticmethod
    def _where(removed):
        return " (in text removed as chrome)" if removed else ""

    @staticmethod
    def _times(copies: int) -> str:
        return "twice" if copies == 2 else f"{copies} times in a row"


@register
class RepeatedWord(_Repetition):
    code = "repeated-word"
    summary = "A word is written twice in a row."
    help = ("'zpracování zpracování': machine translation doubled a word; the fix keeps one. A run of copies "
            "('chiede chiede chiede', a stuck generator's page of one word) is one finding. Reduplication "
            "that the language uses on purpose is not flagged. Tagalog (`reduplication = \"hyphen\"`) writes full "
            "reduplication with a hyphen (araw-araw, isa-isa, unti-unti: Komisyon sa Wikang Filipino, "
            "Ortograpiyang Pambansa 2014, use of the hyphen in repeated words): a space-separated doubled content "
            "word is flagged with the hyphenated form as its fix, a doubled function word (ang ang, sa sa) with "
            "one copy; the legitimate sequences of two identical particles (the adverb 'na' followed by the "
            "linker 'na') are listed in `reduplicated_ok`. Italian and Czech allow only listed words (piano "
            "piano, via via; ano ano). Extend with `allow` (words that may be doubled) or set `reduplication` to "
            "'free', 'listed' or 'hyphen'.")
    params = {**_Repetition.params, "max_phrase_tokens": 1, "allow": [], "reduplication": ""}
    param_choices = {"reduplication": ("", "free", "listed", "hyphen")}  # "": the language's own policy

    def find(self, ctx, doc):
        res = resources(doc.lang)
        policy = self.reduplication or res.reduplication
        allowed = set(res.reduplicated_ok) | {w.lower() for w in self.allow}
        for a, text, toks, i, n, copies, removed in self._repeats(doc):
            if n != 1:
                continue
            word = toks[i][2]
            key = word.lower()
            if not any(ch.isalpha() for ch in key) or key in allowed or len(key) < 2:
                continue  # a single letter twice is a list label or an initial (V V), not a doubled word
            if policy == "free" and key not in res.function_words:
                continue
            start, end = a + toks[i][0], a + toks[i + copies - 1][1]
            if policy == "hyphen" and key not in res.function_words and copies == 2:
                # full reduplication is written with a hyphen (tl araw-araw): the space is the artifact
                second = text[toks[i + 1][0]:toks[i + 1][1]]
                yield self.flag(doc, start, end, f"'{word} {second}': a reduplicated word is written with a hyphen "
                                f"in {doc.lang}{self._where(removed)}.", fix=f"{word}-{second}", score=1.0,
                                fixed=removed)
                continue
            yield self.flag(doc, start, end, f"'{word}' is written {self._times(copies)}{self._where(removed)}.",
                            fix=text[toks[i][0]:toks[i][1]], score=1.0, fixed=removed)


@register
class RepeatedPhrase(_Repetition):
    code = "repeated-phrase"
    summary = "A phrase or a sentence is written twice in a row."
    help = ("'Děkuji za zpětnou vazbu Děkuji za zpětnou vazbu', 'Jak můžeme pomoci? Jak můžeme pomoci?': a "
            "sequence of two or more words repeated right after itself (ignoring case). The fix keeps one copy; a "
            "run of copies is one finding. Longer repeats are matched first, up to `max_phrase_tokens` tokens, and "
            "a unit that is a shorter one repeated counts as that one ('grazie mille grazie mille grazie mille': "
            "'grazie mille' three times). With `include_removed` "
            "(default) repeats inside text the segmenter removed as chrome are reported too, as already fixed. "
            "A repeat whose copies each end with a comma ('Oui, oui,', 'Weiter, weiter,') is emphasis, not an "
            "artifact.")
    params = {**_Repetition.params, "max_phrase_tokens": 12, "min_tokens": 2}

    def find(self, ctx, doc):
        for a, text, toks, i, n, copies, removed in self._repeats(doc):
            if n < self.min_tokens or sum(any(ch.isalnum() for ch in toks[k][2]) for k in range(i, i + n)) < 2:
                continue  # one word with punctuation ('"Japanese" → "Japanese mozc"') is repeated-word's business
            if toks[i + n - 1][2] in (",", ";"):
                continue  # 'Oui, oui,' / 'Weiter, weiter,': emphatic repetition set off by commas (epizeuxis)
            start, end = a + toks[i][0], a + toks[i + copies * n - 1][1]
            first = text[toks[i][0]:toks[i + n - 1][1]]
            yield self.flag(doc, start, end, f"'{first}' is written {self._times(copies)}{self._where(removed)}.",
                            fix=first, score=float(n), fixed=removed)


@register
class CoordinatedDuplicate(Check):
    code = "coordinated-duplicate"
    category = "repetition"
    severity = "warning"
    summary = "The same words on both sides of 'or' / 'and' ('i clienti o i clienti')."
    help = ("Machine translation collapses two synonyms of the source ('customers or clients') into one word, "
            "leaving 'i clienti o i clienti'. Flagged when one to four identical words stand on both sides of a "
            "coordinating conjunction of the language (its `conjunctions`; English ones are used as a fallback). "
            "Idioms of repetition are not flagged: words the language may double (`reduplicated_ok`) and its "
            "listed `coordinated_ok` words (cs více a více, it più e più, en more and more, tl iba't iba), and a "
            "single word among the language's 100 commonest (how and how, du und du). No fix: "
            "the lost synonym cannot be recovered.")
    params = {"max_tokens": 4, "allow": []}
    needs = frozenset({"words"})

    def find(self, ctx, doc):
        res = resources(doc.lang)
        conj = set(res.conjunctions) or {"and", "or"}
        common = _commonest(doc.lang)  # 'how and how', 'du und du': emphasis, not a lost synonym
        allowed = set(res.reduplicated_ok) | set(res.coordinated_ok) | {w.lower() for w in self.allow}
        for a, b in scan_regions(doc):
            text = reader_view(doc)[a:b]
            keys = _keys(text)
            # (start, n): n tokens, a conjunction, and the start's token again; by start, the longest unit first
            starts = sorted({(c - n, n) for c, key in enumerate(keys) if key in conj
                             for n in range(1, self.max_tokens + 1)
                             if n <= c < len(keys) - 1 and keys[c + 1] == keys[c - n]}, key=lambda e: (e[0], -e[1]))
            done = 0  # tokens before this one are reported already
            for i, n in starts:
                if i < done or n > (len(keys) - i - 1) // 2:
                    continue
                unit = keys[i:i + n]
                if keys[i + n + 1:i + 2 * n + 1] == unit \
                        and all(any(ch.isalpha() for ch in k) for k in unit) \
                        and not (n == 1 and (unit[0] in allowed or unit[0] in common)) and not set(unit) & _STOPS:
                    toks = _tokens(text)
                    s, e = a + toks[i][0], a + toks[i + 2 * n][1]
                    phrase = text[toks[i][0]:toks[i + n - 1][1]]
                    yield self.flag(doc, s, e, f"'{phrase}' stands on both sides of '{toks[i + n][2]}': a synonym "
                                    "was probably lost in translation.", score=float(n))
                    done = i + 2 * n + 1
