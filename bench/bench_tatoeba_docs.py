"""Tatoeba pairs turned into documents with seeded edits on one side: strict F1 per language pair.

    python bench/bench_tatoeba_docs.py                # all pairs (1000 per X-eng set)
    python bench/bench_tatoeba_docs.py --limit 300    # first 300 pairs of each set
    python bench/bench_tatoeba_docs.py --quick        # 60 pairs per set (CI size)

Documents: consecutive pairs in chunks of `--doc-size` sentences. On the target side, with a fixed
seed: ~5% of sentences deleted (gold 1-0), ~5% unrelated sentences inserted from elsewhere in the
set (gold 0-1), ~5% pairs of neighbours merged into one line (gold 2-1) and ~5% sentences split at
the middle word (gold 1-2). Pairs: tl-en, it-en, cs-en, de-en, fr-en (LASER Tatoeba) and the direct
tl-it, cs-it (Tatoeba-Challenge). Embeddings: e5-small, cached in bench/results/.
"""

from __future__ import annotations

import argparse
import json
import random
import time

from _shared import DEFAULT_ENCODER, bench_encoder, results_file, read_lines, shared_dir

from aligner.align.core import AlignParams, align
from aligner.align.scorer import Counts, count, scores_from_counts

LASER = {"tl-en": "tgl", "it-en": "ita", "cs-en": "ces", "de-en": "deu", "fr-en": "fra"}
CHALLENGE = {"tl-it": ("ita-tgl.tsv", 3, 2), "cs-it": ("ces-ita.tsv", 2, 3)}  # file, src column, tgt column


def load_pairs(name: str) -> list[tuple[str, str]]:
    base = shared_dir() / "data"
    if name in LASER:
        code = LASER[name]
        src = read_lines(base / "tatoeba" / f"tatoeba.{code}-eng.{code}")
        tgt = read_lines(base / "tatoeba" / f"tatoeba.{code}-eng.eng")
        return list(zip(src, tgt))
    fname, si, ti = CHALLENGE[name]
    rows = [ln.split("\t") for ln in read_lines(base / "tatoeba-challenge" / fname) if ln.strip()]
    return [(r[si], r[ti]) for r in rows if len(r) >= 4]


def make_document(pairs, pool, rng: random.Random, rate: float):
    """(src sentences, tgt sentences, gold beads) with edits on the target side."""
    src = [s for s, _ in pairs]
    tgt: list[str] = []
    gold = []
    i = 0
    while i < len(pairs):
        r = rng.random()
        if r < rate:  # deletion
            gold.append(((i,), ()))
            i += 1
            continue
        if r < 2 * rate:  # insertion of an unrelated sentence, then the normal pair
            tgt.append(rng.choice(pool))
            gold.append(((), (len(tgt) - 1,)))
        elif r < 3 * rate and i + 1 < len(pairs):  # merge two translations into one line
            tgt.append(pairs[i][1].rstrip() + " " + pairs[i + 1][1].lstrip())
            gold.append(((i, i + 1), (len(tgt) - 1,)))
            i += 2
            continue
        elif r < 4 * rate and len(pairs[i][1].split()) >= 4:  # split at the middle word
            w = pairs[i][1].split()
            tgt += [" ".join(w[: len(w) // 2]), " ".join(w[len(w) // 2:])]
            gold.append(((i,), (len(tgt) - 2, len(tgt) - 1)))
            i += 1
            continue
        tgt.append(pairs[i][1])
        gold.append(((i,), (len(tgt) - 1,)))
        i += 1
    return src, tgt, gold


def documents(name: str, *, offset: int = 0, limit: int | None = None, size: int = 50, rate: float = 0.05,
              seed: int = 13):
    """(first pair, (src, tgt, gold)) for each document of `size` pairs made from pairs[offset:offset + limit] of
    one language pair, edits drawn from a generator seeded by (seed, name, offset): offset 0 gives the
    documents of earlier runs, another offset documents of their own (bench_onesided.py's held-out set)."""
    every = load_pairs(name)
    pairs = every[offset:offset + limit] if limit else every[offset:]
    rng = random.Random(f"{seed}-{name}" + (f"-{offset}" if offset else ""))
    pool = [t for _, t in every[-200:]]  # unrelated target-language sentences
    for d0 in range(0, len(pairs), size):
        chunk = pairs[d0:d0 + size]
        yield d0, make_document(chunk, [p for p in pool if p not in {t for _, t in chunk}], rng, rate)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--limit", type=int, default=None, help="pairs per set (default: all)")
    ap.add_argument("--doc-size", type=int, default=50)
    ap.add_argument("--rate", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--no-refine", action="store_true")
    ap.add_argument("--params", default="{}", help="JSON overrides of AlignParams (ablations)")
    ap.add_argument("--pairs", default=None, help="comma-separated language pairs (default: all seven)")
    ap.add_argument("--encoder", default=DEFAULT_ENCODER,
                    help="registry name as in `aligner encoders` (default e5-small; e.g. st:<model id or path>)")
    ap.add_argument("--dump-beads", metavar="FILE", default=None,
                    help="write every bead of every document as JSON, to compare two versions")
    args = ap.parse_args(argv)
    names = args.pairs.split(",") if args.pairs else [*LASER, *CHALLENGE]
    dump: dict[str, list] = {}
    limit = 60 if args.quick else args.limit
    enc = bench_encoder(args.encoder)
    if args.encoder != DEFAULT_ENCODER:
        print(f"encoder: {args.encoder}")
    params = AlignParams(**json.loads(args.params))
    table = {}
    t_align = 0.0
    n_spans = [0]
    print(f"{'pair':<7} {'docs':>4} {'sents':>6}  strict P/R/F1        lax F1  one-sided found")
    for name in names:
        total = Counts()
        n_docs = n_sent = 0
        for d0, (src, tgt, gold) in documents(name, limit=limit, size=args.doc_size, rate=args.rate, seed=args.seed):
            X, Y = enc.encode(src), enc.encode(tgt)

            def embed_spans(side, spans, src=src, tgt=tgt):
                lines = src if side == "src" else tgt
                n_spans[0] += len(spans)
                return enc.encode([" ".join(lines[s:e]) for s, e in spans])

            t0 = time.perf_counter()
            e0 = enc.encode_seconds
            beads = align(X, Y, src_len=[len(s) for s in src], tgt_len=[len(t) for t in tgt],
                          embed_spans=None if args.no_refine else embed_spans, params=params)
            t_align += time.perf_counter() - t0 - (enc.encode_seconds - e0)
            total += count(gold, beads)
            dump[f"{name}-{d0}"] = [[list(b.src), list(b.tgt), b.score, b.similarity] for b in beads]
            n_docs += 1
            n_sent += len(src) + len(tgt)
        s = scores_from_counts(total)
        table[name] = s.to_dict()
        print(f"{name:<7} {n_docs:>4} {n_sent:>6}  {s.precision_strict:.3f}/{s.recall_strict:.3f}/{s.f1_strict:.3f}  "
              f"{s.f1_lax:.3f}   {total.one_sided_hit}/{total.one_sided_gold} (test {total.one_sided_test})", flush=True)
    print(f"\nalignment time (encoding excluded): {t_align:.2f}s; concatenations requested: {n_spans[0]}; "
          f"new strings encoded: {enc.encoded} ({enc.encode_seconds:.0f}s)")
    enc.save()
    if args.dump_beads:
        with open(args.dump_beads, "w", encoding="utf-8") as fh:
            json.dump(dump, fh)
    results_file("tatoeba-quick" if args.quick else "tatoeba", args.encoder).write_text(
        json.dumps({"encoder": args.encoder, **table}, indent=1))


if __name__ == "__main__":
    main()
