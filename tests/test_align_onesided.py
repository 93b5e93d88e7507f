"""aligner.align.onesided: the membership test that moves unrelated sentences out of two-sided beads."""

from __future__ import annotations

import numpy as np
import pytest

from aligner.align.core import AlignParams, align
from aligner.align.onesided import _background, _backgrounds, membership, split_members, typical_gap
from aligner.align.sides import _Side


def _doc(n: int = 12, seed: int = 0, dim: int = 48):
    """n unrelated meanings; tgt sentence k translates src sentence k (small noise)."""
    rng = np.random.default_rng(seed)
    M = rng.normal(size=(n + 4, dim))
    M /= np.linalg.norm(M, axis=1, keepdims=True)
    noise = rng.normal(scale=0.15, size=M.shape)
    T = M + noise
    T /= np.linalg.norm(T, axis=1, keepdims=True)
    return M.astype(np.float32), T.astype(np.float32)


@pytest.mark.parametrize("o0, o1, window", [
    (5, 6, 3),  # inside the document
    (0, 1, 3),  # at its start: only sentences after the bead
    (15, 16, 3),  # at its end
    (2, 5, 30),  # a window wider than the document
    (0, 16, 4),  # the bead is the whole document: no background (0)
])
def test_background_from_running_sums_is_the_mean_over_the_window(o0, o1, window):
    """The running-sum form gives the plain mean cosine with the other side's sentences within `window` of
    the bead and outside it, for one sentence and for several at once."""
    X, Y = _doc()  # 16 sentences a side
    _, tgt = _sides(X, Y)
    x = X[3]
    near = [k for k in range(max(0, o0 - window), min(len(Y), o1 + window)) if not o0 <= k < o1]
    expected = float(np.mean([float(Y[k] @ x) for k in near])) if near else 0.0
    assert _background(x, tgt, o0, o1, window) == pytest.approx(expected, abs=1e-6)
    rows = np.stack([x, X[7]])
    got = _backgrounds(rows, tgt, np.array([o0, o0]), np.array([o1, o1]), window)
    assert got[0] == pytest.approx(expected, abs=1e-6)
    assert got[1] == pytest.approx(float(np.mean([float(Y[k] @ X[7]) for k in near])) if near else 0.0, abs=1e-6)


def _sides(X, Y):
    src, tgt = _Side(X, np.full(len(X), 50.0), None), _Side(Y, np.full(len(Y), 50.0), None)
    src.prepare({1, 2, 3})
    tgt.prepare({1, 2, 3})
    return src, tgt


def _unit(v):
    return (v / np.linalg.norm(v)).astype(np.float32)


def test_membership_is_about_one_for_a_translation_and_about_zero_for_an_unrelated_sentence():
    M, T = _doc()
    X, Y = M[:10], T[:10]
    src, tgt = _sides(X, Y)
    steps = [(1, 1)] * 10
    gap = typical_gap(steps, src, tgt, 10)
    assert 0.7 < gap <= 1.0  # translations stand far above random neighbours here
    assert membership(X[3], Y[3], tgt, 3, 4, gap, 10) == pytest.approx(1.0, abs=0.2)
    assert abs(membership(M[11], Y[3], tgt, 3, 4, gap, 10)) < 0.4


# src: 0..9 translated one for one, except the cases below; tgt vectors from T
CASES = [
    # (description, src meanings, tgt meanings (tuples: one line holding both), steps, threshold, expected)
    ("unrelated src sentence glued before a 1-1", [0, 1, 10, 2, 3, 4, 5, 6], [0, 1, 2, 3, 4, 5, 6],
     [(1, 1), (1, 1), (2, 1), (1, 1), (1, 1), (1, 1), (1, 1)], 0.5,
     [(1, 1), (1, 1), (1, 0), (1, 1), (1, 1), (1, 1), (1, 1), (1, 1)]),
    ("unrelated tgt sentence glued after a 1-1", [0, 1, 2, 3, 4, 5, 6], [0, 1, 2, 10, 3, 4, 5, 6],
     [(1, 1), (1, 1), (1, 2), (1, 1), (1, 1), (1, 1), (1, 1)], 0.5,
     [(1, 1), (1, 1), (1, 1), (0, 1), (1, 1), (1, 1), (1, 1), (1, 1)]),
    ("a true 2-1 merge stays", [0, 1, 2, 3, 4, 5, 6], [0, (1, 2), 3, 4, 5, 6],
     [(1, 1), (2, 1), (1, 1), (1, 1), (1, 1), (1, 1)], 0.5,
     [(1, 1), (2, 1), (1, 1), (1, 1), (1, 1), (1, 1)]),
    ("an unrelated pair matched 1-1 becomes 1-0 + 0-1", [0, 1, 10, 2, 3, 4, 5], [0, 1, 11, 2, 3, 4, 5],
     [(1, 1)] * 7, 0.5, [(1, 1), (1, 1), (1, 0), (0, 1), (1, 1), (1, 1), (1, 1), (1, 1)]),
    ("two unrelated sentences at both edges of a 3-1", [0, 1, 10, 2, 11, 3, 4, 5], [0, 1, 2, 3, 4, 5],
     [(1, 1), (1, 1), (3, 1), (1, 1), (1, 1), (1, 1)], 0.5,
     [(1, 1), (1, 1), (1, 0), (1, 1), (1, 0), (1, 1), (1, 1), (1, 1)]),
    ("a threshold below zero moves nothing", [0, 1, 10, 2, 3, 4, 5, 6], [0, 1, 2, 3, 4, 5, 6],
     [(1, 1), (1, 1), (2, 1), (1, 1), (1, 1), (1, 1), (1, 1)], -5.0,
     [(1, 1), (1, 1), (2, 1), (1, 1), (1, 1), (1, 1), (1, 1)]),
]


@pytest.mark.parametrize("desc, sm, tm, steps, threshold, expected", CASES, ids=[c[0] for c in CASES])
def test_split_members(desc, sm, tm, steps, threshold, expected):
    M, T = _doc()
    X = np.stack([M[k] for k in sm])
    Y = np.stack([_unit(T[k[0]] + T[k[1]]) if isinstance(k, tuple) else T[k] for k in tm])
    src, tgt = _sides(X, Y)
    stats: dict = {}
    out = split_members(steps, src, tgt, threshold, stats)
    assert out == expected
    assert sum(a for a, _ in out) == len(X) and sum(b for _, b in out) == len(Y)
    one_sided = sum(1 for a, b in out if not (a and b)) - sum(1 for a, b in steps if not (a and b))
    assert stats["onesided_moved"] == one_sided


def test_onesided_member_takes_a_glued_deletion_out_through_align():
    """Through `align` (contrast scoring): anisotropic vectors (unrelated cosines ~0.8, as with e5), a
    short unrelated src sentence, span vectors weighted by length (a short sentence barely moves a
    concatenation) and a skip cost high enough that the DP glues it to its neighbour (a 2-1 bead).
    With `onesided_member` it comes out as a 1-0 bead and the neighbour is a 1-1 again (the other edge
    test, `split_one_sided`, and the close-call gate off on both runs)."""
    rng = np.random.default_rng(4)
    c = _unit(rng.normal(size=48))
    M = rng.normal(size=(24, 48))
    M = M / np.linalg.norm(M, axis=1, keepdims=True) + 1.8 * c
    M /= np.linalg.norm(M, axis=1, keepdims=True)
    T = M + rng.normal(scale=0.05, size=M.shape)
    T /= np.linalg.norm(T, axis=1, keepdims=True)
    sm = list(range(8)) + [23] + list(range(8, 16))
    X, Y = M[sm].astype(np.float32), T[:16].astype(np.float32)
    sl, tl = np.full(len(sm), 60.0), np.full(16, 60.0)
    sl[8] = 8.0

    def embed_spans(side, spans):
        E, L = (X, sl) if side == "src" else (Y, tl)
        return np.array([(E[s:e] * L[s:e, None]).sum(0) for s, e in spans])

    def run(member):
        stats: dict = {}
        beads = align(X, Y, src_len=sl, tgt_len=tl, embed_spans=embed_spans, stats=stats,
                      params=AlignParams(skip_cost=0.3, onesided_member=member, onesided_close=None,
                                         split_one_sided=None))
        return [(b.src, b.tgt) for b in beads], stats

    off, _ = run(None)
    assert ((8, 9), (8,)) in off
    on, stats = run(0.5)
    assert ((8,), ()) in on and ((9,), (8,)) in on
    assert stats["onesided_moved"] == 1
    assert [t for t in on if t != ((8,), ()) and t != ((9,), (8,))] == [t for t in off if t != ((8, 9), (8,))]


@pytest.mark.parametrize("tgt_chars, expected", [
    (50.0, [(1, 1), (1, 1), (1, 0), (1, 1), (1, 1), (1, 1)]),  # without it the lengths agree: it leaves
    (100.0, [(1, 1), (1, 1), (2, 1), (1, 1), (1, 1)]),  # the tgt line is as long as both: it stays
])
def test_length_gate_keeps_a_sentence_whose_length_the_other_side_accounts_for(tgt_chars, expected):
    M, T = _doc()
    X = np.stack([M[k] for k in [0, 1, 10, 2, 3, 4]])
    Y = T[[0, 1, 2, 3, 4]]
    src, tgt = _Side(X, np.full(6, 50.0), None), _Side(Y, np.array([50.0, 50.0, tgt_chars, 50.0, 50.0]), None)
    src.prepare({1, 2})
    tgt.prepare({1, 2})
    steps = [(1, 1), (1, 1), (2, 1), (1, 1), (1, 1)]
    assert split_members(steps, src, tgt, 0.5, {}, log_ratio=0.0) == expected
    assert split_members(steps, src, tgt, 0.5, {}) == [(1, 1), (1, 1), (1, 0), (1, 1), (1, 1), (1, 1)]


@pytest.mark.parametrize("margin, expected", [
    (float("inf"), [(1, 1), (1, 1), (1, 0), (1, 1), (1, 1), (1, 1)]),  # any preference: the membership decides
    (-1.0, [(1, 1), (1, 1), (2, 1), (1, 1), (1, 1)]),  # the merge was preferred by more than -1: kept
])
def test_close_gate_splits_only_where_the_dp_preferred_the_merge_narrowly(margin, expected):
    from aligner.align.onesided import bead_value
    from aligner.align.sides import _Scoring

    M, T = _doc()
    X = np.stack([M[k] for k in [0, 1, 10, 2, 3, 4]])
    Y = T[[0, 1, 2, 3, 4]]
    src, tgt = _sides(X, Y)
    sc = _Scoring(ref=0.0, skip=0.02, log_ratio=0.0, contrast_skip=0.02)
    p = AlignParams()
    # the contrast value of the glued bead is below that of its translated part alone
    assert bead_value(src, tgt, 2, 4, 2, 3, p, sc) < bead_value(src, tgt, 3, 4, 2, 3, p, sc)
    assert bead_value(src, tgt, 2, 3, 2, 2, p, sc) == pytest.approx(-0.02)
    steps = [(1, 1), (1, 1), (2, 1), (1, 1), (1, 1)]
    assert split_members(steps, src, tgt, 0.5, {}, close=(margin, p, sc)) == expected



@pytest.mark.parametrize("which, bead, pre_after, post_after", [
    ("s0", (3, 5, 7, 9), [(1, 0)], [(2, 2)]),
    ("t0", (2, 5, 8, 9), [(0, 1)], [(2, 2)]),
    ("s1", (2, 4, 7, 9), [], [(1, 0), (2, 2)]),
    ("t1", (2, 5, 7, 8), [], [(0, 1), (2, 2)]),
])
def test_peel_moves_the_edge_sentence_out_in_text_order(which, bead, pre_after, post_after):
    """Bead [2, 5) x [7, 9) followed by a (2, 2) step: a first sentence goes before the bead, a last one
    right after it (before what already followed)."""
    from aligner.align.onesided import peel

    pre, post = [], [(2, 2)]
    assert peel(which, 2, 5, 7, 9, pre, post) == bead
    assert (pre, post) == (pre_after, post_after)
