"""Real encodings after (or between) DP passes: spans replacing the normalised sums, the spans worth
encoding near unusual beads (knn scoring), and the attach pass for one-sided sentences.
"""

from __future__ import annotations

import numpy as np

from aligner.align.arrays import _unit
from aligner.align.params import AlignParams
from aligner.align.sides import _Side


def _encode_spans(obj: _Side, side: str, want: list[tuple[int, int]], embed_spans, stats: dict) -> None:
    """Replace the approximate vectors of the spans `want` (start, end) by real encodings."""
    if not want:
        return
    vecs = _unit(np.asarray(embed_spans(side, want), dtype=np.float32))
    stats["strings_encoded"] += len(want)
    for (s_, e_), v in zip(want, vecs):
        obj.spans[e_ - s_][e_] = v
        obj.real.add((s_, e_))

def _spans_to_refine(steps, n: int, m: int, beads, radius: int):
    """Concatenations worth encoding: those inside every bead of the path that is not a plain 1-1,
    extended by `radius` + 1 sentence on each side (the neighbours such a bead competes with)."""
    sizes_s = sorted({a for a, _ in beads if a >= 2})
    sizes_t = sorted({b for _, b in beads if b >= 2})
    want_s: set[tuple[int, int]] = set()
    want_t: set[tuple[int, int]] = set()

    def add(want, sizes, start, length, total):
        lo_, hi_ = max(0, start - radius - 1), min(total, start + length + radius + 1)
        for size in sizes:
            for s in range(lo_, hi_ - size + 1):
                want.add((s, s + size))

    i = j = 0
    for a, b in steps:
        if (a, b) != (1, 1):
            add(want_s, sizes_s, i, a, n)
            add(want_t, sizes_t, j, b, m)
        i += a
        j += b
    return sorted(want_s), sorted(want_t)

def _attach_one_sided(steps, src: _Side, tgt: _Side, embed_spans, p: AlignParams, stats: dict):
    """Attach one-sided sentences to the neighbouring bead when the real cosine does not drop.

    The DP decides merge-vs-skip from sums of sentence vectors or from a few encoded spans, with a
    skip cost that is a document-wide guess. Here every 1-0 / 0-1 bead next to a two-sided bead is
    tried for real: the neighbour's side with the sentence attached is encoded (a few strings per
    one-sided bead) and the attachment is kept when the bead's cosine does not fall by more than
    `attach_tolerance` (a sentence that belongs to the bead's translation raises it; an unrelated
    one dilutes it). A side is never grown across a paragraph boundary. With `fuse_margin` (off by
    default), two adjacent two-sided beads, one of them weak (cosine below the `fuse_quantile` of the
    1-1 cosines), become one bead when its real cosine beats both by that margin. Returns the new
    steps and the real vectors computed, keyed (side, start, end).
    """
    vec: dict[tuple[str, int, int], np.ndarray] = {}

    def key_vec(side, s, e):
        if e - s == 1:
            return (src if side == "src" else tgt).E[s]
        return vec[(side, s, e)]

    beads = []  # [i0, i1, j0, j1]
    i = j = 0
    for a, b in steps:
        beads.append([i, i + a, j, j + b])
        i += a
        j += b
    encoded = 0
    for _ in range(max(0, p.attach_rounds)):
        cands = []  # (one-sided index, neighbour index)
        for k, (i0, i1, j0, j1) in enumerate(beads):
            if (i1 - i0 == 0) == (j1 - j0 == 0):
                continue
            for nb in (k - 1, k + 1):
                if 0 <= nb < len(beads):
                    b0 = beads[nb]
                    if b0[1] > b0[0] and b0[3] > b0[2]:
                        cands.append((k, nb))
        if p.fuse_margin is not None:
            approx = [float(src.spans[bb[1] - bb[0]][bb[1]] @ tgt.spans[bb[3] - bb[2]][bb[3]])
                      if bb[1] > bb[0] and bb[3] > bb[2] and bb[1] - bb[0] in src.spans and bb[3] - bb[2] in tgt.spans
                      else None for bb in beads]
            ones = [c for c, bb in zip(approx, beads) if c is not None and bb[1] - bb[0] == 1 and bb[3] - bb[2] == 1]
            weak = float(np.quantile(ones, p.fuse_quantile)) if ones else 1.0
            for k in range(len(beads) - 1):
                x, y = beads[k], beads[k + 1]
                if approx[k] is None or approx[k + 1] is None or min(approx[k], approx[k + 1]) >= weak:
                    continue
                if x[1] > x[0] and x[3] > x[2] and y[1] > y[0] and y[3] > y[2]:
                    cands.append((k, k + 1))
        if not cands:
            break
        need = {"src": set(), "tgt": set()}

        def want(side, s, e):
            if e - s > 1 and (side, s, e) not in vec:
                need[side].add((s, e))

        merged = {}
        for k, nb in cands:
            o, t = beads[k], beads[nb]
            if o[1] > o[0] and o[3] > o[2]:  # two two-sided beads: fuse
                m_ = [o[0], t[1], o[2], t[3]]
                if m_[1] - m_[0] > p.fuse_max_side or m_[3] - m_[2] > p.fuse_max_side:
                    continue
                merged[(k, nb)] = m_
                for bb in (o, t, m_):
                    want("src", bb[0], bb[1])
                    want("tgt", bb[2], bb[3])
                continue
            m_ = [min(o[0], t[0]) if o[1] > o[0] else t[0], max(o[1], t[1]) if o[1] > o[0] else t[1],
                  min(o[2], t[2]) if o[3] > o[2] else t[2], max(o[3], t[3]) if o[3] > o[2] else t[3]]
            if m_[1] - m_[0] > p.attach_max_side or m_[3] - m_[2] > p.attach_max_side:
                continue
            if _crosses(src.par, m_[0], m_[1]) or _crosses(tgt.par, m_[2], m_[3]):
                continue
            merged[(k, nb)] = m_
            for bb in (t, m_):
                want("src", bb[0], bb[1])
                want("tgt", bb[2], bb[3])
        for side in ("src", "tgt"):
            if need[side]:
                spans = sorted(need[side])
                vs = _unit(np.asarray(embed_spans(side, spans), dtype=np.float32))
                encoded += len(spans)
                for (s_, e_), v in zip(spans, vs):
                    vec[(side, s_, e_)] = v

        def cos(bb):
            return float(key_vec("src", bb[0], bb[1]) @ key_vec("tgt", bb[2], bb[3]))

        gains = []
        for (k, nb), m_ in merged.items():
            o = beads[k]
            if o[1] > o[0] and o[3] > o[2]:
                g = cos(m_) - max(cos(o), cos(beads[nb])) - p.fuse_margin
                if g >= 0:
                    gains.append((g, k, nb, m_))
                continue
            g = cos(m_) - cos(beads[nb])
            if g >= -p.attach_tolerance:
                gains.append((g, k, nb, m_))
        if not gains:
            break
        gains.sort(key=lambda x: -x[0])
        used: set[int] = set()
        repl: dict[int, list[int]] = {}
        drop: set[int] = set()
        for g, k, nb, m_ in gains:
            if k in used or nb in used:
                continue
            used.update((k, nb))
            repl[nb] = m_
            drop.add(k)
        beads = [repl.get(k, bb) for k, bb in enumerate(beads) if k not in drop]
    stats["attach_encoded"] = encoded
    stats["strings_encoded"] = stats.get("strings_encoded", 0) + encoded
    return [(i1 - i0, j1 - j0) for i0, i1, j0, j1 in beads], vec

def _crosses(par, start: int, end: int) -> bool:
    return par is not None and end - start > 1 and bool(np.any(par[start + 1:end] != par[start:end - 1]))
