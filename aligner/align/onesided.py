"""One-sided sentences inside two-sided beads (issue 14): a membership test after the DP.

The DP decides merge-or-skip with a document-wide skip cost, and a short unrelated sentence costs a
merged bead almost nothing: "Malamig." ("It's cold.") glued to a long sentence barely moves the
concatenation's vector or its length ratio, so the bead loses less than one skip. The evidence that
it does not belong is its own cosine with the bead's other side: a sentence that is part of a
translation matches the other side clearly better than it matches unrelated sentences nearby.

`membership` measures, for a sentence x of a bead whose other side has vector V,
`(cos(x, V) - bg(x)) / gap`, where `bg(x)` is the mean cosine of x with the other side's sentences in
a window around the bead (outside it) and `gap` the median of the same quantity over the document's
1-1 beads (a typical translation's lead over its surroundings). About 1 for a sentence that is
translated in the bead, about 0 for one that is not. `split_members` moves edge sentences of a
bead whose membership is below `onesided_member` out as one-sided beads (a 1-1 bead becomes
1-0 + 0-1 when the mean membership of its two sentences falls below `onesided_pair`). No new
encoding: the vectors are those the DP used.
"""

from __future__ import annotations

import math

import numpy as np

from aligner.align.arrays import KAPPA
from aligner.align.sides import _Side, run_vector


def without(which: str, s0: int, s1: int, t0: int, t1: int) -> tuple[int, int, int, int]:
    """The bead [s0, s1) x [t0, t1) without its edge sentence `which`: "s0"/"s1" the first/last source
    sentence, "t0"/"t1" the first/last target sentence."""
    return {"s0": (s0 + 1, s1, t0, t1), "s1": (s0, s1 - 1, t0, t1),
            "t0": (s0, s1, t0 + 1, t1), "t1": (s0, s1, t0, t1 - 1)}[which]


def peel(which: str, s0: int, s1: int, t0: int, t1: int, pre: list, post: list) -> tuple[int, int, int, int]:
    """Move the edge sentence `which` out of the bead as a one-sided step (into `pre` for a first sentence,
    at the front of `post` for a last one, so the steps keep the text's order); returns the smaller bead."""
    if which in ("s0", "t0"):
        pre.append((1, 0) if which == "s0" else (0, 1))
    else:
        post.insert(0, (1, 0) if which == "s1" else (0, 1))
    return without(which, s0, s1, t0, t1)


def _backgrounds(X: np.ndarray, other: _Side, o0: np.ndarray, o1: np.ndarray, window: int) -> np.ndarray:
    """For each row k of X, the mean cosine with the other side's sentences within `window` of [o0[k], o1[k]),
    outside it (0 when there are none): a dot product with the summed vector of those sentences, two runs
    of the side's running sums."""
    lo = np.maximum(0, o0 - window)
    hi = np.minimum(other.n, o1 + window)
    count = (o0 - lo) + (hi - o1)
    S = other.vector_sums()
    total = S[o0] - S[lo] + S[hi] - S[o1]
    dots = np.einsum("kd,kd->k", total, np.asarray(X, dtype=np.float64))
    return np.where(count > 0, dots / np.maximum(count, 1), 0.0)


def _background(x: np.ndarray, other: _Side, o0: int, o1: int, window: int) -> float:
    """`_backgrounds` of one sentence against the run [o0, o1)."""
    return float(_backgrounds(x[None], other, np.array([o0]), np.array([o1]), window)[0])


def _pair_leads(steps, src: _Side, tgt: _Side, window: int):
    """For every 1-1 bead (i, j) of the path: i, j, and how far each sentence's cosine with the other stands
    above its background there (`cos - bg`, from the src sentence and from the tgt one)."""
    ii, jj = [], []
    i = j = 0
    for a, b in steps:
        if a == 1 and b == 1:
            ii.append(i)
            jj.append(j)
        i += a
        j += b
    ii, jj = np.array(ii, dtype=np.int64), np.array(jj, dtype=np.int64)
    X, Y = src.E[ii], tgt.E[jj]
    cos = np.einsum("kd,kd->k", X, Y).astype(np.float64)
    return (ii, jj, cos - _backgrounds(X, tgt, jj, jj + 1, window),
            cos - _backgrounds(Y, src, ii, ii + 1, window))


def _gap(lead_src: np.ndarray) -> float:
    return float(np.median(lead_src)) if len(lead_src) else 0.1


def typical_gap(steps, src: _Side, tgt: _Side, window: int) -> float:
    """Median over the 1-1 beads of the path of `cos - bg(src sentence)`: how far a typical translation
    stands above the sentences around it, in this document."""
    return _gap(_pair_leads(steps, src, tgt, window)[2])


def membership(x: np.ndarray, other_vec: np.ndarray, other: _Side, o0: int, o1: int, gap: float,
               window: int) -> float:
    """`(cos(x, other side) - bg(x)) / gap`: ~1 for a translated sentence, ~0 for an unrelated one."""
    return (float(x @ other_vec) - _background(x, other, o0, o1, window)) / max(gap, 1e-3)


def _length_dev(src: _Side, tgt: _Side, s0: int, s1: int, t0: int, t1: int, log_ratio: float) -> float:
    """|log((tgt chars + K) / (src chars + K)) - the document's|: how far a bead's lengths disagree."""
    ls = float(src.cum[s1] - src.cum[s0]) + KAPPA
    lt = float(tgt.cum[t1] - tgt.cum[t0]) + KAPPA
    return abs(math.log(lt / ls) - log_ratio)


def bead_value(src: _Side, tgt: _Side, s0: int, s1: int, t0: int, t1: int, p, sc) -> float:
    """The contrast scoring's value of one bead (what the DP added for it); minus the skip costs of
    the sentences for a one-sided one."""
    from aligner.align.contrast import CONTRAST

    a, b = s1 - s0, t1 - t0
    if not a or not b:
        return -sc.contrast_skip * (a + b)
    rows = np.array([s1])
    Jc = np.array([[t1]])
    U, V = src.spans[a], tgt.spans[b]
    sim = np.array([[float(U[s1] @ V[t1])]])
    ls = np.array([[float(src.cum[s1] - src.cum[s0])]])
    lt = np.array([[float(tgt.cum[t1] - tgt.cum[t0])]])
    return float(CONTRAST.block_values(src, tgt, U, V, rows, Jc, sim, ls, lt, a, b, p, sc)[0, 0])


def split_members(steps, src: _Side, tgt: _Side, threshold: float, stats: dict, window: int = 10,
                  pair_threshold: float | None = None, log_ratio: float | None = None, close=None):
    """DP steps with the edge sentences of two-sided beads whose membership is below `threshold` moved
    out as one-sided beads (repeated while a side keeps two sentences or more); a 1-1 bead whose two
    sentences' mean membership is below `pair_threshold` becomes 1-0 + 0-1 (None: `threshold`); the
    mean, not the larger: an unrelated pair can look half-related from one side only. With `log_ratio`
    (the document's length ratio), a sentence leaves a merged bead only when the bead's lengths then
    agree better (the length evidence of a Gale-Church model points the same way). With `close`
    (a tuple (margin, p, sc)), only when the DP preferred the merge over the split by less than margin
    in its own contrast score (a close call the DP made on a document-wide skip cost)."""
    pair_threshold = threshold if pair_threshold is None else pair_threshold
    ii, _, lead_src, lead_tgt = _pair_leads(steps, src, tgt, window)
    gap = _gap(lead_src)
    stats["onesided_gap"] = gap
    # the 1-1 rule: the mean of the two sentences' memberships, every bead at once (by its src index)
    pair_mean = dict(zip(ii.tolist(), (0.5 * (lead_src + lead_tgt) / max(gap, 1e-3)).tolist()))
    out = []
    moved = 0
    i = j = 0
    for a, b in steps:
        if not (a and b):
            out.append((a, b))
            i += a
            j += b
            continue
        s0, s1, t0, t1 = i, i + a, j, j + b
        pre, post = [], []
        if a == 1 and b == 1:
            if pair_mean[i] < pair_threshold:
                out += [(1, 0), (0, 1)]
                moved += 2
            else:
                out.append((1, 1))
            i += 1
            j += 1
            continue
        while (s1 - s0) + (t1 - t0) >= 3:
            cands = []
            if s1 - s0 >= 2:
                v = run_vector(tgt, t0, t1)
                cands += [(membership(src.E[s0], v, tgt, t0, t1, gap, window), "s0"),
                          (membership(src.E[s1 - 1], v, tgt, t0, t1, gap, window), "s1")]
            if t1 - t0 >= 2:
                u = run_vector(src, s0, s1)
                cands += [(membership(tgt.E[t0], u, src, s0, s1, gap, window), "t0"),
                          (membership(tgt.E[t1 - 1], u, src, s0, s1, gap, window), "t1")]
            cands = [c for c in cands if c[0] < threshold]  # the gates below only ever remove candidates
            if log_ratio is not None:
                dev = _length_dev(src, tgt, s0, s1, t0, t1, log_ratio)
                cands = [c for c in cands if _length_dev(src, tgt, *without(c[1], s0, s1, t0, t1), log_ratio) < dev]
            if close is not None and cands:
                margin, p_, sc_ = close
                full = bead_value(src, tgt, s0, s1, t0, t1, p_, sc_)
                cands = [c for c in cands
                         if full - (bead_value(src, tgt, *without(c[1], s0, s1, t0, t1), p_, sc_) - sc_.contrast_skip) < margin]
            if not cands:
                break
            worst, which = min(cands)
            moved += 1
            s0, s1, t0, t1 = peel(which, s0, s1, t0, t1, pre, post)
        out += pre + [(s1 - s0, t1 - t0)] + post
        i += a
        j += b
    stats["onesided_moved"] = moved
    return out
