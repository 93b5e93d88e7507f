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
        def r(x):
            return None if x is None else round(float(x), 4)

        return {
            "sentences": [self.n_src, self.n_tgt],
            "matches": self.matches,
            "match_share": r(self.match_share),
            "mean_match_margin": r(self.mean_match_margin),
            "order_agreement": r(self.order_agreement),
            "kendall_tau": r(self.kendall_tau),
            "length_ratio_chars": r(self.length_ratio_chars),
            "length_ratio_sentences": r(self.length_ratio_sentences),
            "translation_evidence": r(self.translation_evidence),
            "doc_cosine": r(self.doc_cosine),
            "best_match_cosine": r(self.best_match_cosine),
            "topic_similarity": r(self.topic_similarity),
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
    return min(1.0, math.exp(top) * sum(math.exp(t - top) for t in terms))


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
    if chance >= 1.0:  # documents too short for order to tell anything
        return observed
    corrected = max(0.0, (observed - chance) / (1.0 - chance))
    return corrected * (1.0 - _binomial_tail(int(agree.sum()), len(agree), chance))


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


def score_pair(a: np.ndarray, b: np.ndarray, chars_src: int, chars_tgt: int, config: PairConfig,
               mean_src: np.ndarray | None = None, mean_tgt: np.ndarray | None = None) -> PairEvidence:
    """All evidence for one pair of documents and the combined score in [0, 1].

    `mean_src` / `mean_tgt`: the documents' mean sentence vectors, when the caller has them already.
    """
    n, m = len(a), len(b)
    if n == 0 or m == 0:
        return PairEvidence(n, m, 0, 0.0, 0.0, 0.0, None, _ratio(chars_src, chars_tgt), _ratio(n, m),
                            0.0, 0.0, 0.0, 0.0, 0.0)
    sim = a @ b.T
    margins = margin_matrix(sim, config.margin_k)
    i, j, mv = mutual_matches(margins, config.margin_threshold)
    k = len(i)
    match_share = 2.0 * float(match_weights(mv, config.margin_threshold).sum()) / (n + m)
    order = order_agreement(i, j, m, config.order_slack)
    length_chars = _ratio(chars_src, chars_tgt)
    length_factor = min(1.0, length_chars / config.min_length_ratio) if config.min_length_ratio > 0 else 1.0
    translation = match_share * order * length_factor

    da = a.mean(axis=0) if mean_src is None else mean_src
    db = b.mean(axis=0) if mean_tgt is None else mean_tgt
    na, nb = math.sqrt(float(da @ da)), math.sqrt(float(db @ db))
    doc_cos = float(da @ db) / (na * nb) if na > 0 and nb > 0 else 0.0
    best_match = (float(sim.max(axis=1).mean()) + float(sim.max(axis=0).mean())) / 2.0
    span = config.topic_ceiling - config.topic_floor
    topic = _clip01((best_match - config.topic_floor) / span) if span > 0 else float(best_match >= config.topic_floor)
    w = _clip01(config.topic_weight)
    score = _clip01((1.0 - w) * translation + w * topic)
    return PairEvidence(
        n_src=n, n_tgt=m, matches=k, match_share=match_share,
        mean_match_margin=float(mv.mean()) if k else 0.0,
        order_agreement=order, kendall_tau=kendall_tau(i, j),
        length_ratio_chars=length_chars, length_ratio_sentences=_ratio(n, m),
        translation_evidence=translation, doc_cosine=doc_cos, best_match_cosine=best_match,
        topic_similarity=topic, score=score,
    )


def relation_for(score: float, config: PairConfig) -> str:
    """The thresholds decide: parallel >= parallel_threshold > comparable >= comparable_threshold > unrelated."""
    if score >= config.parallel_threshold:
        return "parallel"
    if score >= config.comparable_threshold:
        return "comparable"
    return "unrelated"
