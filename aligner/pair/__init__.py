"""Stage 4: which documents are translations of each other (parallel), on the same topic (comparable) or unrelated.

See docs/pairing.md for the evidence, the score and the choices for large corpora.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from aligner.config import PairConfig
from aligner.errors import InputError
from aligner.model import Document, DocPair
from aligner.pair.candidates import ann, document_vector, exhaustive
from aligner.pair.evidence import relation_for, score_pair

log = logging.getLogger("aligner.pair")

__all__ = ["pair_documents"]


def _same_language(a: str | None, b: str | None) -> bool:
    """Unknown language (None) is never "the same": such documents are compared with everything."""
    return a is not None and a == b


def _count_cross_language_pairs(langs: list[str | None]) -> int:
    n = len(langs)
    same = 0
    counts: dict[str, int] = {}
    for lang in langs:
        if lang is not None:
            counts[lang] = counts.get(lang, 0) + 1
    for c in counts.values():
        same += c * (c - 1) // 2
    return n * (n - 1) // 2 - same


def _embedding_of(doc: Document, embeddings: dict[str, np.ndarray]) -> np.ndarray | None:
    emb = embeddings.get(doc.doc)
    if emb is None:
        return None
    emb = np.asarray(emb, dtype=np.float32)
    if emb.ndim != 2:
        raise InputError(f"{doc.doc}: sentence embeddings must be a 2-D array, got shape {emb.shape}")
    if doc.sentences and len(doc.sentences) != len(emb):
        raise InputError(f"{doc.doc}: {len(emb)} sentence embeddings for {len(doc.sentences)} sentences")
    return emb


def _chars(doc) -> int:
    """Characters of the document's sentences (a `DocInfo` of a sharded run carries the number itself)."""
    n = getattr(doc, "n_chars", None)
    return n if n is not None else sum(len(s.text) for s in doc.sentences)


def pair_documents(documents: list[Document], embeddings: dict[str, np.ndarray], *, config: PairConfig,
                   stats: dict[str, Any] | None = None) -> list[DocPair]:
    """One DocPair per pair of documents in different languages (src = lower doc id).

    Up to `config.exhaustive_max_docs` documents every pair is scored from sentence
    evidence; above that, candidates come from a per-language ANN index over document
    embeddings (`config.ann_neighbours` per document and language) and other pairs are
    `unrelated` without sentence work. When there are more than `config.max_pair_records`
    cross-language pairs, only the candidates are returned (the rest are counted in
    `stats["unreported_pairs"]`). Same-language pairs are never returned; near-duplicates
    among them are logged and named in the evidence of their cross-language pairs.
    `stats`, when given, receives the counts of the run.
    """
    docs = sorted((d for d in documents if d.ok), key=lambda d: d.doc)
    langs = [d.lang for d in docs]
    embs = [_embedding_of(d, embeddings) for d in docs]
    dim = next((e.shape[1] for e in embs if e is not None and e.ndim == 2 and e.shape[1] > 0), 1)
    chars = [_chars(d) for d in docs]
    means = [e.mean(axis=0) if e is not None and len(e) else None for e in embs]

    if len(docs) <= config.exhaustive_max_docs:
        cands = exhaustive(langs)
    else:
        usable = [e is not None and len(e) > 0 for e in embs]
        vectors = np.stack([document_vector(e) if ok else np.zeros(dim, np.float32) for e, ok in zip(embs, usable)])
        cands = ann(vectors, langs, config.ann_neighbours, usable)

    scored: dict[tuple[int, int], dict[str, Any]] = {}
    results: dict[tuple[int, int], tuple[str, float]] = {}
    duplicates: dict[int, set[str]] = {}
    for i, j in sorted(cands.pairs):
        a, b = embs[i], embs[j]
        if a is None or b is None:
            missing = [docs[x].doc for x, e in ((i, a), (j, b)) if e is None]
            scored[(i, j)] = {"candidate": True, "reason": f"no sentence embeddings for {', '.join(missing)}"}
            results[(i, j)] = ("unrelated", 0.0)
            continue
        ev = score_pair(a, b, chars[i], chars[j], config, means[i], means[j])
        evidence = {"candidate": True, "candidates_from": cands.mode, **ev.to_dict()}
        if (i, j) in cands.neighbour_rank:
            evidence["neighbour_rank"] = cands.neighbour_rank[(i, j)]
        if _same_language(langs[i], langs[j]):
            if ev.score >= config.parallel_threshold:
                duplicates.setdefault(i, set()).add(docs[j].doc)
                duplicates.setdefault(j, set()).add(docs[i].doc)
                log.warning("%s and %s (both %s) look like near-duplicates (score %.2f)",
                            docs[i].doc, docs[j].doc, langs[i], ev.score)
            continue
        if not (ev.n_src and ev.n_tgt):
            evidence["reason"] = "a document without sentences cannot be compared"
        scored[(i, j)] = evidence
        score = round(ev.score, 4)  # decide on the score that is written, so records are self-consistent
        results[(i, j)] = (relation_for(score, config), score)

    n_cross = _count_cross_language_pairs(langs)
    report_all = n_cross <= config.max_pair_records
    pairs: list[DocPair] = []

    def emit(i: int, j: int, relation: str, score: float, evidence: dict[str, Any]) -> None:
        dups = {docs[x].doc: sorted(duplicates[x]) for x in (i, j) if x in duplicates}
        if dups:
            evidence["near_duplicates"] = dups
        pairs.append(DocPair(docs[i].doc, docs[j].doc, langs[i], langs[j], relation, round(score, 4), evidence))

    if report_all:
        not_candidate = {
            "candidate": False,
            "candidates_from": cands.mode,
            "reason": f"not among the {config.ann_neighbours} nearest documents of either side "
                      "in the document-embedding index; no sentence evidence computed",
        }
        for i in range(len(docs)):
            for j in range(i + 1, len(docs)):
                if _same_language(langs[i], langs[j]):
                    continue
                if (i, j) in scored:
                    relation, score = results[(i, j)]
                    emit(i, j, relation, score, scored[(i, j)])
                elif embs[i] is None or embs[j] is None or not len(embs[i]) or not len(embs[j]):
                    emit(i, j, "unrelated", 0.0, {"candidate": False, "candidates_from": cands.mode,
                                                  "reason": "a document without sentences cannot be compared"})
                else:
                    emit(i, j, "unrelated", 0.0, dict(not_candidate))
    else:
        for (i, j), evidence in sorted(scored.items()):
            relation, score = results[(i, j)]
            emit(i, j, relation, score, evidence)

    counts = {
        "documents": len(docs),
        "cross_language_pairs": n_cross,
        "candidates": len(cands.pairs),
        "candidates_from": cands.mode,
        "scored_cross_language": len(scored),
        "reported": len(pairs),
        "unreported_pairs": n_cross - len(pairs),
        "near_duplicate_documents": sorted(docs[x].doc for x in duplicates),
        "parallel": sum(p.relation == "parallel" for p in pairs),
        "comparable": sum(p.relation == "comparable" for p in pairs),
    }
    if not report_all:
        log.info("pairing: %d cross-language pairs, %d candidates reported, %d unrelated non-candidates not written",
                 n_cross, len(pairs), n_cross - len(pairs))
    if stats is not None:
        stats.update(counts)
    return pairs
