"""Untranslated English left in a translation (`mga customer ng irate`, the heading `Record Keepers`)."""

from __future__ import annotations

import re

from aligner.checks.base import Check, LETTERS_RE, is_heading, overlaps, protected_spans, register
from aligner.checks.credits import is_credit_line
from aligner.checks.lang import resources
from aligner.checks.language import sentences_in_other_language
from aligner.checks.view import language_view


_OPENERS = "([{\"'«“‘„‹"
_CLOSERS = ")]}\"'»”’‹›,;:.!?"


def name_runs(raw: str, min_words: int = 3) -> list[tuple[int, int]]:
    """Runs of `min_words` or more consecutive capitalised words (The Linux Documentation Project, The Debian
    Administrator's Handbook): a title or name in any language, written as its owners write it. A run ends at
    punctuation or an opening bracket or quote."""
    spans: list[tuple[int, int]] = []
    if sum(1 for tok in raw.split() if tok.lstrip(_OPENERS)[:1].isupper()) < min_words:
        return spans  # too few capitalised words for a run (most sentences): no need to walk them
    run: list[tuple[int, int]] = []

    def close():
        if len(run) >= min_words:
            spans.append((run[0][0], run[-1][1]))
        run.clear()

    for m in re.finditer(r"\S+", raw):
        tok = m.group()
        head = len(tok) - len(tok.lstrip(_OPENERS))
        tail = len(tok.rstrip(_CLOSERS))
        core = tok[head:tail]
        if head:
            close()
        if core[:1].isalpha() and core[:1].isupper():
            run.append((m.start() + head, m.start() + max(tail, head)))
        else:
            close()
            continue
        if tail < len(tok):
            close()
    close()
    return spans


# a short parenthesis right after a word or a quoted term: 'tasto morto' (dead key), einfach (Keep It Short
# and Simple, KISS). Translators give the original term this way on purpose.
_GLOSS_RE = re.compile(r"(?<=[^\W_]|[\"»”’'])[ \u00a0]?\(([^()\n]{1,80})\)")


def gloss_spans(raw: str, function_words, max_words: int = 6) -> list[tuple[int, int]]:
    """Parenthesised glosses of the term before them: at most `max_words` words, the first no function word
    (a gloss names a term; '(for zh_CN)' or '(before the review)' is a phrase of the sentence)."""
    out = []
    for m in _GLOSS_RE.finditer(raw):
        words = LETTERS_RE.findall(m.group(1))
        if words and len(words) <= max_words and words[0].lower() not in function_words:
            out.append(m.span(1))
    return out


_TEXT_DEPENDENT = object()  # in the remembered word scores: this word's score depends on the document's words


@register
class Untranslated(Check):
    code = "untranslated"
    category = "untranslated"
    severity = "warning"
    summary = "English words left untranslated in the text."
    help = ("A word is scored as English left in place when (1) it is clearly more frequent in English than in "
            "the document's language (Zipf difference >= `min_zipf_gap`, English Zipf >= `min_en_zipf`), or its "
            "respelling the way the language adopts English words (resolution -> resolusyon, record -> rekord) "
            "is a common word of the language (when the language, or the document itself, prefers that spelling "
            "the English one counts even if the word is adopted), or the gap is at least `weak_zipf_gap` and the language identifier "
            "alone puts the word on the English side by `weak_lingua_margin` (word lists built from code-switched "
            "media, like Tagalog's, hold much English); and (2) the language identifier, asked about the word with its "
            "English neighbours, prefers English to the document's language. Adjacent English words form one "
            "finding (a phrase). Loanwords the language has adopted (customer, manager, call center, email... "
            "listed per language in aligner/checks/lang/<lang>.py, extend with `extra_loanwords`) are not "
            "errors, and so is any English word the language's own text uses often: Zipf frequency in the language's "
            "word list >= `adopted_zipf` and at most `adopted_gap` below its English frequency (a language may set its "
            "own, `ADOPTED_GAP` in its resources; wordfreq's lists are "
            "built from the language's web, subtitles and social media: Filipino 'customer' 4.1 vs English 4.6, "
            "German 'input' 3.5 vs 4.35). Acronyms, URLs and numbers are ignored, and so are capitalised words outside headings unless "
            "the document also writes them in lower case (names: Mary, Picasso). A run of `error_words` or more "
            "English words (a clause or sentence left in English) is reported at `error_severity`: single words "
            "can be terms the language uses as they are, a run that long cannot.")
    params = {"min_en_zipf": 2.5, "min_zipf_gap": 1.5, "respelled_zipf": 3.0, "min_lingua_margin": 0.0,
              "weak_zipf_gap": 0.5, "weak_lingua_margin": 0.3,
              "min_letters": 3, "extra_loanwords": [], "source_lang": "en",
              "error_words": 4, "error_severity": "error", "adopted_zipf": 3.0, "adopted_gap": 1.0}
    param_choices = {"source_lang": "language", "error_severity": ("info", "warning", "error")}
    needs = frozenset({"words", "wordlist"})

    def unavailable(self, ctx, doc):
        why = super().unavailable(ctx, doc)
        if why is None and doc.lang != self.source_lang and ctx.lexicon is not None:
            why = ctx.lexicon.why_unknown(self.source_lang)
        return why

    def _in_source_language(self, lex, text: str) -> bool:
        """Is a counterpart itself left in English? Then it is no evidence that its words are kept on purpose."""
        conf = lex.confidences(text)
        return bool(conf) and max(conf, key=conf.get) == self.source_lang

    def _adopted(self, lex, low: str, lang: str) -> bool:
        """The language's own text uses the word (or, for an English plural, its singular: Filipino and Italian
        keep the English singular, 'mga customer', 'i manager') about as often as English does."""
        if self.adopted_zipf <= 0:
            return False
        own = resources(lang).adopted_gap
        limit = self.adopted_gap if own is None else own
        forms = [low]
        if len(low) > 4 and low.endswith("s"):
            forms += [low[:-1]] + ([low[:-2]] if low.endswith("es") else [])
        for form in forms:
            z_l, z_en = lex.zipf(form, lang) or 0.0, lex.zipf(form, self.source_lang) or 0.0
            if z_l >= self.adopted_zipf and z_en - z_l <= limit:
                return True
        return False

    def _word_score(self, lex, res, word: str, lang: str, doc_words=frozenset()) -> tuple[float, str] | None:
        """A score > 0 when `word` looks English rather than `lang`, with the reason. Remembered per word and
        language when the language has no respelling of it (then the document's own words play no part)."""
        found = self.remembered("_word_scores", (id(lex), word, lang), lambda: _TEXT_DEPENDENT if res.respellings(word)
                                else self._score_word(lex, res, word, lang, doc_words))
        if found is _TEXT_DEPENDENT:
            return self._score_word(lex, res, word, lang, doc_words)
        return found

    def _score_word(self, lex, res, word: str, lang: str, doc_words) -> tuple[float, str] | None:
        low = word.lower()
        z_en = lex.zipf(low, self.source_lang)
        z_l = lex.zipf(low, lang)
        if z_en is None or z_l is None or z_en < self.min_en_zipf:
            return None
        gap = z_en - z_l
        # The most frequent respelling first, ties by spelling: a set's order changes with the hash seed,
        # and the message must not change from one run (or worker) to the next.
        respelled = sorted(((lex.zipf(form, lang), form) for form in res.respellings(low)),
                           key=lambda zf: (-(zf[0] or 0.0), zf[1]))
        for z_r, form in respelled:  # the language (or this very text) prefers its own spelling: resolusyon, rekord
            if z_r >= self.respelled_zipf and (z_r >= z_l or form in doc_words):
                return z_r - z_l + self.min_zipf_gap, f"the English word; the {lang} spelling is '{form}'"
        if self._adopted(lex, low, lang):
            return None  # used in the language's own text about as often as in English: adopted (input, email)
        if gap >= self.min_zipf_gap:
            return gap, "an English word"
        for z_r, form in respelled:
            if z_r >= self.respelled_zipf and z_r > z_l - 1.0:
                return z_r - z_l + self.min_zipf_gap, f"the English word; the {lang} spelling is '{form}'"
        # Word lists of languages written in code-switched media (Taglish) hold much English: a smaller gap
        # counts when the language identifier is clearly on the English side for the word itself.
        if gap >= self.weak_zipf_gap:
            conf = lex.confidences(word)
            if conf.get(self.source_lang, 0.0) - conf.get(lang, 0.0) >= self.weak_lingua_margin:
                return gap, "an English word"
        return None

    def find(self, ctx, doc):
        lex = ctx.lexicon
        lang = doc.lang
        if lex is None or not lang or lang == self.source_lang or not lex.knows(lang) or not lex.knows(self.source_lang):
            return
        res = resources(lang)
        en_function = resources(self.source_lang).function_words
        loans = set(res.loanwords) | {w.lower() for w in self.extra_loanwords}
        whole = sentences_in_other_language(ctx, doc)  # reported once, as a sentence, by wrong-language
        view = language_view(doc)
        texts = [(s, view[s.raw_start:s.raw_end]) for s in doc.sentences if s.i not in whole]
        # one pass over the document's text (letter runs never span the line breaks joining its sentences)
        lower_in_doc = {w for w in set(LETTERS_RE.findall("\n".join(s.text for s in doc.sentences))) if w.islower()}
        word_scores: dict[str, tuple[float, str] | None] = {
            w: self._word_score(lex, res, w, lang, lower_in_doc)
            for w in set(LETTERS_RE.findall("\n".join(raw for _, raw in texts)))
            if len(w) >= self.min_letters and not (w.isupper() and len(w) > 1)}
        english = {w for w, r in word_scores.items() if r is not None}
        for s, raw in texts:
            # Most sentences hold no word that looks English: nothing below can find anything there, and the
            # word-by-word context (names, glosses, addresses, headings, other translations) is not worked out.
            if english.isdisjoint(LETTERS_RE.findall(raw)):
                continue
            if is_credit_line(s.text, lang):
                continue  # a translator's credit: names and (spelled-out) addresses, no text to translate
            yield from self._find_in_sentence(ctx, doc, s, raw, lex, en_function, loans, lower_in_doc, word_scores)

    def _kept(self, ctx, lex, doc, s) -> set[str]:
        """Words another translation (in a third language) keeps at the same place: terms or names the
        translators agreed to keep (root, stable, Debian Reference), not oversights."""
        lang = doc.lang
        return {w.lower() for lang2, text in ctx.translations().get((doc.doc, s.i), ())
                if lang2 not in (lang, self.source_lang) and not self._in_source_language(lex, text)
                for w in LETTERS_RE.findall(text)}

    def _find_in_sentence(self, ctx, doc, s, raw, lex, en_function, loans, lower_in_doc, word_scores):
        lang = doc.lang
        heading = is_heading(doc, s)
        context: dict[str, list] = {}  # names, glosses, protected: worked out for the first word that needs them

        def spans(kind: str) -> list:
            if kind not in context:
                if kind == "protected":
                    context[kind] = protected_spans(raw)
                elif kind == "glosses":
                    context[kind] = gloss_spans(raw, en_function)
                else:
                    names = name_runs(raw)
                    if heading:  # a heading may be all capitals: its run is a title when it holds a name the
                        # language uses as much as English does (Debian, Linux), not only common English words
                        names = [(x, y) for x, y in names if any(
                            (lex.zipf(w.lower(), lang) or 0.0) >= (lex.zipf(w.lower(), self.source_lang) or 0.0) - 0.25 > 0
                            for w in LETTERS_RE.findall(raw[x:y]) if w[:1].isupper())]
                    context[kind] = names
            return context[kind]

        words = [(m.start(), m.end(), m.group()) for m in LETTERS_RE.finditer(raw)]
        # loanword phrases (call center) protect their words
        lowered = [w[2].lower() for w in words]
        in_loan = [False] * len(words)
        for i in range(len(words)):
            if lowered[i] in loans:
                in_loan[i] = True
            if i + 1 < len(words) and f"{lowered[i]} {lowered[i + 1]}" in loans:
                in_loan[i] = in_loan[i + 1] = True
        scored: list[tuple[int, float, str] | None] = []
        for i, (a, b, w) in enumerate(words):
            # the word's own score first (remembered): the context of the few English-looking words only
            r = None if in_loan[i] else word_scores.get(w)  # short words and acronyms have no score
            if r is None:
                scored.append(None)
                continue
            after_hyphen = a > 1 and raw[a - 1] == "-" and raw[a - 2].isalpha()  # pag-record: a loan root
            # A capital outside a heading is a name (Mary, Picasso) unless the text also writes it in lower case.
            name_like = w[0].isupper() and not heading and lowered[i] not in lower_in_doc
            # in a heading or list line, a capital right after a capitalised word that is no English word is
            # the rest of a name (David Sewell, Larry Greenfield); 'Record Keepers' stays a finding
            name_like = name_like or (heading and w[0].isupper() and i > 0 and scored[i - 1] is None
                                      and words[i - 1][2][:1].isupper() and raw[words[i - 1][1]:a].isspace()
                                      and lowered[i] not in lower_in_doc)
            name_like = name_like or overlaps((a, b), spans("names")) or overlaps((a, b), spans("glosses"))
            if after_hyphen or name_like or overlaps((a, b), spans("protected")):
                scored.append(None)
                continue
            scored.append((i, r[0], r[1]))
        kept = None
        # group runs of English words; English function words may sit inside a run (Bureau of Labor)
        i = 0
        while i < len(words):
            if scored[i] is None:
                i += 1
                continue
            j = i
            while True:
                k = j + 1
                while k < len(words) and scored[k] is None and lowered[k] in en_function and not in_loan[k]:
                    k += 1
                joined_by_spaces = k < len(words) and all(
                    raw[words[t][1]:words[t + 1][0]].isspace() for t in range(j, k))
                if k < len(words) and scored[k] is not None and joined_by_spaces:
                    j = k
                else:
                    break
            a, b = words[i][0], words[j][1]
            phrase = raw[a:b]
            conf = lex.confidences(phrase)
            margin = conf.get(self.source_lang, 0.0) - conf.get(lang, 0.0)
            n_words = j - i + 1
            long_run = self.error_words > 0 and n_words >= self.error_words
            if not long_run and kept is None:
                kept = self._kept(ctx, lex, doc, s)
            if not long_run and kept and all(lowered[t] in kept for t in range(i, j + 1) if scored[t]):
                i = j + 1
                continue
            if margin > self.min_lingua_margin:
                reason = scored[i][2] if i == j else "English words"
                yield self.flag(doc, s.raw_start + a, s.raw_start + b,
                                f"'{phrase}' looks untranslated ({reason}"
                                f"{f', {n_words} words' if long_run else ''}) in a {lang} text.",
                                score=max(x[1] for x in scored[i:j + 1] if x) + margin, sentence=s.i,
                                severity=self.error_severity if long_run else None)
            i = j + 1
