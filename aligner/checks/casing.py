"""Capitals where the language has none: common nouns capitalised mid-sentence (`i clienti Irati`,
`Coordinator ng Serbisyo ng Customer`), typically copied from English title case by machine translation."""

from __future__ import annotations

import re
from collections import Counter

from aligner.checks.base import Check, WORD_RE, is_heading, overlaps, protected_spans, register
from aligner.checks.lang import resources
from aligner.checks.language import sentences_in_other_language
from aligner.checks.view import language_view

# sentence punctuation, quotes, brackets, dashes, and the arrows and chevrons of menu paths (Modifica → Preferenze)
_OPENER_CHARS = frozenset(".!?…:;\"'«»“”„‘’([-–—/→⇒>›|")


def _after_opener(text: str, pos: int) -> bool:
    """Is the last non-blank character before `pos` sentence punctuation, a quote or a bracket? Looks back
    over blanks only (not over the whole prefix, which made the check quadratic in the sentence length)."""
    i = pos
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return i > 0 and text[i - 1] in _OPENER_CHARS


_UNREAD = object()


def _capitalised(word: str) -> bool:
    return len(word) >= 2 and word[0].isupper() and word[1:].islower()


# a number after a capitalised word that ends the phrase or has parts (Table 8.1, Chapter 7,), not a quantity
# ('Zaplatil 5 dolarů')
_LABEL_NUMBER = re.compile(r"\s+\d+(?:\.\d+)+|\s+\d+(?=[,;:.)\]]|$)")


def _name_part(word: str) -> bool:
    """A capitalised word or an acronym (GUI, GNOME): what a name phrase is made of."""
    return _capitalised(word) or (len(word) >= 2 and word.isupper())


def _joins(gap: str) -> bool:
    """Blanks or one hyphen between two words of a name (New York, Jean-Luc)."""
    return gap.isspace() or gap == "-"


def _mid_capitals(text: str) -> list[str]:
    """Capitalised words of `text` that are not at its start or after sentence punctuation."""
    out = []
    first = len(text) - len(text.lstrip())  # the first non-blank character
    for m in WORD_RE.finditer(text):
        if m.start() <= first or _after_opener(text, m.start()):
            continue
        if _capitalised(m.group()):
            out.append(m.group().lower())
    return out


@register
class MidSentenceCapital(Check):
    code = "mid-sentence-capital"
    category = "casing"
    severity = "warning"
    fixable = True
    summary = "A common word is capitalised in the middle of a sentence."
    help = ("Evidence that a capitalised word inside a sentence is a common word and not a name, added up and "
            "compared with `threshold`: the same document writes it in lower case elsewhere (strongest), other "
            "documents of the language do (which alone counts only when no other place of the corpus capitalises the "
            "word mid-sentence: names are also words, Bill, May, Earth), the aligned translation of the sentence has no capitalised word in "
            "its middle (names keep their capital across languages; a shared capital counts against), and the "
            "word list of the language knows the word. Never flagged: the first word of a sentence or after "
            "a colon, quote or bracket, words of fewer than `min_letters` letters, a capitalised word next to "
            "another (a name phrase: New York City), a word the document capitalises at least half as often as "
            "it lower-cases it (a name: Tom), acronyms and words with inner capitals, words the language capitalises by rule (English days and months: "
            "`CAPITALISED` in its resources; German capitalises every noun and is not checked), and headings and titles, where "
            "English-style title case is common and a matter of style, not an error. The fix lower-cases the word "
            "(not applied by default: set `autofix = true`).")
    params = {"autofix": False, "threshold": 1.0, "doc_weight": 1.0, "corpus_weight": 0.75,
              "counterpart_weight": 0.75, "lexicon_weight": 0.25, "max_gap_words": 1,
              "min_letters": 3, "name_ratio": 2}
    needs = frozenset({"words"})

    def _score(self, ctx, doc, word, counterpart, doc_lower, corpus_lower):
        low = word.lower()
        score = 0.0
        reasons = []
        n_doc = doc_lower.get(low, 0)
        if n_doc:
            score += self.doc_weight + 0.25 * min(n_doc - 1, 2)
            reasons.append(f"written '{low}' {n_doc}× in this document")
        elif corpus_lower.get(low, 0):
            score += self.corpus_weight
            reasons.append(f"written '{low}' in other {doc.lang} documents")
        if counterpart is not None:
            caps = _mid_capitals(counterpart)
            if not caps:
                score += self.counterpart_weight
                reasons.append("its translation has no capital there")
            elif low in caps:
                score -= 1.0
        lex = ctx.lexicon
        z = lex.zipf(low, doc.lang) if lex else None
        if z is not None and z >= 1.5:
            score += self.lexicon_weight * (2 if z >= 3.5 else 1)
        return score, reasons

    def find(self, ctx, doc):
        res = resources(doc.lang)
        if res.capitalises_nouns:
            return  # German capitalises every noun: a mid-sentence capital is the rule there
        # words never span the line breaks that join the sentences: one pass over the document's words
        doc_lower = Counter(filter(str.islower, WORD_RE.findall("\n".join(s.text for s in doc.sentences))))
        doc_caps: dict[str, int] = {}  # capitalised inside sentences
        for s in doc.sentences:
            text = s.text
            if text[1:].islower():
                continue  # no capital after the first character
            for m in WORD_RE.finditer(text):
                w = m.group()
                if m.start() > 0 and _capitalised(w) and not _after_opener(text, m.start()):
                    doc_caps[w.lower()] = doc_caps.get(w.lower(), 0) + 1
        corpus_lower = ctx.corpus_words(doc.lang).lower
        counterparts = ctx.counterparts()
        other = sentences_in_other_language(ctx, doc)  # an English sentence follows English casing, not the document's
        view = language_view(doc)
        for s in doc.sentences:
            raw = view[s.raw_start:s.raw_end]
            first = WORD_RE.search(raw)
            if first is None or raw[first.end():].islower():
                continue  # no capital after the first word (most sentences): nothing to find
            if is_heading(doc, s) or s.i in other:
                continue
            protected = protected_spans(raw)
            counterpart = _UNREAD  # read for the first word that needs it (it may come from another document)
            hits = []
            words = list(WORD_RE.finditer(raw))
            for idx, m in enumerate(words):
                word = m.group()
                if not _capitalised(word) or len(word) < self.min_letters or idx == 0 or _after_opener(raw, m.start()):
                    continue
                # a capitalised neighbour or an acronym makes a name phrase (New York City, Jean-Luc, GUI System,
                # GNOME Desktop)
                if any(0 <= k < len(words) and k != 0 and _name_part(words[k].group())
                       and _joins(raw[words[min(k, idx)].end():words[max(k, idx)].start()])
                       for k in (idx - 1, idx + 1)):
                    continue
                # written capitalised as often as in lower case: the document treats it as a name (Tom)
                low = word.lower()
                if doc_caps.get(low, 0) > 1 and doc_caps[low] * self.name_ratio > doc_lower.get(low, 0):
                    continue
                corpus = ctx.corpus_words(doc.lang)
                if corpus.mid_capital.get(low, 0) > 2 and corpus.mid_capital[low] * self.name_ratio > corpus.lower.get(low, 0):
                    continue
                if overlaps(m.span(), protected):
                    continue
                if _LABEL_NUMBER.match(raw, m.end()):
                    continue  # a label with its number is a name (Table 8.1, Chapter 7, Route 66)
                if low in res.capitalised:
                    continue  # capitalised by the language's rules (English Friday, May)
                if counterpart is _UNREAD:
                    counterpart = counterparts.get((doc.doc, s.i))
                score, reasons = self._score(ctx, doc, word, counterpart, doc_lower, corpus_lower)
                corpus_only = not any(not r.endswith("documents") for r in reasons)
                if score >= self.threshold and reasons and (not corpus_only or corpus.mid_capital.get(low, 0) <= 1):
                    # other documents alone are evidence only when none of them capitalises the word inside a
                    # sentence too: names that are also words (Bill, May, Earth) are written capitalised again
                    hits.append((idx, m, score, reasons))
            # one finding per run of capitalised common words (Coordinator ng Serbisyo ng Customer)
            groups: list[list] = []
            for h in hits:
                if groups and h[0] - groups[-1][-1][0] <= self.max_gap_words + 1:
                    groups[-1].append(h)
                else:
                    groups.append([h])
            for g in groups:
                a, b = g[0][1].start(), g[-1][1].end()
                span = raw[a:b]
                fix = span
                for _, m, _, _ in g:
                    w = m.group()
                    rel = m.start() - a
                    fix = fix[:rel] + w.lower() + fix[rel + len(w):]
                names = ", ".join(f"'{h[1].group()}'" for h in g)
                yield self.flag(doc, s.raw_start + a, s.raw_start + b,
                                f"{names} capitalised mid-sentence but a common word here ({g[0][3][0]}).",
                                fix=fix, score=max(h[2] for h in g), sentence=s.i)
