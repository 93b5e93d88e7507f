"""The dynamic programme over a band: bead scores for every state (from the scoring strategy), the
best path, and the cheap first path through the whole matrix (coarse-to-fine for long documents).

The DP itself knows nothing about how a bead is scored: `_band_scores` asks the strategy named by
`AlignParams.scoring` (`aligner.align.contrast`, `aligner.align.knn`) for the values of one block
of states, and `_skip_costs` for the cost of leaving each sentence one-sided.
"""

from __future__ import annotations

import numpy as np

from aligner.align.arrays import NEG, _block_mean, _block_sum, _clamp
from aligner.align.band import _auto_band, _points, _sentence_window, band_around, band_cells, full_band
from aligner.align.params import AlignParams
from aligner.align.sides import _estimate_scoring, _Scoring, _set_margins, _Side


_STRATEGIES: dict = {}


def scoring_strategy(name: str):
    """The bead scoring registered under `name` ("contrast" or "knn"), or ConfigError."""
    strategies = _STRATEGIES
    if not strategies:
        from aligner.align.contrast import CONTRAST
        from aligner.align.knn import KNN

        strategies.update({CONTRAST.name: CONTRAST, KNN.name: KNN})
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
        Jc = _clamp(J, c0, c1 - 1)
        sim = S.take(Jc + (np.arange(0, (r1 - r0) * (c1 - c0), c1 - c0)[:, None] - c0))
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
    recomputes the others: the same arithmetic on the same values, so the same path.

    Each row takes every bead type at once: the transitions into the row are laid out beforehand
    (`_transitions`), so a row is one gather and one max over the bead types (the first type
    reaching the max wins a tie, as a strict comparison in bead order would), then the 0-1 beads
    inside the row as a running maximum.
    """
    n, m = src.n, tgt.n
    beads = [t for t in beads if t[0] <= max(n, 0) and t[1] <= max(m, 0)]
    if (1, 0) not in beads:
        beads.append((1, 0))
    if (0, 1) not in beads:
        beads.append((0, 1))
    row_beads = [(k, a, b) for k, (a, b) in enumerate(beads) if a >= 1]
    k01 = beads.index((0, 1))
    scores = scores if scores is not None else {}
    for _, a, b in row_beads:
        if b >= 1 and (a, b) not in scores:
            scores[(a, b)] = _band_scores(src, tgt, lo, hi, a, b, p, sc)
    skip_s = _skip_costs(src, sc, p)
    cum_t = np.concatenate([[0.0], np.cumsum(_skip_costs(tgt, sc, p))])
    width = int((hi - lo).max())
    memo = rows_memo if rows_memo is not None else {}
    pick = [k01] + [k for k, _, _ in row_beads]  # candidate -> bead index
    first = 0
    if "D" in memo and memo["D"].shape == (n + 2, width):
        first = min(int(memo.get("start", 0)), memo["done"])
    else:  # row i's values from its band's start; row n + 1 is 0, where a row's start value is read from
        memo["D"] = np.full((n + 2, width), NEG)
        memo["D"][n + 1] = 0.0
        memo["bp"] = np.zeros((n + 1, width), dtype=np.int8)  # candidate 0: a 0-1 bead (`pick`)
    D_all, bp_all = memo["D"], memo["bp"]
    flat = D_all.reshape(-1)
    memo["done"] = first
    lo_l, hi_l = lo.tolist(), hi.tolist()
    block = max(1, min(_DP_BLOCK, _DP_BLOCK_STATES // width))
    take = flat.take
    for r0 in range(first, n + 1, block):
        r1 = min(n + 1, r0 + block)
        where, value, ramp = _transitions(row_beads, scores, skip_s, cum_t, lo, hi, r0, r1, width)
        for x, i in enumerate(range(r0, r1)):
            w = hi_l[i] - lo_l[i]
            cand = take(where[x, :, :w])
            cand += value[x, :, :w]
            A = cand.max(0)
            bp = bp_all[i, :w]
            bp[:] = cand.argmax(0)  # the candidate; `pick` maps it to a bead type when backtracking
            if w > 1:  # 0-1 beads inside the row: D[j] = max(A[j], D[j-1] - skip)
                r = ramp[x, :w]
                A += r
                run = np.maximum.accumulate(A)
                np.subtract(run, r, out=D_all[i, :w])
                np.copyto(bp, 0, where=A < run)
            else:
                D_all[i, :w] = A
        memo["done"] = r1
    # backtrack
    steps = []
    i, j = n, m
    while i > 0 or j > 0:
        if not (lo[i] <= j < hi[i]):
            raise AssertionError("backtrack left the band")
        k = pick[bp_all[i, j - lo[i]]]
        a, b = beads[k]
        steps.append((a, b))
        i -= a
        j -= b
        if i < 0 or j < 0:
            raise AssertionError("backtrack out of range")
    steps.reverse()
    return steps


_DP_BLOCK = 128  # DP rows whose transitions are laid out at once (memory: rows x bead types x band width x 16 bytes)
_DP_BLOCK_STATES = 1 << 16  # ... fewer rows when the band is wide (a full first pass of a long document)


def _transitions(row_beads, scores: dict, skip_s: np.ndarray, cum_t: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                 r0: int, r1: int, width: int):
    """Everything rows r0..r1-1 of the DP read, laid out before the row loop.

    `where`, `value` (rows, 1 + bead types, width): for each state of the row (from its band's
    start), where each candidate comes from in the flat (n + 2, width) table of DP values and what
    it adds. Candidate 0 is the row's start value (0 at state (0, 0), else NEG, read from the zero
    row n + 1); then each bead type ending there: the state it starts from and its `_band_scores`
    value (minus the skip cost for 1-0), -inf where it would start outside the band or before row 0.
    `ramp` (rows, width): the cumulated 0-1 skip costs from the row's band start."""
    rows = np.arange(r0, r1)
    lo_r, hi_r = lo[r0:r1], hi[r0:r1]
    j = lo_r[:, None] + np.arange(width)[None, :]  # each state's column
    zero_row = (len(lo)) * width
    k = len(row_beads)
    # every bead type at once (axis 1): the row it starts from and its column there
    ta = np.array([a for _, a, _ in row_beads], dtype=np.int64)
    tb = np.array([b for _, _, b in row_beads], dtype=np.int64)[None, :, None]
    prev = np.maximum(rows[:, None] - ta[None, :], 0)
    where = np.empty((r1 - r0, k + 1, width), dtype=np.int64)
    where[:, 0] = zero_row
    col = where[:, 1:]  # built in place: no other (rows, types, width) integer array
    np.subtract(j[:, None, :], tb, out=col)  # the column the bead starts from
    ok = col < hi[prev][:, :, None]
    col -= lo[prev][:, :, None]  # ... in the previous row's stored values
    ok &= col >= 0
    ok &= (rows[:, None] >= ta[None, :])[:, :, None]
    ok &= (j < hi_r[:, None])[:, None, :]
    np.maximum(col, 0, out=col)
    np.minimum(col, width - 1, out=col)
    col += (prev * width)[:, :, None]
    value = np.full((r1 - r0, k + 1, width), -np.inf)
    value[:, 0] = NEG
    if r0 == 0:
        value[0, 0, 0] = 0.0
    for x, (_, a, b) in enumerate(row_beads, start=1):
        if b == 0:
            np.copyto(value[:, x], -skip_s[np.maximum(rows - 1, 0)][:, None], where=ok[:, x - 1])
        else:
            np.copyto(value[:, x], scores[(a, b)][r0:r1], where=ok[:, x - 1])
    top = len(cum_t) - 1
    ramp = cum_t[np.minimum(j, top)] - cum_t[lo_r][:, None]
    return where, value, ramp


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
    stats.setdefault("levels", []).append({"n": n, "m": m, "cells": band_cells(lo, hi)})
    sa, sb = set(a for a, _ in beads), set(b for _, b in beads)
    if getattr(scoring_strategy(p.scoring), "values_read_margins", True):
        _set_margins(src, tgt, *_sentence_window(lo, hi, m), p, sa, sb)
        sc = _estimate_scoring(src, tgt, p)
    else:  # the bead values read span vectors and lengths only: no neighbourhoods, no margin medians
        src.prepare(sa | {1})
        tgt.prepare(sb | {1})
        sc = _estimate_scoring(src, tgt, p, margins=False)
    return _points(_dp(src, tgt, lo, hi, beads, p, sc))
