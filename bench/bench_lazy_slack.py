"""How much better a real concatenation scores than the sum of its sentence vectors (contrast scoring).

    python bench/bench_lazy_slack.py                 # Text+Berg 001-003 (tuning documents)
    python bench/bench_lazy_slack.py --docs 001,...  # any documents

The lazy refinement (`AlignParams.refine_lazy`) scores a bead whose side is an uncertain concatenation
not encoded yet `lazy_slack` above the value its sum of sentence vectors gives. When the slack bounds
`value(real vectors) - value(sums)`, the lazy path equals the path of encoding every uncertain
concatenation. This prints that difference's distribution over every band state of every multi-
sentence bead type whose side is uncertain, per bead type and overall (vectors: the bench cache).
"""

from __future__ import annotations

import argparse

import numpy as np

import bench_textberg as B

import aligner.align.contrast as C
from aligner.align.arrays import NEG
from aligner.align.dp import _band_scores, _dp

QS = (0.5, 0.9, 0.99, 0.999, 1.0)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", default="001,002,003")
    args = ap.parse_args(argv)
    diffs: dict[tuple[int, int], list[np.ndarray]] = {}

    def eager_with_report(src, tgt, lo, hi, beads, embed_spans, p, sc, stats):
        want = C._uncertain_spans(src, tgt, p, sc, stats)
        types = [(a, b) for a, b in beads if a and b and (a > 1 or b > 1)]
        with_sums = {t: _band_scores(src, tgt, lo, hi, *t, p, sc) for t in types}
        pending = {}
        for obj, side in ((src, "src"), (tgt, "tgt")):
            pm = {}
            for s_, e_ in want[side]:
                pm.setdefault(e_ - s_, np.zeros(obj.n + 1, bool))[e_] = True
            pending[side] = pm
        C._encode_spans(src, "src", want["src"], embed_spans, stats)
        C._encode_spans(tgt, "tgt", want["tgt"], embed_spans, stats)
        for (a, b), S0 in with_sums.items():
            S1 = _band_scores(src, tgt, lo, hi, a, b, p, sc)
            J = np.clip(lo[:, None] + np.arange(S0.shape[1])[None, :], 0, tgt.n)
            ps = pending["src"].get(a, np.zeros(src.n + 1, bool))
            pt = pending["tgt"].get(b, np.zeros(tgt.n + 1, bool))
            mask = (S0 > NEG / 2) & (ps[:, None] | pt[J])
            diffs.setdefault((a, b), []).append((S1 - S0)[mask])
        return _dp(src, tgt, lo, hi, beads, p, sc)

    C._lazy_refine = eager_with_report
    enc = B.bench_encoder()
    for doc in args.docs.split(","):
        de, fr, _ = B.load(doc)
        B.run_doc(enc, de, fr, B.AlignParams())
    enc.save()
    print(f"value(real) - value(sum), documents {args.docs}; quantiles {'/'.join(str(q) for q in QS)}")
    for t in sorted(diffs):
        d = np.concatenate(diffs[t])
        print(f"  {t[0]}-{t[1]}  {len(d):6d} states  " + " ".join(f"{v:+.4f}" for v in np.quantile(d, QS)))
    d = np.concatenate([x for v in diffs.values() for x in v])
    print(f"  all  {len(d):6d} states  " + " ".join(f"{v:+.4f}" for v in np.quantile(d, QS)))


if __name__ == "__main__":
    main()
