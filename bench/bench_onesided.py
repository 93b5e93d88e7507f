"""One-sided sentences found, and strict F1, for several alignment settings side by side in one run.

    python bench/bench_onesided.py                 # the settings below, every set
    python bench/bench_onesided.py --no-held       # tuning sets only (quick: cached vectors)
    python bench/bench_onesided.py --settings '{"mine": {"split_one_sided": 0.02}}'   # AlignParams overrides

Sets (the same code as bench_textberg.py and bench_tatoeba_docs.py builds them):
- Text+Berg de-fr 001-003 (tuning) and 004-007 (held out), with their gold;
- Tatoeba documents of 50 pairs with ~5 % deletions, insertions, merges and splits (bench_tatoeba_docs.py): the
  first 300 pairs of each language pair (tuning, the documents of `bench_tatoeba_docs.py --limit 300`) and the
  pairs 300-999 (held out; their own random edits), seven language pairs.

A sentence counts as found when the test path has it as a 1-0 / 0-1 bead exactly as the gold does; strict F1
counts every bead (a wrong one-sided bead costs precision). The alignment time of each setting (encoding
excluded; the settings run one after the other, so compare them within one run) shows what the tests cost. Vectors come from the bench's embedding cache
(multilingual-e5-small unless --encoder), so the first run encodes the held-out Tatoeba documents once.
The edge tests were chosen on the tuning sets; the held-out columns were measured after that choice.
"""

from __future__ import annotations

import argparse
import json
import time

from _shared import DEFAULT_ENCODER, bench_encoder

import bench_tatoeba_docs as tatoeba
import bench_textberg as textberg

from aligner.align.core import AlignParams, align
from aligner.align.scorer import Counts, count, scores_from_counts

SETTINGS = {
    "edge tests off (before)": {"split_one_sided": None, "onesided_member": None},
    "default": {},
    "sub-bead test alone": {"onesided_member": None},
    "membership test alone": {"split_one_sided": None},
    "Tatoeba setting": {"onesided_member": 0.5, "onesided_pair": 0.1, "onesided_close": 0.02},
}


def tatoeba_documents(offset: int, limit: int) -> dict[str, list]:
    """Per language pair, documents made from pairs[offset:offset + limit] (offset 0: those of bench_tatoeba_docs)."""
    return {name: [doc for _, doc in tatoeba.documents(name, offset=offset, limit=limit)]
            for name in [*tatoeba.LASER, *tatoeba.CHALLENGE]}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--settings", default=None, help="JSON {label: AlignParams overrides} (default: the five above)")
    ap.add_argument("--no-held", action="store_true", help="tuning sets only")
    ap.add_argument("--encoder", default=DEFAULT_ENCODER)
    args = ap.parse_args(argv)
    settings = json.loads(args.settings) if args.settings else SETTINGS
    enc = bench_encoder(args.encoder)

    seconds = {"align": 0.0}

    def run(src, tgt, gold, params) -> Counts:
        def embed_spans(side, spans):
            lines = src if side == "src" else tgt
            return enc.encode([" ".join(lines[s:e]) for s, e in spans])

        X, Y = enc.encode(src), enc.encode(tgt)
        t0, e0 = time.perf_counter(), enc.encode_seconds
        beads = align(X, Y, src_len=[len(s) for s in src], tgt_len=[len(t) for t in tgt],
                      embed_spans=embed_spans, params=params)
        seconds["align"] += time.perf_counter() - t0 - (enc.encode_seconds - e0)
        return count(gold, beads)

    sets = {"T+B 001-003": {d: [textberg.load(d)] for d in textberg.TUNE}}
    if not args.no_held:
        sets["T+B 004-007"] = {d: [textberg.load(d)] for d in textberg.HELD}
    sets["Tatoeba 0-299"] = tatoeba_documents(0, 300)
    if not args.no_held:
        sets["Tatoeba 300-999"] = tatoeba_documents(300, 700)

    def fmt(c: Counts) -> str:
        return (f"F1 {scores_from_counts(c).f1_strict:.4f}, one-sided {c.one_sided_hit}/{c.one_sided_gold} = "
                f"{c.one_sided_hit / max(c.one_sided_gold, 1):.3f} ({c.one_sided_test} test)")

    for label, overrides in settings.items():
        params = AlignParams(**overrides)
        seconds["align"] = 0.0
        print(f"\n{label}: {json.dumps(overrides)}")
        tb_all = Counts()
        for set_name, groups in sets.items():
            total = Counts()
            per = []
            for group, docs in groups.items():
                c = Counts()
                for src, tgt, gold in docs:
                    c += run(src, tgt, gold, params)
                total += c
                if set_name.startswith("Tatoeba"):
                    per.append(f"{group} {c.one_sided_hit}/{c.one_sided_gold}")
            if set_name.startswith("T+B"):
                tb_all += total
            print(f"  {set_name:<16} {fmt(total)}" + (f"  [{', '.join(per)}]" if per else ""), flush=True)
            if set_name == "T+B 004-007" or (args.no_held and set_name == "T+B 001-003"):
                print(f"  {'T+B all':<16} {fmt(tb_all)}")
        print(f"  alignment time, encoding excluded, every set: {seconds['align']:.2f}s")
    enc.save()


if __name__ == "__main__":
    main()
