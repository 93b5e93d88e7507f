"""The dynamic programme over a band: bead scores for every state (from the scoring strategy), the
best path, and the cheap first path through the whole matrix (coarse-to-fine for long documents).

The DP itself knows nothing about how a bead is scored: `_band_scores` asks the strategy named by
`AlignParams.scoring` (`aligner.align.contrast`, `aligner.align.knn`) for the values of one block
of states, and `_skip_costs` for the cost of leaving each sentence one-sided.
"""

from __future__ import annotations

import numpy as np

from aligner.align.arrays import NEG, _block_mean, _block_sum
from aligner.align.band import _auto_band, _points, _sentence_window, band_around, band_cells, full_band
from aligner.align.params import AlignParams
from aligner.align.sides import _estimate_scoring, _Scoring, _set_margins, _Side


def scoring_strategy(name: str):
    """The bead scoring registered under `name` ("contrast" or "knn"), or ConfigError."""
    from aligner.align.contrast import CONTRAST
    from aligner.align.knn import KNN

    strategies = {CONTRAST.name: CONTRAST, KNN.name: KNN}
    if name not in strategies:
        from aligner.errors import ConfigError

        raise ConfigError(f"align.scoring: expected 'contrast' or 'knn', got {name!r}")
    return strategies[name]


def _band_scores(src: _Side, tgt: _Side, lo: np.ndarray, hi: np.ndarray, a: int, b: int,
                 p: AlignParams, sc: _Scoring, block: int = 96, rows=None, out=None) -> np.ndarray:
    """Score of bead (a, b) ending at every state of the band, as (n+1, max width) float32 (NEG outside).

    Computed a block of rows at a time (one dense product of the block's span vectors with the
    columns the block touches), so memory is O(block * width) beyond the result. What a bead is
    worth given its cosine and lengths is the scoring strategy's `block_values`. With `rows` (sorted
    row indices) and `out` (an earlier result), only those rows of `out` are recomputed, in place:
    after a few spans are encoded, the rows their beads end on.
    """
    strategy = scoring_strategy(p.scoring)
    n = src.n
    width = int((hi - lo).max())
    if out is None:
        out = np.full((n + 1, width), NEG, dtype=np.float32)
    U, V = src.spans[a], tgt.spans[b]
    offs = np.arange(width)
    if rows is None:
        runs = [(r0, min(n + 1, r0 + block)) for r0 in range(a, n + 1, block)]
    else:
        rows = np.asarray([r for r in rows if a <= r <= n], dtype=np.int64)
        cut = np.flatnonzero(np.diff(rows) != 1) + 1
        runs = []
        for g in np.split(rows, cut):
            if len(g):
                g0, g1 = int(g[0]), int(g[-1]) + 1
                runs += [(r, min(g1, r + block)) for r in range(g0, g1, block)]
    for r0, r1 in runs:
        rows_ = np.arange(r0, r1)
        c0 = max(int(lo[r0]), b)
        c1 = int(hi[r1 - 1])
        if c1 <= c0:
            out[r0:r1] = NEG
            continue
        S = U[r0:r1] @ V[c0:c1].T
        J = lo[r0:r1, None] + offs[None, :]
        valid = (J < hi[r0:r1, None]) & (J >= b)
        Jc = np.clip(J, c0, c1 - 1)
        sim = np.take_along_axis(S, Jc - c0, axis=1)
        ls = (src.cum[rows_] - src.cum[rows_ - a])[:, None]
        lt = tgt.cum[Jc] - tgt.cum[Jc - b]
        val = strategy.block_values(src, tgt, U, V, rows_, Jc, sim, ls, lt, a, b, p, sc)
        out[r0:r1] = np.where(valid, val, NEG)
    return out


def _band_column(src: _Side, tgt: _Side, lo: np.ndarray, hi: np.ndarray, a: int, b: int, p: AlignParams,
                 sc: _Scoring, j: int, out: np.ndarray) -> None:
    """Recompute, in place, the values of bead (a, b) ending at tgt state `j` in every row whose band
    holds j (after the tgt span ending at j was encoded)."""
    r0 = max(int(np.searchsorted(hi, j, side="right")), a)
    r1 = min(int(np.searchsorted(lo, j, side="right")), src.n + 1)
    if r1 <= r0 or j < b:
        return
    rows = np.arange(r0, r1)
    U, V = src.spans[a], tgt.spans[b]
    Jc = np.full((len(rows), 1), j, dtype=np.int64)
    sim = (U[r0:r1] @ V[j])[:, None]
    ls = (src.cum[rows] - src.cum[rows - a])[:, None]
    lt = tgt.cum[Jc] - tgt.cum[Jc - b]
    val = scoring_strategy(p.scoring).block_values(src, tgt, U, V, rows, Jc, sim, ls, lt, a, b, p, sc)
    out[rows, j - lo[rows]] = val[:, 0]


def _skip_costs(side: _Side, sc: _Scoring, p: AlignParams) -> np.ndarray:
    """Cost of leaving each sentence of `side` one-sided (the strategy's)."""
    return scoring_strategy(p.scoring).skip_costs(side, sc, p)


def _dp(src: _Side, tgt: _Side, lo: np.ndarray, hi: np.ndarray, beads, p: AlignParams, sc: _Scoring,
        scores: dict | None = None, rows_memo: dict | None = None):
    """Best path through the band; returns the list of (a, b) steps from (0, 0) to (n, m).

    `scores`, if given, holds the bead values by type (`_band_scores`) from an earlier pass: missing
    types are computed and stored there (the lazy refinement updates a few rows between passes).
    `rows_memo`, if given, keeps every row of the programme; with `rows_memo["start"]` = r set, a
    later pass over the same band (only bead values of rows >= r changed) reuses rows 0..r-1 and
    recomputes the others: the same arithmetic on the same values, so the same path."""
    n, m = src.n, tgt.n
    beads = [t for t in beads if t[0] <= max(n, 0) and t[1] <= max(m, 0)]
    if (1, 0) not in beads:
        beads.append((1, 0))
    if (0, 1) not in beads:
        beads.append((0, 1))
    row_beads = [(k, a, b) for k, (a, b) in enumerate(beads) if a >= 1]
    k01 = beads.index((0, 1))
    maxa = max(a for a, _ in beads)
    scores = scores if scores is not None else {}
    for _, a, b in row_beads:
        if b >= 1 and (a, b) not in scores:
            scores[(a, b)] = _band_scores(src, tgt, lo, hi, a, b, p, sc)
    skip_s = _skip_costs(src, sc, p)
    skip_t = _skip_costs(tgt, sc, p)
    cum_t = np.concatenate([[0.0], np.cumsum(skip_t)])
    rows: list[np.ndarray] = []  # last maxa+1 dp rows
    bps: list[np.ndarray] = []
    first = 0
    if rows_memo is not None:
        every = rows_memo.setdefault("rows", [])
        first = min(int(rows_memo.get("start", 0)), len(every), len(rows_memo.get("bps", ())))
        del every[first:]
        bps = rows_memo.setdefault("bps", [])
        del bps[first:]
        rows = every[max(0, first - maxa - 1):first]
    lo_l = lo.tolist()
    hi_l = hi.tolist()
    for i in range(first, n + 1):
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
        if rows_memo is not None:
            rows_memo["rows"].append(D)
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
