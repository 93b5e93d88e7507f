"""Array-level sentence alignment: banded dynamic programming on margin-normalised similarity.

The core never sees strings. It takes the sentence embeddings of both sides (rows L2-normalised),
their lengths in characters, optional paragraph ids, and an optional callback that embeds
concatenations of consecutive sentences, and returns beads covering every sentence once, in order.

How it works (see docs/alignment.md for the reasoning and the figures):

1. **Coarse path.** Small documents: a full DP. Long documents: embeddings are averaged over blocks
   of `coarse_factor` sentences, the coarse sequences are aligned recursively, and the fine DP only
   looks at a band around the projected coarse path. Memory stays O((n + m) * band).
2. **Margin.** Every similarity is corrected by the neighbourhood of both sides (Artetxe & Schwenk
   2019): `margin = cos(x, y) - (knn(x) + knn(y)) / 2`, where `knn(x)` is the mean cosine of x with
   its k nearest neighbours on the other side, searched only in a window around the current path.
   A local window keeps repeated text (the same paragraph 20 times) from flattening every margin.
3. **Beads.** 1-1, 1-0, 0-1, 1-2, 2-1 and, if configured, 2-2, 1-3, 3-1, 1-4, 4-1. A side of several
   sentences is represented by the normalised sum of its sentence embeddings; with `embed_spans`,
   the few concatenations that matter (beads on or next to the first path that are not plain 1-1)
   are encoded for real and replace the approximation in a final pass.
4. **Score.** Beads maximise `sum(weight * (margin - typical good margin)) - penalties`, with a
   length prior (log char-length ratio against the document's ratio), a paragraph penalty for a
   side that crosses a paragraph boundary, a small penalty per extra sentence in a bead, and a skip
   cost for each one-sided sentence derived from the margin distribution (unless given).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

import numpy as np

from aligner.model import Bead

NEG = -1e18

SpanEmbedder = Callable[[str, Sequence[tuple[int, int]]], np.ndarray]


@dataclass
class AlignParams:
    """Knobs of the core. Defaults were tuned on Text+Berg 001-003 only (docs/alignment.md)."""

    beads: tuple[tuple[int, int], ...] = ((1, 1), (1, 0), (0, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 4), (4, 1))
    knn: int = 4  # neighbours in the margin
    window: int = 30  # half-width (sentences) of the knn window around the path
    band: int = 0  # half-width of the fine band around the coarse path; 0: automatic
    skip_cost: float | None = None  # per one-sided sentence, in margin units; None: derived
    skip_fraction: float = 0.3  # where the derived skip threshold sits between bad and good margins
    skip_adapt: float = 0.0  # raise a sentence's skip cost by this times its best margin above threshold
    paragraph_penalty: float = 0.05
    length_weight: float = 0.5  # weight of the squared log length-ratio deviation (unit: margin spread)
    multi_penalty: float = 0.2  # per sentence beyond 1-1 in a bead (unit: margin spread)
    multi_weight: float = 1.0  # exponent of the bead weight ((a + b) / 2) ** multi_weight
    center: bool = True  # remove each side's mean embedding (anisotropy) before anything else
    pair_knn: bool = True  # margins of multi-sentence beads against same-size competitors
    full_limit: int = 2_500_000  # largest n*m aligned with a full (unbanded) first pass
    coarse_factor: int = 8
    refine_spans: bool = True  # encode the concatenations near the path through embed_spans
    refine_radius: int = 0  # around each non-1-1 bead, also encode spans starting this far away
    attach: bool = True  # after the DP, attach one-sided sentences to a neighbour bead when it helps
    attach_tolerance: float = 0.0  # attach when the bead's real cosine (centred) drops by at most this
    attach_max_side: int = 4  # largest side a bead may grow to by attaching
    attach_rounds: int = 3
    fuse_margin: float | None = None  # None: off; else fuse two adjacent two-sided beads when the fused cosine beats both by this
    fuse_max_side: int = 2
    fuse_quantile: float = 0.25  # only beads whose cosine is below this quantile of the 1-1 cosines are fused
    scoring: str = "contrast"  # "contrast": cosine against the adjacent sentences x length agreement; "knn": margin
    contrast_skip: float = 0.02  # contrast scoring: cost of one one-sided sentence unless skip_cost is set (cosine units)
    sub_penalty: float = 1.0  # contrast scoring: a 2-2 (or larger) bead pays this x how far its cosine falls short
    sub_margin: float = 0.0  # ... of (its best single sentence pair's cosine + this)
    confident_contrast: float = 0.03  # a mutual best 1-1 pair beating its adjacent sentences by this is confident
    confident_length: float = 0.3  # ... and whose log length ratio is within this of the document's

    def with_config(self, config) -> "AlignParams":
        """Overlay an `aligner.config.AlignConfig` (fields that exist on it)."""
        p = replace(self)
        if config is None:
            return p
        p.beads = tuple(parse_bead_types(getattr(config, "max_beads", None) or [])) or p.beads
        for name in ("scoring", "skip_cost", "paragraph_penalty", "band", "knn", "window", "length_weight",
                     "multi_penalty", "refine_spans", "coarse_factor"):
            if hasattr(config, name):
                setattr(p, name, getattr(config, name))
        return p


def parse_bead_types(items: Sequence[str]) -> list[tuple[int, int]]:
    """["1-1", "2-1", ...] -> [(1, 1), (2, 1), ...]; 1-1, 1-0 and 0-1 are always included."""
    out = [(1, 1), (1, 0), (0, 1)]
    for item in items:
        a, sep, b = str(item).partition("-")
        if not sep or not a.isdigit() or not b.isdigit():
            from aligner.errors import ConfigError

            raise ConfigError(f"align.max_beads: expected items like '2-1', got {item!r}")
        t = (int(a), int(b))
        if t == (0, 0) or max(t) > 4:
            from aligner.errors import ConfigError

            raise ConfigError(f"align.max_beads: bead type {item!r} is out of range (sides 0..4)")
        if t not in out:
            out.append(t)
    return out


# --------------------------------------------------------------------------- arrays


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return (v / np.where(n == 0, 1, n)).astype(np.float32)


def _shrunk_mean(E: np.ndarray, prior: float = 8.0) -> np.ndarray:
    """The side's mean embedding, shrunk towards 0 for short documents (few sentences: noisy mean)."""
    n = len(E)
    return (E.sum(0) / (n + prior)).astype(np.float32)


def _span_vectors(E: np.ndarray, a: int) -> np.ndarray:
    """Row i (0..n): normalised sum of E[i-a:i] (zero for i < a)."""
    n, d = E.shape
    out = np.zeros((n + 1, d), dtype=np.float32)
    if n < a:
        return out
    acc = out[a:]
    for k in range(a):
        acc += E[k: n - a + 1 + k]
    if a > 1:
        out[a:] = _unit(acc)
    return out


def _span_mean(v: np.ndarray, a: int) -> np.ndarray:
    """Row i (0..n): mean of v[i-a:i] (0 for i < a)."""
    n = len(v)
    out = np.zeros(n + 1)
    if n >= a:
        c = np.concatenate([[0.0], np.cumsum(v, dtype=np.float64)])
        out[a:] = (c[a:] - c[:-a]) / a
    return out


def _span_crosses(par: np.ndarray | None, n: int, a: int) -> np.ndarray:
    """Row i: 1 if sentences i-a..i-1 span more than one paragraph."""
    out = np.zeros(n + 1)
    if par is None or a < 2 or n < a:
        return out
    par = np.asarray(par)
    out[a:] = (par[a - 1:] != par[: n - a + 1]).astype(float)
    return out


def _block_sum(v: np.ndarray, f: int) -> np.ndarray:
    """Sums over consecutive blocks of f rows (the last block may be shorter)."""
    n = len(v)
    k = (n + f - 1) // f
    pad = np.zeros((k * f,) + v.shape[1:], dtype=np.float64)
    pad[:n] = v
    return pad.reshape((k, f) + v.shape[1:]).sum(1)


def _block_mean(E: np.ndarray, f: int) -> np.ndarray:
    return _unit(_block_sum(E, f).astype(np.float32))


# --------------------------------------------------------------------------- bands
#
# A band is two int arrays lo, hi of length n + 1 (DP rows = src sentences consumed): row i holds
# the states j in [lo[i], hi[i]) (tgt sentences consumed). Both are non-decreasing, lo[0] = 0,
# hi[n] = m + 1, and consecutive rows overlap, so every state in the band is reachable.


def full_band(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m + 1, dtype=np.int64)


def band_around(points_i: np.ndarray, points_j: np.ndarray, n: int, m: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Band of half-width `w` around a monotone staircase of states (i, j), interpolated between points."""
    pi = np.asarray(points_i, dtype=np.int64)
    pj = np.asarray(points_j, dtype=np.int64)
    rows_min = np.full(n + 1, m + 1, dtype=np.int64)
    rows_max = np.full(n + 1, -1, dtype=np.int64)
    # each segment (i0, j0) -> (i1, j1): rows i0..i1 see the columns between the two, interpolated
    if len(pi) > 1:
        i0, j0, i1, j1 = pi[:-1], pj[:-1], pi[1:], pj[1:]
        cnt = i1 - i0 + 1
        seg = np.repeat(np.arange(len(i0)), cnt)
        first = np.repeat(np.cumsum(cnt) - cnt, cnt)
        rs = i0[seg] + (np.arange(len(seg)) - first)
        di = np.maximum(i1 - i0, 1)[seg]
        dj = (j1 - j0)[seg]
        t = (rs - i0[seg]) / di
        flat = (i1 == i0)[seg]
        lo_j = np.where(flat, j0[seg], np.floor(j0[seg] + t * dj - 0.5 * dj / di)).astype(np.int64)
        hi_j = np.where(flat, j1[seg], np.ceil(j0[seg] + t * dj + 0.5 * dj / di)).astype(np.int64)
        np.minimum.at(rows_min, rs, np.clip(lo_j, j0[seg], j1[seg]))
        np.maximum.at(rows_max, rs, np.clip(hi_j, j0[seg], j1[seg]))
    # rows the path never touched inherit their neighbours (cannot happen for a full path)
    filled = rows_max >= 0
    if not filled.all():
        idx = np.where(filled, np.arange(n + 1), 0)
        np.maximum.accumulate(idx, out=idx)
        rows_min = rows_min[idx]
        rows_max = rows_max[idx]
    lo = np.clip(rows_min - w, 0, m)
    hi = np.clip(rows_max + w + 1, 1, m + 1)
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    lo[0] = 0
    hi[n] = m + 1
    # consecutive rows must overlap for reachability
    hi[:-1] = np.maximum(hi[:-1], lo[1:] + 1)
    hi = np.maximum.accumulate(np.minimum(hi, m + 1))
    return lo, hi


def band_cells(lo: np.ndarray, hi: np.ndarray) -> int:
    return int(np.sum(hi - lo))


def _sentence_window(lo: np.ndarray, hi: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Per src sentence i, tgt sentences [a, b) reached by the states of rows i and i+1."""
    a = np.clip(np.minimum(lo[:-1], lo[1:]) - 1, 0, m)
    b = np.clip(np.maximum(hi[:-1], hi[1:]), 0, m)
    b = np.maximum(b, np.minimum(a + 1, m))
    return a, b


def _invert_window(a: np.ndarray, b: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """For monotone per-row windows [a_i, b_i), the rows containing each column j: [ra_j, rb_j)."""
    js = np.arange(m)
    ra = np.searchsorted(b, js, side="right")  # first row with b > j
    rb = np.searchsorted(a, js, side="right")  # rows with a <= j
    return ra, np.maximum(rb, ra)


def _topk_mean(X: np.ndarray, Y: np.ndarray, a: np.ndarray, b: np.ndarray, k: int, block: int = 96):
    """Per row i of X: mean of the k largest cosines with Y[a_i:b_i], the largest, the mean of all, and
    the index of the largest (-1 for an empty window)."""
    n = len(X)
    mean = np.zeros(n)
    top = np.zeros(n)
    avg = np.zeros(n)
    best = np.full(n, -1)
    if n == 0 or len(Y) == 0:
        return mean, top, avg, best
    for r0 in range(0, n, block):
        r1 = min(n, r0 + block)
        c0, c1 = int(a[r0:r1].min()), int(b[r0:r1].max())
        if c1 <= c0:
            continue
        S = X[r0:r1] @ Y[c0:c1].T
        cols = np.arange(c0, c1)
        mask = (cols[None, :] >= a[r0:r1, None]) & (cols[None, :] < b[r0:r1, None])
        S = np.where(mask, S, -np.inf)
        kk = min(k, S.shape[1])
        part = -np.partition(-S, kk - 1, axis=1)[:, :kk]
        valid = np.isfinite(part)
        cnt = np.maximum(valid.sum(1), 1)
        mean[r0:r1] = np.where(valid, part, 0).sum(1) / cnt
        finite = np.isfinite(S.max(1))
        top[r0:r1] = np.where(finite, S.max(1), 0)
        best[r0:r1] = np.where(finite, c0 + S.argmax(1), -1)
        avg[r0:r1] = np.where(mask, S, 0).sum(1) / np.maximum(mask.sum(1), 1)
    return mean, top, avg, best


# --------------------------------------------------------------------------- the DP


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
    # which calibrates the 0..1 bead scores)


def _bead_weight(a: int, b: int, p: AlignParams) -> float:
    return ((a + b) / 2.0) ** p.multi_weight


KAPPA = 20.0  # chars added to both sides before the length ratio: short sentences vary more


def _band_scores(src: _Side, tgt: _Side, lo: np.ndarray, hi: np.ndarray, a: int, b: int,
                 p: AlignParams, sc: _Scoring, block: int = 96) -> np.ndarray:
    """Score of bead (a, b) ending at every state of the band, as (n+1, max width) float32 (NEG outside).

    Computed a block of rows at a time (one dense product of the block's span vectors with the
    columns the block touches), so memory is O(block * width) beyond the result.
    """
    n = src.n
    width = int((hi - lo).max())
    out = np.full((n + 1, width), NEG, dtype=np.float32)
    U, V = src.spans[a], tgt.spans[b]
    ks = src.knn_pair.get((a, b), src.knn_spans[a])
    kt = tgt.knn_pair.get((a, b), tgt.knn_spans[b])
    w = _bead_weight(a, b, p)
    multi = p.multi_penalty * sc.unit * max(0, a + b - 2)
    lw = p.length_weight * sc.unit
    offs = np.arange(width)
    for r0 in range(a, n + 1, block):
        r1 = min(n + 1, r0 + block)
        rows = np.arange(r0, r1)
        c0 = max(int(lo[r0]), b)
        c1 = int(hi[r1 - 1])
        if c1 <= c0:
            continue
        S = U[r0:r1] @ V[c0:c1].T
        J = lo[r0:r1, None] + offs[None, :]
        valid = (J < hi[r0:r1, None]) & (J >= b)
        Jc = np.clip(J, c0, c1 - 1)
        sim = np.take_along_axis(S, Jc - c0, axis=1)
        ls = (src.cum[rows] - src.cum[rows - a])[:, None]
        lt = tgt.cum[Jc] - tgt.cum[Jc - b]
        if p.scoring == "contrast":
            ads, adt = _adjacent_sims(src, tgt, U, V, rows, Jc, a, b)
            lts = lt * math.exp(-sc.log_ratio)  # tgt lengths in src characters
            agree = (np.log2(1.0 + np.minimum(ls, lts) / np.maximum(np.maximum(ls, lts), 1e-9))
                     if sc.lengths else 1.0)
            val = ((sim - 0.5 * (ads + adt)) * agree
                   - p.paragraph_penalty * (src.cross[a][rows][:, None] + tgt.cross[b][Jc]))
            if p.sub_penalty and a >= 2 and b >= 2:
                val = val - p.sub_penalty * np.maximum(0.0, _best_sub_pair(src.E, tgt.E, rows, Jc, a, b) + p.sub_margin - sim)
            out[r0:r1] = np.where(valid, val, NEG)
            continue
        marg = sim - 0.5 * (ks[r0:r1, None] + kt[Jc])
        dev = np.log((lt + KAPPA) / (ls + KAPPA)) - sc.log_ratio
        val = (w * (marg - sc.ref) - lw * np.minimum(dev * dev, 4.0)
               - p.paragraph_penalty * (src.cross[a][rows][:, None] + tgt.cross[b][Jc]) - multi)
        out[r0:r1] = np.where(valid, val, NEG)
    return out


def _adjacent_sims(src: _Side, tgt: _Side, U, V, rows: np.ndarray, Jc: np.ndarray, a: int, b: int):
    """For beads (a, b) ending at rows x Jc: the mean cosine of the src span with the tgt sentences just
    before and just after the bead's tgt side, and of the tgt span with the src sentences around its
    src side (0 where a document ends). A bead that leaves out part of its translation, or takes in a
    sentence that belongs next door, has a neighbour that matches it well: its contrast drops.

    Two dense products per block (span vectors x the sentences the block can touch), then gathers."""
    n, m = src.n, tgt.n
    X, Y = src.E, tgt.E
    r0, r1 = int(rows[0]), int(rows[-1]) + 1
    c0, c1 = int(Jc.min()), int(Jc.max()) + 1
    # src spans x tgt sentences c0-b-1 .. c1 (clipped)
    y0, y1 = max(0, c0 - b - 1), min(m, c1 + 1)
    SY = U[r0:r1] @ Y[y0:y1].T
    jl, jr = Jc - b - 1, Jc
    hl, hr = jl >= 0, jr < m
    sl = np.take_along_axis(SY, np.clip(jl - y0, 0, y1 - y0 - 1), axis=1)
    sr = np.take_along_axis(SY, np.clip(jr - y0, 0, y1 - y0 - 1), axis=1)
    ads = (np.where(hl, sl, 0.0) + np.where(hr, sr, 0.0)) / np.maximum(hl.astype(int) + hr, 1)
    # src sentences r0-a-1 .. r1 (clipped) x tgt spans c0 .. c1
    x0, x1 = max(0, r0 - a - 1), min(n, r1 + 1)
    SX = X[x0:x1] @ V[c0:c1].T  # (x1-x0, c1-c0)
    il, ir = rows - a - 1, rows
    gl, gr = (il >= 0)[:, None], (ir < n)[:, None]
    cols = Jc - c0
    tl_ = SX[np.clip(il - x0, 0, x1 - x0 - 1)[:, None], cols]
    tr_ = SX[np.clip(ir - x0, 0, x1 - x0 - 1)[:, None], cols]
    adt = (np.where(gl, tl_, 0.0) + np.where(gr, tr_, 0.0)) / np.maximum(gl.astype(int) + gr, 1)
    return ads, adt


def _best_sub_pair(X: np.ndarray, Y: np.ndarray, rows: np.ndarray, Jc: np.ndarray, a: int, b: int) -> np.ndarray:
    """For beads (a, b) ending at rows x Jc: the best cosine between one src and one tgt sentence of
    the bead. Two neighbouring 1-1 translations merged into a 2-2 bead have a sentence pair that
    matches as well as the merged sides; a true 2-2 (clause boundaries that differ) has none. On
    lists of near-paraphrases the adjacent-sentence contrast alone merges such pairs."""
    r0, r1 = int(rows[0]) - a, int(rows[-1]) + 1
    c0, c1 = int(Jc.min()) - b, int(Jc.max()) + 1
    S = X[max(r0, 0):r1] @ Y[max(c0, 0):c1].T
    out = np.full(Jc.shape, -np.inf)
    for da in range(a):
        ii = np.clip(rows - a + da - max(r0, 0), 0, S.shape[0] - 1)[:, None]
        for db in range(b):
            jj = np.clip(Jc - b + db - max(c0, 0), 0, S.shape[1] - 1)
            out = np.maximum(out, S[ii, jj])
    return out


def _confident(src: _Side, tgt: _Side, p: AlignParams, log_ratio: float):
    """Sentences in a confident 1-1 pair: mutual best matches (`best`, within the window) that beat their
    adjacent sentences by `confident_contrast` and whose lengths agree within `confident_length`.
    A concatenation made only of such sentences need not be encoded: a merge there loses anyway."""
    n, m = src.n, tgt.n
    X, Y = src.E, tgt.E
    best_t, best_s = src.best, tgt.best
    cs = np.zeros(n, dtype=bool)
    ct = np.zeros(m, dtype=bool)
    for i in range(n):
        j = int(best_t[i])
        if j < 0 or best_s[j] != i:
            continue
        s_ij = float(X[i] @ Y[j])
        adj = [float(X[i] @ Y[jj]) for jj in (j - 1, j + 1) if 0 <= jj < m]
        adj += [float(X[ii] @ Y[j]) for ii in (i - 1, i + 1) if 0 <= ii < n]
        if adj and s_ij - max(adj) < p.confident_contrast:
            continue
        if abs(math.log((tgt.lens[j] + KAPPA) / (src.lens[i] + KAPPA)) - log_ratio) > p.confident_length:
            continue
        cs[i] = ct[j] = True
    return cs, ct


def _skip_costs(side: _Side, sc: _Scoring, p: AlignParams) -> np.ndarray:
    """Cost of leaving each sentence one-sided: the base skip cost, raised for a sentence whose best
    neighbour in the window is a good match (it more likely belongs in a neighbouring bead)."""
    if p.scoring == "contrast":
        return np.full(side.n, sc.contrast_skip)
    base = np.full(side.n, sc.skip)
    if p.skip_adapt and side.top is not None and side.n:
        threshold = sc.ref - 2 * sc.skip
        base += p.skip_adapt * np.maximum(0.0, (side.top - side.knn) - threshold)
    return base


def _dp(src: _Side, tgt: _Side, lo: np.ndarray, hi: np.ndarray, beads, p: AlignParams, sc: _Scoring):
    """Best path through the band; returns the list of (a, b) steps from (0, 0) to (n, m)."""
    n, m = src.n, tgt.n
    beads = [t for t in beads if t[0] <= max(n, 0) and t[1] <= max(m, 0)]
    if (1, 0) not in beads:
        beads.append((1, 0))
    if (0, 1) not in beads:
        beads.append((0, 1))
    row_beads = [(k, a, b) for k, (a, b) in enumerate(beads) if a >= 1]
    k01 = beads.index((0, 1))
    maxa = max(a for a, _ in beads)
    scores = {(a, b): _band_scores(src, tgt, lo, hi, a, b, p, sc) for _, a, b in row_beads if b >= 1}
    skip_s = _skip_costs(src, sc, p)
    skip_t = _skip_costs(tgt, sc, p)
    cum_t = np.concatenate([[0.0], np.cumsum(skip_t)])
    rows: list[np.ndarray] = []  # last maxa+1 dp rows
    bps: list[np.ndarray] = []
    lo_l = lo.tolist()
    hi_l = hi.tolist()
    for i in range(n + 1):
        l, h = lo_l[i], hi_l[i]
        width = h - l
        A = np.full(width, NEG)
        bp = np.full(width, k01, dtype=np.int8)
        if i == 0 and l == 0:
            A[0] = 0.0
        for k, a, b in row_beads:
            if a > i:
                continue
            pl, ph = lo_l[i - a], hi_l[i - a]
            jl, jh = max(l, pl + b), min(h, ph + b)
            if jl >= jh:
                continue
            prev = rows[-a][jl - b - pl: jh - b - pl]
            if b == 0:
                cand = prev - skip_s[i - 1]
            else:
                cand = prev + scores[(a, b)][i, jl - l: jh - l]
            seg = A[jl - l: jh - l]
            upd = cand > seg
            np.copyto(seg, cand, where=upd)
            np.copyto(bp[jl - l: jh - l], k, where=upd)
        # 0-1 beads inside the row: D[j] = max(A[j], D[j-1] - skip)
        if width > 1:
            ramp = cum_t[l:h] - cum_t[l]
            B = A + ramp
            run = np.maximum.accumulate(B)
            D = run - ramp
            from_a = B >= run
            bp = np.where(from_a, bp, k01).astype(np.int8)
        else:
            D = A
        rows.append(D)
        if len(rows) > maxa + 1:
            rows.pop(0)
        bps.append(bp)
    # backtrack
    steps = []
    i, j = n, m
    while i > 0 or j > 0:
        if not (lo[i] <= j < hi[i]):
            raise AssertionError("backtrack left the band")
        k = int(bps[i][j - lo[i]])
        a, b = beads[k]
        steps.append((a, b))
        i -= a
        j -= b
        if i < 0 or j < 0:
            raise AssertionError("backtrack out of range")
    steps.reverse()
    return steps


def _points(steps) -> tuple[np.ndarray, np.ndarray]:
    pi = [0]
    pj = [0]
    for a, b in steps:
        pi.append(pi[-1] + a)
        pj.append(pj[-1] + b)
    return np.array(pi), np.array(pj)


def _estimate_scoring(src: _Side, tgt: _Side, p: AlignParams) -> _Scoring:
    """Typical good margin and the skip cost, from the margin distribution in the current windows."""
    ratio = math.log((tgt.cum[-1] + 1.0) / (src.cum[-1] + 1.0))
    cskip = float(p.skip_cost) if p.skip_cost is not None else p.contrast_skip
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


def _auto_band(n: int, m: int, p: AlignParams, factor: int) -> int:
    if p.band:
        return int(p.band)
    return max(12, 2 * factor + 4)


def _first_path(src: _Side, tgt: _Side, p: AlignParams, stats: dict, depth: int = 0):
    """Points (i, j) of a path through the whole matrix, cheaply.

    Small: a full DP. Large: the path of the block-averaged sequences (recursively), projected to
    this resolution; below the top level a banded DP then refines it (the top level's refinement is
    the caller's all-bead pass, so it is not done twice).
    """
    n, m = src.n, tgt.n
    beads = [(1, 1), (1, 0), (0, 1), (1, 2), (2, 1)]
    f = max(2, int(p.coarse_factor))
    if n * m <= p.full_limit or min(n, m) < 4 * f:
        lo, hi = full_band(n, m)
    else:
        csrc = _Side(_block_mean(src.E, f), _block_sum(src.lens, f), None)
        ctgt = _Side(_block_mean(tgt.E, f), _block_sum(tgt.lens, f), None)
        ci, cj = _first_path(csrc, ctgt, p, stats, depth + 1)
        fi = np.minimum(ci * f, n)
        fj = np.minimum(cj * f, m)
        fi[-1], fj[-1] = n, m
        if depth == 0:
            return fi, fj
        lo, hi = band_around(fi, fj, n, m, _auto_band(n, m, p, f))
    a_win, b_win = _sentence_window(lo, hi, m)
    stats.setdefault("levels", []).append({"n": n, "m": m, "cells": band_cells(lo, hi)})
    _set_margins(src, tgt, a_win, b_win, p, set(a for a, _ in beads), set(b for _, b in beads))
    sc = _estimate_scoring(src, tgt, p)
    return _points(_dp(src, tgt, lo, hi, beads, p, sc))


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
        wa = np.clip(np.maximum(lo[a:], b), 0, m + 1)
        wb = np.maximum(np.clip(hi[a:], 0, m + 1), wa)
        ks[a:] = _topk_mean(U[a:], V, wa, wb, k)[0]
        ca = np.maximum(ra[b:], a)
        cb = np.maximum(np.minimum(rb[b:], n + 1), ca)
        kt[b:] = _topk_mean(V[b:], U, ca, cb, k)[0]
        src.knn_pair[(a, b)] = ks
        tgt.knn_pair[(a, b)] = kt


def _window_along(steps, n: int, m: int, w: int):
    pi, pj = _points(steps)
    lo, hi = band_around(pi, pj, n, m, w)
    return lo, hi


def _spans_to_refine(steps, n: int, m: int, beads, radius: int):
    """Concatenations worth encoding: those inside every bead of the path that is not a plain 1-1,
    extended by `radius` + 1 sentence on each side (the neighbours such a bead competes with)."""
    sizes_s = sorted({a for a, _ in beads if a >= 2})
    sizes_t = sorted({b for _, b in beads if b >= 2})
    want_s: set[tuple[int, int]] = set()
    want_t: set[tuple[int, int]] = set()

    def add(want, sizes, start, length, total):
        lo_, hi_ = max(0, start - radius - 1), min(total, start + length + radius + 1)
        for size in sizes:
            for s in range(lo_, hi_ - size + 1):
                want.add((s, s + size))

    i = j = 0
    for a, b in steps:
        if (a, b) != (1, 1):
            add(want_s, sizes_s, i, a, n)
            add(want_t, sizes_t, j, b, m)
        i += a
        j += b
    return sorted(want_s), sorted(want_t)


def align(src_emb, tgt_emb, *, src_len=None, tgt_len=None, src_par=None, tgt_par=None,
          embed_spans: SpanEmbedder | None = None, params: AlignParams | None = None,
          config=None, stats: dict | None = None) -> list[Bead]:
    """Align two sequences of sentence embeddings; beads cover every index of both once, in order.

    `src_len`/`tgt_len`: sentence lengths in characters (default: all equal). `src_par`/`tgt_par`:
    paragraph ids (a bead whose side spans two paragraphs pays `paragraph_penalty`).
    `embed_spans(side, [(start, end), ...])` with side "src" or "tgt" returns the embeddings of the
    concatenated sentences start..end-1; when given, only the spans near non-1-1 beads of the first
    path are requested. `stats`, if given, receives counters (strings requested, band cells...).
    """
    p = (params or AlignParams()).with_config(config) if config is not None else (params or AlignParams())
    stats = stats if stats is not None else {}
    X = _unit(np.asarray(src_emb, dtype=np.float32).reshape(len(src_emb), -1)) if len(src_emb) else np.zeros((0, 1), np.float32)
    Y = _unit(np.asarray(tgt_emb, dtype=np.float32).reshape(len(tgt_emb), -1)) if len(tgt_emb) else np.zeros((0, X.shape[1]), np.float32)
    n, m = len(X), len(Y)
    if n and m and X.shape[1] != Y.shape[1]:
        from aligner.errors import AlignerError

        raise AlignerError(f"embedding dimensions differ: {X.shape[1]} vs {Y.shape[1]}")
    if n == 0 or m == 0:
        stats["strings_encoded"] = 0
        return [Bead((i,), ()) for i in range(n)] + [Bead((), (j,)) for j in range(m)]
    sl = np.asarray(src_len if src_len is not None else np.full(n, 50), dtype=np.float64)
    tl = np.asarray(tgt_len if tgt_len is not None else np.full(m, 50), dtype=np.float64)
    if len(sl) != n or len(tl) != m:
        from aligner.errors import AlignerError

        raise AlignerError("sentence lengths do not match the number of embeddings")
    if p.scoring not in ("contrast", "knn"):
        from aligner.errors import ConfigError

        raise ConfigError(f"align.scoring: expected 'contrast' or 'knn', got {p.scoring!r}")
    contrast = p.scoring == "contrast"
    if p.center and not contrast:
        mx, my = _shrunk_mean(X), _shrunk_mean(Y)
        X, Y = _unit(X - mx), _unit(Y - my)
        if embed_spans is not None:
            raw_embed = embed_spans

            def embed_spans(side, spans):
                v = _unit(np.asarray(raw_embed(side, spans), dtype=np.float32))
                return _unit(v - (mx if side == "src" else my))
    sp = None if src_par is None else np.asarray(src_par)
    tp = None if tgt_par is None else np.asarray(tgt_par)
    beads = list(p.beads)
    sa = {a for a, _ in beads} | {1, 2}
    sb = {b for _, b in beads} | {1, 2}

    # pass 1: a path through the whole matrix (coarse-to-fine for long documents)
    src = _Side(X, sl, sp)
    tgt = _Side(Y, tl, tp)
    gi, gj = _first_path(src, tgt, p, stats)

    # pass 2: margins in a window along that path, all bead types, in a band around it
    src = _Side(X, sl, sp)
    tgt = _Side(Y, tl, tp)
    wlo, whi = band_around(gi, gj, n, m, p.window)
    _set_margins(src, tgt, *_sentence_window(wlo, whi, m), p, sa, sb)
    if p.pair_knn:
        _set_pair_knn(src, tgt, wlo, whi, beads, p.knn)
    sc = _estimate_scoring(src, tgt, p)
    sc.lengths = src_len is not None and tgt_len is not None
    w = _auto_band(n, m, p, 1 if n * m <= p.full_limit else p.coarse_factor)
    lo, hi = band_around(gi, gj, n, m, w)
    stats.setdefault("levels", []).append({"n": n, "m": m, "cells": band_cells(lo, hi)})
    stats["strings_encoded"] = 0
    if contrast:
        if embed_spans is not None and p.refine_spans:
            _encode_uncertain_spans(src, tgt, embed_spans, p, sc, stats)
        steps = _dp(src, tgt, lo, hi, beads, p, sc)
        stats["band_cells"] = band_cells(lo, hi)
        stats["skip_cost"] = sc.contrast_skip
        stats["ref_margin"] = sc.ref
        return _to_beads(steps, src, tgt, sc)
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
    return _to_beads(steps, src, tgt, sc, extra)


def _encode_spans(obj: _Side, side: str, want: list[tuple[int, int]], embed_spans, stats: dict) -> None:
    """Replace the approximate vectors of the spans `want` (start, end) by real encodings."""
    if not want:
        return
    vecs = _unit(np.asarray(embed_spans(side, want), dtype=np.float32))
    stats["strings_encoded"] += len(want)
    for (s_, e_), v in zip(want, vecs):
        obj.spans[e_ - s_][e_] = v


def _encode_uncertain_spans(src: _Side, tgt: _Side, embed_spans, p: AlignParams, sc: _Scoring, stats: dict) -> None:
    """Real embeddings for every concatenation (of a bead size) holding at least one sentence that is
    not in a confident 1-1 pair; the others keep the normalised sum of their sentence vectors."""
    cs, ct = _confident(src, tgt, p, sc.log_ratio)
    stats["confident_pairs"] = int(cs.sum())
    for side, obj, conf in (("src", src, cs), ("tgt", tgt, ct)):
        want = []
        for size in sorted(k for k in obj.spans if k >= 2):
            if size > obj.n:
                continue
            bad = np.convolve((~conf).astype(int), np.ones(size, dtype=int), mode="valid") > 0
            want += [(int(s_), int(s_) + size) for s_ in np.flatnonzero(bad)]
        _encode_spans(obj, side, want, embed_spans, stats)


def _attach_one_sided(steps, src: _Side, tgt: _Side, embed_spans, p: AlignParams, stats: dict):
    """Attach one-sided sentences to the neighbouring bead when the real cosine does not drop.

    The DP decides merge-vs-skip from sums of sentence vectors or from a few encoded spans, with a
    skip cost that is a document-wide guess. Here every 1-0 / 0-1 bead next to a two-sided bead is
    tried for real: the neighbour's side with the sentence attached is encoded (a few strings per
    one-sided bead) and the attachment is kept when the bead's cosine does not fall by more than
    `attach_tolerance` (a sentence that belongs to the bead's translation raises it; an unrelated
    one dilutes it). A side is never grown across a paragraph boundary. With `fuse_margin` (off by
    default), two adjacent two-sided beads, one of them weak (cosine below the `fuse_quantile` of the
    1-1 cosines), become one bead when its real cosine beats both by that margin. Returns the new
    steps and the real vectors computed, keyed (side, start, end).
    """
    vec: dict[tuple[str, int, int], np.ndarray] = {}

    def key_vec(side, s, e):
        if e - s == 1:
            return (src if side == "src" else tgt).E[s]
        return vec[(side, s, e)]

    beads = []  # [i0, i1, j0, j1]
    i = j = 0
    for a, b in steps:
        beads.append([i, i + a, j, j + b])
        i += a
        j += b
    encoded = 0
    for _ in range(max(0, p.attach_rounds)):
        cands = []  # (one-sided index, neighbour index)
        for k, (i0, i1, j0, j1) in enumerate(beads):
            if (i1 - i0 == 0) == (j1 - j0 == 0):
                continue
            for nb in (k - 1, k + 1):
                if 0 <= nb < len(beads):
                    b0 = beads[nb]
                    if b0[1] > b0[0] and b0[3] > b0[2]:
                        cands.append((k, nb))
        if p.fuse_margin is not None:
            approx = [float(src.spans[bb[1] - bb[0]][bb[1]] @ tgt.spans[bb[3] - bb[2]][bb[3]])
                      if bb[1] > bb[0] and bb[3] > bb[2] and bb[1] - bb[0] in src.spans and bb[3] - bb[2] in tgt.spans
                      else None for bb in beads]
            ones = [c for c, bb in zip(approx, beads) if c is not None and bb[1] - bb[0] == 1 and bb[3] - bb[2] == 1]
            weak = float(np.quantile(ones, p.fuse_quantile)) if ones else 1.0
            for k in range(len(beads) - 1):
                x, y = beads[k], beads[k + 1]
                if approx[k] is None or approx[k + 1] is None or min(approx[k], approx[k + 1]) >= weak:
                    continue
                if x[1] > x[0] and x[3] > x[2] and y[1] > y[0] and y[3] > y[2]:
                    cands.append((k, k + 1))
        if not cands:
            break
        need = {"src": set(), "tgt": set()}

        def want(side, s, e):
            if e - s > 1 and (side, s, e) not in vec:
                need[side].add((s, e))

        merged = {}
        for k, nb in cands:
            o, t = beads[k], beads[nb]
            if o[1] > o[0] and o[3] > o[2]:  # two two-sided beads: fuse
                m_ = [o[0], t[1], o[2], t[3]]
                if m_[1] - m_[0] > p.fuse_max_side or m_[3] - m_[2] > p.fuse_max_side:
                    continue
                merged[(k, nb)] = m_
                for bb in (o, t, m_):
                    want("src", bb[0], bb[1])
                    want("tgt", bb[2], bb[3])
                continue
            m_ = [min(o[0], t[0]) if o[1] > o[0] else t[0], max(o[1], t[1]) if o[1] > o[0] else t[1],
                  min(o[2], t[2]) if o[3] > o[2] else t[2], max(o[3], t[3]) if o[3] > o[2] else t[3]]
            if m_[1] - m_[0] > p.attach_max_side or m_[3] - m_[2] > p.attach_max_side:
                continue
            if _crosses(src.par, m_[0], m_[1]) or _crosses(tgt.par, m_[2], m_[3]):
                continue
            merged[(k, nb)] = m_
            for bb in (t, m_):
                want("src", bb[0], bb[1])
                want("tgt", bb[2], bb[3])
        for side in ("src", "tgt"):
            if need[side]:
                spans = sorted(need[side])
                vs = _unit(np.asarray(embed_spans(side, spans), dtype=np.float32))
                encoded += len(spans)
                for (s_, e_), v in zip(spans, vs):
                    vec[(side, s_, e_)] = v

        def cos(bb):
            return float(key_vec("src", bb[0], bb[1]) @ key_vec("tgt", bb[2], bb[3]))

        gains = []
        for (k, nb), m_ in merged.items():
            o = beads[k]
            if o[1] > o[0] and o[3] > o[2]:
                g = cos(m_) - max(cos(o), cos(beads[nb])) - p.fuse_margin
                if g >= 0:
                    gains.append((g, k, nb, m_))
                continue
            g = cos(m_) - cos(beads[nb])
            if g >= -p.attach_tolerance:
                gains.append((g, k, nb, m_))
        if not gains:
            break
        gains.sort(key=lambda x: -x[0])
        used: set[int] = set()
        repl: dict[int, list[int]] = {}
        drop: set[int] = set()
        for g, k, nb, m_ in gains:
            if k in used or nb in used:
                continue
            used.update((k, nb))
            repl[nb] = m_
            drop.add(k)
        beads = [repl.get(k, bb) for k, bb in enumerate(beads) if k not in drop]
    stats["attach_encoded"] = encoded
    stats["strings_encoded"] = stats.get("strings_encoded", 0) + encoded
    return [(i1 - i0, j1 - j0) for i0, i1, j0, j1 in beads], vec


def _crosses(par, start: int, end: int) -> bool:
    return par is not None and end - start > 1 and bool(np.any(par[start + 1:end] != par[start:end - 1]))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))


def _to_beads(steps, src: _Side, tgt: _Side, sc: _Scoring, extra: dict | None = None) -> list[Bead]:
    """Beads with a 0..1 score: 0.5 at the skip threshold, near 1 for a typical good pair.

    `extra` holds real vectors of spans computed after the DP, keyed (side, start, end); they take
    precedence (a bead grown by the attach pass may have a size no span table covers)."""
    extra = extra or {}
    threshold = sc.ref - 2 * sc.skip
    scale = max(sc.skip, 1e-3) / 2.0
    out = []
    i = j = 0
    for a, b in steps:
        s_idx = tuple(range(i, i + a))
        t_idx = tuple(range(j, j + b))
        if a and b:
            u = extra.get(("src", i, i + a))
            v = extra.get(("tgt", j, j + b))
            u = u if u is not None else (src.spans[a][i + a] if a in src.spans else _unit(src.E[i:i + a].sum(0)))
            v = v if v is not None else (tgt.spans[b][j + b] if b in tgt.spans else _unit(tgt.E[j:j + b].sum(0)))
            sim = float(u @ v)
            if (a, b) not in src.knn_pair and (a not in src.knn_spans or b not in tgt.knn_spans):
                marg = sim - 0.5 * (float(src.knn[i:i + a].mean()) + float(tgt.knn[j:j + b].mean()))
            elif (a, b) in src.knn_pair:
                marg = sim - 0.5 * (src.knn_pair[(a, b)][i + a] + tgt.knn_pair[(a, b)][j + b])
            else:
                marg = sim - 0.5 * (src.knn_spans[a][i + a] + tgt.knn_spans[b][j + b])
            score = _sigmoid((marg - threshold) / scale)
        else:
            # one-sided: confident when even the best neighbour is far below the threshold
            best = float(src.top[i] - src.knn[i]) if a else float(tgt.top[j] - tgt.knn[j])
            score = 1.0 - _sigmoid((best - threshold) / scale)
            sim = 0.0
        out.append(Bead(s_idx, t_idx, score=round(score, 4), similarity=round(sim, 4)))
        i += a
        j += b
    return out
