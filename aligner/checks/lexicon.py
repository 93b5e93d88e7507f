"""Word frequencies and language identification for the checks, loaded lazily and cached.

Frequencies come from `wordfreq` (Zipf scale: 0 = unknown, 3 = once per million
words, 7 = the commonest words); it covers tl (as `fil`), it, cs, en and some forty
more languages offline. If wordfreq is not installed, or does not know a language,
`zipf` returns None and the checks that need it fall back to corpus evidence or
stay silent. Language identification is lingua, restricted to the configured
languages (`segment.languages`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

_WORDFREQ_LANG = {"tl": "fil"}  # ISO 639-1 -> wordfreq's code where they differ


class Lexicon:
    def __init__(self, languages: Sequence[str] = ("tl", "it", "cs", "en", "de", "fr", "es", "pt")):
        self.languages = tuple(languages)
        self._detector = None
        self._wf = None
        self._wf_langs: set[str] | None = None

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
        if not lang or not self._wordfreq():
            return False
        return _WORDFREQ_LANG.get(lang, lang) in (self._wf_langs or ())

    def zipf(self, word: str, lang: str | None) -> float | None:
        """Zipf frequency of `word` in `lang` (case-insensitive), or None when no word list is available."""
        if not self.knows(lang):
            return None
        return _zipf_cached(self._wf, word.lower(), _WORDFREQ_LANG.get(lang, lang))

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
        """ISO 639-1 code -> lingua's confidence that `text` is in that language (values sum to 1)."""
        return _confidences_cached(self.detector(), text)


@lru_cache(maxsize=200_000)
def _zipf_cached(wf, word: str, code: str) -> float:
    return float(wf.zipf_frequency(word, code))


@lru_cache(maxsize=20_000)
def _confidences_cached(detector, text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for v in detector.compute_language_confidence_values(text):
        out[v.language.iso_code_639_1.name.lower()] = float(v.value)
    return out


_DEFAULT: dict[tuple[str, ...], Lexicon] = {}


def get_lexicon(languages: Sequence[str] | None = None) -> Lexicon:
    """One shared Lexicon per set of languages (lingua's models are big: load them once)."""
    key = tuple(languages or ("tl", "it", "cs", "en", "de", "fr", "es", "pt"))
    if key not in _DEFAULT:
        _DEFAULT[key] = Lexicon(key)
    return _DEFAULT[key]
