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
            "the document's; `lexicon_check`). Untranslated words inside a sentence are the `untranslated` check's business.")
    params = {"min_words": 5, "min_confidence": 0.9, "max_doc_lang_confidence": 0.05, "lexicon_check": True}
    needs = frozenset({"langid"})

    def _lexicon_agrees(self, lex, text, top, lang) -> bool:
        """Second opinion from the word lists: the words are more frequent in `top` than in `lang`."""
        words = [w.lower() for w in WORD_RE.findall(text)]
        if not lex.knows(top) or not lex.knows(lang):
            return True
        in_top = sum(lex.zipf(w, top) or 0.0 for w in words)
        in_doc = sum(lex.zipf(w, lang) or 0.0 for w in words)
        return in_top > in_doc

    def find(self, ctx, doc):
        if ctx.lexicon is None or not doc.lang:
            return
        # The segmenter gave every sentence its language (function words, else the same identifier): a sentence
        # it placed in the document's language is not asked again (one identifier call per sentence, not two).
        segmented = getattr(getattr(ctx.config, "segment", None), "sentence_lang", "off") != "off"
        for s in doc.sentences:
            if segmented and s.lang == doc.lang:
                continue
            text = reader_text(doc, s.raw_start, s.raw_end)  # what a reader sees, code and commands left out
            if len(WORD_RE.findall(text)) < self.min_words:
                continue
            conf = ctx.lexicon.confidences(text)
            if not conf:
                continue
            top = max(conf, key=conf.get)
            if top != doc.lang and conf[top] >= self.min_confidence and conf.get(doc.lang, 0.0) < self.max_doc_lang_confidence \
                    and (not self.lexicon_check or self._lexicon_agrees(ctx.lexicon, text, top, doc.lang)):
                yield self.flag(doc, s.raw_start, s.raw_end,
                                f"This sentence is in '{top}' (confidence {conf[top]:.2f}), not in the document's "
                                f"language '{doc.lang}'.", score=conf[top], sentence=s.i)
