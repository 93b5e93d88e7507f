"""One side of a document pair as the DP sees it, its neighbourhoods (knn margins), and the calibration.

`_Side` holds a side's sentence vectors, lengths, paragraphs, span vectors by size and the
neighbourhood statistics measured in a window around the current path (`_set_margins`,
`_set_pair_knn`). `_Scoring` holds the per-document constants both scorings need
(`_estimate_scoring`): the typical good margin, the skip costs and the length ratio.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from aligner.align.arrays import _clamp, _span_crosses, _span_mean, _span_vectors, _topk_mean
from aligner.align.band import _invert_window
from aligner.align.params import AlignParams


@dataclass
class _Side:
    E: np.ndarray
    lens: np.ndarray
    par: np.ndarray | None
    spans: dict[int, np.ndarray] = field(default_factory=dict)  # a -> (n+1, d)
    knn: np.ndarray | None = None  # per sentence
    top: np.ndarray | None = None
    avg: np.ndarray | None = None
    knn_spans: dict[int, np.ndarray] = field(default_factory=dict)
    knn_pair: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)  # (a, b) -> per end state
    best: np.ndarray | None = None  # per sentence: index of its best match in the window (-1: none)
    cross: dict[int, np.ndarray] = field(default_factory=dict)
    cum: np.ndarray | None = None
    pending: dict[int, np.ndarray] = field(default_factory=dict)  # a -> (n+1,) bool: span not encoded yet (lazy)
    real: set[tuple[int, int]] = field(default_factory=set)  # (start, end) of the runs encoded for real
    whole_bg: float | None = None  # `contrast.whole_side_background`, once computed (kept on the src side)
    vec_cum: np.ndarray | None = None  # (n+1, d) float64 running sums of E, once asked for (`vector_sums`)

    @property
    def n(self) -> int:
        return len(self.E)

    def prepare(self, sizes: set[int]) -> None:
        self.cum = np.concatenate([[0.0], np.cumsum(self.lens, dtype=np.float64)])
        for a in sizes:
            if a >= 1 and a not in self.spans:
                self.spans[a] = _span_vectors(self.E, a)
            if a >= 1:
                self.cross[a] = _span_crosses(self.par, self.n, a)

    def vector_sums(self) -> np.ndarray:
        """Running sums of the sentence vectors (row k: sentences 0..k-1), so the sum over any run is one
        subtraction; float64, so a long document's sums lose nothing a float32 mean would keep."""
        if self.vec_cum is None:
            self.vec_cum = np.zeros((self.n + 1, self.E.shape[1]), np.float64)
            np.cumsum(self.E, axis=0, dtype=np.float64, out=self.vec_cum[1:])
        return self.vec_cum

    def set_knn(self, knn: np.ndarray, top: np.ndarray, avg: np.ndarray, sizes: set[int],
                best: np.ndarray | None = None) -> None:
        self.knn, self.top, self.avg, self.best = knn, top, avg, best
        self.knn_spans = {a: _span_mean(knn, a) for a in sizes if a >= 1}

@dataclass
class _Scoring:
    ref: float  # typical margin of a good 1-1 pair
    skip: float  # cost of one one-sided sentence
    log_ratio: float  # log(tgt chars / src chars) of the document
    unit: float = 1.0  # spread of margins (good - bad): penalties are expressed in this unit
    lengths: bool = True  # sentence lengths were given (contrast scoring ignores lengths otherwise)
    contrast_skip: float = 0.02  # contrast scoring: cost of one one-sided sentence (`skip` stays the knn one,
    pending_slack: float = 0.0  # contrast scoring, lazy refinement: optimism for a span not encoded yet

def _estimate_scoring(src: _Side, tgt: _Side, p: AlignParams, margins: bool = True) -> _Scoring:
    """Typical good margin and the skip cost, from the margin distribution in the current windows.

    `margins=False`: the sides have no neighbourhoods (`_set_margins` not run; a scoring whose bead
    values do not read them); the length ratio and the contrast skip cost only, the margin figures NaN."""
    ratio = math.log((tgt.cum[-1] + 1.0) / (src.cum[-1] + 1.0))
    cskip = float(p.skip_cost) if p.skip_cost is not None else p.contrast_skip
    if not margins:
        nan = float("nan")
        return _Scoring(ref=nan, skip=nan, log_ratio=ratio, unit=nan, contrast_skip=cskip)
    if src.n == 0 or tgt.n == 0:
        return _Scoring(ref=0.0, skip=p.skip_cost if p.skip_cost is not None else 0.05, log_ratio=ratio, unit=0.1,
                        contrast_skip=cskip)
    # margin of each sentence with its best neighbour (most are true pairs) and with an average
    # one of its window (almost all wrong pairs); the skip threshold sits between the two medians
    good = float(np.median(np.concatenate([src.top - src.knn, tgt.top - tgt.knn])))
    bad = float(np.median(np.concatenate([src.avg - src.knn, tgt.avg - tgt.knn])))
    ref = good
    if p.skip_cost is not None:
        skip = float(p.skip_cost)
    else:
        threshold = bad + p.skip_fraction * (ref - bad)
        skip = max(1e-4, (ref - threshold) / 2.0)
    return _Scoring(ref=ref, skip=skip, log_ratio=ratio, unit=max(ref - bad, 1e-3), contrast_skip=cskip)

def _set_margins(src: _Side, tgt: _Side, a_win, b_win, p: AlignParams, sa: set[int], sb: set[int]) -> None:
    src.prepare(sa | {1})
    tgt.prepare(sb | {1})
    k_src, t_src, v_src, b_src = _topk_mean(src.E, tgt.E, a_win, b_win, p.knn)
    ra, rb = _invert_window(a_win, b_win, tgt.n)
    k_tgt, t_tgt, v_tgt, b_tgt = _topk_mean(tgt.E, src.E, ra, rb, p.knn)
    src.set_knn(k_src, t_src, v_src, sa | {1}, best=b_src)
    tgt.set_knn(k_tgt, t_tgt, v_tgt, sb | {1}, best=b_tgt)

def _set_pair_knn(src: _Side, tgt: _Side, lo: np.ndarray, hi: np.ndarray, beads, k: int) -> None:
    """Neighbourhood of every span vector among the other side's spans of the bead's size.

    For bead type (a, b), the knn of the src span ending at state i is the mean of its k best
    cosines with the tgt spans of b sentences whose end states lie in the window row i; and the
    other way round. A merged side is then judged against merged competitors, which keeps 2-2 beads
    from winning merely because sums of vectors are smoother than single ones.
    """
    n, m = src.n, tgt.n
    ra = np.searchsorted(hi, np.arange(m + 1), side="right")
    rb = np.searchsorted(lo, np.arange(m + 1), side="right")
    for a, b in beads:
        if a < 1 or b < 1 or a > n or b > m:
            continue
        U, V = src.spans[a], tgt.spans[b]
        ks = np.zeros(n + 1)
        kt = np.zeros(m + 1)
        wa = _clamp(np.maximum(lo[a:], b), 0, m + 1)
        wb = np.maximum(_clamp(hi[a:], 0, m + 1), wa)
        ks[a:] = _topk_mean(U[a:], V, wa, wb, k, only_mean=True)
        ca = np.maximum(ra[b:], a)
        cb = np.maximum(np.minimum(rb[b:], n + 1), ca)
        kt[b:] = _topk_mean(V[b:], U, ca, cb, k, only_mean=True)
        src.knn_pair[(a, b)] = ks
        tgt.knn_pair[(a, b)] = kt


def run_vector(side: _Side, start: int, end: int) -> np.ndarray:
    """The vector the DP had for the run start..end-1 of `side`: the sentence's own, the real concatenation's
    when it was encoded, else the normalised sum (the passes after the DP encode nothing new)."""
    k = end - start
    if k == 1:
        return side.E[start]
    if k in side.spans:
        return side.spans[k][end]
    v = side.E[start:end].sum(0)
    return v / max(float(np.linalg.norm(v)), 1e-9)
