"""Offline language identification (lingua), ISO 639-1 codes with a confidence.

Shared by three stages: decoding (which legacy code page reads as a configured language),
segmentation (document and sentence languages) and the checks (wrong-language, lexicon), so it
lives beside them rather than inside one.

One detector per set of languages, built lazily and cached for the process (building is
cheap, loading the n-gram models is not: the first call pays ~1-3 s). `detect_language`
answers for one text; `detect_languages` for many (lingua's parallel API, plus a cache of
texts already seen). Texts are cut to `MAX_CHARS` characters: lingua's cost grows with length
and a few hundred characters are plenty to decide.

`function_word_vote` is the cheap first opinion the segmenter asks before calling lingua on a
sentence: the frequent words of a language that no other configured language shares
(aligner/data/function_words.json). `guess_outside(text, languages)` names a language that is
NOT configured (Finnish, Japanese...) using a wider detector, when the configured ones fit badly.
"""

from __future__ import annotations

import json
import re
import threading
from functools import lru_cache
from importlib import resources
from typing import Iterable, Sequence

from aligner.cores import cores_taken
from aligner.memo import memo_key

DEFAULT_LANGUAGES = ("tl", "it", "cs", "en", "de", "fr", "es", "pt")
# Languages we can recognise (to say "this is Welsh, not configured") without being asked to
# process them: every language lingua knows (75). The wide detector runs in low-accuracy mode
# (trigram models only, ~1.3 s to load all of them) and only for documents whose language is
# in doubt, so naming them all costs little and leaves no language to pass for its neighbour.
SENTINEL_LANGUAGES = ("af", "ar", "az", "be", "bg", "bn", "bs", "ca", "cs", "cy", "da", "de", "el", "en", "eo",
                      "es", "et", "eu", "fa", "fi", "fr", "ga", "gu", "he", "hi", "hr", "hu", "hy", "id", "is",
                      "it", "ja", "ka", "kk", "ko", "la", "lg", "lt", "lv", "mi", "mk", "mn", "mr", "ms", "nb",
                      "nl", "nn", "pa", "pl", "pt", "ro", "ru", "sk", "sl", "sn", "so", "sq", "sr", "st", "sv",
                      "sw", "ta", "te", "th", "tl", "tn", "tr", "ts", "uk", "ur", "vi", "xh", "yo", "zh", "zu")
MAX_CHARS = 600
SHORT_TEXT = 120  # lingua uses n-grams of 1-5 letters for shorter texts, trigrams only for longer ones
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_lock = threading.Lock()
_cache: dict[tuple[str, ...], dict[str, tuple[str | None, float]]] = {}


@lru_cache(maxsize=1)
def lingua_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("lingua-language-detector")
    except metadata.PackageNotFoundError:  # pragma: no cover - installed without metadata
        return "unknown"


def _memo(kind: str, languages: tuple[str, ...]):
    """The on-disk memo of lingua's answers for one detector (version, mode, languages): aligner.memo."""
    from aligner.memo import get_memo

    return get_memo(f"lingua-{lingua_version()}-{kind}-{'_'.join(languages)}")


def _iso(code: str):
    from lingua import IsoCode639_1

    try:
        return getattr(IsoCode639_1, code.upper())
    except AttributeError:
        return None


@lru_cache(maxsize=16)
def get_detector(languages: tuple[str, ...]):
    """A lingua detector restricted to `languages` (codes lingua does not know are ignored)."""
    from lingua import LanguageDetectorBuilder

    codes = [c for c in (_iso(x) for x in languages) if c is not None]
    if len(codes) < 2:  # lingua needs two; a single configured language is then always the answer
        codes = list({*codes, _iso("en"), _iso("de")} - {None})
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


_loaded: set[tuple[str, bool]] = set()  # (language, all n-gram sizes) whose models this process loaded piecewise


def preload_models(languages: Sequence[str], *, short: bool = True) -> None:
    """Load lingua's models of `languages` two languages at a time (all n-gram sizes when `short`, else trigrams).

    lingua loads the models a detection needs on first use, holding the GIL for all of it (~2.7 s for eight
    languages' 1-5-gram models); loaded piecewise, each hold is a fraction of that, so a thread encoding beside
    this one (aligner.embed.prefetch) gets the GIL between its engine calls. lingua keeps the models once per
    process, whichever detector loaded them, so detections give exactly the answers they give otherwise.
    """
    from lingua import LanguageDetectorBuilder

    todo = [c for c in dict.fromkeys(languages) if _iso(c) is not None and (c, short) not in _loaded
            and (c, True) not in _loaded]
    if not todo:
        return
    known = [c for c in languages if _iso(c) is not None]
    for k in range(0, len(todo), 2):
        pair = todo[k:k + 2]
        if len(pair) == 1:  # lingua needs two languages: the other is one whose models are needed anyway
            pair.append(next((c for c in known if c != pair[0]), "en" if pair[0] != "en" else "de"))
        builder = LanguageDetectorBuilder.from_iso_codes_639_1(*(_iso(c) for c in pair))
        if not short:
            builder = builder.with_low_accuracy_mode()
        builder.with_preloaded_language_models().build()
        _loaded.update((c, short) for c in pair)


def _norm_languages(languages: Iterable[str] | None) -> tuple[str, ...]:
    if isinstance(languages, tuple):  # the per-sentence callers pass one tuple again and again
        return _norm_tuple(languages)
    return tuple(sorted(set(languages or DEFAULT_LANGUAGES)))


@lru_cache(maxsize=64)
def _norm_tuple(languages: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(set(languages or DEFAULT_LANGUAGES)))


def _prepare(text: str) -> str:
    text = " ".join(text.split()) if len(text) <= 4 * MAX_CHARS else " ".join(text[: 4 * MAX_CHARS].split())
    return text[:MAX_CHARS]


def _top(values, allowed: tuple[str, ...]) -> tuple[str | None, float]:
    for v in values:
        code = v.language.iso_code_639_1.name.lower()
        if code in allowed or len(allowed) < 2:
            return (code, round(float(v.value), 4)) if v.value > 0 else (None, 0.0)
    return None, 0.0


def detect_language(text: str, languages: Iterable[str] | None = None) -> tuple[str | None, float]:
    """(ISO 639-1 code, confidence 0..1) of `text` among `languages`; (None, 0.0) when nothing fits."""
    return detect_languages([text], languages)[0]


def detect_languages(texts: Sequence[str], languages: Iterable[str] | None = None) -> list[tuple[str | None, float]]:
    """`detect_language` for many texts at once (parallel lingua calls, cached by text)."""
    langs = _norm_languages(languages)
    cache = _cache.setdefault(langs, {})
    prepared = [_prepare(t) for t in texts]
    todo = sorted({p for p in prepared if p not in cache and any(ch.isalpha() for ch in p)})
    memo = _memo("detect", langs) if todo else None
    if memo is not None:  # answers of an earlier run (exactly lingua's): no model is loaded for them
        keys = {t: memo_key(t) for t in todo}
        known = memo.get_many(list(keys.values()))
        for t, k in keys.items():
            if k in known:
                code, conf = known[k]
                cache[t] = (code, conf)
        todo = [t for t in todo if t not in cache]
    if todo:
        detector = get_detector(langs)
        if cores_taken():  # an encoder works beside this thread: let it have the GIL between two model loads
            preload_models(langs, short=any(len(t) < SHORT_TEXT for t in todo))
        with _lock:
            if len(todo) == 1:
                results = [detector.compute_language_confidence_values(todo[0])]
            else:
                results = detector.compute_language_confidence_values_in_parallel(todo)
        for text, values in zip(todo, results):
            cache[text] = _top(values, langs)
        if memo is not None:
            memo.put_many((memo_key(t), list(cache[t])) for t in todo)
        if len(cache) > 200_000:
            cache.clear()
    return [cache.get(p, (None, 0.0)) for p in prepared]


def language_distribution(text: str, languages: Iterable[str] | None = None) -> dict[str, float]:
    """Confidence of every configured language for `text` (sums to 1, or empty)."""
    langs = _norm_languages(languages)
    values = get_detector(langs).compute_language_confidence_values(_prepare(text))
    return {v.language.iso_code_639_1.name.lower(): float(v.value) for v in values if v.value > 0}


@lru_cache(maxsize=4)
def _wide_detector(languages: tuple[str, ...]):
    from lingua import LanguageDetectorBuilder

    codes = [c for c in (_iso(x) for x in languages) if c is not None]
    # low-accuracy mode: trigram models only, ~1.3 s to load for all sentinels instead of ~20 s
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()


def guess_outside(text: str, languages: Iterable[str] | None = None) -> tuple[str | None, float]:
    """Best guess among a wide set of languages (configured ones included), for a doubtful text."""
    langs = tuple(sorted(set(SENTINEL_LANGUAGES) | set(_norm_languages(languages))))
    text = _prepare(text)
    memo = _memo("wide-low", langs)
    key = memo_key(text)
    if memo is not None:
        known = memo.get_many([key])
        if key in known:
            code, conf = known[key]
            return code, conf
    answer = _top(_wide_detector(langs).compute_language_confidence_values(text), langs)
    if memo is not None:
        memo.put_many([(key, list(answer))])
    return answer


# -- function words ------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _function_words() -> dict[str, frozenset]:
    with resources.files("aligner.data").joinpath("function_words.json").open(encoding="utf-8") as fh:
        data = json.load(fh)
    return {k: frozenset(v) for k, v in data.items() if not k.startswith("_")}


@lru_cache(maxsize=16)
def distinctive_words(languages: tuple[str, ...]) -> dict[str, str]:
    """word -> language, for function words that only one of `languages` uses."""
    words = _function_words()
    owner: dict[str, str | None] = {}
    for lang in languages:
        for w in words.get(lang, ()):
            owner[w] = None if w in owner and owner[w] != lang else lang
    return {w: lang for w, lang in owner.items() if lang is not None}


def has_function_words(lang: str) -> bool:
    return lang in _function_words()


def function_word_vote(text: str, languages: Iterable[str] | None = None) -> tuple[dict[str, int], int]:
    """(hits per language, number of word tokens) of the distinctive function words in `text`.

    Called once per sentence: the words are looked up as they come (no Counter of a dozen words first)."""
    table = distinctive_words(_norm_languages(languages))
    words = _WORD.findall(text.lower())
    hits: dict[str, int] = {}
    for lang in filter(None, map(table.get, words)):
        hits[lang] = hits.get(lang, 0) + 1
    return hits, len(words)


def confirms(text: str, lang: str, languages: Iterable[str] | None = None, *, min_hits: int = 2) -> bool:
    """Do the function words of `text` clearly point to `lang` (no other language as strong)?"""
    hits, _ = function_word_vote(text, languages)
    mine = hits.get(lang, 0)
    if mine < min_hits:
        return False
    return all(n * 2 < mine for other, n in hits.items() if other != lang)
