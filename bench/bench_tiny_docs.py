"""Documents of 1-4 sentences (product blurbs, short pages, UI texts): beads and scores, against the
previous behaviour measured in the same run.

    python bench/bench_tiny_docs.py              # 1-4 sentences, 60 documents per size and language pair
    python bench/bench_tiny_docs.py --per 20     # fewer
    python bench/bench_tiny_docs.py --quick      # 5 per size and language pair

Documents are consecutive Tatoeba pairs (bench_tatoeba_docs.load_pairs: tl-en, it-en, cs-en, de-en, fr-en,
tl-it, cs-it) in chunks of n sentences: a *parallel* document pairs a chunk with its translations, an
*unrelated* one with the translations of another chunk of the same set. Printed per size, for the
default (`whole_side_background`: a side that is its whole document is contrasted with the document's
unrelated level) and the previous behaviour (a cosine of 0 there), both in this run:
- parallel: the share of documents aligned exactly as the gold (n 1-1 beads), and the share of
  sentences in beads kept by the default `clean.min_score` (0.3) that are in a correct 1-1 bead;
- unrelated: the share of sentences in kept two-sided beads (each one a wrong pair in the dataset).
Embeddings: e5-small through the bench cache (bench/results/).
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from _shared import DEFAULT_ENCODER, bench_encoder
from bench_tatoeba_docs import CHALLENGE, LASER, load_pairs

from aligner.align.core import AlignParams, align
from aligner.config import CleanConfig

MIN_SCORE = CleanConfig().min_score


def run(enc, src, tgt, params):
    X, Y = enc.encode(src), enc.encode(tgt)

    def embed_spans(side, spans):
        lines = src if side == "src" else tgt
        return enc.encode([" ".join(lines[s:e]) for s, e in spans])

    return align(X, Y, src_len=[len(s) for s in src], tgt_len=[len(t) for t in tgt], embed_spans=embed_spans,
                 params=params)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per", type=int, default=60, help="documents per size and language pair")
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 3, 4])
    ap.add_argument("--quick", action="store_true", help="5 documents per size and language pair")
    args = ap.parse_args(argv)
    if args.quick:
        args.per = 5
    enc = bench_encoder(DEFAULT_ENCODER)
    systems = {"default": AlignParams(), "previous (0 for a whole side)": replace(AlignParams(), whole_side_background=False)}
    print(f"{'n':>2} {'system':<30} {'docs':>5}  exact  parallel kept&right  unrelated kept")
    for n in args.sizes:
        for name, params in systems.items():
            docs = exact = kept_right = sents = wrong_kept = wrong_sents = 0
            for pair in [*LASER, *CHALLENGE]:
                pairs = load_pairs(pair)
                chunks = [pairs[k:k + n] for k in range(0, len(pairs) - n + 1, n)][:args.per]
                for c, chunk in enumerate(chunks):
                    src, tgt = [s for s, _ in chunk], [t for _, t in chunk]
                    beads = run(enc, src, tgt, params)
                    docs += 1
                    gold = [((i,), (i,)) for i in range(n)]
                    exact += [(b.src, b.tgt) for b in beads] == gold
                    sents += n
                    kept_right += sum(1 for b in beads if b.score >= MIN_SCORE and len(b.src) == len(b.tgt) == 1
                                      and b.src == b.tgt)
                    other = chunks[(c + len(chunks) // 2) % len(chunks)]
                    if other is chunk:
                        continue
                    beads = run(enc, src, [t for _, t in other], params)
                    wrong_sents += n
                    wrong_kept += sum(len(b.src) for b in beads if b.src and b.tgt and b.score >= MIN_SCORE)
            print(f"{n:>2} {name:<30} {docs:>5}  {exact / docs:5.1%}  {kept_right / sents:19.1%}  "
                  f"{wrong_kept / max(wrong_sents, 1):14.1%}", flush=True)
    enc.save()


if __name__ == "__main__":
    main()
