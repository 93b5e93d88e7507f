"""Precision, recall and F1 of sentence alignments, strict and lax, as in the vecalign/bertalign papers.

Conventions (our own implementation of the published definitions):

- A bead is a pair (src indices, tgt indices); beads empty on both sides are ignored.
- **Strict**: a test bead is correct when exactly the same bead is in the gold.
- **Lax**: a test bead is correct when it is strictly correct, or when some source index of it and
  some target index of it are aligned to each other by one gold bead (partial overlap on both sides).
- **Precision** is counted over *all* test beads, one-sided 1-0/0-1 included: a test 1-0 bead is
  correct only if the gold has the same 1-0 bead (it has no target side, so it can never be a lax
  partial match).
- **Recall** is counted over the gold beads that have both sides (1-0/0-1 gold beads are left out),
  checking them against the test beads that have both sides, with the same strict/lax rule with
  gold and test swapped. So a missed deletion costs precision (the wrong bead the aligner made
  instead), not recall; this is how vecalign's and bertalign's published figures are computed.
- Counts are summed over documents before dividing (micro average); a ratio with an empty
  denominator is 0.
- **One-sided detection** (`one_sided_*`): recall and precision of 1-0/0-1 beads alone, exact match.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Sequence

BeadLike = tuple[Sequence[int], Sequence[int]]


def _norm(beads: Iterable) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    out = []
    for b in beads:
        s, t = (b.src, b.tgt) if hasattr(b, "src") else (b[0], b[1])
        s, t = tuple(int(x) for x in s), tuple(int(x) for x in t)
        if s or t:
            out.append((s, t))
    return out


def parse_bead_line(line: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """`[0, 1]:[2]` or `[0]:[]:0.93` -> ((0, 1), (2,)); ValueError on anything else."""
    parts = line.strip().split(":")
    if len(parts) not in (2, 3):
        raise ValueError(f"not a bead line: {line!r}")
    try:
        s, t = ast.literal_eval(parts[0].strip()), ast.literal_eval(parts[1].strip())
    except (ValueError, SyntaxError):
        raise ValueError(f"not a bead line: {line!r}") from None
    if not isinstance(s, list) or not isinstance(t, list) or not all(isinstance(x, int) for x in s + t):
        raise ValueError(f"not a bead line: {line!r}")
    return tuple(s), tuple(t)


def _matches(test, gold) -> tuple[int, int]:
    """(strict, lax) number of `test` beads that are correct against `gold`."""
    gold_set = set(gold)
    linked: dict[int, set[int]] = defaultdict(set)
    for gs, gt in gold:
        for a in gs:
            linked[a].update(gt)
    strict = lax = 0
    for ts, tt in test:
        if (ts, tt) in gold_set:
            strict += 1
            lax += 1
        elif tt and any(linked[a].intersection(tt) for a in ts):
            lax += 1
    return strict, lax


@dataclass
class Counts:
    test: int = 0  # test beads (precision denominator)
    gold: int = 0  # gold beads with both sides (recall denominator)
    p_strict: int = 0
    p_lax: int = 0
    r_strict: int = 0
    r_lax: int = 0
    one_sided_gold: int = 0
    one_sided_test: int = 0
    one_sided_hit: int = 0

    def __iadd__(self, other: "Counts") -> "Counts":
        for f in self.__dataclass_fields__:
            setattr(self, f, getattr(self, f) + getattr(other, f))
        return self


def _div(a: float, b: float) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores:
    precision_strict: float
    recall_strict: float
    f1_strict: float
    precision_lax: float
    recall_lax: float
    f1_lax: float
    one_sided_recall: float
    one_sided_precision: float
    counts: Counts = field(default_factory=Counts)

    def to_dict(self) -> dict:
        d = {k: round(v, 4) for k, v in self.__dict__.items() if isinstance(v, float)}
        d["counts"] = dict(self.counts.__dict__)
        return d


def count(gold: Iterable, test: Iterable) -> Counts:
    """The counts behind the scores of one document."""
    g, t = _norm(gold), _norm(test)
    c = Counts()
    c.test = len(t)
    c.p_strict, c.p_lax = _matches(t, g)
    g2 = [b for b in g if b[0] and b[1]]
    t2 = [b for b in t if b[0] and b[1]]
    c.gold = len(g2)
    c.r_strict, c.r_lax = _matches(g2, t2)
    g1 = {b for b in g if not (b[0] and b[1])}
    t1 = {b for b in t if not (b[0] and b[1])}
    c.one_sided_gold, c.one_sided_test, c.one_sided_hit = len(g1), len(t1), len(g1 & t1)
    return c


def scores_from_counts(c: Counts) -> Scores:
    ps, pl = _div(c.p_strict, c.test), _div(c.p_lax, c.test)
    rs, rl = _div(c.r_strict, c.gold), _div(c.r_lax, c.gold)
    return Scores(ps, rs, _f1(ps, rs), pl, rl, _f1(pl, rl),
                  _div(c.one_sided_hit, c.one_sided_gold), _div(c.one_sided_hit, c.one_sided_test), c)


def score(gold: Iterable, test: Iterable) -> Scores:
    """Scores of one document's test beads against its gold beads."""
    return scores_from_counts(count(gold, test))


def score_many(pairs: Iterable[tuple[Iterable, Iterable]]) -> Scores:
    """Micro-averaged scores over several (gold, test) documents."""
    total = Counts()
    for gold, test in pairs:
        total += count(gold, test)
    return scores_from_counts(total)
