"""Text not in the document's language (an English sentence left in a Tagalog page)."""

from __future__ import annotations

from aligner.checks.base import Check, WORD_RE, register
from aligner.checks.view import reader_text


@register
class WrongLanguage(Check):
    code = "wrong-language"
    category = "language"
    severity = "error"
    summary = "A sentence is in another language than its document."
    help = ("The language identifier (lingua, restricted to `segment.languages`) is asked about every "
            "sentence of at least `min_words` words that the segmenter did not already place in the document's "
            "language (`sentence_lang`, by its function words or the same identifier); a sentence is flagged only when it is confident "
            "(>= `min_confidence`) that the sentence is in another language and gives the document's language "
            "less than `max_doc_lang_confidence`. Short lines are skipped: identification of a few words is "
            "unreliable, and the word lists must agree (the words are more frequent in the other language than in "
            "the document's; `lexicon_check`). A sentence the identifier is less sure about (names, acronyms and code "
            "lower its confidence: 'The modern software such as GNOME and KDE are multilingualized.') is flagged when "
            "the identifier still puts the other language first (>= `word_confidence`, ahead of the document's "
            "language by `word_margin`) and the words decide: of the sentence's lower-case words that are clearly more "
            "frequent in one of the two languages (Zipf gap >= `word_gap`; at least `min_decisive_words` of them), a "
            "share of `word_share` or more belongs to the other language. Untranslated words inside a sentence are the "
            "`untranslated` check's business; a sentence flagged here is not reported word by word there.")
    params = {"min_words": 5, "min_confidence": 0.9, "max_doc_lang_confidence": 0.05, "lexicon_check": True,
              "word_confidence": 0.4, "word_margin": 0.3, "word_share": 0.75, "word_gap": 1.0, "min_decisive_words": 4}
    needs = frozenset({"langid"})

    def _lexicon_agrees(self, lex, text, top, lang) -> bool:
        """Second opinion from the word lists: the words are more frequent in `top` than in `lang`."""
        words = [w.lower() for w in WORD_RE.findall(text)]
        if not lex.knows(top) or not lex.knows(lang):
            return True
        in_top = sum(lex.zipf(w, top) or 0.0 for w in words)
        in_doc = sum(lex.zipf(w, lang) or 0.0 for w in words)
        return in_top > in_doc

    def _word_vote(self, lex, text, top, lang) -> float | None:
        """Share of the decisive lower-case words (clearly more frequent in one language) that are `top`'s."""
        if not lex.knows(top) or not lex.knows(lang):
            return None
        votes = [0, 0]
        for w in WORD_RE.findall(text):
            if not w.islower() or len(w) < 2:
                continue  # names, acronyms, sentence starts: no evidence either way
            z_top, z_doc = lex.zipf(w, top) or 0.0, lex.zipf(w, lang) or 0.0
            if abs(z_top - z_doc) >= self.word_gap:
                votes[z_top > z_doc] += 1
        if sum(votes) < self.min_decisive_words:
            return None
        return votes[1] / sum(votes)

    def other_language(self, ctx, doc, s) -> tuple[str, float] | None:
        """(language, confidence) when sentence `s` is in another language than its document, else None."""
        text = reader_text(doc, s.raw_start, s.raw_end)  # what a reader sees, code and commands left out
        if len(WORD_RE.findall(text)) < self.min_words:
            return None
        conf = ctx.lexicon.confidences(text)
        if not conf:
            return None
        top = max(conf, key=conf.get)
        if top == doc.lang:
            return None
        own = conf.get(doc.lang, 0.0)
        if conf[top] >= self.min_confidence and own < self.max_doc_lang_confidence \
                and (not self.lexicon_check or self._lexicon_agrees(ctx.lexicon, text, top, doc.lang)):
            return top, conf[top]
        if self.word_share > 0 and conf[top] >= self.word_confidence and conf[top] - own >= self.word_margin:
            share = self._word_vote(ctx.lexicon, text, top, doc.lang)
            if share is not None and share >= self.word_share:
                return top, conf[top]
        return None

    def find(self, ctx, doc):
        if ctx.lexicon is None or not doc.lang:
            return
        # The segmenter gave every sentence its language (function words, else the same identifier): a sentence
        # it placed in the document's language is not asked again (one identifier call per sentence, not two).
        segmented = getattr(getattr(ctx.config, "segment", None), "sentence_lang", "off") != "off"
        for s in doc.sentences:
            if segmented and s.lang == doc.lang:
                continue
            found = self.other_language(ctx, doc, s)
            if found:
                top, c = found
                yield self.flag(doc, s.raw_start, s.raw_end,
                                f"This sentence is in '{top}' (confidence {c:.2f}), not in the document's "
                                f"language '{doc.lang}'.", score=c, sentence=s.i)


def sentences_in_other_language(ctx, doc) -> set[int]:
    """Indices of the sentences `wrong-language` reports in `doc` with the run's settings (empty when it is
    disabled or cannot run): other checks leave them alone instead of reporting them word by word."""
    settings = (getattr(ctx.config, "checks", None) or {}).get(WrongLanguage.code)
    check = WrongLanguage(settings)
    running = ctx.__dict__.get("running")
    if (check.code not in running if running is not None else not check.enabled) or ctx.lexicon is None or not doc.lang or check.unavailable(ctx, doc):
        return set()
    cache = ctx.__dict__.setdefault("_other_language", {})
    key = (doc.doc, id(doc.sentences))
    if key not in cache:
        cache[key] = {f.sentence for f in check.find(ctx, doc)}
    return cache[key]
