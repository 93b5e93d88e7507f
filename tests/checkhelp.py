"""Helpers for the check tests: one-document corpora built from a string."""

from __future__ import annotations

from aligner.config import Config
from aligner.model import Document


def make_doc(text: str, lang: str, doc_id: str = "d", fmt: str = "text") -> Document:
    """A document segmented by the real segmenter, its language given (as a manifest would)."""
    from aligner.segment import segment_corpus

    d = Document(doc=doc_id, path=f"{doc_id}.{'html' if fmt == 'html' else 'txt'}", raw=text, lang=lang,
                 manifest={"lang": lang}, format=fmt)
    segment_corpus([d], config=Config())
    return d


def flags_for(text: str, lang: str, code: str, *, settings: dict | None = None, extra_docs=(), fmt: str = "text"):
    from aligner.checks import run_checks

    cfg = Config()
    if settings:
        cfg.checks = {code: settings}
    d = make_doc(text, lang, fmt=fmt)
    flags = run_checks([d, *extra_docs], [], encoder=None, embeddings={}, config=cfg, select=[code])
    return [f for f in flags if f.doc == d.doc]
