"""From DP steps to `Bead`s with a 0..1 score (0.5 at the skip threshold) and the cosine of the sides."""

from __future__ import annotations

import math

from aligner.align.arrays import _unit
from aligner.align.sides import _Scoring, _Side
from aligner.model import Bead


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))

def _to_beads(steps, src: _Side, tgt: _Side, sc: _Scoring, extra: dict | None = None) -> list[Bead]:
    """Beads with a 0..1 score: 0.5 at the skip threshold, near 1 for a typical good pair.

    `extra` holds real vectors of spans computed after the DP, keyed (side, start, end); they take
    precedence (a bead grown by the attach pass may have a size no span table covers)."""
    extra = extra or {}
    regroup = extra.get("regroup") or {}
    threshold = sc.ref - 2 * sc.skip
    scale = max(sc.skip, 1e-3) / 2.0
    out = []
    i = j = 0
    for a, b in steps:
        if regroup.get((i, j), (None, None))[:2] == (a, b):  # a non-contiguous core (bead_cores, gaps)
            out += _regrouped(regroup[(i, j)][2], src, tgt, threshold, scale)
            i += a
            j += b
            continue
        s_idx = tuple(range(i, i + a))
        t_idx = tuple(range(j, j + b))
        if a and b:
            u = extra.get(("src", i, i + a))
            v = extra.get(("tgt", j, j + b))
            u = u if u is not None else (src.spans[a][i + a] if a in src.spans else _unit(src.E[i:i + a].sum(0)))
            v = v if v is not None else (tgt.spans[b][j + b] if b in tgt.spans else _unit(tgt.E[j:j + b].sum(0)))
            sim = float(u @ v)
            if (a, b) not in src.knn_pair and (a not in src.knn_spans or b not in tgt.knn_spans):
                marg = sim - 0.5 * (float(src.knn[i:i + a].mean()) + float(tgt.knn[j:j + b].mean()))
            elif (a, b) in src.knn_pair:
                marg = sim - 0.5 * (src.knn_pair[(a, b)][i + a] + tgt.knn_pair[(a, b)][j + b])
            else:
                marg = sim - 0.5 * (src.knn_spans[a][i + a] + tgt.knn_spans[b][j + b])
            score = _sigmoid((marg - threshold) / scale)
        else:
            # one-sided: confident when even the best neighbour is far below the threshold
            best = float(src.top[i] - src.knn[i]) if a else float(tgt.top[j] - tgt.knn[j])
            score = 1.0 - _sigmoid((best - threshold) / scale)
            sim = 0.0
        out.append(Bead(s_idx, t_idx, score=round(score, 4), similarity=round(sim, 4)))
        i += a
        j += b
    return out


def _regrouped(pieces, src: _Side, tgt: _Side, threshold: float, scale: float) -> list[Bead]:
    """Beads for the pieces of a bead the core pass split non-contiguously: the core scored like any
    two-sided bead over sums of its runs (knn margin of the sentence means), the rest one-sided."""
    from aligner.align.bead_cores import _set_vec

    out = []
    for s_idx, t_idx in pieces:
        if s_idx and t_idx:
            sim = float(_set_vec(src, s_idx) @ _set_vec(tgt, t_idx))
            marg = sim - 0.5 * (float(src.knn[list(s_idx)].mean()) + float(tgt.knn[list(t_idx)].mean()))
            score = _sigmoid((marg - threshold) / scale)
        else:
            i = s_idx[0] if s_idx else t_idx[0]
            best = float(src.top[i] - src.knn[i]) if s_idx else float(tgt.top[i] - tgt.knn[i])
            score = 1.0 - _sigmoid((best - threshold) / scale)
            sim = 0.0
        out.append(Bead(tuple(s_idx), tuple(t_idx), score=round(score, 4), similarity=round(sim, 4)))
    return out
