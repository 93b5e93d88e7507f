"""Stage 6: checks for machine-translation artifacts, a registry of small classes.

Each check is a class in a module of this package grouped by category (glued.py,
repetition.py, ...), registered under its code. The code is the config key
(`[checks.<code>]`), the flag code in flags.jsonl, the SARIF ruleId and the heading
in docs/checks.md. Language knowledge lives in `aligner/checks/lang/<iso>.py`.
"""

from __future__ import annotations

import importlib
from typing import Iterable

from aligner.checks.base import _REGISTRY, Check, Context, bead_id, validate_settings

_MODULES = ("boilerplate", "encoding", "glued", "hyphenation", "repetition", "untranslated", "casing",
            "language", "pair")

__all__ = ["Check", "registry", "get_check", "validate_check_settings", "run_checks", "build_checks", "bead_id",
           "check_context", "check_documents", "check_pairs", "settle_flags"]


def _load() -> None:
    for name in _MODULES:
        importlib.import_module(f"aligner.checks.{name}")


def registry() -> dict[str, type[Check]]:
    """code -> check class, for every registered check, in a stable order (by module of _MODULES, then by
    definition), whatever order the modules were imported in."""
    _load()
    position = {name: k for k, name in enumerate(_MODULES)}
    ranked = sorted(enumerate(_REGISTRY.items()),
                    key=lambda e: (position.get(e[1][1].__module__.rsplit(".", 1)[-1], len(position)), e[0]))
    return dict(item for _, item in ranked)


def get_check(code: str) -> type[Check]:
    from aligner.errors import ConfigError

    reg = registry()
    if code not in reg:
        raise ConfigError(f"unknown check '{code}' (known: {', '.join(sorted(reg))})")
    return reg[code]


def validate_check_settings(code, settings, *, where: str) -> None:
    """Raise ConfigError if `code` is not a registered check or a setting is unknown / of the wrong type."""
    _load()
    validate_settings(code, settings, where=where)


def build_checks(config=None, *, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None,
                 scope: str | None = None) -> list[Check]:
    """Instances of the enabled checks with their settings from `config.checks`.

    `select`/`ignore` take codes or categories (as linters do); unknown names are a ConfigError.
    """
    from aligner.errors import ConfigError
    from aligner.model import CATEGORIES

    reg = registry()
    for name in [*(select or ()), *(ignore or ())]:
        if name not in reg and name not in CATEGORIES:
            raise ConfigError(f"unknown check or category '{name}' (checks: {', '.join(sorted(reg))})")
    select = set(select or ())
    ignore = set(ignore or ())
    settings = getattr(config, "checks", None) or {}
    out = []
    for code, cls in reg.items():
        if scope and cls.scope != scope:
            continue
        if select and code not in select and cls.category not in select:
            continue
        if code in ignore or cls.category in ignore:
            continue
        check = cls(settings.get(code))
        if check.enabled or code in select:
            out.append(check)
    return out


def run_checks(documents, aligned, *, encoder, embeddings, config, select=None, ignore=None, lexicon=None):
    """All enabled checks over documents and aligned pairs -> list[Flag]; sets doc.n_flags."""
    ctx = check_context(documents, aligned, encoder=encoder, embeddings=embeddings, config=config, lexicon=lexicon)
    checks = build_checks(config, select=select, ignore=ignore)
    flags = check_documents(ctx, checks, ctx.documents) + check_pairs(ctx, checks, ctx.aligned)
    return settle_flags(ctx.documents, flags)


def check_context(documents, aligned, *, encoder, embeddings, config, lexicon=None, corpus_words=None,
                  counterparts=None) -> Context:
    """The context checks read. A sharded run passes the corpus-wide word statistics (`corpus_words`:
    language -> WordStats) and the bead counterparts of its documents, computed from all of the corpus."""
    from aligner.checks.lexicon import get_lexicon

    if lexicon is None:
        langs = getattr(getattr(config, "segment", None), "languages", None)
        lexicon = get_lexicon(langs)
    ctx = Context(documents=list(documents), aligned=list(aligned or []), encoder=encoder,
                  embeddings=embeddings or {}, config=config, lexicon=lexicon)
    if corpus_words is not None:
        ctx._corpus_words = corpus_words
    if counterparts is not None:
        ctx._counterparts = counterparts
    return ctx


def check_documents(ctx, checks, documents) -> list:
    """Flags of the document-scope checks, document by document, check by check."""
    flags = []
    for doc in documents:
        if not doc.ok:
            continue
        for check in checks:
            if check.scope == "document":
                flags.extend(check.find(ctx, doc))
    return flags


def check_pairs(ctx, checks, aligned) -> list:
    """Flags of the pair-scope checks, pair by pair, check by check."""
    flags = []
    for ap in aligned:
        for check in checks:
            if check.scope == "pair":
                flags.extend(check.find_pair(ctx, ap))
    return flags


def settle_flags(documents, flags) -> list:
    """Flags in the output's order (document, start, end, code; stable), and doc.n_flags set."""
    order = {d.doc: k for k, d in enumerate(documents)}
    flags.sort(key=lambda f: (order.get(f.doc, 0), f.start, f.end, f.code))
    counts: dict[str, int] = {}
    for f in flags:
        counts[f.doc] = counts.get(f.doc, 0) + 1
    for doc in documents:
        doc.n_flags = counts.get(doc.doc, 0)
    return flags
