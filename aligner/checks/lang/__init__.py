"""Language resources of the checks: one small module per language, `aligner/checks/lang/<iso>.py`.

To add a language, copy `it.py` to `<iso 639-1 code>.py` and fill the lists that matter for it
(every field is optional; a missing module means "no language-specific knowledge": the checks
that need it stay conservative). Users extend lists without touching the package through the
settings of each check (e.g. `[checks.untranslated] extra_loanwords = [...]`).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from functools import lru_cache


@dataclass(frozen=True)
class LangResources:
    code: str
    # English words and phrases the language has adopted: not "untranslated" (lower case).
    loanwords: frozenset[str] = frozenset()
    # Words that are never legitimately doubled (articles, prepositions, particles...).
    function_words: frozenset[str] = frozenset()
    # "free": full reduplication of a content word is grammatical (Tagalog: araw araw, isa isa);
    # "listed": only the words of `reduplicated_ok` may be doubled (Italian piano piano);
    # "hyphen": reduplication is written with a hyphen (Tagalog araw-araw), a doubled word with a space is not.
    reduplication: str = "listed"
    reduplicated_ok: frozenset[str] = frozenset()
    # Prefixes written with a hyphen before a vowel-initial or foreign root (Tagalog pag-iwas):
    # the affix-hyphen-space check only runs for languages that list some.
    hyphen_prefixes: frozenset[str] = frozenset()
    # Affixes that cannot stand alone as a word: a glued-word split never produces them as a part.
    bound_prefixes: frozenset[str] = frozenset()
    bound_suffixes: frozenset[str] = frozenset()
    # How the language respells an English word it adopts (regex, replacement), applied in order:
    # an English word whose respelling is a frequent word of the language is untranslated.
    respell: tuple[tuple[str, str], ...] = ()
    # Coordinating conjunctions ("and", "or") and words that may stand on both sides of one (more and more).
    conjunctions: frozenset[str] = frozenset()
    coordinated_ok: frozenset[str] = frozenset()
    # How far below its English frequency an English word may be in the language's word list and still count
    # as adopted by the untranslated check (None: the check's `adopted_gap`). Word lists built from
    # code-switched media (Filipino) hold much English, so the bar is higher there.
    adopted_gap: float | None = None
    # Compounds are written as one word (German Datenbankverwaltung): an unknown word made of two known
    # ones is normal there, so the glued-word split test does not run.
    compounding: bool = False
    # Nouns are capitalised (German): a capital mid-sentence is no evidence of a casing error.
    capitalises_nouns: bool = False
    # Words the language capitalises by rule wherever they stand (English days and months).
    capitalised: frozenset[str] = frozenset()
    # Number words, for the number check (lower case -> value).
    number_words: dict[str, float] = field(default_factory=dict)

    def respellings(self, word: str) -> set[str]:
        return set(_respellings(self.respell, word.lower()))


@lru_cache(maxsize=100_000)
def _respellings(respell: tuple[tuple[str, str], ...], w: str) -> frozenset[str]:
    out = set()
    cur = w
    for pattern, repl in respell:
        nxt = re.sub(pattern, repl, cur)
        if nxt != cur:
            out.add(nxt)
            cur = nxt
    out.discard(w)
    return frozenset(out)


@lru_cache(maxsize=None)
def resources(lang: str | None) -> LangResources:
    """The resources of `lang` (an ISO 639-1 code), or empty ones when the language has no module."""
    if not lang or not re.fullmatch(r"[a-z]{2,3}", lang):
        return LangResources(code=lang or "")
    try:
        mod = importlib.import_module(f"aligner.checks.lang.{lang}")
    except ModuleNotFoundError:
        return LangResources(code=lang)
    fields = {k: getattr(mod, k.upper()) for k in LangResources.__dataclass_fields__ if hasattr(mod, k.upper())}
    for k, v in list(fields.items()):
        if isinstance(v, (set, list, frozenset)) and k != "respell":
            fields[k] = frozenset(x.lower() for x in v)
        if k == "respell":
            fields[k] = tuple(tuple(x) for x in v)
    return LangResources(code=lang, **fields)


def known_languages() -> list[str]:
    import pkgutil

    from aligner.checks import lang as pkg

    return sorted(m.name for m in pkgutil.iter_modules(pkg.__path__))
