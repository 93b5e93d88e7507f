"""Glued text: sentences or words written without the space between them (`nito.Ang`, `propagovatDobrá`,
`silamaging`). Scans the raw text, so a junction is found even when the segmenter already split it."""

from __future__ import annotations

import re

from aligner.checks.base import Check, LETTERS_RE, WORD_RE, overlaps, protected_spans, register
from aligner.checks.lang import resources
from aligner.checks.view import reader_view


def scan_regions(doc) -> list[tuple[int, int]]:
    """Maximal raw runs made of sentences separated by nothing but whitespace (removed chrome cuts them).
    Remembered on the document while its text and sentence list stay the same (seven checks ask)."""
    cached = doc.__dict__.get("_scan_regions")
    if cached is not None and cached[0] is doc.raw and cached[1] is doc.sentences and cached[2] == len(doc.sentences):
        return list(cached[3])
    regions: list[list[int]] = []
    for s in sorted(doc.sentences, key=lambda s: s.raw_start):
        if regions and not reader_view(doc)[regions[-1][1]:s.raw_start].strip():
            regions[-1][1] = max(regions[-1][1], s.raw_end)
        else:
            regions.append([s.raw_start, s.raw_end])
    out = [(a, b) for a, b in regions]
    doc.__dict__["_scan_regions"] = (doc.raw, doc.sentences, len(doc.sentences), out)
    return list(out)


# `left` starts at the start of a word and never gives letters back: without the look-behind and the possessive
# `++`, a run of letters not followed by a stop was re-scanned from every position in it (quadratic in its length).
_SENTENCE_JUNCTION = re.compile(
    r"(?<![^\W\d_])(?P<left>[^\W\d_]++)(?P<close>[\"'»”’)\]]?)(?P<punct>[.!?…]+[\"'»”’)\]]*)"
    r"(?P<right>[«“„\"'(]?[^\W\d_]+(?:['’][^\W\d_]+)?)")
_CAPITAL_TLD = re.compile(r"\.[A-Z][a-z]$")  # a two-letter country code written as a word: .It, .De


def _real_urls(text: str) -> list[tuple[int, int]]:
    """URL/e-mail/domain spans, except a 'domain' whose last part is a capitalised word: 'servizio.It',
    'nito.De' are sentence junctions before a short word, not .it / .de addresses."""
    return [sp for sp in protected_spans(text) if not _CAPITAL_TLD.search(text[sp[0]:sp[1]])]


@register
class GluedSentence(Check):
    code = "glued-sentence"
    category = "glued"
    severity = "warning"
    fixable = True
    summary = "Two sentences are glued together without a space after the full stop."
    help = ("Machine-translated pages often lose the space between sentences ('nito.Ang', 'priorità.È'). "
            "The fix inserts the space. Abbreviations (U.S., e.g., Ph.D.), decimals, file names, URLs and "
            "e-mail addresses are left alone: the word before the stop must end in two lower-case letters and "
            "the word after it must look like the start of a sentence (a capital, also after an opening quote or "
            "bracket; a short word such as 'Sa' or 'It' counts: 'nito.Sa', 'servizio.It' are junctions, not "
            "domain names). A closing quote or bracket may stand before or after the stop ('detto\".Poi', "
            "'così.\"Poi').")
    params = {"min_left_letters": 2}

    def find(self, ctx, doc):
        for a, b in scan_regions(doc):
            text = reader_view(doc)[a:b]
            protected = _real_urls(text)
            for m in _SENTENCE_JUNCTION.finditer(text):
                left, right = m.group("left"), m.group("right")
                word = right.lstrip("«“„\"'(")
                if len(left) < self.min_left_letters or not left[-self.min_left_letters:].islower():
                    continue
                if not word or not word[0].isupper() or (len(word) > 1 and not word[1:].islower()):
                    continue
                if overlaps(m.span(), protected):
                    continue
                start, end = a + m.start(), a + m.end()
                stop = m.group("close") + m.group("punct")
                fix = left + stop + " " + right
                yield self.flag(doc, start, end, f"Missing space between two sentences: '{left}{stop}' "
                                f"and '{right}'.", fix=fix, score=1.0)


@register
class GluedWordCase(Check):
    code = "glued-word-case"
    category = "glued"
    severity = "error"
    fixable = True
    summary = "Two words are glued together: a lower-case letter is directly followed by a capital."
    help = ("A word that ends and the next that starts with a capital, with no space ('propagovatDobrá', "
            "'servisuVypořádejte'), is a lost space or line break. Brand-style names are not flagged: a word "
            "starting with one or two lower-case letters before the capital (iPhone, eBay), CamelCase names "
            "(YouTube, McDonald, PowerPoint) unless both halves are common words of the language, more frequent "
            "there than in English, and the whole is unknown, identifiers with several humps, URLs and e-mail addresses.")
    params = {"min_left_letters": 3, "min_half_zipf": 2.5, "capitalised_half_zipf": 3.5}
    needs = frozenset({"words"})

    @staticmethod
    def _hump(word: str) -> int | None:
        """Where a word made of a lower-case word and a capitalised one changes case, or None."""
        if "'" in word or "’" in word or word.islower() or word[1:].islower():
            return None  # no capital after the first letter: no hump
        humps = [i for i in range(1, len(word)) if word[i - 1].islower() and word[i].isupper()]
        if len(humps) != 1:
            return None
        right = word[humps[0]:]
        return humps[0] if len(right) >= 2 and right[1:].islower() else None

    def find(self, ctx, doc):
        lex = ctx.lexicon
        for a, b in scan_regions(doc):
            text = reader_view(doc)[a:b]
            # the words with one hump, each looked at once; the region is walked only when it has one
            humped = {w: i for w in set(WORD_RE.findall(text)) if (i := self._hump(w)) is not None}
            if not humped:
                continue
            protected = protected_spans(text)
            for m in WORD_RE.finditer(text):
                word = m.group()
                i = humped.get(word)
                if i is None:
                    continue
                left, right = word[:i], word[i:]
                if m.start() > 0 and text[m.start() - 1] in "@#_/\\.":
                    continue
                if overlaps(m.span(), protected):
                    continue
                zl, zr, zw = (lex.zipf(left, doc.lang), lex.zipf(right, doc.lang), lex.zipf(word, doc.lang)) if lex else (None,) * 3
                if left.islower():
                    if len(left) < self.min_left_letters:
                        continue
                    if zl is not None and max(zl, zr) < self.min_half_zipf:
                        continue
                elif left[0].isupper() and left[1:].islower() and len(left) >= self.min_left_letters:
                    # CamelCase names are English-made (WordPress, McDonald): both halves must be words of
                    # the document's language rather than English ones
                    if zl is None or min(zl, zr) < self.capitalised_half_zipf or zw > 0 or doc.lang == "en":
                        continue
                    if zl < (lex.zipf(left, "en") or 0.0) or zr < (lex.zipf(right, "en") or 0.0):
                        continue
                else:
                    continue
                yield self.flag(doc, a + m.start(), a + m.end(),
                                f"Missing space between '{left}' and '{right}'.", fix=f"{left} {right}",
                                score=1.0 if zl is None else min(zl, zr))


def _english_forms(word: str) -> list[str]:
    """The word and, for an English inflection (configures, configured), its stem: an English word left in a
    translation is no glue."""
    forms = [word]
    for sfx in ("s", "es", "ed", "d", "ing"):
        if word.endswith(sfx) and len(word) - len(sfx) >= 4:
            forms.append(word[:-len(sfx)])
    return forms


# Longer letter runs are not two common words glued (they are URLs, base64, runs of one letter): the split and
# derivation search, quadratic in the word's length, is not tried on them.
MAX_SPLIT_WORD = 40


@register
class GluedWord(Check):
    code = "glued-word"
    category = "glued"
    severity = "error"
    fixable = True
    summary = "An unknown lower-case word is two common words without the space between them."
    help = ("'silamaging' is not a word, 'sila maging' is. A lower-case word is split only when the word list "
            "of the language does not know it, it occurs no more than once in the corpus, and both halves are "
            "frequent words (Zipf frequency >= `min_part_zipf`; very short halves need `short_part_zipf`, halves "
            "of `long_part_length` letters or more `long_part_zipf`: a long known word is rarely a chance "
            "match, as in 'forma|abitualmente') that are not bound affixes of the language (Tagalog pinaka-, "
            "-ng; Czech nej-, ...). Languages that write compounds as one word (German, Dutch, the Nordic "
            "languages...: `compounding` in their resources) are skipped: there an unknown word made of two "
            "known ones is normal. Needs the `wordfreq` word lists; silent for a language they do not cover.")
    params = {"autofix": False, "min_length": 7, "max_word_zipf": 1.0, "min_part_zipf": 4.5, "min_part_length": 3,
              "short_part_zipf": 6.5, "long_part_length": 7, "long_part_zipf": 3.0, "max_corpus_count": 1,
              "max_english_zipf": 2.0}
    needs = frozenset({"words", "wordlist"})

    def _part_zipf(self, part: str) -> float:
        """How frequent a half must be: very short halves match by chance, long ones rarely do."""
        if len(part) < self.min_part_length:
            return self.short_part_zipf
        if len(part) >= self.long_part_length:
            return self.long_part_zipf
        return self.min_part_zipf

    def _derived(self, lex, res, word, lang, depth: int = 0) -> bool:
        """A known word plus a bound affix of the language (kamay + -an), or a known word with a repeated
        syllable (Tagalog ma-madali): a derivation, not glue."""
        if depth > 2:
            return False
        if depth and lex.zipf(word, lang) >= 2.5:
            return True
        for k in (2, 3, 4):
            for i in range(0, len(word) - 2 * k + 1):
                if word[i:i + k] == word[i + k:i + 2 * k] and self._derived(lex, res, word[:i] + word[i + k:], lang, depth + 1):
                    return True
        for sfx in sorted(res.bound_suffixes):  # a fixed order: the same look-ups every run (the memo holds them)
            if word.endswith(sfx) and len(word) - len(sfx) >= 3 and lex.zipf(word[:-len(sfx)], lang) >= 3.0:
                return True
        for pfx in sorted(res.bound_prefixes):
            if word.startswith(pfx) and len(word) - len(pfx) >= 3 and lex.zipf(word[len(pfx):], lang) >= 3.0:
                return True
        return False

    def _glued_placeholder_opposite(self, ctx, doc, pos: int) -> bool:
        """The aligned translation of this sentence also writes two words as one unknown word (programname,
        nomeprogramma, programmname): a placeholder or identifier glued on purpose in the original."""
        lex = ctx.lexicon
        s = next((s for s in doc.sentences if s.raw_start <= pos < s.raw_end), None)
        if s is None:
            return False
        for lang2, text in ctx.translations().get((doc.doc, s.i), ()):
            if lang2 == doc.lang or not lex.knows(lang2):
                continue
            for m in LETTERS_RE.finditer(text):
                w = m.group()
                if len(w) < self.min_length or not w.islower() or (lex.zipf(w, lang2) or 0.0) > self.max_word_zipf:
                    continue
                if any(min(lex.zipf(w[:i], lang2) or 0.0, lex.zipf(w[i:], lang2) or 0.0) >= self.long_part_zipf
                       for i in range(self.min_part_length, len(w) - self.min_part_length + 1)):
                    return True
        return False

    def _best_split(self, lex, res, word: str, lang: str):
        """(best (zipf, left, right) or None, the word's zipf) for a word that may be two glued together; None
        for a word of the language, an English word or a derived form. Depends on the word and language only."""
        zw = lex.zipf(word, lang)
        english = max(lex.zipf(form, "en") or 0.0 for form in _english_forms(word))
        if zw > self.max_word_zipf or english >= self.max_english_zipf:
            return None  # a word of the language, or an English word (the untranslated check's business)
        if self._derived(lex, res, word, lang):
            return None
        best = None
        for i in range(2, len(word) - 1):
            left, right = word[:i], word[i:]
            if left in res.bound_prefixes or right in res.bound_suffixes:
                continue
            zl, zr = lex.zipf(left, lang), lex.zipf(right, lang)
            ok = all(z >= self._part_zipf(p) for p, z in ((left, zl), (right, zr)))
            if ok and (best is None or min(zl, zr) > best[0]):
                best = (min(zl, zr), left, right)
        return best, zw

    def find(self, ctx, doc):
        lex = ctx.lexicon
        if lex is None or not lex.knows(doc.lang):
            return
        res = resources(doc.lang)
        if res.compounding:
            return
        counts = ctx.corpus_words(doc.lang).any_case
        for a, b in scan_regions(doc):
            text = reader_view(doc)[a:b]
            # lower-case words of the right length that the corpus has at most `max_corpus_count` times (rare:
            # the region is walked only when it has one)
            rare = {w for w in set(LETTERS_RE.findall(text)) if self.min_length <= len(w) <= MAX_SPLIT_WORD
                    and w.islower() and counts.get(w, 0) <= self.max_corpus_count}
            if not rare:
                continue
            protected = protected_spans(text)
            for m in LETTERS_RE.finditer(text):
                word = m.group()
                if word not in rare:
                    continue
                if m.end() < len(text) and text[m.end()] in "'’-" or m.start() > 0 and text[m.start() - 1] in "'’-@#_/.":
                    continue
                if overlaps(m.span(), protected):
                    continue
                split = self.remembered("_splits", (id(lex), word, doc.lang),
                                        lambda: self._best_split(lex, res, word, doc.lang))
                if split is None:
                    continue
                best, zw = split
                if best and self._glued_placeholder_opposite(ctx, doc, a + m.start()):
                    continue  # the translation glues its counterpart too: written as one word on purpose
                if best:
                    score, left, right = best
                    yield self.flag(doc, a + m.start(), a + m.end(),
                                    f"'{word}' is not a word: probably '{left} {right}' with the space lost.",
                                    fix=f"{left} {right}", score=score - zw)
