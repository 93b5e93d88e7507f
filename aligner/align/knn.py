"""The knn scoring (`align.scoring = "knn"`, the earlier default): margin of the centred cosine against
the k nearest same-size neighbours, weighted by bead size, with a length prior; a second DP pass
after the concatenations near unusual beads are encoded, then the attach pass. See docs/alignment.md.
"""

from __future__ import annotations

import numpy as np

from aligner.align.band import _window_along, band_cells
from aligner.align.params import AlignParams
from aligner.align.refine import _attach_one_sided, _encode_spans, _spans_to_refine
from aligner.align.sides import _Scoring, _set_pair_knn, _Side
from aligner.align.arrays import KAPPA


class KnnScoring:
    name = "knn"
    centred = True  # each side's mean is removed first (AlignParams.center)
    values_read_pair_knn = True  # margins against same-size spans (`_set_pair_knn`)
    values_read_margins = True  # margins of the sentences (`_set_margins`)

    @staticmethod
    def block_values(src: _Side, tgt: _Side, U, V, rows: np.ndarray, Jc: np.ndarray, sim, ls, lt, a: int, b: int,
                     p: AlignParams, sc: _Scoring):
        """`weight * (margin - ref) - length prior - paragraph penalty - multi-sentence penalty`."""
        r0, r1 = int(rows[0]), int(rows[-1]) + 1
        ks = src.knn_pair.get((a, b), src.knn_spans[a])
        kt = tgt.knn_pair.get((a, b), tgt.knn_spans[b])
        w = _bead_weight(a, b, p)
        multi = p.multi_penalty * sc.unit * max(0, a + b - 2)
        lw = p.length_weight * sc.unit
        marg = sim - 0.5 * (ks[r0:r1, None] + kt[Jc])
        dev = np.log((lt + KAPPA) / (ls + KAPPA)) - sc.log_ratio
        return (w * (marg - sc.ref) - lw * np.minimum(dev * dev, 4.0)
                - p.paragraph_penalty * (src.cross[a][rows][:, None] + tgt.cross[b][Jc]) - multi)

    @staticmethod
    def skip_costs(side: _Side, sc: _Scoring, p: AlignParams) -> np.ndarray:
        """The base skip cost, raised for a sentence whose best neighbour in the window is a good match
        (it more likely belongs in a neighbouring bead) when `skip_adapt` is set."""
        base = np.full(side.n, sc.skip)
        if p.skip_adapt and side.top is not None and side.n:
            threshold = sc.ref - 2 * sc.skip
            base += p.skip_adapt * np.maximum(0.0, (side.top - side.knn) - threshold)
        return base

    @staticmethod
    def decode(src: _Side, tgt: _Side, lo, hi, beads, p: AlignParams, sc: _Scoring, stats: dict, embed_spans,
               *, wlo, whi, w: int):
        """DP on sums of vectors; real concatenations near the non-1-1 beads of that path, DP again; attach."""
        from aligner.align.dp import _dp

        n, m = src.n, tgt.n
        steps = _dp(src, tgt, lo, hi, beads, p, sc)
        stats["band_cells"] = band_cells(lo, hi)

        # pass 3: real embeddings of the few concatenations near the path
        if embed_spans is not None and p.refine_spans and any(max(a, b) >= 2 for a, b in beads):
            want_s, want_t = _spans_to_refine(steps, n, m, beads, p.refine_radius)
            _encode_spans(src, "src", want_s, embed_spans, stats)
            _encode_spans(tgt, "tgt", want_t, embed_spans, stats)
            if p.pair_knn:
                _set_pair_knn(src, tgt, wlo, whi, beads, p.knn)
            lo, hi = _window_along(steps, n, m, w)
            steps = _dp(src, tgt, lo, hi, beads, p, sc)
        stats["skip_cost"] = sc.skip
        stats["ref_margin"] = sc.ref
        extra: dict = {}
        if embed_spans is not None and p.refine_spans and p.attach:
            steps, extra = _attach_one_sided(steps, src, tgt, embed_spans, p, stats)
        return steps, extra


KNN = KnnScoring()


def _bead_weight(a: int, b: int, p: AlignParams) -> float:
    return ((a + b) / 2.0) ** p.multi_weight
