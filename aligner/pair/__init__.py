"""Stage 4: which documents are translations of each other (parallel), on the same topic (comparable) or unrelated.

See docs/pairing.md for the evidence, the score and the choices for large corpora.
"""

from __future__ import annotations

import itertools
import logging
from typing import Any

import numpy as np

from aligner.config import PairConfig
from aligner.errors import InputError
from aligner.model import Document, DocPair
from aligner.pair.candidates import ann, centre_by_language, exhaustive, normalised_mean
from aligner.pair.evidence import relation_for, score_blocks

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


# The background of multilingual-e5-small, on which the topic range (`topic_floor`, `topic_ceiling`)
# was set: its best-match cosine for unrelated article pairs starts at 0.785 (docs/pairing.md,
# "Encoder-specific calibration"), and the floor (0.80) sits just above it.
REFERENCE_BACKGROUND = 0.79
RELEASE_EVERY = 1024  # documents read, or pairs scored, between two `embeddings.release()` calls
SOURCE_BLOCK = 256  # candidate targets of one source side by side (score_blocks), at most
BATCH_TARGETS = 1024  # candidate targets, of consecutive sources, scored together (score_blocks)
CALIBRATION_SAMPLE = 4000  # cross-language pairs whose best-match cosine sets the run's background


def is_reference_encoder(signature: dict[str, Any] | None) -> bool:
    """multilingual-e5-small (the default 4-bit one, on ONNX Runtime, or through sentence-transformers): no
    calibration needed."""
    name = str((signature or {}).get("name", ""))
    return name in ("e5-small", "e5-small-onnx") or "multilingual-e5-small" in name


def background_cosine(pairs, embs: list, langs: list) -> float | None:
    """Median best-match cosine over an evenly spaced sample of cross-language `pairs` (index pairs).

    Most pairs of documents in two languages, and most ANN candidates too, are not translations:
    their median best-match cosine is the encoder's "unrelated" level on this corpus.
    """
    cross = [(i, j) for i, j in pairs if not _same_language(langs[i], langs[j])
             and embs[i] is not None and embs[j] is not None and len(embs[i]) and len(embs[j])]
    if not cross:
        return None
    if len(cross) > CALIBRATION_SAMPLE:
        step = len(cross) / CALIBRATION_SAMPLE
        cross = [cross[int(k * step)] for k in range(CALIBRATION_SAMPLE)]
    values = []
    for i, j in cross:
        sim = embs[i] @ embs[j].T
        values.append((float(sim.max(axis=1).mean()) + float(sim.max(axis=0).mean())) / 2.0)
    return float(np.median(values))


def calibrated(config: PairConfig, background: float) -> PairConfig:
    """The topic range moved to an encoder's scale: the same share of the way from its background to 1.

    `topic_floor`/`topic_ceiling` are set on e5-small's scale (background REFERENCE_BACKGROUND); an
    encoder whose unrelated documents sit at `background` gets floor' = b + (floor - B) (1 - b) / (1 - B).
    """
    import dataclasses

    ref = REFERENCE_BACKGROUND
    scale = (1.0 - background) / (1.0 - ref)

    def move(x: float) -> float:
        return round(min(1.0, max(-1.0, background + (x - ref) * scale)), 4)

    return dataclasses.replace(config, topic_floor=move(config.topic_floor), topic_ceiling=move(config.topic_ceiling))


def pair_documents(documents: list[Document], embeddings: dict[str, np.ndarray], *, config: PairConfig,
                   stats: dict[str, Any] | None = None, sink=None, calibrate: bool = False) -> list[DocPair]:
    """One DocPair per pair of documents in different languages (src = lower doc id).

    Up to `config.exhaustive_max_docs` documents every pair is scored from sentence
    evidence; above that, candidates come from a per-language ANN index over document
    embeddings (`config.ann_neighbours` per document and language) and other pairs are
    `unrelated` without sentence work. When there are more than `config.max_pair_records`
    cross-language pairs, only the candidates are returned (the rest are counted in
    `stats["unreported_pairs"]`). Same-language pairs are never returned; near-duplicates
    among them are logged and named in the evidence of their cross-language pairs.
    `stats`, when given, receives the counts of the run. `sink`, when given, receives each
    DocPair in order instead of the returned list (which is then empty): with only candidates
    reported, pairs are scored and handed over one at a time, so memory does not grow with them.
    `calibrate`: move the topic range to the encoder's scale, measured on this corpus
    (`background_cosine`, `calibrated`; `stats["topic_calibration"]` says what was used).
    """
    docs = sorted((d for d in documents if d.ok), key=lambda d: d.doc)
    langs = [d.lang for d in docs]
    # memory-mapped vectors (a sharded run) count in resident memory once read: `embeddings.release()`,
    # when there is one, hands their pages back now and then (e5-small at 10,000 documents: 545 MB)
    release = getattr(embeddings, "release", None) or (lambda: None)
    embs, means = [], []
    for k, d in enumerate(docs):
        e = _embedding_of(d, embeddings)
        embs.append(e)
        means.append(e.mean(axis=0) if e is not None and len(e) else None)
        if k % RELEASE_EVERY == RELEASE_EVERY - 1:
            release()
    release()
    dim = next((e.shape[1] for e in embs if e is not None and e.ndim == 2 and e.shape[1] > 0), 1)
    chars = [_chars(d) for d in docs]

    if len(docs) <= config.exhaustive_max_docs:
        cands = exhaustive(langs)
    else:
        usable = [e is not None and len(e) > 0 for e in embs]
        # from the means taken above: reading every document's vectors again here would bring all their
        # pages back into resident memory at once (e5-small at 10,000 documents: +585 MB at the peak)
        vectors = np.stack([normalised_mean(m) if ok else np.zeros(dim, np.float32) for m, ok in zip(means, usable)])
        cands = ann(centre_by_language(vectors, langs, usable), langs, config.ann_neighbours, usable)
        del vectors

    ordered = cands.in_order()
    calibration = None
    if calibrate:
        background = background_cosine(ordered, embs, langs)
        if background is not None:
            config = calibrated(config, background)
            calibration = {"background": round(background, 4), "reference_background": REFERENCE_BACKGROUND,
                           "topic_floor": config.topic_floor, "topic_ceiling": config.topic_ceiling}
            log.info("pairing: background best-match cosine %.3f (e5-small %.2f): topic range %.3f-%.3f",
                     background, REFERENCE_BACKGROUND, config.topic_floor, config.topic_ceiling)

    duplicates: dict[int, set[str]] = {}
    n_cross = _count_cross_language_pairs(langs)
    report_all = n_cross <= config.max_pair_records
    pairs: list[DocPair] = []
    counts_by_relation = {"parallel": 0, "comparable": 0, "unrelated": 0}
    n_emitted = 0

    n_scores = 0

    def scored_in_order(candidates):
        """(i, j, score(i, j)) for sorted `candidates`: the candidates of consecutive sources are scored together
        (`score_blocks`, up to BATCH_TARGETS targets at once), then handed over in order."""
        pending: list[tuple[int, list, list[int]]] = []  # (source, its block of candidates, targets to score)
        waiting = 0

        def flush():
            scoring = [(i, targets) for i, _, targets in pending if targets]
            evidence = iter(score_blocks([(embs[i], [embs[j] for j in targets], chars[i], [chars[j] for j in targets],
                                           means[i], [means[j] for j in targets]) for i, targets in scoring], config))
            for i, block, targets in pending:
                found = iter(next(evidence) if targets else ())
                for _, j in block:
                    has_both = embs[i] is not None and embs[j] is not None
                    yield i, j, score(i, j, next(found) if has_both else None)
            pending.clear()

        for i, group in itertools.groupby(candidates, key=lambda p: p[0]):
            group = list(group)
            for lo in range(0, len(group), SOURCE_BLOCK):
                block = group[lo:lo + SOURCE_BLOCK]
                targets = [j for _, j in block if embs[i] is not None and embs[j] is not None]
                pending.append((i, block, targets))
                waiting += len(targets)
                if waiting >= BATCH_TARGETS:
                    yield from flush()
                    waiting = 0
        yield from flush()

    def score(i: int, j: int, ev):
        """(relation, score, evidence) of a candidate pair, or None for a same-language one (duplicates noted)."""
        nonlocal n_scores
        n_scores += 1
        if n_scores % RELEASE_EVERY == 0:
            release()
        a, b = embs[i], embs[j]
        if a is None or b is None:
            if _same_language(langs[i], langs[j]):
                return None
            missing = [docs[x].doc for x, e in ((i, a), (j, b)) if e is None]
            return "unrelated", 0.0, {"candidate": True, "reason": f"no sentence embeddings for {', '.join(missing)}"}
        if _same_language(langs[i], langs[j]):  # its score only: no evidence record is written for it
            if ev.score >= config.parallel_threshold:
                duplicates.setdefault(i, set()).add(docs[j].doc)
                duplicates.setdefault(j, set()).add(docs[i].doc)
                log.warning("%s and %s (both %s) look like near-duplicates (score %.2f)",
                            docs[i].doc, docs[j].doc, langs[i], ev.score)
            return None
        evidence = {"candidate": True, "candidates_from": cands.mode, **ev.to_dict()}
        rank = cands.neighbour_rank.get((i, j))
        if rank is not None:
            evidence["neighbour_rank"] = rank
        if not (ev.n_src and ev.n_tgt):
            evidence["reason"] = "a document without sentences cannot be compared"
        rounded = round(ev.score, 4)  # decide on the score that is written, so records are self-consistent
        return relation_for(rounded, config), rounded, evidence

    def emit(i: int, j: int, relation: str, score_: float, evidence: dict[str, Any]) -> None:
        nonlocal n_emitted
        dups = {docs[x].doc: sorted(duplicates[x]) for x in (i, j) if x in duplicates}
        if dups:
            evidence["near_duplicates"] = dups
        pair = DocPair(docs[i].doc, docs[j].doc, langs[i], langs[j], relation, round(score_, 4), evidence)
        counts_by_relation[relation] = counts_by_relation.get(relation, 0) + 1
        n_emitted += 1
        if sink is not None:
            sink(pair)
        else:
            pairs.append(pair)

    n_scored = 0
    if report_all:
        scored: dict[tuple[int, int], tuple[str, float, dict[str, Any]]] = {}
        for i, j, got in scored_in_order(ordered):
            if got is not None:
                scored[(i, j)] = got
        n_scored = len(scored)
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
                    emit(i, j, *scored[(i, j)])
                elif embs[i] is None or embs[j] is None or not len(embs[i]) or not len(embs[j]):
                    emit(i, j, "unrelated", 0.0, {"candidate": False, "candidates_from": cands.mode,
                                                  "reason": "a document without sentences cannot be compared"})
                else:
                    emit(i, j, "unrelated", 0.0, dict(not_candidate))
    else:
        # same-language candidates first (near-duplicates are named in the cross-language records),
        # then every cross-language candidate, scored and emitted in order, one at a time
        for _ in scored_in_order((i, j) for i, j in ordered if _same_language(langs[i], langs[j])):
            pass
        for i, j, got in scored_in_order((i, j) for i, j in ordered if not _same_language(langs[i], langs[j])):
            if got is not None:
                n_scored += 1
                emit(i, j, *got)

    counts = {
        "documents": len(docs),
        "cross_language_pairs": n_cross,
        "candidates": len(cands.pairs),
        "candidates_from": cands.mode,
        "scored_cross_language": n_scored,
        "reported": n_emitted,
        "unreported_pairs": n_cross - n_emitted,
        "near_duplicate_documents": sorted(docs[x].doc for x in duplicates),
        "parallel": counts_by_relation["parallel"],
        "comparable": counts_by_relation["comparable"],
    }
    if not report_all:
        log.info("pairing: %d cross-language pairs, %d candidates reported, %d unrelated non-candidates not written",
                 n_cross, n_emitted, n_cross - n_emitted)
    if calibration is not None:
        counts["topic_calibration"] = calibration
    if stats is not None:
        stats.update(counts)
    return pairs
