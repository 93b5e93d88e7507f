"""The alignment core on planted embeddings: bead types, one-sided sentences, invariants, the band."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.align import align_documents
from aligner.align.core import AlignParams, align, band_around, band_cells, full_band, parse_bead_types
from aligner.config import AlignConfig
from aligner.errors import AlignerError, ConfigError
from aligner.model import Document, Sentence

DIM = 48


def meanings(k: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(k, DIM))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def noisy(v: np.ndarray, seed: int, eps: float = 0.25) -> np.ndarray:
    rng = np.random.default_rng(seed)
    w = v + eps * rng.normal(size=v.shape) / np.sqrt(DIM)
    return (w / np.linalg.norm(w, axis=-1, keepdims=True)).astype(np.float32)


def build(tgt_recipe: list, n_src: int, seed: int = 0):
    """Src = meanings 0..n_src-1; tgt sentences from a recipe: int (a meaning), tuple (a merge), None (new)."""
    M = meanings(n_src + 50, seed)
    X = noisy(M[:n_src], seed + 1)
    extra = n_src
    rows = []
    for r in tgt_recipe:
        if r is None:
            rows.append(M[extra])
            extra += 1
        elif isinstance(r, tuple):
            rows.append(M[list(r)].sum(0))
        else:
            rows.append(M[r])
    Y = noisy(np.array(rows), seed + 2)
    return X, Y


def pairs(beads):
    return [(b.src, b.tgt) for b in beads]


def check_cover(beads, n, m):
    s = [i for b in beads for i in b.src]
    t = [j for b in beads for j in b.tgt]
    assert s == list(range(n)) and t == list(range(m))
    for b in beads:
        assert list(b.src) == list(range(b.src[0], b.src[0] + len(b.src))) if b.src else True
        assert list(b.tgt) == list(range(b.tgt[0], b.tgt[0] + len(b.tgt))) if b.tgt else True
        assert 0.0 <= b.score <= 1.0


def test_identity_is_all_one_to_one():
    """Translations in the same order give the diagonal and nothing else."""
    X, Y = build(list(range(30)), 30)
    beads = align(X, Y)
    assert pairs(beads) == [((i,), (i,)) for i in range(30)]
    assert all(b.score > 0.5 for b in beads)


@pytest.mark.parametrize("where", [0, 7, 15, 29, "twice", "end2"])
def test_insertion_in_target_is_a_zero_one_bead(where):
    """An untranslated extra sentence comes out on its own, not merged into a neighbour."""
    recipe = list(range(30))
    if where == "twice":
        recipe[10:10] = [None, None]
        expect = [((), (10,)), ((), (11,))]
    elif where == "end2":
        recipe += [None, None]
        expect = [((), (30,)), ((), (31,))]
    else:
        recipe.insert(where, None)
        expect = [((), (where,))]
    X, Y = build(recipe, 30)
    beads = align(X, Y)
    check_cover(beads, 30, len(recipe))
    got = [p for p in pairs(beads) if not (p[0] and p[1])]
    assert got == expect
    assert sum(1 for b in beads if b.type == "1-1") == 30


@pytest.mark.parametrize("scoring", ["contrast", "knn"])
@pytest.mark.parametrize("where", [0, 12, 29])
def test_deletion_from_target_is_a_one_zero_bead(where, scoring):
    """A source sentence with no translation comes out as 1-0 (the mirror case), with either scoring."""
    recipe = [i for i in range(30) if i != where]
    X, Y = build(recipe, 30)
    beads = align(X, Y, params=AlignParams(scoring=scoring))
    check_cover(beads, 30, 29)
    assert [p for p in pairs(beads) if not (p[0] and p[1])] == [((where,), ())]


@pytest.mark.parametrize("scoring", ["contrast", "knn"])
@pytest.mark.parametrize("merge_at, kind", [(5, "2-1"), (18, "2-1"), (5, "1-2"), (20, "1-2")])
def test_merges_and_splits(merge_at, kind, scoring):
    """A target sentence carrying two source sentences is a 2-1 bead; the swapped sides give 1-2."""
    recipe = list(range(merge_at)) + [(merge_at, merge_at + 1)] + list(range(merge_at + 2, 30))
    X, Y = build(recipe, 30)
    if kind == "1-2":
        X, Y = Y, X
    beads = align(X, Y, params=AlignParams(scoring=scoring))
    check_cover(beads, len(X), len(Y))
    multi = [b for b in beads if b.type != "1-1"]
    assert len(multi) == 1 and multi[0].type == kind
    big = multi[0].src if kind == "2-1" else multi[0].tgt
    assert big == (merge_at, merge_at + 1)


def test_three_to_one_needs_the_bead_type():
    """3-1 is found when allowed, and replaced by allowed beads when not."""
    recipe = list(range(10)) + [(10, 11, 12)] + list(range(13, 30))
    X, Y = build(recipe, 30)
    assert any(b.type == "3-1" for b in align(X, Y))
    beads = align(X, Y, config=AlignConfig(max_beads=["1-1", "1-0", "0-1", "2-1", "1-2"]))
    assert {b.type for b in beads} <= {"1-1", "1-0", "0-1", "2-1", "1-2"}
    check_cover(beads, 30, len(recipe))


def test_paragraph_boundary_is_a_soft_constraint():
    """The same 2-1 merge is taken inside a paragraph but refused across one when crossing is expensive."""
    recipe = list(range(8)) + [(8, 9)] + list(range(10, 20))
    X, Y = build(recipe, 20)
    same = [0] * 20
    split = [0] * 9 + [1] * 11  # boundary between sentences 8 and 9
    cheap = align(X, Y, src_par=split, tgt_par=[0] * len(Y), config=AlignConfig(paragraph_penalty=0.0))
    assert ((8, 9), (8,)) in pairs(cheap)
    inside = align(X, Y, src_par=same, tgt_par=[0] * len(Y), config=AlignConfig(paragraph_penalty=5.0))
    assert ((8, 9), (8,)) in pairs(inside)
    costly = align(X, Y, src_par=split, tgt_par=[0] * len(Y), config=AlignConfig(paragraph_penalty=5.0))
    assert ((8, 9), (8,)) not in pairs(costly)
    check_cover(costly, 20, len(Y))


@pytest.mark.parametrize("n, m", [(0, 0), (0, 3), (4, 0)])
def test_empty_sides(n, m):
    """An empty side makes every sentence of the other one-sided, in order."""
    beads = align(np.zeros((n, DIM), np.float32), np.zeros((m, DIM), np.float32) + 0.1)
    assert pairs(beads) == [((i,), ()) for i in range(n)] + [((), (j,)) for j in range(m)]


def test_single_sentences_align():
    X, Y = build([0], 1)
    assert pairs(align(X, Y)) == [((0,), (0,))]


@pytest.mark.parametrize("recipe,n,expected", [
    # documents no longer than a bead's side: a bead can hold a whole side, which has no neighbour to contrast with
    ([0, 1], 2, [((0,), (0,)), ((1,), (1,))]),  # two translated pairs are two 1-1 beads, not one 2-2
    ([0, 1, 2], 3, [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]),
    ([(0, 1)], 2, [((0, 1), (0,))]),  # a real merge stays one bead
    ([0, (1, 2)], 3, [((0,), (0,)), ((1, 2), (1,))]),
])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tiny_documents_are_not_swallowed_by_one_bead(recipe, n, expected, seed):
    """In an encoder's space unrelated sentences are far from orthogonal (e5: cosines ~0.8, all vectors share a
    direction); a whole side's missing neighbour counted as a cosine of 0 made one bead over everything win."""
    X, Y = build(recipe, n, seed)
    common = meanings(1, seed + 99)[0]

    def shared(v):
        w = 2.0 * common + v
        return (w / np.linalg.norm(w, axis=-1, keepdims=True)).astype(np.float32)

    assert pairs(align(shared(X), shared(Y))) == expected


def test_whole_side_background_is_the_mean_of_the_pairs_that_are_nobodys_best():
    from aligner.align.contrast import whole_side_background
    from aligner.align.core import _Side

    X = np.array([[1, 0, 0], [0, 1, 0]], np.float32)
    Y = np.array([[0.9, 0.3, 0], [0.2, 0.8, 0]], np.float32)
    # best pairs (0, 0) and (1, 1); the others 0.3 and 0.2
    assert whole_side_background(_Side(X, np.ones(2), None), _Side(Y, np.ones(2), None)) == pytest.approx(0.25)
    one = np.array([[1, 0, 0]], np.float32)
    assert whole_side_background(_Side(one, np.ones(1), None), _Side(one, np.ones(1), None)) == 0.0


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 14), m=st.integers(0, 14), seed=st.integers(0, 10_000))
def test_beads_cover_both_sides_once_in_order(n, m, seed):
    """Whatever the embeddings, beads partition both sides into consecutive, ordered runs."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 8)).astype(np.float32)
    Y = rng.normal(size=(m, 8)).astype(np.float32)
    beads = align(X, Y, src_len=rng.integers(1, 200, n), tgt_len=rng.integers(1, 200, m))
    check_cover(beads, n, m)


def long_planted(n: int, seed: int = 3):
    """A long document pair with scattered insertions, deletions and merges (and the gold)."""
    rng = np.random.default_rng(seed)
    M = rng.normal(size=(n + n // 10, DIM))
    M /= np.linalg.norm(M, axis=1, keepdims=True)
    X = noisy(M[:n], seed + 1)
    rows, gold, i, extra = [], [], 0, n
    while i < n:
        r = rng.random()
        if r < 0.03:
            gold.append(((i,), ()))
            i += 1
        elif r < 0.06:
            rows.append(M[extra]); extra += 1
            gold.append(((), (len(rows) - 1,)))
        elif r < 0.09 and i + 1 < n:
            rows.append(M[i] + M[i + 1])
            gold.append(((i, i + 1), (len(rows) - 1,)))
            i += 2
        else:
            rows.append(M[i])
            gold.append(((i,), (len(rows) - 1,)))
            i += 1
    return X, noisy(np.array(rows), seed + 2), gold


def test_banded_dp_equals_full_dp_with_the_same_scores():
    """Same margins and costs: the DP restricted to a band around the path finds the full DP's path."""
    from aligner.align import core

    X, Y, _ = long_planted(400)
    n, m = len(X), len(Y)
    p = AlignParams()
    results = []
    for band in ("full", "path"):
        src, tgt = core._Side(X, np.full(n, 50.0), None), core._Side(Y, np.full(m, 50.0), None)
        flo, fhi = full_band(n, m)
        sizes_s, sizes_t = {a for a, _ in p.beads} | {1}, {b for _, b in p.beads} | {1}
        core._set_margins(src, tgt, *core._sentence_window(flo, fhi, m), p, sizes_s, sizes_t)
        sc = core._estimate_scoring(src, tgt, p)
        if band == "full":
            lo, hi = flo, fhi
        else:
            gi, gj = core._points(results[0])
            lo, hi = band_around(gi, gj, n, m, 3)
            assert band_cells(lo, hi) < 0.05 * band_cells(flo, fhi)
        results.append(core._dp(src, tgt, lo, hi, list(p.beads), p, sc))
    assert results[0] == results[1]


def _reference_dp(n, m, lo, hi, beads, scores, skip_s, skip_t):
    """The banded DP state by state: bead types tried in order, a later one replacing an earlier one only
    when strictly better; a 0-1 bead inside the row only when strictly better than the row's best."""
    NEG = -1e18
    D = {}
    choice = {}
    for i in range(n + 1):
        for j in range(int(lo[i]), int(hi[i])):
            best, pick = (0.0, None) if i == j == 0 else (NEG, (0, 1))
            for a, b in beads:
                if a == 0 or (i - a, j - b) not in D:
                    continue
                v = -skip_s[i - 1] if b == 0 else float(scores[(a, b)][i, j - lo[i]])
                if D[(i - a, j - b)] + v > best:
                    best, pick = D[(i - a, j - b)] + v, (a, b)
            if (i, j - 1) in D and D[(i, j - 1)] - skip_t[j - 1] > best:
                best, pick = D[(i, j - 1)] - skip_t[j - 1], (0, 1)
            D[(i, j)], choice[(i, j)] = best, pick
    steps, i, j = [], n, m
    while (i, j) != (0, 0):
        a, b = choice[(i, j)]
        steps.append((a, b))
        i, j = i - a, j - b
    return steps[::-1]


@pytest.mark.parametrize("seed", range(6))
def test_dp_rows_equal_the_state_by_state_recurrence(seed):
    """The DP takes a whole row for every bead type at once: it must find the path of the plain recurrence,
    ties included (values on a grid of eighths: every sum is exact and ties are frequent)."""
    from aligner.align import core
    from aligner.align.dp import _dp

    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(5, 40)), int(rng.integers(5, 40))
    p = AlignParams()
    beads = list(p.beads)
    if seed % 2:
        lo, hi = full_band(n, m)
    else:
        path_i = np.round(np.linspace(0, n, 8)).astype(int)
        path_j = np.round(np.linspace(0, m, 8)).astype(int)
        lo, hi = band_around(path_i, path_j, n, m, 3)
    width = int((hi - lo).max())
    scores = {(a, b): (rng.integers(-8, 9, size=(n + 1, width)) / 8).astype(np.float32)
              for a, b in beads if a >= 1 and b >= 1}
    src = core._Side(np.zeros((n, 4), np.float32), np.full(n, 10.0), None)
    tgt = core._Side(np.zeros((m, 4), np.float32), np.full(m, 10.0), None)
    sc = core._Scoring(ref=0.0, skip=0.0, log_ratio=0.0, contrast_skip=0.375)
    skip_s, skip_t = np.full(n, 0.375), np.full(m, 0.375)
    got = _dp(src, tgt, lo, hi, beads, p, sc, scores=scores)
    assert got == _reference_dp(n, m, lo, hi, beads, scores, skip_s, skip_t)
    # a later pass restarting at a row (the lazy refinement's) finds the same path as a pass from scratch
    memo: dict = {}
    _dp(src, tgt, lo, hi, beads, p, sc, scores=scores, rows_memo=memo)
    r = n // 2
    scores[(1, 1)][r:] += np.float32(0.5)
    memo["start"] = r
    again = _dp(src, tgt, lo, hi, beads, p, sc, scores=scores, rows_memo=memo)
    assert again == _dp(src, tgt, lo, hi, beads, p, sc, scores=scores)
    assert again == _reference_dp(n, m, lo, hi, beads, scores, skip_s, skip_t)


@pytest.mark.parametrize("long", [False, True])
def test_contrast_first_path_needs_no_margins(long):
    """The contrast scoring's bead values read span vectors and lengths only: the first path skips the
    neighbourhoods (`_set_margins`) and finds the path it finds with them (full and coarse-to-fine)."""
    from dataclasses import replace

    from aligner.align import core, dp
    from aligner.align.sides import _estimate_scoring, _set_margins

    rng = np.random.default_rng(5)
    n, m = (90, 100) if long else (30, 34)
    X = core._unit(rng.standard_normal((n, 16)).astype(np.float32))
    Y = core._unit(rng.standard_normal((m, 16)).astype(np.float32))
    p = AlignParams() if not long else replace(AlignParams(), full_limit=100)

    def sides():
        return core._Side(X, rng_lens[0], None), core._Side(Y, rng_lens[1], None)

    rng_lens = (rng.integers(10, 80, n).astype(float), rng.integers(10, 80, m).astype(float))
    src, tgt = sides()
    got = dp._first_path(src, tgt, p, {})
    assert src.knn is None and tgt.knn is None
    # the same with the margins computed (as the first path did before)
    real_est = dp._estimate_scoring
    calls = []

    def with_margins(s, t, p_, margins=True):
        calls.append(margins)
        lo, hi = full_band(s.n, t.n)
        _set_margins(s, t, *dp._sentence_window(lo, hi, t.n), p_, {1, 2}, {1, 2})
        return real_est(s, t, p_)

    dp._estimate_scoring = with_margins
    try:
        src, tgt = sides()
        want = dp._first_path(src, tgt, p, {})
    finally:
        dp._estimate_scoring = real_est
    assert calls and not any(calls)
    assert [list(x) for x in got] == [list(x) for x in want]
    src.prepare({1})
    tgt.prepare({1})
    assert np.isnan(_estimate_scoring(src, tgt, p, margins=False).ref)


def test_coarse_to_fine_on_a_long_planted_path():
    """Coarse-to-fine (forced by a tiny full_limit) recovers the planted beads like the full DP does."""
    X, Y, gold = long_planted(600)
    full = align(X, Y, params=AlignParams(full_limit=10**9))
    stats: dict = {}
    banded = align(X, Y, params=AlignParams(full_limit=1000, coarse_factor=4), stats=stats)
    assert len(stats["levels"]) >= 3  # two coarse levels, then the fine one
    fine = stats["levels"][-1]
    assert fine["cells"] < 0.15 * (fine["n"] + 1) * (fine["m"] + 1)
    for beads in (full, banded):
        assert len(set(pairs(beads)) & set(gold)) / len(gold) > 0.97
    assert len(set(pairs(banded)) & set(pairs(full))) / len(full) > 0.98


def test_band_around_a_path_is_narrow_monotone_and_connected():
    """The band holds the path, grows with the path not with n*m, and consecutive rows overlap."""
    n, m, w = 5000, 5200, 6
    pi = np.arange(n + 1)
    pj = np.minimum((pi * m) // n, m)
    pj[-1] = m
    lo, hi = band_around(pi, pj, n, m, w)
    assert lo[0] == 0 and hi[-1] == m + 1
    assert np.all(np.diff(lo) >= 0) and np.all(np.diff(hi) >= 0)
    assert np.all(hi[:-1] > lo[1:])  # overlap: every state is reachable
    assert np.all((lo <= pj) & (pj < hi))
    assert band_cells(lo, hi) <= (n + 1) * (2 * w + 4)
    flo, fhi = full_band(3, 4)
    assert band_cells(flo, fhi) == 4 * 5


def test_repeated_text_does_not_make_the_path_jump():
    """A paragraph repeated ten times on both sides still aligns copy to copy."""
    X, Y = build(list(range(15)), 15, seed=5)
    XR, YR = np.tile(X, (10, 1)), np.tile(Y, (10, 1))
    beads = align(XR, YR, params=AlignParams(full_limit=2000, coarse_factor=4))
    assert pairs(beads) == [((i,), (i,)) for i in range(150)]


def test_refinement_asks_only_for_spans_near_unusual_beads():
    """With embed_spans, only a few concatenations (consecutive ranges near the merge) are encoded."""
    recipe = list(range(20)) + [(20, 21)] + list(range(22, 60))
    M = meanings(60 + 50)
    X, Y = build(recipe, 60)
    asked = []

    def embed_spans(side, spans):
        asked.extend((side, s, e) for s, e in spans)
        assert all(0 <= s < e <= (60 if side == "src" else len(Y)) for s, e in spans)
        return np.array([M[s:e].sum(0) if side == "src" else Y[s:e].sum(0) for s, e in spans])

    stats: dict = {}
    beads = align(X, Y, embed_spans=embed_spans, stats=stats)
    assert ((20, 21), (20,)) in pairs(beads)
    assert 0 < stats["strings_encoded"] == len(asked) <= 30
    assert all(abs(s - 20) <= 6 for _, s, _ in asked)
    assert align(X, Y, embed_spans=embed_spans, config=AlignConfig(refine_spans=False)) == align(X, Y)


@pytest.mark.parametrize("items, expected", [
    (["1-1"], [(1, 1), (1, 0), (0, 1)]),
    (["2-1", "1-2"], [(1, 1), (1, 0), (0, 1), (2, 1), (1, 2)]),
])
def test_parse_bead_types(items, expected):
    assert parse_bead_types(items) == expected


@pytest.mark.parametrize("bad", ["2:1", "a-b", "0-0", "5-1"])
def test_parse_bead_types_rejects_bad_items(bad):
    with pytest.raises(ConfigError):
        parse_bead_types([bad])


def doc_of(name, texts, pars=None):
    d = Document(doc=name, path=name + ".txt", raw="\n".join(texts))
    off = 0
    for i, t in enumerate(texts):
        d.sentences.append(Sentence(i=i, raw_start=off, raw_end=off + len(t), paragraph=(pars or [0] * len(texts))[i], text=t))
        off += len(t) + 1
    return d


def test_align_documents_with_an_encoder(fake_encoder):
    """Documents in, beads out; an untranslated sentence stays one-sided."""
    de = [f"Satz Nummer {w} über das Thema {w}." for w in "eins zwei drei vier fünf sechs sieben".split()]
    fr = [f"Phrase numéro {w} sur le sujet {w}." for w in "un deux trois quatre cinq six sept".split()]
    keys = "granite orchid velvet comet harbor lantern quartz".split()  # distinct shared meanings
    fake_encoder.translations = {d: keys[k] for k, d in enumerate(de)}
    fake_encoder.translations.update({f: keys[k] for k, f in enumerate(fr)})
    fr_plus = fr[:3] + ["Publicité : abonnez-vous à notre lettre."] + fr[3:]
    src, tgt = doc_of("de", de), doc_of("fr", fr_plus)
    beads = align_documents(src, tgt, fake_encoder.encode(de), fake_encoder.encode(fr_plus),
                            encoder=fake_encoder, config=AlignConfig())
    assert pairs(beads) == [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((), (3,)),
                            ((3,), (4,)), ((4,), (5,)), ((5,), (6,)), ((6,), (7,))]
    with pytest.raises(AlignerError):
        align_documents(src, tgt, fake_encoder.encode(de[:2]), fake_encoder.encode(fr_plus), config=AlignConfig())


@pytest.mark.parametrize("belongs, expected", [
    (True, [(1, 1), (2, 1)]),  # the stray sentence is half of the neighbour's translation: attached
    (False, [(1, 1), (1, 1), (1, 0)]),  # unrelated: it stays one-sided
])
def test_attach_pass_merges_a_one_sided_sentence_only_when_the_real_cosine_holds(belongs, expected):
    """The post-DP attach pass encodes the grown bead for real and keeps it only if it matches as well."""
    from aligner.align.core import _attach_one_sided, _Side

    M = meanings(3)
    X = M.astype(np.float32)
    y1 = M[1] + M[2] if belongs else M[1]
    Y = np.array([M[0], y1 / np.linalg.norm(y1)], dtype=np.float32)
    asked = []

    def embed_spans(side, spans):
        asked.extend((side, s, e) for s, e in spans)
        E = X if side == "src" else Y
        v = np.array([E[s:e].sum(0) for s, e in spans])
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    src = _Side(X, np.full(3, 50.0), None)
    tgt = _Side(Y, np.full(2, 50.0), None)
    stats: dict = {}
    steps, vecs = _attach_one_sided([(1, 1), (1, 1), (1, 0)], src, tgt, embed_spans, AlignParams(), stats)
    assert steps == expected
    assert asked == [("src", 1, 3)] and stats["attach_encoded"] == 1
    assert ("src", 1, 3) in vecs


def test_attach_pass_does_not_grow_a_side_across_a_paragraph():
    """A one-sided sentence in the next paragraph is not glued to the previous paragraph's bead."""
    from aligner.align.core import _attach_one_sided, _Side

    M = meanings(3)
    X = M.astype(np.float32)
    y1 = (M[1] + M[2]) / np.linalg.norm(M[1] + M[2])
    Y = np.array([M[0], y1], dtype=np.float32)
    src = _Side(X, np.full(3, 50.0), np.array([0, 0, 1]))
    tgt = _Side(Y, np.full(2, 50.0), np.array([0, 0]))
    steps, _ = _attach_one_sided([(1, 1), (1, 1), (1, 0)], src, tgt, lambda side, spans: 1 / 0, AlignParams(), {})
    assert steps == [(1, 1), (1, 1), (1, 0)]


@pytest.mark.parametrize("crossed, expected", [
    (True, [(2, 2), (1, 1)]),  # each 1-1 holds half of the other's meaning: the 2-2 matches far better
    (False, [(1, 1), (1, 1), (1, 1)]),  # clean 1-1 pairs stay apart
])
def test_fuse_option_joins_two_weak_neighbours_into_one_bead(crossed, expected):
    """With `fuse_margin`, two adjacent weak beads become one when its real cosine beats both by the margin."""
    from aligner.align.core import _attach_one_sided, _Side

    M = meanings(5)
    if crossed:
        X = np.array([M[0] + M[1], M[2] + M[3], M[4]])
        Y = np.array([M[0] + M[2], M[1] + M[3], M[4]])
    else:
        X = Y = M[:3]
    X = (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32)
    Y = (Y / np.linalg.norm(Y, axis=1, keepdims=True)).astype(np.float32)

    def embed_spans(side, spans):
        E = X if side == "src" else Y
        v = np.array([E[s:e].sum(0) for s, e in spans])
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    src, tgt = _Side(X, np.full(3, 50.0), None), _Side(Y, np.full(3, 50.0), None)
    src.prepare({1, 2})
    tgt.prepare({1, 2})
    p = AlignParams(fuse_margin=0.1, fuse_quantile=1.0)
    steps, _ = _attach_one_sided([(1, 1), (1, 1), (1, 1)], src, tgt, embed_spans, p, {})
    assert steps == expected
    assert _attach_one_sided([(1, 1)] * 3, src, tgt, embed_spans, AlignParams(), {})[0] == [(1, 1)] * 3


# --------------------------------------------------------------------------- contrast scoring


def test_adjacent_sims_match_a_plain_loop():
    """The blockwise gathers of `_adjacent_sims` equal the definition computed bead by bead."""
    from aligner.align.core import _Side, _adjacent_sims

    rng = np.random.default_rng(3)
    X = rng.normal(size=(9, 8)).astype(np.float32)
    Y = rng.normal(size=(7, 8)).astype(np.float32)
    src, tgt = _Side(X, np.ones(9), None), _Side(Y, np.ones(7), None)
    src.prepare({1, 2})
    tgt.prepare({1, 2})
    for a, b in [(1, 1), (2, 1), (1, 2), (2, 2)]:
        U, V = src.spans[a], tgt.spans[b]
        rows = np.arange(a, 10)
        Jc = np.tile(np.arange(b, 8), (len(rows), 1))
        ads, adt = _adjacent_sims(src, tgt, U, V, rows, Jc, a, b)
        for r, i in enumerate(rows):
            for c, j in enumerate(Jc[r]):
                nb_t = [float(U[i] @ Y[k]) for k in (j - b - 1, j) if 0 <= k < 7]
                nb_s = [float(V[j] @ X[k]) for k in (i - a - 1, i) if 0 <= k < 9]
                assert ads[r, c] == pytest.approx(np.mean(nb_t) if nb_t else 0.0, abs=1e-5)
                assert adt[r, c] == pytest.approx(np.mean(nb_s) if nb_s else 0.0, abs=1e-5)


def test_contrast_encodes_only_spans_with_an_uncertain_sentence():
    """Concatenations made only of sentences in confident 1-1 pairs are never requested: here only
    those touching the merged pair (whose halves match nothing alone) are."""
    recipe = list(range(20)) + [(20, 21)] + list(range(22, 60))
    X, Y = build(recipe, 60)
    M = meanings(60 + 50)
    asked = []

    def embed_spans(side, spans):
        asked.extend((side, s, e) for s, e in spans)
        return np.array([M[s:e].sum(0) if side == "src" else Y[s:e].sum(0) for s, e in spans])

    stats: dict = {}
    beads = align(X, Y, embed_spans=embed_spans, params=AlignParams(scoring="contrast"), stats=stats)
    assert ((20, 21), (20,)) in pairs(beads)
    assert stats["confident_pairs"] >= 55
    assert asked and stats["strings_encoded"] == len(asked)
    assert ("src", 20, 22) in asked
    assert all(s <= 21 and e >= 21 for side, s, e in asked if side == "src")  # every span holds 20 or 21
    assert all(s <= 20 < e for side, s, e in asked if side == "tgt")  # ... or the merged tgt sentence


def test_contrast_lengths_decide_between_merge_and_skip():
    """Same vectors, different lengths: a tgt sentence as long as two src sentences takes both (2-1);
    one as long as a single src sentence leaves the unmatched src sentence one-sided. The DP's own choice:
    the edge tests after it (on by default; test_edge_tests_*) would take 11 out on the vectors alone."""
    recipe = list(range(10)) + [(10, 11)] + list(range(12, 20))
    X, Y = build(recipe, 20)
    Y[10] = X[10]  # the tgt sentence only carries meaning 10 ...
    src_len = [50] * 20
    long_ = [50] * 19
    long_[10] = 100  # ... but is as long as two sentences
    dp_only = AlignParams(scoring="contrast", split_one_sided=None, onesided_member=None)
    merged = align(X, Y, src_len=src_len, tgt_len=long_, params=dp_only)
    plain = align(X, Y, src_len=src_len, tgt_len=[50] * 19, params=dp_only)
    assert ((10, 11), (10,)) in pairs(merged)
    assert ((10,), (10,)) in pairs(plain) and ((11,), ()) in pairs(plain)


@pytest.mark.parametrize("bad", ["bertalign", ""])
def test_unknown_scoring_is_a_config_error(bad):
    X, Y = build(list(range(5)), 5)
    with pytest.raises(ConfigError, match="align.scoring"):
        align(X, Y, params=AlignParams(scoring=bad))


def test_best_sub_pair_matches_a_plain_loop():
    from aligner.align.core import _best_sub_pair

    rng = np.random.default_rng(4)
    X = rng.normal(size=(8, 6)).astype(np.float32)
    Y = rng.normal(size=(7, 6)).astype(np.float32)
    for a, b in [(2, 2), (1, 3), (2, 1)]:
        rows = np.arange(a, 9)
        Jc = np.tile(np.arange(b, 8), (len(rows), 1))
        got = _best_sub_pair(X, Y, rows, Jc, a, b)
        for r, i in enumerate(rows):
            for c, j in enumerate(Jc[r]):
                want = max(float(X[ii] @ Y[jj]) for ii in range(i - a, i) for jj in range(j - b, j))
                assert got[r, c] == pytest.approx(want, abs=1e-5)


def test_sub_penalty_charges_a_two_two_bead_its_shortfall():
    """A 2-2 bead whose merged sides match worse than its best single sentence pair pays the
    difference (times `sub_penalty`); 1-2 beads and 2-2 beads that match better pay nothing."""
    from aligner.align.core import _band_scores, _best_sub_pair, _Scoring, _Side, full_band

    rng = np.random.default_rng(8)
    X = _unit_rows(rng.normal(size=(6, 16)))
    Y = _unit_rows(X + 0.6 * rng.normal(size=(6, 16)))
    src, tgt = _Side(X, np.full(6, 40.0), None), _Side(Y, np.full(6, 40.0), None)
    for side in (src, tgt):
        side.prepare({1, 2})
        side.set_knn(np.zeros(6), np.zeros(6), np.zeros(6), {1, 2})
    lo, hi = full_band(6, 6)
    sc = _Scoring(ref=0.5, skip=0.1, log_ratio=0.0)
    for a, b in [(2, 2), (1, 2)]:
        free = _band_scores(src, tgt, lo, hi, a, b, AlignParams(sub_penalty=0.0), sc)
        paid = _band_scores(src, tgt, lo, hi, a, b, AlignParams(sub_penalty=1.0), sc)
        rows = np.arange(a, 7)
        Jc = np.tile(np.arange(0, 7), (len(rows), 1))
        sim = np.einsum("rd,rwd->rw", src.spans[a][rows], tgt.spans[b][np.maximum(Jc, 0)])
        short = np.maximum(0.0, _best_sub_pair(X, Y, rows, np.maximum(Jc, b), a, b) - sim)
        valid = Jc >= b
        diff = (free[a:] - paid[a:])[:, :7]
        if (a, b) == (2, 2):
            assert np.allclose(diff[valid], short[valid], atol=1e-5) and short[valid].max() > 0
        else:
            assert np.allclose(diff[valid], 0.0)


def _unit_rows(v):
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


@pytest.mark.parametrize("skip_cost, expected", [(None, AlignParams().contrast_skip), (0.05, 0.05)])
def test_every_pass_charges_the_contrast_skip_cost(skip_cost, expected):
    """The scoring estimated for any pass (coarse levels included) carries the one-sided cost; a
    zero cost there once let the coarse path of long repeated documents skip everything."""
    from aligner.align.core import _estimate_scoring, _Side

    X, Y = build(list(range(12)), 12)
    src, tgt = _Side(X, np.full(12, 40.0), None), _Side(Y, np.full(12, 40.0), None)
    for side in (src, tgt):
        side.prepare({1})
        side.set_knn(np.full(12, 0.1), np.full(12, 0.9), np.zeros(12), {1})
    assert _estimate_scoring(src, tgt, AlignParams(skip_cost=skip_cost)).contrast_skip == expected
    empty = _Side(X[:0], np.zeros(0), None)
    empty.prepare({1})
    assert _estimate_scoring(empty, tgt, AlignParams(skip_cost=skip_cost)).contrast_skip == expected


@pytest.mark.parametrize("delta, expected", [
    (0.0, [(1, 1), (0, 1), (1, 1)]),  # tgt 1 lowers the 1-2 bead's cosine: split off as one-sided
    (0.5, [(1, 2), (1, 1)]),  # ... but not by more than 0.5: the bead stays
])
def test_split_one_sided_takes_an_edge_sentence_out_of_a_merged_side(delta, expected):
    from aligner.align.contrast import _split_one_sided
    from aligner.align.core import _Side

    rng = np.random.default_rng(3)
    a, b, c = (v / np.linalg.norm(v) for v in rng.normal(size=(3, 16)))
    X = np.stack([a, b]).astype(np.float32)
    Y = np.stack([a, c, b]).astype(np.float32)  # tgt 1 (c) is unrelated to everything
    src, tgt = _Side(X, np.full(2, 50.0), None), _Side(Y, np.full(3, 50.0), None)
    src.prepare({1, 2})
    tgt.prepare({1, 2})
    stats: dict = {}
    assert _split_one_sided([(1, 2), (1, 1)], src, tgt, delta, stats) == expected
    assert stats["split_one_sided"] == len(expected) - 2


def test_edge_tests_take_out_a_sentence_the_lengths_glued_in():
    """The case above with the defaults: the tgt sentence carries meaning 10 only, so the bead's cosine
    rises by far more than `split_one_sided` without 11, which leaves as a one-sided bead whatever the
    lengths say."""
    recipe = list(range(10)) + [(10, 11)] + list(range(12, 20))
    X, Y = build(recipe, 20)
    Y[10] = X[10]
    long_ = [50] * 19
    long_[10] = 100
    got = pairs(align(X, Y, src_len=[50] * 20, tgt_len=long_, params=AlignParams()))
    assert ((10,), (10,)) in got and ((11,), ()) in got


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lazy_refinement_gives_the_eager_path_for_fewer_strings(seed):
    """Uncertain concatenations encoded only when a DP path wants them: with a slack that bounds how much
    better a real vector can score than the sum, the path is the one of encoding them all up front."""
    recipe = list(range(10)) + [(10, 11)] + list(range(12, 25)) + [None] + list(range(25, 33)) + [(33, 34, 35)] \
        + list(range(36, 50))
    X, Y = build(recipe, 50, seed)
    M = meanings(50 + 50, seed)

    def run(**kw):
        asked = []

        def embed_spans(side, spans):
            asked.extend((side, s, e) for s, e in spans)
            return np.array([M[s:e].sum(0) if side == "src" else Y[s:e].sum(0) for s, e in spans])

        stats: dict = {}
        beads = align(X, Y, embed_spans=embed_spans, params=AlignParams(**kw), stats=stats)
        assert stats["strings_encoded"] == len(asked) == len(set(asked))
        return pairs(beads), asked, stats

    eager, asked_eager, _ = run(refine_lazy=False)
    lazy, asked_lazy, stats = run(refine_lazy=True, lazy_slack=1.0)
    assert lazy == eager
    assert ((10, 11), (10,)) in lazy and ((33, 34, 35), (33,)) in lazy and ((), (24,)) in lazy
    assert set(asked_lazy) < set(asked_eager)
    assert stats["lazy_rounds"] >= 2
    # no slack: a pending span competes with its plain sum; the path still ends on real vectors only
    _, asked0, _ = run(refine_lazy=True, lazy_slack=0.0)
    assert len(asked0) <= len(asked_lazy)


def test_knn_skip_lowers_the_skip_cost_of_sentences_the_knn_scoring_leaves_one_sided():
    """`knn_skip` (off by default): the contrast scoring charges this instead of `contrast_skip` for the
    sentences a sums-only knn alignment leaves one-sided; an inserted sentence is among them."""
    recipe = list(range(15)) + [None] + list(range(15, 30))
    X, Y = build(recipe, 30)
    from aligner.align import contrast
    seen = {}
    orig = contrast.ContrastScoring.skip_costs

    def spy(side, sc, p):
        cost = orig(side, sc, p)
        seen.setdefault(side.n, []).append(cost)
        return cost

    contrast.ContrastScoring.skip_costs = staticmethod(spy)
    try:
        beads = align(X, Y, params=AlignParams(knn_skip=0.0))
    finally:
        contrast.ContrastScoring.skip_costs = staticmethod(orig)
    assert ((), (15,)) in pairs(beads)
    tgt_cost = seen[31][-1]
    assert tgt_cost[15] == 0.0 and (np.delete(tgt_cost, 15) == 0.02).all()
    assert (seen[30][-1] == 0.02).all()
