"""Vector helpers of the core: normalisation, span vectors (normalised sums), block means, windowed top-k."""

from __future__ import annotations

import numpy as np

NEG = -1e18  # score of a state outside the band
KAPPA = 20.0  # chars added to both sides before the length ratio: short sentences vary more


def _clamp(x: np.ndarray, lo, hi) -> np.ndarray:
    """np.clip(x, lo, hi) for the index arithmetic of the core: the same values, without np.clip's
    per-call overhead (tens of thousands of small calls per corpus)."""
    return np.minimum(np.maximum(x, lo), hi)


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

def _topk_mean(X: np.ndarray, Y: np.ndarray, a: np.ndarray, b: np.ndarray, k: int, block: int = 96,
               only_mean: bool = False):
    """Per row i of X: mean of the k largest cosines with Y[a_i:b_i], the largest, the mean of all, and
    the index of the largest (-1 for an empty window). With `only_mean`, the first alone (the span
    neighbourhoods need nothing else)."""
    n = len(X)
    mean = np.zeros(n)
    top = np.zeros(n)
    avg = np.zeros(n)
    best = np.full(n, -1)
    if n == 0 or len(Y) == 0:
        return mean if only_mean else (mean, top, avg, best)
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
        if only_mean:
            continue
        arg = S.argmax(1)
        high = S[np.arange(r1 - r0), arg]
        finite = np.isfinite(high)
        top[r0:r1] = np.where(finite, high, 0)
        best[r0:r1] = np.where(finite, c0 + arg, -1)
        avg[r0:r1] = np.where(mask, S, 0).sum(1) / np.maximum(mask.sum(1), 1)
    return mean if only_mean else (mean, top, avg, best)
