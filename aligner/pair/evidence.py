"""Sentence-level evidence that two documents are translations of each other.

Everything here works on arrays: `a` (n, d) and `b` (m, d) are the L2-normalised
sentence embeddings of the two documents. The decision combines

* mutual best matches under ratio margin scoring (Artetxe & Schwenk 2019): a
  sentence pair counts when each is the other's best match and its cosine stands
  out from the k nearest alternatives of both sides by `margin_threshold`;
* local order agreement of those matches: in a translation, the match of the next
  matched sentence is the next sentence (give or take a few one-sided ones), which
  chance-corrected is ~1 for translations (paragraph moves break it only once) and
  ~0 for same-topic documents whose occasional matches land anywhere;
* the length ratio (a short excerpt of a long article is not its translation);
* topic similarity (mean best-match cosine), which alone can only reach "comparable".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from aligner.config import PairConfig


@dataclass
class PairEvidence:
    """The numbers behind one pair's decision (rounded copies go into DocPair.evidence)."""

    n_src: int
    n_tgt: int
    matches: int
    match_share: float
    mean_match_margin: float
    order_agreement: float
    kendall_tau: float | None
    length_ratio_chars: float
    length_ratio_sentences: float
    translation_evidence: float
    doc_cosine: float
    best_match_cosine: float
    topic_similarity: float
    score: float

    def to_dict(self) -> dict[str, Any]:
        # written out rather than through a helper: every candidate pair of a large corpus passes here
        return {
            "sentences": [self.n_src, self.n_tgt],
            "matches": self.matches,
            "match_share": round(float(self.match_share), 4),
            "mean_match_margin": round(float(self.mean_match_margin), 4),
            "order_agreement": round(float(self.order_agreement), 4),
            "kendall_tau": None if self.kendall_tau is None else round(float(self.kendall_tau), 4),
            "length_ratio_chars": round(float(self.length_ratio_chars), 4),
            "length_ratio_sentences": round(float(self.length_ratio_sentences), 4),
            "translation_evidence": round(float(self.translation_evidence), 4),
            "doc_cosine": round(float(self.doc_cosine), 4),
            "best_match_cosine": round(float(self.best_match_cosine), 4),
            "topic_similarity": round(float(self.topic_similarity), 4),
        }


def margin_matrix(sim: np.ndarray, k: int) -> np.ndarray:
    """Ratio margin: cos(x, y) over the mean of (avg cos of x to its k NN, avg cos of y to its k NN)."""
    n, m = sim.shape
    kx, ky = max(1, min(k, m)), max(1, min(k, n))
    # partition instead of a full sort: O(n*m) rather than O(n*m log m)
    knn_x = -np.partition(-sim, kx - 1, axis=1)[:, :kx].mean(axis=1)
    knn_y = -np.partition(-sim, ky - 1, axis=0)[:ky, :].mean(axis=0)
    denom = (knn_x[:, None] + knn_y[None, :]) / 2.0
    # A ratio needs a positive neighbourhood; where an encoder's cosines hover around zero the
    # neighbourhood mean can be <= 0 and the ratio would explode or flip sign: use 1 + the
    # distance margin (sim - denom) there, which orders candidates the same way.
    safe = denom > 0.05
    if safe.all():  # the usual case: the same values as the np.where below, three array passes fewer
        return sim / denom
    return np.where(safe, sim / np.where(safe, denom, 1.0), 1.0 + (sim - denom))


def mutual_matches(margins: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index pairs (i, j) that are each other's best margin match with margin >= threshold, sorted by i."""
    if margins.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    best_j = margins.argmax(axis=1)
    best_i = margins.argmax(axis=0)
    i = np.arange(margins.shape[0])
    keep = (best_i[best_j] == i) & (margins[i, best_j] >= threshold)
    return i[keep], best_j[keep], margins[i[keep], best_j[keep]]


_LGAMMA: list[float] = [math.inf]


def _lgamma_table(n: int) -> list[float]:
    """math.lgamma(x) for x = 0..n (once per process: the binomial tail asks for it per document pair)."""
    while len(_LGAMMA) <= n:
        _LGAMMA.append(math.lgamma(len(_LGAMMA)))
    return _LGAMMA


def _binomial_tail(successes: int, trials: int, p: float) -> float:
    """P(X >= successes) for X ~ Binomial(trials, p) (normal approximation for long documents)."""
    if successes <= 0:
        return 1.0
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    if trials > 400:
        mean, sd = trials * p, math.sqrt(trials * p * (1 - p))
        return 0.5 * math.erfc((successes - 0.5 - mean) / (sd * math.sqrt(2)))
    log_p, log_q = math.log(p), math.log1p(-p)
    lg = _lgamma_table(trials + 1)
    top_n = lg[trials + 1]
    terms = [top_n - lg[x + 1] - lg[trials - x + 1] + x * log_p
             + (trials - x) * log_q for x in range(successes, trials + 1)]
    top = max(terms)
    exp = math.exp
    # sum() of floats adds them in order from the left, as this loop's list does (the same value, faster)
    return min(1.0, exp(top) * sum([exp(t - top) for t in terms]))


def match_weights(margins: np.ndarray, threshold: float) -> np.ndarray:
    """Weight of each accepted match: 0.5 at the margin threshold, 1 at twice its distance from 1.

    A match that barely clears the threshold is weaker evidence than one that stands out
    clearly; the soft weight keeps a handful of borderline matches between same-topic
    documents from adding up to a translation.
    """
    if threshold <= 1.0:
        return np.ones_like(margins, dtype=np.float64)
    return np.clip((margins - 1.0) / (2.0 * (threshold - 1.0)), 0.0, 1.0)


def order_agreement(i: np.ndarray, j: np.ndarray, n_tgt: int, slack: int) -> float:
    """Chance-corrected share of consecutive matches whose targets advance by a plausible step.

    A step from match (i1, j1) to the next (i2, j2) agrees when 0 < j2 - j1 <= (i2 - i1) + slack.
    A random target lands in that window with probability ~ window / n_tgt; the share is
    corrected for that chance (unordered matches score ~0, a translation ~1) and scaled by
    the confidence that the agreement is not luck (1 - binomial tail probability), so that
    three lucky steps among a handful of matches are not taken for a translation's order.
    One match (or none) carries no order information: 1.0 (or 0.0 without matches).
    """
    k = len(i)
    if k == 0:
        return 0.0
    if k == 1:
        return 1.0
    di = np.diff(i)
    dj = np.diff(j)
    window = di + slack
    agree = (dj > 0) & (dj <= window)
    observed = float(agree.mean())
    chance = float(np.minimum(1.0, window / max(1, n_tgt - 1)).mean())
    return _chance_corrected(observed, chance, int(agree.sum()), len(agree))


def _chance_corrected(observed: float, chance: float, successes: int, trials: int) -> float:
    """The observed share of agreeing steps corrected for chance and scaled by the confidence that it is
    not luck (order_agreement's last step, shared by the pair scorers)."""
    if chance >= 1.0:  # documents too short for order to tell anything
        return observed
    corrected = max(0.0, (observed - chance) / (1.0 - chance))
    if corrected == 0.0:  # no better than chance: 0, whatever the confidence (a finite share in [0, 1])
        return 0.0
    return corrected * (1.0 - _binomial_tail(successes, trials, chance))


def kendall_tau(i: np.ndarray, j: np.ndarray, max_items: int = 2000) -> float | None:
    """Kendall's tau-a between matched positions (global monotonicity, for the evidence record)."""
    k = len(i)
    if k < 2:
        return None
    if k > max_items:  # O(k^2): an evenly spaced subsample is plenty for a summary number
        pick = np.linspace(0, k - 1, max_items).astype(int)
        i, j, k = i[pick], j[pick], max_items
    si = np.sign(i[:, None] - i[None, :])
    sj = np.sign(j[:, None] - j[None, :])
    # the products are symmetric with a zero diagonal: the upper triangle's sum is half the whole
    # (integers: exact), without building the triangle's indices
    n_pairs = k * (k - 1) // 2
    return float(int((si * sj).sum()) // 2 / n_pairs)


def _ratio(x: float, y: float) -> float:
    if x <= 0 and y <= 0:
        return 1.0
    return float(min(x, y) / max(x, y))


def _clip01(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


def _mean_along(t: np.ndarray, axis: int, count: int) -> np.ndarray:
    """`t.mean(axis=axis)` for a float array by the very operations numpy's `mean` runs, minus its Python layers.

    The pair stage calls it a few hundred thousand times: numpy's wrapper costs more than the sums.
    """
    ret = np.add.reduce(t, axis)
    return np.true_divide(ret, np.intp(count), out=ret, casting="unsafe", subok=False)


def _mean_of(x: np.ndarray) -> float:
    """`float(x.mean())` for a non-empty 1-D float array, by the same operations (sum, then divide in its dtype)."""
    s = np.add.reduce(x)
    return float(s.dtype.type(s / np.intp(len(x))))


def score_pair(a: np.ndarray, b: np.ndarray, chars_src: int, chars_tgt: int, config: PairConfig,
               mean_src: np.ndarray | None = None, mean_tgt: np.ndarray | None = None) -> PairEvidence:
    """All evidence for one pair of documents and the combined score in [0, 1].

    `mean_src` / `mean_tgt`: the documents' mean sentence vectors, when the caller has them already.
    The steps are those of `margin_matrix`, `mutual_matches`, `match_weights`, `order_agreement` and
    `kendall_tau`, written out here with the same numpy operations on the same arrays (so the same bits,
    tests/test_pair.py checks it) but without their wrappers: a large corpus scores this for every
    ANN candidate, and numpy's per-call overhead, not arithmetic, was most of the pair stage's time.
    """
    n, m = len(a), len(b)
    if n == 0 or m == 0:
        return PairEvidence(n, m, 0, 0.0, 0.0, 0.0, None, _ratio(chars_src, chars_tgt), _ratio(n, m),
                            0.0, 0.0, 0.0, 0.0, 0.0)
    sim = a @ b.T
    # margin_matrix(sim, config.margin_k)
    k_nn = config.margin_k
    kx, ky = max(1, min(k_nn, m)), max(1, min(k_nn, n))
    neg = -sim
    part = neg.copy()  # np.partition's own copy
    part.partition(kx - 1, axis=1)
    knn_x = _mean_along(-part[:, :kx], 1, kx)
    neg.partition(ky - 1, axis=0)  # `neg` is not needed unpartitioned any more
    knn_y = _mean_along(-neg[:ky, :], 0, ky)
    denom = (knn_x[:, None] + knn_y[None, :]) / 2.0
    if denom.min() > 0.05:  # every entry (a NaN fails this as `(denom > 0.05).all()` does)
        margins = sim / denom
    else:
        safe = denom > 0.05
        margins = np.where(safe, sim / np.where(safe, denom, 1.0), 1.0 + (sim - denom))
    # mutual_matches(margins, config.margin_threshold)
    threshold = config.margin_threshold
    best_j = margins.argmax(axis=1)
    best_i = margins.argmax(axis=0)
    rows = np.arange(n)
    best = margins[rows, best_j]
    keep = (best_i[best_j] == rows) & (best >= threshold)
    i, j, mv = rows[keep], best_j[keep], best[keep]
    k = len(i)
    if threshold <= 1.0:
        match_share = 2.0 * float(k) / (n + m)
    elif k:
        weights = ((mv - 1.0) / (2.0 * (threshold - 1.0))).clip(0.0, 1.0)
        match_share = 2.0 * float(np.add.reduce(weights)) / (n + m)
    else:
        match_share = 0.0
    order = _order_agreement_sorted(i, j, m, config.order_slack)
    da = a.mean(axis=0) if mean_src is None else mean_src
    db = b.mean(axis=0) if mean_tgt is None else mean_tgt
    best_match = (_mean_of(sim.max(axis=1)) + _mean_of(sim.max(axis=0))) / 2.0
    return _combined(config, n, m, k, match_share, _mean_of(mv) if k else 0.0, order, kendall_tau(i, j),
                     chars_src, chars_tgt, da, math.sqrt(float(da @ da)), db, best_match)


def _combined(config: PairConfig, n: int, m: int, k: int, match_share: float, mean_margin: float, order: float,
              tau: float | None, chars_src: int, chars_tgt: int, da: np.ndarray, na: float, db: np.ndarray,
              best_match: float) -> PairEvidence:
    """A pair's measured parts (matches, order, mean vectors, best-match cosine) combined into its evidence
    and score: the length factor, the document cosine, the topic similarity and their weighting."""
    length_chars = _ratio(chars_src, chars_tgt)
    length_factor = min(1.0, length_chars / config.min_length_ratio) if config.min_length_ratio > 0 else 1.0
    translation = match_share * order * length_factor
    nb = math.sqrt(float(db @ db))
    doc_cos = float(da @ db) / (na * nb) if na > 0 and nb > 0 else 0.0
    span = config.topic_ceiling - config.topic_floor
    topic = _clip01((best_match - config.topic_floor) / span) if span > 0 else float(best_match >= config.topic_floor)
    w = _clip01(config.topic_weight)
    score = _clip01((1.0 - w) * translation + w * topic)
    return PairEvidence(
        n_src=n, n_tgt=m, matches=k, match_share=match_share, mean_match_margin=mean_margin,
        order_agreement=order, kendall_tau=tau,
        length_ratio_chars=length_chars, length_ratio_sentences=_ratio(n, m),
        translation_evidence=translation, doc_cosine=doc_cos, best_match_cosine=best_match,
        topic_similarity=topic, score=score,
    )


def _order_agreement_sorted(i: np.ndarray, j: np.ndarray, n_tgt: int, slack: int) -> float:
    """`order_agreement` by the same operations, its two means written out (the same bits)."""
    k = len(i)
    if k == 0:
        return 0.0
    if k == 1:
        return 1.0
    window = (i[1:] - i[:-1]) + slack
    dj = j[1:] - j[:-1]
    agree = (dj > 0) & (dj <= window)
    successes, trials = int(np.count_nonzero(agree)), k - 1
    observed = successes / trials  # a mean of booleans: an exact count over the steps
    chance = _mean_of(np.minimum(1.0, window / max(1, n_tgt - 1)))
    return _chance_corrected(observed, chance, successes, trials)


def relation_for(score: float, config: PairConfig) -> str:
    """The thresholds decide: parallel >= parallel_threshold > comparable >= comparable_threshold > unrelated."""
    if score >= config.parallel_threshold:
        return "parallel"
    if score >= config.comparable_threshold:
        return "comparable"
    return "unrelated"


def score_pairs(a: np.ndarray, bs: list[np.ndarray], chars_src: int, chars_tgt: list[int], config: PairConfig,
                mean_src: np.ndarray | None = None, mean_tgt: list | None = None) -> list[PairEvidence]:
    """`score_pair(a, b)` for every `b` of `bs` (one source document, its candidate targets): the same numbers."""
    return score_blocks([(a, bs, chars_src, chars_tgt, mean_src, mean_tgt)], config)[0]


def score_blocks(blocks: list[tuple], config: PairConfig) -> list[list[PairEvidence]]:
    """`score_pairs` for several sources at once: one list of evidence per block `(a, bs, chars_src, chars_tgt,
    mean_src, mean_tgt)` (a source, its candidate targets, their lengths in characters and mean vectors or None).

    A corpus of 10,000 documents has ~205,000 candidate pairs; one pair at a time, then one source at a time,
    numpy's per-call overhead on small arrays was most of their cost. Here, per source, the targets'
    similarity matrices sit side by side (n x sum of the targets' lengths) and the margins, every row's and
    column's best match and the mutual matches are found on all of them at once; then the matches of every
    pair of every block are counted together (order steps, Kendall's tau, the means). What a pair's numbers
    depend on in float order stays per pair and by the same operations on the same arrays: each product
    `a @ b.T` (BLAS blocks a wider product differently, so its last bits would move), the row side of the
    margins (a partition's order decides the sum's) and every mean (`_segment_sums`: numpy's own order).
    tests/test_pair.py checks the result against `score_pair`, bit for bit, over shapes and settings.
    """
    outs: list[list] = []
    parts = []  # (block index, batched targets, their similarity matrices side by side, each one)
    for s, (a, bs, chars_src, chars_tgt, mean_src, mean_tgt) in enumerate(blocks):
        r, n = len(bs), len(a)
        mean_tgt = list(mean_tgt) if mean_tgt is not None else [None] * r
        out: list = [None] * r
        # one-sentence sides keep the per-pair path: numpy reduces a one-column block in another order
        batch = [c for c in range(r) if len(bs[c]) > 1] if n > 1 else []
        sims = [a @ bs[c].T for c in batch]
        S = np.concatenate(sims, axis=1) if batch else None
        if S is not None and not np.isfinite(S).all():  # NaN/inf: the elementwise tricks below assume finite values
            batch, sims, S = [], [], None
        in_batch = set(batch)
        for c in range(r):
            if c not in in_batch:
                out[c] = score_pair(a, bs[c], chars_src, chars_tgt[c], config, mean_src, mean_tgt[c])
        outs.append(out)
        if S is not None:
            parts.append((s, batch, S, sims))
    if parts:
        knn_x = iter(_row_neighbourhoods([sim for *_, sims in parts for sim in sims], config.margin_k))
        knn_rows = [[next(knn_x) for _ in sims] for *_, sims in parts]
        matches = _grouped_matches([S for _, _, S, _ in parts], [sims for *_, sims in parts], knn_rows, config)
        parts = [(s, batch, found) for (s, batch, _, _), found in zip(parts, matches)]
        _finish(blocks, parts, outs, config)
    return outs


def _row_neighbourhoods(sims: list[np.ndarray], k_nn: int) -> list[np.ndarray]:
    """margin_matrix's row side of each similarity matrix: each row's mean cosine to its k nearest columns.

    The same operations as for one matrix, on the rows of every matrix of one width at once: a partition
    treats each row on its own (its order, which decides the sum's, is the row's own), and so does the sum.
    """
    out: list = [None] * len(sims)
    by_width: dict[int, list[int]] = {}
    for q, sim in enumerate(sims):
        by_width.setdefault(sim.shape[1], []).append(q)
    for m, qs in by_width.items():
        kx = max(1, min(k_nn, m))
        part = -np.concatenate([sims[q] for q in qs], axis=0)
        part.partition(kx - 1, axis=1)
        means = _mean_along(-part[:, :kx], 1, kx)
        lo = 0
        for q in qs:
            out[q] = means[lo:lo + len(sims[q])]
            lo += len(sims[q])
    return out


def _grouped_matches(Ss: list[np.ndarray], sims: list[list[np.ndarray]], knn_rows: list[list[np.ndarray]],
                     config: PairConfig) -> list[tuple]:
    """`_source_matches` of every source, those with as many sentences side by side in one call.

    Every step there works on each column on its own (the partition and the sums of the column side,
    the elementwise margins, each column's best row) or on one target's columns (its rows' best
    matches, exact maxima): sources of one height put side by side give each source the numbers it
    gets alone, with one set of numpy calls per height rather than per source (~11 targets each).
    """
    out: list = [None] * len(Ss)
    by_height: dict[int, list[int]] = {}
    for p, S in enumerate(Ss):
        by_height.setdefault(S.shape[0], []).append(p)
    for n, ps in by_height.items():
        if len(ps) == 1:
            p = ps[0]
            out[p] = _source_matches(Ss[p], sims[p], knn_rows[p], config)
            continue
        widths, cand, I, J, MV, row_max, col_max = _source_matches(
            np.concatenate([Ss[p] for p in ps], axis=1), [x for p in ps for x in sims[p]],
            [x for p in ps for x in knn_rows[p]], config)
        # back to each source: its targets, their matches (grouped by target), rows and columns
        rb = np.array([len(sims[p]) for p in ps], dtype=np.int64)
        first = np.zeros(len(ps) + 1, dtype=np.int64)
        first[1:] = np.cumsum(rb)
        col_first = np.zeros(len(ps) + 1, dtype=np.int64)
        col_first[1:] = np.cumsum([Ss[p].shape[1] for p in ps])
        cuts = np.searchsorted(cand, first).tolist()
        first, col_first = first.tolist(), col_first.tolist()
        for g, p in enumerate(ps):
            c0, c1, m0, m1 = first[g], first[g + 1], cuts[g], cuts[g + 1]
            out[p] = (widths[c0:c1], cand[m0:m1] - c0, I[m0:m1], J[m0:m1], MV[m0:m1], row_max[c0 * n:c1 * n],
                      col_max[col_first[g]:col_first[g + 1]])
    return out


def _source_matches(S: np.ndarray, sims: list[np.ndarray], knn_rows: list[np.ndarray], config: PairConfig) -> tuple:
    """One source's side-by-side similarities (`S`, made of `sims`, whose row sides of the margins are
    `knn_rows`): (widths, cand, I, J, MV, row_max, col_max).

    The mutual matches by target (`cand`, a position in `sims`), then source sentence `I`: their target
    sentence `J` and margin `MV`; each target's best cosine of every source sentence (`row_max`, target by
    target, flat) and of each of its own sentences (`col_max`).
    """
    n = S.shape[0]
    rb = len(sims)
    widths = np.array([s.shape[1] for s in sims], dtype=np.int64)
    offsets = np.zeros(rb, dtype=np.int64)
    offsets[1:] = np.cumsum(widths)[:-1]
    total = S.shape[1]
    k_nn = config.margin_k
    # margin_matrix: the column side for every target at once (each column is partitioned on its own) ...
    ky = max(1, min(k_nn, n))
    part = -S
    part.partition(ky - 1, axis=0)
    knn_y = _mean_along(-part[:ky, :], 0, ky)
    # ... and the row side pair by pair (`_row_neighbourhoods`)
    knn_x = np.stack(knn_rows, axis=1).astype(np.float32, copy=False)  # as the float32 array it was filled into
    denom = (np.repeat(knn_x, widths, axis=1) + knn_y[None, :]) / 2.0
    if denom.min() > 0.05:
        margins = S / denom
    else:  # elementwise the same as margin_matrix's branch for a pair with a non-positive neighbourhood
        safe = denom > 0.05
        margins = np.where(safe, S / np.where(safe, denom, 1.0), 1.0 + (S - denom))
    # mutual_matches: each row's best target column (first of equals, as argmax) and each column's best row
    row_best = np.maximum.reduceat(margins, offsets, axis=1)  # (n, rb)
    local = np.arange(total, dtype=np.int64) - np.repeat(offsets, widths)
    at_best = margins == np.repeat(row_best, widths, axis=1)
    best_j = np.minimum.reduceat(np.where(at_best, local, total), offsets, axis=1)  # (n, rb)
    best_i = margins.argmax(axis=0)
    rows = np.arange(n)
    keep = (best_i[best_j + offsets[None, :]] == rows[:, None]) & (row_best >= config.margin_threshold)
    cand, I = np.nonzero(keep.T)  # by candidate, then source sentence: each pair's matches in its order
    row_max = np.maximum.reduceat(S, offsets, axis=1).T.ravel()  # (rb * n): target by target
    return widths, cand, I, best_j[I, cand], row_best[I, cand], row_max, S.max(axis=0)


def _finish(blocks: list[tuple], parts: list[tuple], outs: list[list], config: PairConfig) -> None:
    """The batched pairs of every block (`parts`) counted together, and their evidence put into `outs`."""
    threshold = config.margin_threshold
    widths = np.concatenate([p[2][0] for p in parts])
    n_of = np.concatenate([np.full(len(p[1]), len(blocks[p[0]][0]), dtype=np.int64) for p in parts])
    base = np.zeros(len(parts), dtype=np.int64)
    base[1:] = np.cumsum([len(p[1]) for p in parts])[:-1]
    cand = np.concatenate([p[2][1] + b for p, b in zip(parts, base.tolist())])  # a pair's index among all
    I = np.concatenate([p[2][2] for p in parts])
    J = np.concatenate([p[2][3] for p in parts])
    MV = np.concatenate([p[2][4] for p in parts])
    rb = len(widths)
    counts = np.bincount(cand, minlength=rb)
    starts = np.zeros(rb, dtype=np.int64)
    starts[1:] = np.cumsum(counts)[:-1]
    weights = ((MV - 1.0) / (2.0 * (threshold - 1.0))).clip(0.0, 1.0) if threshold > 1.0 else None
    # order_agreement's steps, all pairs at once (a step joins two matches of the same pair)
    window = (I[1:] - I[:-1]) + config.order_slack
    dj = J[1:] - J[:-1]
    same = cand[1:] == cand[:-1]
    agree = (dj > 0) & (dj <= window)
    successes = np.bincount(cand[1:][same & agree], minlength=rb)
    chance_steps = np.minimum(1.0, window / np.maximum(1, widths[cand[1:]] - 1))
    # kendall_tau: concordant minus discordant steps of the matched targets, an integer per pair
    taus = _kendall_numerators(J, cand, counts, starts)
    # best_match: the rows' and columns' best cosines, their means per pair. Every mean and sum of a pair as
    # numpy's own on the pair's 1-D array (`_mean_of`: the sum, then the division in the sum's type)
    row_max = np.concatenate([p[2][5] for p in parts])
    row_starts = np.zeros(rb, dtype=np.int64)
    row_starts[1:] = np.cumsum(n_of)[:-1]
    row_means = _means(_segment_sums(row_max, row_starts, n_of), n_of)
    col_max = np.concatenate([p[2][6] for p in parts])
    col_starts = np.zeros(rb, dtype=np.int64)
    col_starts[1:] = np.cumsum(widths)[:-1]
    col_means = _means(_segment_sums(col_max, col_starts, widths), widths)
    mv_means = _means(_segment_sums(MV, starts, counts), counts)
    weight_sums = _segment_sums(weights, starts, counts).tolist() if weights is not None else None
    steps = np.maximum(counts - 1, 0)
    chances = _means(_segment_sums(chance_steps, starts, steps), steps)

    q = 0
    for s, batch, _ in parts:
        a, bs, chars_src, chars_tgt, mean_src, mean_tgt = blocks[s]
        n = len(a)
        da = a.mean(axis=0) if mean_src is None else mean_src
        na = math.sqrt(float(da @ da))
        out = outs[s]
        for c in batch:
            m, k, st, wins = int(widths[q]), int(counts[q]), int(starts[q]), int(successes[q])
            if threshold <= 1.0:
                match_share = 2.0 * float(k) / (n + m)
            elif k:
                match_share = 2.0 * weight_sums[q] / (n + m)
            else:
                match_share = 0.0
            if k == 0:
                order = 0.0
            elif k == 1:
                order = 1.0
            else:
                order = _chance_corrected(wins / (k - 1), chances[q], wins, k - 1)
            mt = mean_tgt[c] if mean_tgt is not None else None
            db = bs[c].mean(axis=0) if mt is None else mt
            if k < 2:
                tau = None
            elif taus[q] is None:  # very many matches: kendall_tau's own subsample
                tau = kendall_tau(I[st:st + k], J[st:st + k])
            else:
                tau = taus[q] / (k * (k - 1) // 2)
            out[c] = _combined(config, n, m, k, match_share, mv_means[q] if k else 0.0, order, tau,
                               chars_src, chars_tgt[c], da, na, db, (row_means[q] + col_means[q]) / 2.0)
            q += 1


def _segment_sums(values: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """`np.add.reduce(values[s:s + l])` for each segment (0 for an empty one), to the last bit.

    numpy sums fewer than 8 numbers in order from the first (tests/test_pair.py checks it against
    numpy): those segments are summed column by column, all at once, padded with -0.0 (x + -0.0 == x
    for every x, +0.0 included). Longer segments, where numpy's pairwise summation starts, by numpy
    itself: those of one length as the rows of one array (a row of a C-contiguous array is reduced as
    the 1-D array it holds, which the same test checks), one call per length rather than per segment.
    """
    out = np.zeros(len(lengths), dtype=values.dtype)
    short = np.flatnonzero((lengths > 0) & (lengths < 8))
    if len(short):
        ls = lengths[short]
        width = int(ls.max())
        pad = np.full((len(short), width), -0.0, dtype=values.dtype)
        row = np.repeat(np.arange(len(short)), ls)
        first = np.zeros(len(short), dtype=np.int64)
        first[1:] = np.cumsum(ls)[:-1]
        col = np.arange(len(row)) - np.repeat(first, ls)
        pad[row, col] = values[np.repeat(starts[short], ls) + col]
        acc = pad[:, 0].copy()
        for x in range(1, width):
            acc += pad[:, x]
        out[short] = acc
    long = np.flatnonzero(lengths >= 8)
    if len(long):
        ls = lengths[long]
        for length in np.unique(ls).tolist():
            sel = long[ls == length]
            out[sel] = np.add.reduce(values[starts[sel][:, None] + np.arange(length)], axis=1)
    return out


def _means(sums: np.ndarray, lengths: np.ndarray) -> list:
    """`_mean_of` of each segment from its sum: the division in float64 and the result in the sum's type."""
    with np.errstate(invalid="ignore", divide="ignore"):  # empty segments: their mean is never read
        return (sums / lengths.astype(np.intp)).astype(sums.dtype).tolist()


KENDALL_BLOCK = 256  # pairs with more matches than this count their concordance one by one
KENDALL_CELLS = 1 << 20  # entries of one sign array (8 MB of int64)


def _kendall_numerators(J: np.ndarray, cand: np.ndarray, counts: np.ndarray, starts: np.ndarray) -> list:
    """Per pair, sum over its matches a < b of sign(J[b] - J[a]) (kendall_tau's numerator, exactly), or None.

    None for pairs with fewer than two matches or more than KENDALL_BLOCK (kendall_tau itself, with its
    subsample above 2,000, does those). The matches' source positions rise, so only the targets' signs count.
    Pairs with as many matches are counted together: a (pairs x k) array of their targets, its upper pairs.
    """
    out: list = [None] * len(counts)
    small = np.flatnonzero((counts >= 2) & (counts <= KENDALL_BLOCK))
    if not len(small):
        return out
    ks = counts[small]
    for k in np.unique(ks).tolist():
        idx = small[ks == k]
        targets = J[starts[idx][:, None] + np.arange(k)]  # (pairs, k)
        a, b = np.triu_indices(k, 1)
        step = max(1, KENDALL_CELLS // len(a))  # pairs per (pairs x k(k-1)/2) array: bounded memory
        for lo in range(0, len(idx), step):
            rows = targets[lo:lo + step]
            sums = np.sign(rows[:, b] - rows[:, a]).sum(axis=1)
            for c, v in zip(idx[lo:lo + step].tolist(), sums.tolist()):
                out[c] = v
    return out
