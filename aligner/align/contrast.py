"""The contrast scoring (default, `align.scoring = "contrast"`): a bead's cosine against the sentences
adjacent to it on the other side, times the agreement of its lengths; real concatenations encoded
where a sentence is not in a confident 1-1 pair; one DP pass. See docs/alignment.md.
"""

from __future__ import annotations

import math

import numpy as np

from aligner.align.arrays import KAPPA, _clamp
from aligner.align.band import band_cells
from aligner.align.params import AlignParams
from aligner.align.refine import _encode_spans
from aligner.align.sides import _Scoring, _Side


class ContrastScoring:
    name = "contrast"
    centred = False  # works on the encoder's own (uncentred) cosines
    values_read_pair_knn = False  # bead values ignore the span neighbourhoods (only the final scores read them)
    values_read_margins = False  # ... and the sentence margins (the first path needs no `_set_margins`)

    @staticmethod
    def block_values(src: _Side, tgt: _Side, U, V, rows: np.ndarray, Jc: np.ndarray, sim, ls, lt, a: int, b: int,
                     p: AlignParams, sc: _Scoring):
        """`(cos - mean adjacent cos) * log2(1 + length agreement) - paragraph penalty [- 2-2 shortfall]`."""
        ads, adt = _adjacent_sims(src, tgt, U, V, rows, Jc, a, b, whole=p.whole_side_background)
        lts = lt * math.exp(-sc.log_ratio)  # tgt lengths in src characters
        agree = (np.log2(1.0 + np.minimum(ls, lts) / np.maximum(np.maximum(ls, lts), 1e-9))
                 if sc.lengths else 1.0)
        val = ((sim - 0.5 * (ads + adt)) * agree
               - p.paragraph_penalty * (src.cross[a][rows][:, None] + tgt.cross[b][Jc]))
        if p.sub_penalty and a >= 2 and b >= 2:
            val = val - p.sub_penalty * np.maximum(0.0, _best_sub_pair(src.E, tgt.E, rows, Jc, a, b) + p.sub_margin - sim)
        ps, pt = src.pending.get(a), tgt.pending.get(b)
        if ps is not None or pt is not None:  # lazy refinement: a side not yet encoded is scored optimistically
            opt = np.zeros(val.shape, dtype=bool)
            if ps is not None:
                opt |= ps[rows][:, None]
            if pt is not None:
                opt |= pt[Jc]
            val = val + sc.pending_slack * opt
        return val

    @staticmethod
    def skip_costs(side: _Side, sc: _Scoring, p: AlignParams) -> np.ndarray:
        cost = np.full(side.n, sc.contrast_skip)
        mark = getattr(side, "skip_mark", None)
        if mark is not None and p.knn_skip is not None:
            cost[mark] = p.knn_skip
        return cost

    @staticmethod
    def decode(src: _Side, tgt: _Side, lo, hi, beads, p: AlignParams, sc: _Scoring, stats: dict, embed_spans,
               **_unused):
        """Real concatenations where they can matter, then one DP pass over all bead types."""
        from aligner.align.dp import _dp

        if embed_spans is not None and p.refine_spans and p.refine_lazy:
            steps = _lazy_refine(src, tgt, lo, hi, beads, embed_spans, p, sc, stats)
        else:
            if embed_spans is not None and p.refine_spans:
                _encode_uncertain_spans(src, tgt, embed_spans, p, sc, stats)
            steps = _dp(src, tgt, lo, hi, beads, p, sc)
        regroup: dict = {}  # non-contiguous beads of the core pass, by the (i, j) where their step starts
        if p.onesided_core is not None:
            from aligner.align.bead_cores import split_cores

            steps = split_cores(steps, src, tgt, p, sc, stats, embed_spans if p.refine_spans else None,
                                skip=p.onesided_core, min_side=p.onesided_core_side, max_score=p.onesided_core_weak,
                                criterion=p.onesided_core_by, alien_above=p.onesided_alien,
                                alien_skip=p.onesided_alien_skip, knn_skip=p.onesided_core_knn,
                                gap_side=p.onesided_core_gaps, regroup=regroup,
                                gap_skip=p.onesided_gap_skip, gap_need=p.onesided_gap_need,
                                distinct_below=p.onesided_core_distinct)
        if p.split_one_sided is not None:
            steps = _split_one_sided(steps, src, tgt, p.split_one_sided, stats)
        if p.onesided_member is not None:
            from aligner.align.onesided import split_members

            steps = split_members(steps, src, tgt, p.onesided_member, stats, p.onesided_window, p.onesided_pair,
                                  sc.log_ratio if p.onesided_length and sc.lengths else None,
                                  None if p.onesided_close is None else (p.onesided_close, p, sc))
        stats["band_cells"] = band_cells(lo, hi)
        stats["skip_cost"] = sc.contrast_skip
        stats["ref_margin"] = sc.ref
        return steps, ({"regroup": regroup} if regroup else {})


CONTRAST = ContrastScoring()


def _adjacent_sims(src: _Side, tgt: _Side, U, V, rows: np.ndarray, Jc: np.ndarray, a: int, b: int,
                   whole: bool = True):
    """For beads (a, b) ending at rows x Jc: the mean cosine of the src span with the tgt sentences just
    before and just after the bead's tgt side, and of the tgt span with the src sentences around its
    src side (the one neighbour there is where a document ends; for a side that is its whole document,
    with `whole`, the document's unrelated level `whole_side_background`, else 0). A bead that leaves out
    part of its translation, or takes in a sentence that belongs next door, has a neighbour that matches
    it well: its contrast drops.

    Two dense products per block (span vectors x the sentences the block can touch), then gathers.
    `rows` are consecutive and every bead starts inside the document (rows >= a, Jc >= b), so a
    neighbour is at most one sentence past either end: the products get a zero border, read where
    that neighbour does not exist, instead of a mask per cell."""
    n, m = src.n, tgt.n
    X, Y = src.E, tgt.E
    r0, r1 = int(rows[0]), int(rows[-1]) + 1
    c0, c1 = int(Jc.min()), int(Jc.max()) + 1
    at = np.arange(r1 - r0)[:, None]
    # src spans x tgt sentences c0-b-1 .. c1 (clipped), between zero columns
    y0, y1 = max(0, c0 - b - 1), min(m, c1 + 1)
    wy = y1 - y0 + 2
    SY = np.zeros((r1 - r0, wy), dtype=np.float32)
    SY[:, 1:-1] = U[r0:r1] @ Y[y0:y1].T
    base = at * wy - y0
    ads = SY.take(Jc + (base - b)) + SY.take(Jc + (base + 1))
    n_ads = np.add(Jc > b, Jc < m, dtype=np.int64)
    ads = ads / np.maximum(n_ads, 1)
    # src sentences r0-a-1 .. r1 (clipped) x tgt spans c0 .. c1, between zero rows
    x0, x1 = max(0, r0 - a - 1), min(n, r1 + 1)
    wx = c1 - c0
    SX = np.zeros((x1 - x0 + 2, wx), dtype=np.float32)
    SX[1:-1] = X[x0:x1] @ V[c0:c1].T
    base = (rows - (x0 - 1)) * wx - c0
    adt = SX.take(Jc + (base - (a + 1) * wx)[:, None]) + SX.take(Jc + base[:, None])
    n_adt = np.add(rows > a, rows < n, dtype=np.int64)[:, None]
    adt = adt / np.maximum(n_adt, 1)
    if whole and (b >= m or a >= n):  # a side that is its whole document has no neighbour: the unrelated level
        bg = whole_side_background(src, tgt)
        if bg:
            ads = np.where(n_ads == 0, np.float32(bg), ads)
            adt = np.where(n_adt == 0, np.float32(bg), adt)
    return ads, adt


def whole_side_background(src: _Side, tgt: _Side) -> float:
    """How well a sentence matches an unrelated sentence of the other side, in this document: the mean cosine
    of the pairs that are neither their row's nor their column's best match (0 when every pair is one).

    Only documents of at most a bead's side (4 sentences) read it: there a bead can hold a whole side, which
    has no adjacent sentence to contrast with. Counting that missing neighbour as a cosine of 0 made the bead
    worth its full cosine, so a 2 x 2 document of two translated pairs became one 2-2 bead (worth ~0.9)
    rather than two 1-1 beads (worth ~0.1 each), and a 1-2 document always a 1-2 bead."""
    if src.whole_bg is None:
        S = src.E @ tgt.E.T
        keep = (S < S.max(1, keepdims=True)) & (S < S.max(0, keepdims=True))
        src.whole_bg = float(S[keep].mean()) if keep.any() else 0.0
    return src.whole_bg

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
        ii = _clamp(rows - a + da - max(r0, 0), 0, S.shape[0] - 1)[:, None]
        for db in range(b):
            jj = _clamp(Jc - b + db - max(c0, 0), 0, S.shape[1] - 1)
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

def _uncertain_spans(src: _Side, tgt: _Side, p: AlignParams, sc: _Scoring, stats: dict):
    """Every concatenation (of a bead size) holding at least one sentence that is not in a confident
    1-1 pair, as {side: [(start, end), ...]}; the others keep the normalised sum of their vectors."""
    cs, ct = _confident(src, tgt, p, sc.log_ratio)
    stats["confident_pairs"] = int(cs.sum())
    out = {}
    for side, obj, conf in (("src", src, cs), ("tgt", tgt, ct)):
        want = []
        for size in sorted(k for k in obj.spans if k >= 2):
            if size > obj.n:
                continue
            bad = np.convolve((~conf).astype(int), np.ones(size, dtype=int), mode="valid") > 0
            want += [(int(s_), int(s_) + size) for s_ in np.flatnonzero(bad)]
        out[side] = want
    return out


def _encode_uncertain_spans(src: _Side, tgt: _Side, embed_spans, p: AlignParams, sc: _Scoring, stats: dict) -> None:
    """Real embeddings for every uncertain concatenation (`_uncertain_spans`), all at once."""
    want = _uncertain_spans(src, tgt, p, sc, stats)
    _encode_spans(src, "src", want["src"], embed_spans, stats)
    _encode_spans(tgt, "tgt", want["tgt"], embed_spans, stats)


def _lazy_refine(src: _Side, tgt: _Side, lo, hi, beads, embed_spans, p: AlignParams, sc: _Scoring, stats: dict):
    """The DP with real concatenations encoded only where the path wants them.

    Every uncertain concatenation (`_uncertain_spans`) starts as the normalised sum of its sentences,
    scored optimistically (`pending_slack` added to its beads' values). The DP runs; the uncertain
    spans on its path are encoded for real; the DP runs again, until its path uses real vectors
    only. When the slack bounds how much better a real vector can score than the sum, the path is
    the one encoding every uncertain span would give, at the cost of the spans some path wanted.
    """
    from aligner.align.dp import _dp

    want = _uncertain_spans(src, tgt, p, sc, stats)
    sc.pending_slack = p.lazy_slack
    for obj, side in ((src, "src"), (tgt, "tgt")):
        obj.pending = {}
        for s_, e_ in want[side]:
            arr = obj.pending.setdefault(e_ - s_, np.zeros(obj.n + 1, dtype=bool))
            arr[e_] = True
    rounds = 0
    scores: dict = {}
    memo: dict = {}  # the programme's rows: a pass restarts at the first row whose bead values changed
    try:
        while True:
            steps = _dp(src, tgt, lo, hi, beads, p, sc, scores=scores, rows_memo=memo)
            rounds += 1
            need = {"src": [], "tgt": []}
            i = j = 0
            for a, b in steps:
                if a >= 2 and a in src.pending and src.pending[a][i + a]:
                    need["src"].append((i, i + a))
                if b >= 2 and b in tgt.pending and tgt.pending[b][j + b]:
                    need["tgt"].append((j, j + b))
                i += a
                j += b
            if not need["src"] and not need["tgt"] or rounds > p.lazy_rounds:
                break
            for obj, side in ((src, "src"), (tgt, "tgt")):
                _encode_spans(obj, side, need[side], embed_spans, stats)
                for s_, e_ in need[side]:
                    obj.pending[e_ - s_][e_] = False
            _rescore(src, tgt, lo, hi, p, sc, scores, need)
            # a src span ending at state i changes row i; a tgt span ending at j the rows whose band holds j
            memo["start"] = min([e_ for _, e_ in need["src"]]
                                + [int(np.searchsorted(hi, e_, side="right")) for _, e_ in need["tgt"]])
    finally:
        src.pending, tgt.pending = {}, {}
    stats["lazy_rounds"] = rounds
    return steps


def _rescore(src: _Side, tgt: _Side, lo, hi, p: AlignParams, sc: _Scoring, scores: dict, changed: dict) -> None:
    """Recompute the bead values that newly encoded spans change: a src span of a sentences ending at
    state i changes row i of every (a, *) table; a tgt span of b sentences ending at j changes column
    j of every (*, b) table (the rows whose band holds j)."""
    from aligner.align.dp import _band_column, _band_scores

    rows: dict[tuple[int, int], set[int]] = {}
    for s_, e_ in changed["src"]:
        for (a, b) in scores:
            if a == e_ - s_:
                rows.setdefault((a, b), set()).add(e_)
    for (a, b), rs in rows.items():
        _band_scores(src, tgt, lo, hi, a, b, p, sc, rows=sorted(rs), out=scores[(a, b)])
    for s_, e_ in changed["tgt"]:
        for (a, b) in scores:
            if b == e_ - s_:
                _band_column(src, tgt, lo, hi, a, b, p, sc, e_, scores[(a, b)])


def _split_one_sided(steps, src: _Side, tgt: _Side, delta: float, stats: dict):
    """Sentences at the edge of a merged side whose removal raises the bead's cosine by more than `delta`
    become one-sided beads (bead vs sub-bead similarity, with the vectors the DP used)."""
    from aligner.align.onesided import peel

    out = []
    i = j = 0
    split = 0
    for a, b in steps:
        if a and b and a + b >= 3:
            def cos(s0, s1, t0, t1):
                return float(src.spans[s1 - s0][s1] @ tgt.spans[t1 - t0][t1])
            s0, s1, t0, t1 = i, i + a, j, j + b
            changed = True
            pre, post = [], []
            while changed and (s1 - s0) + (t1 - t0) >= 3:
                changed = False
                full = cos(s0, s1, t0, t1)
                cands = []
                if s1 - s0 >= 2:
                    cands += [(cos(s0 + 1, s1, t0, t1), "s0"), (cos(s0, s1 - 1, t0, t1), "s1")]
                if t1 - t0 >= 2:
                    cands += [(cos(s0, s1, t0 + 1, t1), "t0"), (cos(s0, s1, t0, t1 - 1), "t1")]
                best, which = max(cands)
                if best - full > delta:
                    changed = True
                    split += 1
                    s0, s1, t0, t1 = peel(which, s0, s1, t0, t1, pre, post)
            out += pre + [(s1 - s0, t1 - t0)] + post
        else:
            out.append((a, b))
        i += a
        j += b
    stats["split_one_sided"] = split
    return out
