"""Array-level sentence alignment: banded dynamic programming over bead scores, two scorings.

The core never sees strings. It takes the sentence embeddings of both sides (rows L2-normalised),
their lengths in characters, optional paragraph ids, and an optional callback that embeds
concatenations of consecutive sentences, and returns beads covering every sentence once, in order.

`align` below runs the passes; each step lives in its own module (see docs/alignment.md for the
reasoning and the figures):

- `params`: `AlignParams`, the bead types.
- `arrays`: vector helpers (normalised sums of consecutive sentences, block means, windowed top-k).
- `band`: bands (two monotone arrays per row: the states worth visiting) around a path.
- `sides`: a side's vectors, neighbourhoods (knn margins in a window along the path) and the
  per-document calibration (`_Scoring`).
- `dp`: the DP over a band and the cheap first path (full DP, or coarse-to-fine for long pairs).
- `contrast`, `knn`: the two bead scorings as strategies (block values, skip costs, their passes).
- `refine`: real encodings of concatenations and the attach pass (knn).
- `beads`: DP steps to `Bead`s with a 0..1 score.

1. **First path.** Small documents: a full DP. Long documents: embeddings are averaged over blocks
   of `coarse_factor` sentences, the coarse sequences are aligned recursively, and the fine DP only
   looks at a band around the projected coarse path. Memory stays O((n + m) * band).
2. **Neighbourhoods** in a window around that path: each sentence's best matches and knn margins.
3. **Beads.** 1-1, 1-0, 0-1, 1-2, 2-1 and, if configured, 2-2, 1-3, 3-1, 1-4, 4-1. A side of several
   sentences is the normalised sum of its sentence embeddings until `embed_spans` encodes it for real.
4. **Score and decode**, by the scoring strategy: contrast (default) or knn.
"""

from __future__ import annotations

import numpy as np

from aligner.align.arrays import KAPPA, NEG, _block_mean, _block_sum, _shrunk_mean, _span_crosses, _span_mean, \
    _span_vectors, _topk_mean, _unit
from aligner.align.band import _auto_band, _invert_window, _points, _sentence_window, _window_along, band_around, \
    band_cells, full_band
from aligner.align.beads import _sigmoid, _to_beads
from aligner.align.contrast import _adjacent_sims, _best_sub_pair, _confident, _encode_uncertain_spans
from aligner.align.dp import _band_scores, _dp, _first_path, _skip_costs, scoring_strategy
from aligner.align.knn import _bead_weight
from aligner.align.params import AlignParams, SpanEmbedder, parse_bead_types
from aligner.align.refine import _attach_one_sided, _crosses, _encode_spans, _spans_to_refine
from aligner.align.sides import _estimate_scoring, _Scoring, _set_margins, _set_pair_knn, _Side
from aligner.model import Bead

__all__ = ["AlignParams", "SpanEmbedder", "align", "band_around", "band_cells", "full_band", "parse_bead_types"]


def align(src_emb, tgt_emb, *, src_len=None, tgt_len=None, src_par=None, tgt_par=None,
          embed_spans: SpanEmbedder | None = None, params: AlignParams | None = None,
          config=None, stats: dict | None = None) -> list[Bead]:
    """Align two sequences of sentence embeddings; beads cover every index of both once, in order.

    `src_len`/`tgt_len`: sentence lengths in characters (default: all equal). `src_par`/`tgt_par`:
    paragraph ids (a bead whose side spans two paragraphs pays `paragraph_penalty`).
    `embed_spans(side, [(start, end), ...])` with side "src" or "tgt" returns the embeddings of the
    concatenated sentences start..end-1; when given, only the spans near non-1-1 beads of the first
    path are requested. `stats`, if given, receives counters (strings requested, band cells...).
    """
    p = (params or AlignParams()).with_config(config) if config is not None else (params or AlignParams())
    stats = stats if stats is not None else {}
    X = _unit(np.asarray(src_emb, dtype=np.float32).reshape(len(src_emb), -1)) if len(src_emb) else np.zeros((0, 1), np.float32)
    Y = _unit(np.asarray(tgt_emb, dtype=np.float32).reshape(len(tgt_emb), -1)) if len(tgt_emb) else np.zeros((0, X.shape[1]), np.float32)
    n, m = len(X), len(Y)
    if n and m and X.shape[1] != Y.shape[1]:
        from aligner.errors import AlignerError

        raise AlignerError(f"embedding dimensions differ: {X.shape[1]} vs {Y.shape[1]}")
    if n == 0 or m == 0:
        stats["strings_encoded"] = 0
        return [Bead((i,), ()) for i in range(n)] + [Bead((), (j,)) for j in range(m)]
    sl = np.asarray(src_len if src_len is not None else np.full(n, 50), dtype=np.float64)
    tl = np.asarray(tgt_len if tgt_len is not None else np.full(m, 50), dtype=np.float64)
    if len(sl) != n or len(tl) != m:
        from aligner.errors import AlignerError

        raise AlignerError("sentence lengths do not match the number of embeddings")
    strategy = scoring_strategy(p.scoring)  # ConfigError for an unknown name
    knn_one_sided = None
    wants_marks = p.onesided_core_knn is not None or (p.onesided_core_gaps is not None and p.onesided_gap_skip is not None
                                                      and p.onesided_gap_need in ("knn", "both"))
    if (p.knn_skip is not None or wants_marks) and p.scoring == "contrast":
        from dataclasses import replace as _replace

        kb = align(src_emb, tgt_emb, src_len=src_len, tgt_len=tgt_len, src_par=src_par, tgt_par=tgt_par,
                   embed_spans=None, params=_replace(p, scoring="knn", knn_skip=None, onesided_core_knn=None))
        knn_one_sided = ({i for b in kb if not b.tgt for i in b.src}, {j for b in kb if not b.src for j in b.tgt})
    if p.center and strategy.centred:
        mx, my = _shrunk_mean(X), _shrunk_mean(Y)
        X, Y = _unit(X - mx), _unit(Y - my)
        if embed_spans is not None:
            raw_embed = embed_spans

            def embed_spans(side, spans):
                v = _unit(np.asarray(raw_embed(side, spans), dtype=np.float32))
                return _unit(v - (mx if side == "src" else my))
    sp = None if src_par is None else np.asarray(src_par)
    tp = None if tgt_par is None else np.asarray(tgt_par)
    beads = list(p.beads)
    sa = {a for a, _ in beads} | {1, 2}
    sb = {b for _, b in beads} | {1, 2}

    # pass 1: a path through the whole matrix (coarse-to-fine for long documents)
    src = _Side(X, sl, sp)
    tgt = _Side(Y, tl, tp)
    gi, gj = _first_path(src, tgt, p, stats)

    # pass 2: margins in a window along that path, all bead types, in a band around it
    src = _Side(X, sl, sp)
    tgt = _Side(Y, tl, tp)
    if knn_one_sided is not None:
        src.skip_mark = np.isin(np.arange(n), list(knn_one_sided[0]))
        tgt.skip_mark = np.isin(np.arange(m), list(knn_one_sided[1]))
    wlo, whi = band_around(gi, gj, n, m, p.window)
    _set_margins(src, tgt, *_sentence_window(wlo, whi, m), p, sa, sb)
    deferred = None
    if p.pair_knn and strategy.values_read_pair_knn:
        _set_pair_knn(src, tgt, wlo, whi, beads, p.knn)
    elif p.pair_knn:  # only the scores of the path's beads read them: those types alone, after the DP,
        # from the span vectors as they are now (the decoding encodes some for real)
        deferred = (_Side(X, sl, sp, spans={a: v.copy() for a, v in src.spans.items()}),
                    _Side(Y, tl, tp, spans={b: v.copy() for b, v in tgt.spans.items()}))
    sc = _estimate_scoring(src, tgt, p)
    sc.lengths = src_len is not None and tgt_len is not None
    w = _auto_band(n, m, p, 1 if n * m <= p.full_limit else p.coarse_factor)
    lo, hi = band_around(gi, gj, n, m, w)
    stats.setdefault("levels", []).append({"n": n, "m": m, "cells": band_cells(lo, hi)})
    stats["strings_encoded"] = 0
    steps, extra = strategy.decode(src, tgt, lo, hi, beads, p, sc, stats, embed_spans, wlo=wlo, whi=whi, w=w)
    if deferred is not None:
        on_path = {step for step in steps if step[0] and step[1]}
        _set_pair_knn(*deferred, wlo, whi, [t for t in beads if t in on_path], p.knn)
        src.knn_pair, tgt.knn_pair = deferred[0].knn_pair, deferred[1].knn_pair
    return _to_beads(steps, src, tgt, sc, extra)
