"""The Check base class, the registry, and the context every check reads.

A check *scores* what it finds (evidence + a number), a threshold from its
settings *decides*; `Check.flag` turns a decision into a `model.Flag`. One name
everywhere: the registry key is the `code`, which is also the config key
(`[checks.<code>]`), the flag code, the SARIF ruleId and the docs heading.
"""

from __future__ import annotations

import hashlib
import math
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterable, Iterator

from aligner.errors import ConfigError
from aligner.model import CATEGORIES, SEVERITIES, Document, Flag, Sentence

_REGISTRY: dict[str, type["Check"]] = {}

COMMON_PARAMS: dict[str, Any] = {"enabled": True, "severity": None}


def register(cls: type["Check"]) -> type["Check"]:
    """Class decorator: add a check to the registry under its `code`."""
    if not re.fullmatch(r"[a-z][a-z0-9-]*", cls.code or ""):
        raise ValueError(f"check code must be kebab-case: {cls.code!r}")
    if cls.category not in CATEGORIES:
        raise ValueError(f"{cls.code}: unknown category {cls.category!r}")
    if cls.severity not in SEVERITIES:
        raise ValueError(f"{cls.code}: unknown severity {cls.severity!r}")
    if cls.code in _REGISTRY and _REGISTRY[cls.code] is not cls:
        raise ValueError(f"duplicate check code {cls.code!r}")
    _REGISTRY[cls.code] = cls
    return cls


class Check:
    """One kind of finding. Subclasses set the class attributes and implement `find` (document scope)
    or `find_pair` (pair scope), yielding flags made with `self.flag(...)`."""

    code: ClassVar[str] = ""
    category: ClassVar[str] = "other"
    severity: ClassVar[str] = "warning"  # default; `[checks.<code>] severity` overrides
    scope: ClassVar[str] = "document"  # "document" (lint can run it) or "pair"
    summary: ClassVar[str] = ""  # one line, for SARIF shortDescription and `--help`
    help: ClassVar[str] = ""  # a paragraph for translators (SARIF help)
    params: ClassVar[dict[str, Any]] = {}  # own settings and their defaults
    # settings whose values are restricted beyond their type: name -> allowed values, or "language"
    param_choices: ClassVar[dict[str, Any]] = {}
    fixable: ClassVar[bool] = False  # produces `fix` suggestions
    # What the check needs from a document's language; without it the runner skips the check for that
    # document and says why in one `check-skipped` record. "words": the language writes words apart
    # (not Japanese, Chinese, Thai...); "wordlist": a usable word-frequency list of the document's
    # language; "langid": the document's language is among those the language identifier compares.
    needs: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, settings: dict[str, Any] | None = None):
        merged = {**COMMON_PARAMS, **self.all_params(), **(settings or {})}
        self.settings = merged
        self.enabled = bool(merged["enabled"])
        self.level = merged["severity"] or type(self).severity
        for key, value in merged.items():  # plain attributes: read once per word, `__getattr__` was a hot spot
            if not hasattr(type(self), key) and key not in self.__dict__:
                self.__dict__[key] = value

    @classmethod
    def all_params(cls) -> dict[str, Any]:
        out = dict(cls.params)
        if cls.fixable:
            out.setdefault("autofix", True)
        return out

    def __getattr__(self, name: str) -> Any:  # settings read as attributes: self.min_zipf
        settings = self.__dict__.get("settings")
        if settings is not None and name in settings:
            return settings[name]
        raise AttributeError(name)

    # -- to implement ---------------------------------------------------------
    def find(self, ctx: "Context", doc: Document) -> Iterable[Flag]:
        return ()

    def unavailable(self, ctx: "Context", doc: Document) -> str | None:
        """Why this check cannot run on `doc` (a missing resource of its language), or None."""
        for need in sorted(self.needs):
            why = ctx.missing(doc, need)
            if why:
                return why
        return None

    def find_pair(self, ctx: "Context", ap) -> Iterable[Flag]:
        return ()

    # -- helpers --------------------------------------------------------------
    MEMO_ENTRIES: ClassVar[int] = 200_000  # a remembered table is emptied when it reaches this size

    def remembered(self, table: str, key: Any, compute) -> Any:
        """`compute()`, remembered in this check object's `table` under `key` (a per-word answer that depends
        on nothing but the key: a corpus asks for the same words again and again). Bounded: emptied when full."""
        memo = self.__dict__.setdefault(table, {})
        if key not in memo:
            if len(memo) >= self.MEMO_ENTRIES:
                memo.clear()
            memo[key] = compute()
        return memo[key]

    def flag(self, doc: Document, start: int, end: int, message: str, *, fix: str | None = None,
             score: float | None = None, sentence: int | None = None, bead: str | None = None,
             fixed: bool = False, severity: str | None = None) -> Flag:
        if sentence is None:
            sentence = sentence_at(doc, start)
        return Flag(doc=doc.doc, lang=doc.lang, sentence=sentence, code=self.code, category=self.category,
                    severity=severity or self.level, start=start, end=end, text=doc.raw[start:end],
                    message=message, fix=fix, fixed=fixed, bead=bead,
                    score=None if score is None else round(float(score), 4))


def validate_settings(code: str, settings: Any, *, where: str) -> None:
    cls = _REGISTRY.get(code)
    if cls is None:
        raise ConfigError(f"{where}: unknown check '{code}' (known: {', '.join(sorted(_REGISTRY))})")
    if not isinstance(settings, dict):
        raise ConfigError(f"{where}: expected a table of settings, got {settings!r}")
    known = {**COMMON_PARAMS, **cls.all_params()}
    for key, value in settings.items():
        if key not in known:
            raise ConfigError(f"unknown setting '{where}.{key}' (known for {code}: {', '.join(sorted(known))})")
        default = known[key]
        name = f"{where}.{key}"
        if key == "severity":
            if value not in SEVERITIES:
                raise ConfigError(f"{name}: expected one of {', '.join(SEVERITIES)}, got {value!r}")
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{name}: expected true or false, got {value!r}")
        elif isinstance(default, (int, float)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"{name}: expected a number, got {value!r}")
            if isinstance(default, int) and not isinstance(value, int):
                raise ConfigError(f"{name}: expected an integer, got {value!r}")
            if not math.isfinite(value) or value < 0:  # counts, thresholds, weights, Zipf values, margins
                raise ConfigError(f"{name}: expected a number >= 0, got {value!r}")
        elif isinstance(default, str):
            if not isinstance(value, str):
                raise ConfigError(f"{name}: expected a string, got {value!r}")
        elif isinstance(default, (list, tuple)):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{name}: expected a list of strings, got {value!r}")
        elif isinstance(default, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{name}: expected a table, got {value!r}")
        allowed = cls.param_choices.get(key)
        if allowed == "language":
            from aligner.config import check_language

            check_language(name, value)
        elif allowed is not None and value not in allowed:
            raise ConfigError(f"{name}: expected one of {', '.join(map(repr, allowed))}, got {value!r}")


# -- shared helpers ---------------------------------------------------------------

WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")  # letters, with inner apostrophes (iba't, l'azienda)
LETTERS_RE = re.compile(r"[^\W\d_]+")
# Linear time on any input: an address or a domain may only start where a run of its characters starts
# (the lookbehinds), and possessive quantifiers do not hand characters back. Without them a long
# `a.a.a.a...` token made every position re-scan the rest of the run (16 KB took 32 s).
URL_EMAIL_RE = re.compile(
    r"(?:https?://|ftp://|www\.)\S+"
    r"|(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+\b"
    r"|(?<![\w-])(?<![\w-]\.)(?:[\w-]++\.)+(?:com|org|net|edu|gov|io|it|cz|ph|eu|de|fr|uk|info|biz)\b(?:/\S*)?",
    re.IGNORECASE,
)


class Spans(list):
    """Sorted, non-overlapping (start, end) spans; `overlaps` answers for them by binary search."""

    _ends: list[int] | None = None

    def ends(self) -> list[int]:
        if self._ends is None or len(self._ends) != len(self):
            self._ends = [e for _, e in self]
        return self._ends


_URL_HINT = re.compile(r"[.@/:]\w")  # every URL, address or domain has one of these followed by a letter or digit


def protected_spans(text: str) -> Spans:
    """Spans (URLs, e-mail addresses, domain names) that checks of word shape must leave alone."""
    if not _URL_HINT.search(text):
        return Spans()
    return Spans(m.span() for m in URL_EMAIL_RE.finditer(text))


def overlaps(span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    """Does `span` overlap one of `spans`? O(log n) for `Spans`, a scan for any other iterable."""
    if isinstance(spans, Spans):
        k = bisect_right(spans.ends(), span[0])  # the first span ending after span's start
        return k < len(spans) and spans[k][0] < span[1]
    return any(span[0] < e and s < span[1] for s, e in spans)


class _PerDocument:
    """A value computed from a document's sentences once, reused while the sentence list is the same object
    of the same length (checks ask for it once per word or finding: recomputing it made them quadratic)."""

    def __init__(self, compute):
        self.compute = compute
        self.cache: dict[int, tuple[list, int, Any]] = {}

    def __call__(self, doc: Document):
        hit = self.cache.get(id(doc))
        if hit is not None and hit[0] is doc.sentences and hit[1] == len(doc.sentences):
            return hit[2]
        value = self.compute(doc.sentences)
        if len(self.cache) >= 256:
            self.cache.clear()
        self.cache[id(doc)] = (doc.sentences, len(doc.sentences), value)  # holds the list: its id stays unique
        return value


def _sentence_index(sentences: list[Sentence]):
    starts = [s.raw_start for s in sentences]
    ordered = all(a.raw_end <= b.raw_start for a, b in zip(sentences, sentences[1:]))
    return starts if ordered else None


_sentence_starts = _PerDocument(_sentence_index)
_paragraph_sizes = _PerDocument(lambda sentences: Counter(t.paragraph for t in sentences))


def sentence_at(doc: Document, pos: int) -> int | None:
    starts = _sentence_starts(doc)
    if starts is None:  # sentences out of order (made by hand): scan
        return next((s.i for s in doc.sentences if s.raw_start <= pos < s.raw_end), None)
    k = bisect_right(starts, pos) - 1
    if k >= 0 and pos < doc.sentences[k].raw_end:
        return doc.sentences[k].i
    return None


# Scripts written without spaces between words: a "word" of a regular expression is a whole clause there.
_UNSPACED = re.compile("[\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
                       "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
UNSPACED_LANGUAGES = frozenset({"ja", "zh", "th", "lo", "km", "my", "bo", "dz"})
_SCRIPT_SAMPLE = 20_000  # characters of a document looked at to tell its script


def writes_words_apart(doc: Document) -> bool:
    """Does the document's language separate words with spaces? By its code, else by its letters' script."""
    if doc.lang in UNSPACED_LANGUAGES:
        return False
    if not any(_UNSPACED.search(s.text) for s in doc.sentences):
        return True  # not one letter of those scripts (nearly every document): no letters to count
    letters = unspaced = 0
    for s in doc.sentences:
        text = s.text[:_SCRIPT_SAMPLE - letters]
        letters += sum(map(str.isalpha, text))
        unspaced += len(_UNSPACED.findall(text))
        if letters >= _SCRIPT_SAMPLE // 2:
            break
    return not letters or unspaced * 2 < letters


def is_heading(doc: Document, s: Sentence) -> bool:
    """Headings and titles: a `heading` sentence, the document's first line, or a short line that is a
    whole paragraph without final punctuation (English-influenced title case is normal there)."""
    if s.kind == "heading":
        return True
    if doc.sentences and s is doc.sentences[0] and doc.title and s.raw_text.strip() == (doc.title or "").strip():
        return True
    text = s.text.strip()
    return _paragraph_sizes(doc)[s.paragraph] == 1 and len(text.split()) <= 14 and not text.endswith((".", "!", ";", ","))


def content_spans(doc: Document) -> list[tuple[int, int]]:
    """Raw spans that belong to sentences (removed chrome excluded)."""
    return [(s.raw_start, s.raw_end) for s in doc.sentences]


def bead_id(src_doc: Document, tgt_doc: Document, bead) -> str:
    """Stable id of a bead: a hash of the two documents and the raw spans of its sentences."""
    return bead_id_of_spans(src_doc.doc, tgt_doc.doc,
                            [(src_doc.sentences[i].raw_start, src_doc.sentences[i].raw_end) for i in bead.src],
                            [(tgt_doc.sentences[i].raw_start, tgt_doc.sentences[i].raw_end) for i in bead.tgt])


def bead_id_of_spans(src: str, tgt: str, src_spans, tgt_spans) -> str:
    """`bead_id` from the document ids and the sentences' (start, end) raw spans, for a caller that has them."""
    parts = (src, tgt, ",".join([f"{a}-{z}" for a, z in src_spans]), ",".join([f"{a}-{z}" for a, z in tgt_spans]))
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:16]


@dataclass
class Context:
    """What the checks share during one run: the corpus, the pairs, the encoder, the lexicon."""

    documents: list[Document]
    aligned: list = field(default_factory=list)
    encoder: Any = None
    embeddings: dict = field(default_factory=dict)
    config: Any = None
    lexicon: Any = None
    _corpus_words: dict = field(default_factory=dict)
    _counterparts: dict | None = None
    _missing: dict = field(default_factory=dict)
    _translations: dict | None = None

    def missing(self, doc: Document, need: str) -> str | None:
        """Why `doc` lacks what a check `need`s ("words", "wordlist", "langid"), or None (cached per document)."""
        key = (doc.doc, need)
        if key not in self._missing:
            self._missing[key] = self._why_missing(doc, need)
        return self._missing[key]

    def _why_missing(self, doc: Document, need: str) -> str | None:
        lang = doc.lang
        if need == "words":
            if writes_words_apart(doc):
                return None
            return (f"{f'{lang!r}' if lang else 'its script'} is written without spaces between words "
                    "and word-level checks have no word segmenter for it")
        if need == "wordlist":
            if self.lexicon is None:
                return "no word lists are loaded"
            return self.lexicon.why_unknown(lang)
        if need == "langid":
            if not lang:
                return "the document's language is not identified"
            languages = tuple(getattr(self.lexicon, "languages", None) or ())
            if lang not in languages and lang != "en":  # the identifier always knows English too
                return (f"'{lang}' is not among segment.languages ({', '.join(languages)}), the languages "
                        "the identifier compares")
            return None
        raise ValueError(f"unknown check requirement {need!r}")

    def corpus_words(self, lang: str | None) -> "WordStats":
        if lang not in self._corpus_words:
            self._corpus_words[lang] = WordStats.of([d for d in self.documents if d.ok and d.lang == lang])
        return self._corpus_words[lang]

    def counterparts(self) -> dict[tuple[str, int], str]:
        """(doc, sentence index) -> the text of the other side of its bead, for documents in parallel pairs."""
        if self._counterparts is None:
            out: dict[tuple[str, int], str] = {}
            for ap in self.aligned:
                for b in ap.beads:
                    s_txt = " ".join(ap.src.sentences[i].text for i in b.src)
                    t_txt = " ".join(ap.tgt.sentences[i].text for i in b.tgt)
                    for i in b.src:
                        out[(ap.src.doc, i)] = t_txt
                    for i in b.tgt:
                        out[(ap.tgt.doc, i)] = s_txt
            self._counterparts = out
        return self._counterparts


    def translations(self) -> dict[tuple[str, int], list[tuple[str, str]]]:
        """(doc, sentence index) -> [(language, text)] of the other side of its bead in every parallel pair the
        document is in (a page translated into three languages has three)."""
        if self._translations is None:
            out: dict[tuple[str, int], list[tuple[str, str]]] = {}
            for ap in self.aligned:
                for b in ap.beads:
                    s_txt = " ".join(ap.src.sentences[i].text for i in b.src)
                    t_txt = " ".join(ap.tgt.sentences[i].text for i in b.tgt)
                    for i in b.src:
                        out.setdefault((ap.src.doc, i), []).append((ap.tgt.lang, t_txt))
                    for i in b.tgt:
                        out.setdefault((ap.tgt.doc, i), []).append((ap.src.lang, s_txt))
            self._translations = out
        return self._translations


@dataclass
class WordStats:
    """How the documents of one language write each word: lowercase, capitalised at a sentence start,
    capitalised elsewhere. Evidence for casing and glue checks that comes from the corpus itself."""

    lower: dict[str, int] = field(default_factory=dict)
    any_case: dict[str, int] = field(default_factory=dict)
    mid_capital: dict[str, int] = field(default_factory=dict)  # capitalised, not first in its sentence

    @classmethod
    def of(cls, docs: list[Document]) -> "WordStats":
        stats = cls()
        for d in docs:
            for s in d.sentences:
                for m in WORD_RE.finditer(s.text):
                    w = m.group()
                    key = w.lower()
                    stats.any_case[key] = stats.any_case.get(key, 0) + 1
                    if w == key:
                        stats.lower[key] = stats.lower.get(key, 0) + 1
                    elif m.start() > 0 and w[0].isupper() and w[1:] == key[1:] and s.text[m.start() - 2:m.start()].strip() not in ".!?:":
                        stats.mid_capital[key] = stats.mid_capital.get(key, 0) + 1
        return stats


def iter_words(text: str, offset: int = 0) -> Iterator[tuple[int, int, str]]:
    for m in WORD_RE.finditer(text):
        yield m.start() + offset, m.end() + offset, m.group()
