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
their own cost: a local ensemble of the two scorings. Figures: docs/alignment.md.
"""

from __future__ import annotations

import numpy as np

from aligner.align.sides import _Side


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
                alien_above: float | None = None, alien_skip: float = 0.0, knn_skip: float | None = None):
    """DP steps with every two-sided bead whose larger side has `min_side`+ sentences replaced by its
    best core (see the module docstring) and one-sided beads around it. `embed_spans`, when given,
    encodes the runs inside those beads the DP never encoded (a few strings per large bead), so every
    core is valued on real vectors. With `max_score`, only beads whose own value is below `max_score`
    x the median value of the document's 1-1 beads (large beads worth less than a typical pair) are
    reconsidered."""
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
    if knn_skip is not None:
        for obj, arr in ((src, skip_s), (tgt, skip_t)):
            mark = getattr(obj, "skip_mark", None)
            if mark is not None:
                arr[mark] = np.minimum(arr[mark], knn_skip)
    cum_s = np.concatenate([[0.0], np.cumsum(skip_s)])
    cum_t = np.concatenate([[0.0], np.cumsum(skip_t)])
    beads = []
    i = j = 0
    for a, b in steps:
        beads.append((i, a, j, b))
        i += a
        j += b
    large = [(i, a, j, b) for i, a, j, b in beads if a and b and max(a, b) >= min_side]
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
        if not (a and b and max(a, b) >= min_side):
            out.append((a, b))
            continue
        full = bead_value(src, tgt, i, i + a, j, j + b, p, sc)
        if max_score is not None and full >= max_score:
            out.append((a, b))
            continue
        best, pick = full, (0, a, 0, b)
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
