"""aligner.align.bead_cores: the core of a large bead re-chosen after the DP (one-sided sentences inside it)."""

from __future__ import annotations

import numpy as np
import pytest

from aligner.align.core import AlignParams
from aligner.align.bead_cores import _choices, alien, split_cores
from aligner.align.sides import _Scoring, _Side


def _doc(n: int = 16, seed: int = 0, dim: int = 48):
    """n unrelated meanings; tgt meaning k translates src meaning k (small noise)."""
    rng = np.random.default_rng(seed)
    M = rng.normal(size=(n, dim))
    M /= np.linalg.norm(M, axis=1, keepdims=True)
    T = M + rng.normal(scale=0.15, size=M.shape)
    T /= np.linalg.norm(T, axis=1, keepdims=True)
    return M.astype(np.float32), T.astype(np.float32)


def _sides(X, Y):
    src, tgt = _Side(X, np.full(len(X), 50.0), None), _Side(Y, np.full(len(Y), 50.0), None)
    src.prepare({1, 2, 3, 4})
    tgt.prepare({1, 2, 3, 4})
    return src, tgt


def _sc():
    return _Scoring(ref=0.0, skip=0.02, log_ratio=0.0, contrast_skip=0.02, lengths=False)


def test_choices_are_every_pair_of_non_empty_runs_and_all_one_sided():
    assert len(_choices(1, 4)) == 1 + 1 * 10
    assert len(_choices(2, 3)) == 1 + 3 * 6
    assert (0, 0, 0, 0) in _choices(1, 4) and (0, 1, 0, 4) in _choices(1, 4)


# src meanings 0..5 one for one; the tgt of the bead under test holds meaning 2 and unrelated ones
CASES = [
    # (description, tgt meanings, steps, skip, expected)
    ("three unrelated tgt sentences after the translation leave a 1-4 bead",
     [0, 1, 2, 10, 11, 12, 3, 4, 5], [(1, 1), (1, 1), (1, 4), (1, 1), (1, 1), (1, 1)], 0.0,
     [(1, 1), (1, 1), (1, 1), (0, 1), (0, 1), (0, 1), (1, 1), (1, 1), (1, 1)]),
    ("the translation in the middle: unrelated sentences on both sides leave",
     [0, 1, 10, 2, 11, 12, 3, 4, 5], [(1, 1), (1, 1), (1, 4), (1, 1), (1, 1), (1, 1)], 0.0,
     [(1, 1), (1, 1), (0, 1), (1, 1), (0, 1), (0, 1), (1, 1), (1, 1), (1, 1)]),
    ("a high skip cost keeps the bead", [0, 1, 2, 10, 11, 12, 3, 4, 5],
     [(1, 1), (1, 1), (1, 4), (1, 1), (1, 1), (1, 1)], 5.0,
     [(1, 1), (1, 1), (1, 4), (1, 1), (1, 1), (1, 1)]),
    ("beads with smaller sides are not reconsidered", [0, 1, 2, 10, 3, 4, 5],
     [(1, 1), (1, 1), (1, 2), (1, 1), (1, 1), (1, 1)], 0.0,
     [(1, 1), (1, 1), (1, 2), (1, 1), (1, 1), (1, 1)]),
]


@pytest.mark.parametrize("desc, tm, steps, skip, expected", CASES, ids=[c[0] for c in CASES])
def test_split_cores(desc, tm, steps, skip, expected):
    M, T = _doc()
    X, Y = M[:6], T[tm]
    src, tgt = _sides(X, Y)
    stats: dict = {}
    out = split_cores(steps, src, tgt, AlignParams(), _sc(), stats, skip=skip, min_side=3)
    assert out == expected
    assert sum(a for a, _ in out) == len(X) and sum(b for _, b in out) == len(Y)
    assert stats["core_changed"] == (0 if out == steps else 1)


def test_a_true_1_4_bead_stays_at_a_low_skip_cost():
    """Four tgt sentences that together translate one src sentence (its vector is their sum): no
    core beats the whole bead, even with free skips."""
    M, T = _doc()
    X = np.stack([M[0], M[1], _unit(M[2:6].sum(0)), M[6], M[7]])
    Y = T[[0, 1, 2, 3, 4, 5, 6, 7]]
    src, tgt = _sides(X, Y)
    steps = [(1, 1), (1, 1), (1, 4), (1, 1), (1, 1)]
    assert split_cores(steps, src, tgt, AlignParams(), _sc(), {}, skip=0.0, min_side=3) == steps


def _unit(v):
    return (v / np.linalg.norm(v)).astype(np.float32)


def test_runs_never_encoded_are_encoded_once_and_recorded():
    """Inside a large bead every run of 2+ sentences the DP never encoded is asked for (one call per
    side) and marked real; runs encoded before are not asked again."""
    M, T = _doc()
    X, Y = M[:6], T[[0, 1, 2, 10, 11, 12, 3, 4, 5]]
    src, tgt = _sides(X, Y)
    tgt.real.add((2, 4))
    asked = []

    def embed_spans(side, spans):
        asked.append((side, list(spans)))
        E = X if side == "src" else Y
        return np.array([E[s:e].sum(0) for s, e in spans])

    stats = {"strings_encoded": 0}
    split_cores([(1, 1), (1, 1), (1, 4), (1, 1), (1, 1), (1, 1)], src, tgt, AlignParams(), _sc(), stats,
                embed_spans, skip=0.0, min_side=3)
    # tgt side 2..5: runs (2,4) known; (3,5), (4,6), (2,5), (3,6), (2,6) asked; the src side is 1 sentence
    assert asked == [("tgt", [(2, 5), (2, 6), (3, 5), (3, 6), (4, 6)])]
    assert stats["core_encoded"] == 5 and stats["strings_encoded"] == 5
    assert {(2, 5), (2, 6), (3, 5), (3, 6), (4, 6)} <= tgt.real


def test_alien_marks_sentences_in_the_other_documents_language():
    """Vectors carry a language direction: a sentence of the tgt document written in the src language
    (an ad left untranslated) scores above 0, the document's own sentences below."""
    rng = np.random.default_rng(3)
    de, fr = _unit(rng.normal(size=48)), _unit(rng.normal(size=48))
    M = rng.normal(size=(20, 48)) * 0.3
    X = np.array([_unit(m + de) for m in M[:10]])
    Y = np.array([_unit(m + fr) for m in M[10:19]] + [_unit(M[19] + de)])
    src, tgt = _Side(X, np.full(10, 50.0), None), _Side(Y, np.full(10, 50.0), None)
    a = alien(tgt, src)
    assert a[9] > 0 and (a[:9] < 0).all()
    assert (alien(src, tgt) < 0).all()


def test_alien_sentences_leave_a_bead_at_their_own_cost():
    """With `alien_above`, a sentence in the other language is charged `alien_skip` (a bonus when
    negative) instead of the skip cost: at a skip cost that keeps it glued, it leaves (the bonus is
    large here because the alien sentence, in the src language, also lowers the contrast of what is
    left: it is now the bead's adjacent sentence)."""
    rng = np.random.default_rng(5)
    de, fr = _unit(rng.normal(size=48)), _unit(rng.normal(size=48))
    M = rng.normal(size=(12, 48)) * 0.1
    X = np.array([_unit(M[k] + de) for k in range(6)])
    tm = [0, 1, 2, 11, 3, 4, 5]
    Y = np.array([_unit(M[k] + rng.normal(scale=0.01, size=48) + fr) for k in tm])
    Y[3] = _unit(M[11] + de)  # in the src language
    assert alien(_Side(Y, np.ones(7), None), _Side(X, np.ones(6), None))[3] > 0
    src, tgt = _sides(X.astype(np.float32), Y.astype(np.float32))
    steps = [(1, 1), (1, 1), (1, 2), (1, 1), (1, 1), (1, 1)]
    assert split_cores(steps, src, tgt, AlignParams(), _sc(), {}, skip=5.0, min_side=2) == steps
    out = split_cores(steps, src, tgt, AlignParams(), _sc(), {}, skip=5.0, min_side=2, alien_above=0.0,
                      alien_skip=-1.0)
    assert out == [(1, 1), (1, 1), (1, 1), (0, 1), (1, 1), (1, 1), (1, 1)]
    # the same bonus for a sentence that is not alien changes nothing
    assert split_cores(steps, src, tgt, AlignParams(), _sc(), {}, skip=5.0, min_side=2, alien_above=0.5,
                       alien_skip=-1.0) == steps


def test_defaults_reconsider_only_beads_with_a_side_of_four_at_the_dps_skip_cost():
    """The default repeats the DP's skip cost (0.02), so only alien sentences are judged differently;
    `onesided_core = None` turns the pass off."""
    p = AlignParams()
    assert (p.onesided_core, p.onesided_core_side, p.onesided_alien) == (p.contrast_skip, 4, 0.0)
    assert p.onesided_alien_skip < 0


def test_sentences_the_knn_path_leaves_one_sided_are_charged_the_knn_cost():
    """With `knn_skip`, the sentences marked by the knn alignment (`skip_mark`) cost that instead of the
    skip cost: the marked unrelated sentence leaves the bead, the unmarked one stays."""
    M, T = _doc()
    X, Y = M[:6], T[[0, 1, 2, 10, 11, 3, 4, 5]]
    src, tgt = _sides(X, Y)
    steps = [(1, 1), (1, 1), (1, 3), (1, 1), (1, 1), (1, 1)]
    tgt.skip_mark = np.zeros(len(Y), dtype=bool)
    tgt.skip_mark[4] = True
    assert split_cores(steps, src, tgt, AlignParams(), _sc(), {}, skip=5.0, min_side=3) == steps
    out = split_cores(steps, src, tgt, AlignParams(), _sc(), {}, skip=5.0, min_side=3, knn_skip=-0.5)
    assert out == [(1, 1), (1, 1), (1, 2), (0, 1), (1, 1), (1, 1), (1, 1)]


def test_onesided_core_knn_runs_the_knn_alignment_over_sums_without_encoding():
    """Through `align`: the knn marks come from a knn alignment over sums (no `embed_spans` call of its
    own), so the strings encoded are the same with the option on."""
    from aligner.align.core import align

    M, T = _doc(n=16, seed=2)
    X, Y = M[:12], T[[0, 1, 2, 3, 4, 13, 14, 5, 6, 7, 8, 9, 10, 11]]
    calls = []

    def embed_spans(side, spans):
        calls.append(len(spans))
        E = X if side == "src" else Y
        return np.array([E[s:e].sum(0) for s, e in spans])

    def run(knn):
        calls.clear()
        stats: dict = {}
        beads = align(X, Y, embed_spans=embed_spans, stats=stats, params=AlignParams(onesided_core_knn=knn))
        return [(b.src, b.tgt) for b in beads], sum(calls)

    off, n_off = run(None)
    on, n_on = run(-0.05)
    assert n_on == n_off
    for beads in (off, on):
        assert sorted(i for s, _ in beads for i in s) == list(range(12))
        assert sorted(j for _, t in beads for j in t) == list(range(14))
    assert ((), (5,)) in on and ((), (6,)) in on


@pytest.mark.parametrize("weak, changed", [(None, True), (10.0, True), (-10.0, False)])
def test_weak_gate_is_relative_to_the_documents_typical_1_1_bead(weak, changed):
    """With `max_score`, only large beads worth less than that x the median 1-1 bead are reconsidered."""
    M, T = _doc()
    X, Y = M[:6], T[[0, 1, 2, 10, 11, 12, 3, 4, 5]]
    src, tgt = _sides(X, Y)
    steps = [(1, 1), (1, 1), (1, 4), (1, 1), (1, 1), (1, 1)]
    stats: dict = {}
    out = split_cores(steps, src, tgt, AlignParams(), _sc(), stats, skip=0.0, min_side=3, max_score=weak)
    assert (out != steps) == changed
    if weak is not None:
        assert stats["core_weak_below"] * weak > 0  # the median 1-1 value is positive here


# --- non-contiguous cores (`gap_side`) and the distinctness gate of the knn marks -------------------

def test_gapped_sets_leave_out_one_interior_run():
    """Sides of 3 and 4 sentences: the sets with one interior run left out (never an edge: that is a
    contiguous core already)."""
    from aligner.align.bead_cores import _gapped_sets

    assert _gapped_sets(2) == []
    assert _gapped_sets(3) == [(0, 2)]
    assert sorted(_gapped_sets(4)) == sorted([(0, 2), (0, 3), (0, 1, 3), (0, 2, 3), (1, 3)])


def test_set_value_of_contiguous_sides_is_the_dps_bead_value():
    """For contiguous index sets `set_value` is the contrast scoring's `bead_value` (the same formula,
    one bead at a time), so gapped and contiguous cores are valued alike."""
    from aligner.align.bead_cores import set_value
    from aligner.align.onesided import bead_value

    M, T = _doc()
    X, Y = M[:8], T[[0, 1, 2, 10, 3, 4, 5, 6, 7]]
    src, tgt = _Side(X, np.arange(8) * 7.0 + 30, None), _Side(Y, np.arange(9) * 5.0 + 40, None)
    src.prepare({1, 2, 3, 4})
    tgt.prepare({1, 2, 3, 4})
    sc = _Scoring(ref=0.0, skip=0.02, log_ratio=0.1, contrast_skip=0.02, lengths=True)
    for s0, s1, t0, t1 in [(2, 3, 2, 4), (1, 3, 1, 4), (2, 4, 3, 5), (0, 1, 0, 1), (5, 8, 6, 9)]:
        assert set_value(src, tgt, tuple(range(s0, s1)), tuple(range(t0, t1)), AlignParams(), sc) == \
            pytest.approx(bead_value(src, tgt, s0, s1, t0, t1, AlignParams(), sc), abs=1e-5)


def _gap_case():
    """src sentence 2 is translated by tgt 2 + tgt 4 (halves of its meaning); tgt 3 between them is
    unrelated debris: a 1-3 bead whose gold is the non-contiguous [2]:[2, 4] and [3] one-sided."""
    M, T = _doc(n=16, seed=4)
    rng = np.random.default_rng(7)
    A, B = rng.normal(size=48), rng.normal(size=48)
    A, B = A / np.linalg.norm(A), B / np.linalg.norm(B)
    X = np.array(list(M[:2]) + [_unit(A + B)] + list(M[3:6]), dtype=np.float32)
    Y = np.array(list(T[:2]) + [_unit(A), T[12], _unit(B)] + list(T[3:6]), dtype=np.float32)
    return X, Y, [(1, 1), (1, 1), (1, 3), (1, 1), (1, 1), (1, 1)]


def test_a_gapped_core_leaves_an_interior_sentence_out_and_regroups():
    """With `gap_side` and a cheap cost for the marked interior sentence, the bead stays one DP step and
    `regroup` holds its pieces: the non-contiguous core first, the interior sentence one-sided; without
    the option (or with the sentence unmarked, at a skip cost that keeps it) nothing changes."""
    X, Y, steps = _gap_case()
    src, tgt = _sides(X, Y)
    tgt.skip_mark = np.zeros(len(Y), dtype=bool)
    tgt.skip_mark[3] = True
    regroup: dict = {}
    kw = dict(skip=0.5, min_side=4, regroup=regroup)
    assert split_cores(steps, src, tgt, AlignParams(), _sc(), {}, **kw) == steps and not regroup
    out = split_cores(steps, src, tgt, AlignParams(), _sc(), {}, gap_side=3, gap_skip=-0.05, gap_need="knn", **kw)
    assert out == steps
    assert regroup == {(2, 2): (1, 3, [((2,), (2, 4)), ((), (3,))])}
    regroup.clear()
    tgt.skip_mark[3] = False
    split_cores(steps, src, tgt, AlignParams(), _sc(), {}, gap_side=3, gap_skip=-0.05, gap_need="knn", **kw)
    assert not regroup


def test_to_beads_emits_the_regrouped_pieces_in_place():
    """`_to_beads` replaces a regrouped step by its pieces; every sentence is still in exactly one bead."""
    from aligner.align.beads import _to_beads

    X, Y, steps = _gap_case()
    src, tgt = _sides(X, Y)
    src.set_knn(np.zeros(len(X)), np.ones(len(X)) * 0.5, np.zeros(len(X)), {1})
    tgt.set_knn(np.zeros(len(Y)), np.ones(len(Y)) * 0.5, np.zeros(len(Y)), {1})
    beads = _to_beads(steps, src, tgt, _sc(), {"regroup": {(2, 2): (1, 3, [((2,), (2, 4)), ((), (3,))])}})
    assert [(b.src, b.tgt) for b in beads][2:4] == [((2,), (2, 4)), ((), (3,))]
    assert sorted(i for b in beads for i in b.src) == list(range(len(X)))
    assert sorted(j for b in beads for j in b.tgt) == list(range(len(Y)))
    assert beads[2].similarity > 0.5


def test_distinct_sentences_lose_their_knn_mark():
    """`distinct` is ~1 for a typical sentence; a marked sentence whose best match stands out (a crossed
    pair: its translation sits elsewhere) loses its mark under `distinct_below`, so it keeps the normal
    skip cost and the bead keeps it."""
    from aligner.align.bead_cores import distinct

    M, T = _doc()
    X, Y = M[:6], T[[0, 1, 2, 10, 11, 3, 4, 5]]
    src, tgt = _sides(X, Y)
    tgt.set_knn(np.full(8, 0.2), np.array([0.6, 0.6, 0.6, 0.25, 0.9, 0.6, 0.6, 0.6]), np.zeros(8), {1})
    d = distinct(tgt)
    assert d[0] == pytest.approx(1.0) and d[3] < 0.2 and d[4] > 1.5
    steps = [(1, 1), (1, 1), (1, 3), (1, 1), (1, 1), (1, 1)]
    for below, expected in [(None, [(1, 1), (1, 1), (1, 2), (0, 1), (1, 1), (1, 1), (1, 1)]), (1.0, steps)]:
        tgt.skip_mark = np.zeros(8, dtype=bool)
        tgt.skip_mark[4] = True
        out = split_cores(steps, src, tgt, AlignParams(), _sc(), {}, skip=5.0, min_side=3, knn_skip=-0.5,
                          distinct_below=below)
        assert out == expected
