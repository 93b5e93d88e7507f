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
            "language", "pair", "meta")

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


def run_checks(documents, aligned, *, encoder, embeddings, config, select=None, ignore=None, lexicon=None,
               problems=None):
    """All enabled checks over documents and aligned pairs -> list[Flag]; sets doc.n_flags.

    Each check runs on each document (or pair) on its own: an exception inside it becomes a `check-error`
    finding on that document naming the check, and the run goes on. A check whose needs the document's
    language cannot meet (`Check.needs`) is skipped there, and one `check-skipped` record per document says
    which and why. `problems`: (document, stage, message) of failures in earlier stages (an alignment that
    failed for a pair), reported as `check-error` findings too.
    """
    ctx = check_context(documents, aligned, encoder=encoder, embeddings=embeddings, config=config, lexicon=lexicon)
    checks = build_checks(config, select=select, ignore=ignore)
    flags = (problem_flags(config, problems, ignore=ignore)
             + check_documents(ctx, checks, ctx.documents, ignore=ignore)
             + check_pairs(ctx, checks, ctx.aligned, ignore=ignore))
    return settle_flags(ctx.documents, flags)


def check_context(documents, aligned, *, encoder, embeddings, config, lexicon=None, corpus_words=None,
                  counterparts=None, translations=None) -> Context:
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
    if translations is not None:
        ctx._translations = translations
    return ctx


def _runnable(checks):
    from aligner.checks.meta import CHECK_ERROR, CHECK_SKIPPED

    return [c for c in checks if c.code not in (CHECK_ERROR, CHECK_SKIPPED)]


def problem_flags(config, problems, *, ignore=None) -> list:
    """`check-error` findings for (document, stage, message) failures of earlier stages (a failed alignment)."""
    from aligner.checks.meta import CHECK_ERROR

    on_error = _meta_check(CHECK_ERROR, config, ignore)
    if on_error is None:
        return []
    return [_record(on_error, doc, f"The {stage} stage failed: {message}") for doc, stage, message in problems or ()]


def check_documents(ctx, checks, documents, *, ignore=None) -> list:
    """Flags of the document-scope checks, document by document, check by check (each guarded)."""
    from aligner.checks.meta import CHECK_ERROR, CHECK_SKIPPED

    on_error = _meta_check(CHECK_ERROR, ctx.config, ignore)
    on_skip = _meta_check(CHECK_SKIPPED, ctx.config, ignore)
    checks = _runnable(checks)
    ctx.__dict__["running"] = frozenset(c.code for c in checks)  # checks may leave to another what it reports
    flags: list = []
    for doc in documents:
        if not doc.ok:
            continue
        skipped: dict[str, list[str]] = {}  # reason -> check codes
        for check in checks:
            if check.scope != "document":
                continue
            why = _guarded(lambda: check.unavailable(ctx, doc), check, doc, on_error, flags)
            if why:
                skipped.setdefault(why, []).append(check.code)
            elif why is None:
                _guarded(lambda: check.find(ctx, doc), check, doc, on_error, flags)
        if skipped and on_skip is not None and doc.sentences:
            parts = [f"{', '.join(codes)} ({why})" for why, codes in skipped.items()]
            flags.append(_record(on_skip, doc, f"Skipped for this {doc.lang or 'unidentified'} document: "
                                 f"{'; '.join(parts)}."))
    return flags


def check_pairs(ctx, checks, aligned, *, ignore=None) -> list:
    """Flags of the pair-scope checks, pair by pair, check by check (each guarded)."""
    from aligner.checks.meta import CHECK_ERROR

    on_error = _meta_check(CHECK_ERROR, ctx.config, ignore)
    flags: list = []
    for ap in aligned:
        for check in _runnable(checks):
            if check.scope == "pair":
                _guarded(lambda: check.find_pair(ctx, ap), check, ap.src, on_error, flags,
                         where=f"the pair {ap.src.doc} / {ap.tgt.doc}")
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


def _meta_check(code, config, ignore):
    """The runner's own record maker for `code` (check-error, check-skipped), with its settings; None when
    disabled or ignored. Not subject to `select`: a crash must be reported whatever was selected."""
    cls = registry()[code]
    if code in set(ignore or ()) or cls.category in set(ignore or ()):
        return None
    check = cls((getattr(config, "checks", None) or {}).get(code))
    return check if check.enabled else None


_STOP = (KeyboardInterrupt, SystemExit, MemoryError)


def _guarded(call, check, doc, on_error, flags, *, where=None):
    """Run `call` (a check's find, find_pair or unavailable) for one document or pair. Its findings go into
    `flags` (those yielded before an error are kept); an exception becomes a `check-error` finding on `doc`.
    Returns what `call` returned (fully consumed when it is an iterable of flags), or False after an error."""
    import logging

    try:
        result = call()
        if result is None or isinstance(result, str):
            return result
        for f in result:
            flags.append(f)
        return None
    except _STOP:
        raise
    except Exception as exc:  # a bug in one check costs that check's findings on one document, not the run
        log = logging.getLogger("aligner.checks")
        subject = where or doc.path
        log.warning("%s: the check '%s' failed (%s: %s); reported as %s, the run goes on",
                    subject, check.code, type(exc).__name__, exc, "check-error")
        log.debug("%s: traceback of the check '%s'", subject, check.code, exc_info=exc)
        if on_error is not None:
            on = f" on {where}" if where else ""
            flags.append(_record(on_error, doc, f"The check '{check.code}' failed{on} ({type(exc).__name__}: "
                                 f"{_short(exc)}); its findings here are missing. Please report it "
                                 "(-vv shows the traceback)."))
        return False


def _record(meta, doc, message):
    """A finding about the whole document (zero-width at its start, no sentence), like `document-error`."""
    f = meta.flag(doc, 0, 0, message)
    f.sentence = None
    return f


def _short(exc: Exception, limit: int = 200) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
