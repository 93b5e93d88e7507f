"""Bands: the states of the DP worth visiting, as two monotone arrays per row.

A band is two int arrays lo, hi of length n + 1 (DP rows = src sentences consumed): row i holds
the states j in [lo[i], hi[i]) (tgt sentences consumed). Both are non-decreasing, lo[0] = 0,
hi[n] = m + 1, and consecutive rows overlap, so every state in the band is reachable. No n x m
array is ever built.
"""

from __future__ import annotations

import numpy as np


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

def _points(steps) -> tuple[np.ndarray, np.ndarray]:
    pi = [0]
    pj = [0]
    for a, b in steps:
        pi.append(pi[-1] + a)
        pj.append(pj[-1] + b)
    return np.array(pi), np.array(pj)

def _window_along(steps, n: int, m: int, w: int):
    pi, pj = _points(steps)
    lo, hi = band_around(pi, pj, n, m, w)
    return lo, hi

def _auto_band(n: int, m: int, p: AlignParams, factor: int) -> int:
    if p.band:
        return int(p.band)
    return max(12, 2 * factor + 4)
