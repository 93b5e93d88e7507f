"""One-sided sentences inside large beads (issue 14): the core of a bead re-chosen after the DP.

Most one-sided gold sentences the contrast DP misses on Text+Berg sit inside beads with a side of
3-4 sentences (captions, ads, OCR debris glued to a translation: "■ iv V V .", "Meine Anschrift :"),
often in the middle of the side, where no edge test reaches them. Such beads are also the DP's least
reliable ones (most 1-4 / 4-1 test beads are wrong). `split_cores` takes every two-sided bead whose
larger side has at least `min_side` sentences and re-chooses, inside it, its *core*: a contiguous
run of each side aligned together, every other sentence of the bead left one-sided (or all of them
one-sided). Each choice is worth the contrast scoring's own bead value of the core (real vectors
of its sides, encoded here when the DP never asked for them) minus `skip` per one-sided sentence;
the bead itself is one of the choices (nothing outside), so with `skip` equal to the DP's skip cost
the choice mostly repeats the DP's. A lower `skip` lets the bead shed what does not belong to it,
locally, where the DP's document-wide skip cost keeps whole runs glued.

The default keeps the DP's skip cost (0.02) for ordinary sentences and lets only *alien* ones go
cheaply (`alien`: closer to the other document's language than to their own; an untranslated ad,
OCR debris): lower costs for every sentence found more on the tuning documents but lost on the
held-out ones. Optionally (`knn_skip`), the sentences a knn alignment over sums leaves one-sided get
their own cost: a local ensemble of the two scorings; `distinct_below` drops the marks of sentences whose
best match stands out (a crossed pair has a translation, only elsewhere). With `gap_side`, a core may
leave out an interior run of a side (a non-contiguous bead, as the gold has around captions and debris),
for sentences `gap_need` marks at `gap_skip`. All three are options: they find more one-sided sentences
on the tuning documents and lose on the held-out ones. Figures: docs/alignment.md.
"""

from __future__ import annotations

import numpy as np

from aligner.align.sides import _Side, run_vector


def _choices(a: int, b: int):
    """Every (s0, s1, t0, t1) inside a bead of a x b sentences (offsets), both runs non-empty, and
    (0, 0, 0, 0): all one-sided."""
    out = [(0, 0, 0, 0)]
    for s0 in range(a):
        for s1 in range(s0 + 1, a + 1):
            for t0 in range(b):
                for t1 in range(t0 + 1, b + 1):
                    out.append((s0, s1, t0, t1))
    return out


def _missing(side: _Side, start: int, end: int) -> bool:
    """A run of 2+ sentences whose vector is still the sum of its sentences (never encoded)."""
    return end - start >= 2 and (start, end) not in side.real


def _gapped_sets(k: int):
    """Offsets of a side of k sentences with one interior run left out: [x, y) minus [g0, g1), x < g0 < g1 < y.
    The gold itself pairs such sets when a caption or a stray fragment sits inside a sentence's translation
    (Text+Berg 002: [75, 77]:[64] around "Rechts der Dom ."; 003: [29, 31]:[31] around "A")."""
    out = []
    for x in range(k):
        for y in range(x + 3, k + 1):
            for g0 in range(x + 1, y - 1):
                for g1 in range(g0 + 1, y):
                    out.append(tuple(range(x, g0)) + tuple(range(g1, y)))
    return out


def _runs(idx: tuple) -> list[tuple[int, int]]:
    """Sorted indices as maximal runs [start, end)."""
    runs, start = [], idx[0]
    for a, b in zip(idx, idx[1:] + (None,)):
        if b != a + 1:
            runs.append((start, a + 1))
            start = b
    return runs


def _set_vec(side: _Side, idx: tuple, runs: list | None = None) -> np.ndarray:
    """A side made of one or two runs: the normalised sum of the runs' vectors (no string holds a
    non-contiguous side, so it is never encoded). `runs` splits the side otherwise (its hull as the
    sum of the same runs plus the gap, to compare like with like)."""
    runs = runs or _runs(idx)
    if len(runs) == 1:
        return run_vector(side, *runs[0])
    v = sum(run_vector(side, s, e) for s, e in runs)
    return v / max(float(np.linalg.norm(v)), 1e-9)


def set_value(src: _Side, tgt: _Side, s_idx: tuple, t_idx: tuple, p, sc, s_runs=None, t_runs=None) -> float:
    """The contrast scoring's bead value (`block_values`) for sides given as index sets, possibly with a
    gap: cosine minus the mean cosine with the sentences just outside each side's ends, times the length
    agreement, minus the paragraph penalty and the 2-2 shortfall."""
    import math

    u, v = _set_vec(src, s_idx, s_runs), _set_vec(tgt, t_idx, t_runs)
    sim = float(u @ v)

    def adj(vec, other: _Side, first: int, last: int) -> float:
        near = [k for k in (first - 1, last + 1) if 0 <= k < other.n]
        return float(np.mean(other.E[near] @ vec)) if near else 0.0

    ads = adj(u, tgt, t_idx[0], t_idx[-1])
    adt = adj(v, src, s_idx[0], s_idx[-1])
    agree = 1.0
    if sc.lengths:
        ls = float(src.lens[list(s_idx)].sum())
        lt = float(tgt.lens[list(t_idx)].sum()) * math.exp(-sc.log_ratio)
        agree = math.log2(1.0 + min(ls, lt) / max(ls, lt, 1e-9))
    val = (sim - 0.5 * (ads + adt)) * agree

    def crosses(side: _Side, idx: tuple) -> float:
        return 0.0 if side.par is None else float(len({side.par[k] for k in idx}) > 1)

    val -= p.paragraph_penalty * (crosses(src, s_idx) + crosses(tgt, t_idx))
    if p.sub_penalty and len(s_idx) >= 2 and len(t_idx) >= 2:
        best = float((src.E[list(s_idx)] @ tgt.E[list(t_idx)].T).max())
        val -= p.sub_penalty * max(0.0, best + p.sub_margin - sim)
    return val


def distinct(side: _Side) -> np.ndarray:
    """Per sentence: how far its best match in the window stands out from its k best (`top - knn`),
    over the median of the same on its side. A sentence whose best match stands out as a typical
    sentence's does (>= 1) has a translation somewhere, even when the path pairs it elsewhere (a crossed
    pair the knn alignment leaves one-sided on both sides: 002, "In jenem Frühjahr 1970" and "En ce
    printemps 1970" ten sentences apart)."""
    d = side.top - side.knn
    return d / max(float(np.median(d)), 1e-6)


def alien(side: _Side, other: _Side) -> np.ndarray:
    """Per sentence of `side`: cosine with the other document's mean vector minus cosine with its own
    document's. Encoders keep the language in the vector, so a sentence in the other document's
    language (an ad in German inside a French text) or debris without a language ("V", ".-^ !") sits
    near or above 0 where the document's own sentences sit well below."""
    own = side.E.mean(0)
    oth = other.E.mean(0)
    own = own / max(float(np.linalg.norm(own)), 1e-9)
    oth = oth / max(float(np.linalg.norm(oth)), 1e-9)
    return side.E @ oth - side.E @ own


def split_cores(steps, src: _Side, tgt: _Side, p, sc, stats: dict, embed_spans=None, *, skip: float,
                min_side: int = 3, max_score: float | None = None, criterion: str = "contrast",
                alien_above: float | None = None, alien_skip: float = 0.0, knn_skip: float | None = None,
                gap_side: int | None = None, regroup: dict | None = None, gap_skip: float | None = None,
                gap_need: str = "any", distinct_below: float | None = None):
    """DP steps with every two-sided bead whose larger side has `min_side`+ sentences replaced by its
    best core (see the module docstring) and one-sided beads around it. `embed_spans`, when given,
    encodes the runs inside those beads the DP never encoded (a few strings per large bead), so every
    core is valued on real vectors. With `max_score`, only beads whose own value is below `max_score`
    x the median value of the document's 1-1 beads (large beads worth less than a typical pair) are
    reconsidered. With `gap_side`, beads whose larger side has `gap_side`+ sentences may also keep a core
    whose side leaves out one interior run (`_gapped_sets`, valued by `set_value`); such a bead stays one
    step (a, b) and `regroup[(i, j)]` receives its pieces as index tuples for `_to_beads`."""
    from aligner.align.onesided import bead_value as _contrast_value

    def bead_value(src, tgt, s0, s1, t0, t1, p, sc):
        if criterion == "contrast":
            return _contrast_value(src, tgt, s0, s1, t0, t1, p, sc)
        return float(src.spans[s1 - s0][s1] @ tgt.spans[t1 - t0][t1])

    skip_s = np.full(src.n, float(skip))
    skip_t = np.full(tgt.n, float(skip))
    if alien_above is not None:
        skip_s[alien(src, tgt) > alien_above] = alien_skip
        skip_t[alien(tgt, src) > alien_above] = alien_skip
    if knn_skip is not None or gap_need in ("knn", "both"):
        for obj in (src, tgt):
            mark = getattr(obj, "skip_mark", None)
            if mark is not None and distinct_below is not None and obj.top is not None:
                obj.skip_mark = mark & (distinct(obj) < distinct_below)
    if knn_skip is not None:
        for obj, arr in ((src, skip_s), (tgt, skip_t)):
            mark = getattr(obj, "skip_mark", None)
            if mark is not None:
                arr[mark] = np.minimum(arr[mark], knn_skip)
    cum_s = np.concatenate([[0.0], np.cumsum(skip_s)])
    cum_t = np.concatenate([[0.0], np.cumsum(skip_t)])
    gap_s, gap_t = skip_s, skip_t  # what a sentence left out inside a gapped core costs
    if gap_skip is not None:
        gap_s, gap_t = np.full(src.n, float(skip)), np.full(tgt.n, float(skip))
        for obj, other, arr in ((src, tgt, gap_s), (tgt, src, gap_t)):
            sel = np.ones(obj.n, dtype=bool)
            if gap_need in ("alien", "both"):
                sel &= alien(obj, other) > (alien_above if alien_above is not None else 0.0)
            if gap_need in ("knn", "both"):
                mark = getattr(obj, "skip_mark", None)
                sel &= mark if mark is not None else False
            arr[sel] = gap_skip
    beads = []
    i = j = 0
    for a, b in steps:
        beads.append((i, a, j, b))
        i += a
        j += b

    def eligible(a, b):
        return a and b and (max(a, b) >= min_side or (gap_side is not None and max(a, b) >= gap_side))

    large = [(i, a, j, b) for i, a, j, b in beads if eligible(a, b)]
    if embed_spans is not None and large:
        from aligner.align.refine import _encode_spans

        stats["core_encoded"] = 0
        for obj, side, runs in ((src, "src", [(i, a) for i, a, _, _ in large]),
                                (tgt, "tgt", [(j, b) for _, _, j, b in large])):
            need = {(start + x, start + y) for start, size in runs for x in range(size)
                    for y in range(x + 2, size + 1) if _missing(obj, start + x, start + y)}
            _encode_spans(obj, side, sorted(need), embed_spans, stats)
            stats["core_encoded"] += len(need)
    if max_score is not None:  # relative to the document's typical 1-1 bead
        ones = [bead_value(src, tgt, i, i + 1, j, j + 1, p, sc) for i, a, j, b in beads if a == 1 and b == 1]
        max_score = max_score * float(np.median(ones)) if ones else float("inf")
        stats["core_weak_below"] = max_score
    out = []
    changed = 0
    for i, a, j, b in beads:
        if not eligible(a, b):
            out.append((a, b))
            continue
        full = bead_value(src, tgt, i, i + a, j, j + b, p, sc)
        if max_score is not None and full >= max_score:
            out.append((a, b))
            continue
        best, pick = full, (0, a, 0, b)
        if gap_side is not None and max(a, b) >= gap_side:
            gs, gt = _gapped_sets(a), _gapped_sets(b)
            runs_s = [tuple(range(x, y)) for x in range(a) for y in range(x + 1, a + 1)]
            runs_t = [tuple(range(x, y)) for x in range(b) for y in range(x + 1, b + 1)]
            total = (cum_s[i + a] - cum_s[i]) + (cum_t[j + b] - cum_t[j])
            gbest, gpick = best, None
            for S, T in [(S, T) for S in gs for T in runs_t + gt] + [(S, T) for S in runs_s for T in gt]:
                kept = sum(skip_s[i + x] for x in S) + sum(skip_t[j + y] for y in T)
                Sa, Ta = tuple(i + x for x in S), tuple(j + y for y in T)
                # the gap's effect measured on sums of the same runs (with and without the gap), added to
                # the hull's own value on real vectors: a sum's optimism does not favour the gap
                Sh, Th = tuple(range(Sa[0], Sa[-1] + 1)), tuple(range(Ta[0], Ta[-1] + 1))
                rs, rt = sorted(_runs(Sa) + _runs(tuple(k for k in Sh if k not in Sa))) if len(Sa) < len(Sh) else None, \
                    sorted(_runs(Ta) + _runs(tuple(k for k in Th if k not in Ta))) if len(Ta) < len(Th) else None
                delta = set_value(src, tgt, Sa, Ta, p, sc) - set_value(src, tgt, Sh, Th, p, sc, rs, rt)
                hull = bead_value(src, tgt, Sh[0], Sh[-1] + 1, Th[0], Th[-1] + 1, p, sc)
                val = hull + delta - (total - kept)
                if gap_skip is not None:  # the left-out interior sentences at their own cost
                    gap = [k for k in Sh if k not in Sa]
                    gapt = [k for k in Th if k not in Ta]
                    val += sum(skip_s[k] - gap_s[k] for k in gap) + sum(skip_t[k] - gap_t[k] for k in gapt)
                if val > gbest + 1e-12:
                    gbest, gpick = val, (S, T)
            if gpick is not None:
                S, T = gpick
                pieces = [(tuple(i + x for x in S), tuple(j + y for y in T))]
                pieces += [((i + x,), ()) for x in range(a) if x not in S]
                pieces += [((), (j + y,)) for y in range(b) if y not in T]
                order = {pc: min([x - i for x in pc[0]] + [y - j for y in pc[1]]) for pc in pieces}
                best_contig = best
                if max(a, b) >= min_side:  # the contiguous cores may still do better
                    for c in _choices(a, b):
                        if c == (0, a, 0, b):
                            continue
                        s0, s1, t0, t1 = c
                        v = -((cum_s[i + a] - cum_s[i]) - (cum_s[i + s1] - cum_s[i + s0])
                              + (cum_t[j + b] - cum_t[j]) - (cum_t[j + t1] - cum_t[j + t0]))
                        if s1 > s0:
                            v += bead_value(src, tgt, i + s0, i + s1, j + t0, j + t1, p, sc)
                        best_contig = max(best_contig, v)
                if gbest > best_contig + 1e-12:
                    changed += 1
                    out.append((a, b))
                    if regroup is not None:
                        regroup[(i, j)] = (a, b, sorted(pieces, key=lambda pc: (order[pc], not pc[0])))
                    continue
        if max(a, b) < min_side:
            out.append((a, b))
            continue
        for s0, s1, t0, t1 in _choices(a, b):
            if (s0, s1, t0, t1) == (0, a, 0, b):
                continue
            val = -((cum_s[i + a] - cum_s[i]) - (cum_s[i + s1] - cum_s[i + s0])
                    + (cum_t[j + b] - cum_t[j]) - (cum_t[j + t1] - cum_t[j + t0]))
            if s1 == s0 and criterion != "contrast":
                continue
            if s1 > s0:
                val += bead_value(src, tgt, i + s0, i + s1, j + t0, j + t1, p, sc)
            if val > best + 1e-12:
                best, pick = val, (s0, s1, t0, t1)
        s0, s1, t0, t1 = pick
        if pick == (0, a, 0, b):
            out.append((a, b))
            continue
        changed += 1
        if s1 == s0:  # all one-sided
            out += [(1, 0)] * a + [(0, 1)] * b
            continue
        out += [(1, 0)] * s0 + [(0, 1)] * t0 + [(s1 - s0, t1 - t0)] + [(1, 0)] * (a - s1) + [(0, 1)] * (b - t1)
    stats["core_changed"] = changed
    return out
