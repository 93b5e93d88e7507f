"""TEMPORARY test-local stand-in for the aligner (aligner.align is being written in parallel).

The lead switches `aligned_seed_pair` to `aligner.align.align_documents` at merge; it only needs to
produce beads (sentence-index tuples, score, similarity) for the one parallel seed pair.
"""

from __future__ import annotations

import numpy as np

from aligner.model import Bead, DocPair, Document


def align(src: Document, tgt: Document, es: np.ndarray, et: np.ndarray, skip: float = -0.3) -> list[Bead]:
    """A small dynamic-programming aligner (1-1, 1-2, 2-1, 1-0, 0-1) on cosine similarities, centred on the
    pair's typical similarity so that a skip beats a poor match."""
    n, m = len(src.sentences), len(tgt.sentences)
    sim = es @ et.T
    centre = float(np.median(sim.max(axis=1)))
    spread = 0.05

    def vec(e, idx):
        v = e[list(idx)].sum(axis=0)
        return v / np.linalg.norm(v)

    def gain(i0, i1, j0, j1):
        s = float(vec(es, range(i0, i1)) @ vec(et, range(j0, j1)))
        return (s - centre) / spread + 1.0, s

    INF = -1e9
    best = np.full((n + 1, m + 1), INF)
    back: dict = {}
    best[0, 0] = 0
    for i in range(n + 1):
        for j in range(m + 1):
            if best[i, j] == INF:
                continue
            for di, dj in ((1, 1), (1, 2), (2, 1), (1, 0), (0, 1)):
                a, b = i + di, j + dj
                if a > n or b > m:
                    continue
                if di and dj:
                    g, s = gain(i, a, j, b)
                    if di + dj > 2:
                        g -= 0.5
                else:
                    g, s = skip, 0.0
                if best[i, j] + g > best[a, b]:
                    best[a, b] = best[i, j] + g
                    back[(a, b)] = (i, j, s)
    beads = []
    a, b = n, m
    while (a, b) != (0, 0):
        i, j, s = back[(a, b)]
        beads.append(Bead(tuple(range(i, a)), tuple(range(j, b)), score=max(0.0, min(1.0, (s - 0.6) / 0.35)),
                          similarity=s))
        a, b = i, j
    return beads[::-1]


def aligned_seed_pair(docs, encoder):
    """The one parallel pair of the seeds (000 tl <-> 001 it), aligned, as pipeline.AlignedPair."""
    from aligner.pipeline import AlignedPair

    src = next(d for d in docs if d.doc.startswith("000"))
    tgt = next(d for d in docs if d.doc.startswith("001"))
    emb = {d.doc: encoder.encode([s.text for s in d.sentences]) for d in (src, tgt)}
    beads = align(src, tgt, emb[src.doc], emb[tgt.doc])
    pair = DocPair(src.doc, tgt.doc, src.lang, tgt.lang, "parallel", 0.9)
    return AlignedPair(pair, src, tgt, beads), emb
