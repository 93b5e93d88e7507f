"""Alignment time and peak memory alone (encoding excluded) on synthetic embeddings with a planted path.

    python bench/bench_align_scaling.py           # 1k, 10k, 50k sentences per side
    python bench/bench_align_scaling.py --quick   # 1k, 5k

The planted path has ~3% insertions, ~3% deletions and ~3% 2-1 merges. Each size runs in a fresh
process so peak RSS is that size's own. The baseline, measured in the same run, is the same
core forced to a full n x m first pass (`full_limit` huge) at 1k and 5k: quadratic time and memory.
"""

from __future__ import annotations

import os

# The DP's matrix products are small (a band of rows at a time): one BLAS thread is faster, and on a
# shared machine multi-threaded BLAS under contention is ten times slower. Override by setting it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np

from _shared import RESULTS

DIM = 384


def planted(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    M = rng.normal(size=(n + n // 10 + 10, DIM)).astype(np.float32)
    M /= np.linalg.norm(M, axis=1, keepdims=True)
    X = M[:n] + 0.6 * rng.normal(size=(n, DIM)).astype(np.float32) / np.sqrt(DIM)
    rows, gold, i, extra = [], [], 0, n
    while i < n:
        r = rng.random()
        if r < 0.03:
            gold.append(((i,), ())); i += 1
        elif r < 0.06:
            rows.append(M[extra]); extra += 1; gold.append(((), (len(rows) - 1,)))
        elif r < 0.09 and i + 1 < n:
            rows.append(M[i] + M[i + 1]); gold.append(((i, i + 1), (len(rows) - 1,))); i += 2
        else:
            rows.append(M[i]); gold.append(((i,), (len(rows) - 1,))); i += 1
    Y = np.array(rows) + 0.6 * rng.normal(size=(len(rows), DIM)).astype(np.float32) / np.sqrt(DIM)
    lens_x = rng.integers(40, 160, n)
    lens_y = rng.integers(40, 160, len(rows))
    return X.astype(np.float32), Y.astype(np.float32), lens_x, lens_y, gold


def one(n: int, full: bool) -> dict:
    from aligner.align.core import AlignParams, align
    from aligner.align.scorer import score

    wx, wy, wlx, wly, _ = planted(200, seed=1)
    align(wx, wy, src_len=wlx, tgt_len=wly)  # warm-up: BLAS threads, first-call costs
    X, Y, lx, ly, gold = planted(n)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    params = AlignParams(full_limit=10**12) if full else AlignParams()
    stats: dict = {}
    t0 = time.perf_counter()
    c0 = time.process_time()
    beads = align(X, Y, src_len=lx, tgt_len=ly, params=params, stats=stats)
    el = time.perf_counter() - t0
    cpu = time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    s = score(gold, beads)
    return {"n": n, "m": len(Y), "full": full, "seconds": round(el, 3), "cpu_seconds": round(cpu, 3), "peak_rss_mb": round(peak / 1024, 1),
            "added_rss_mb": round((peak - base) / 1024, 1), "f1_strict": round(s.f1_strict, 4),
            "one_sided_recall": round(s.one_sided_recall, 4), "levels": stats.get("levels")}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--full", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one, args.full)))
        return
    sizes = [1000, 5000] if args.quick else [1000, 10000, 50000]
    baseline = [1000] if args.quick else [1000, 5000]
    rows = []
    for n, full in [(n, False) for n in sizes] + [(n, True) for n in baseline]:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)] + (["--full"] if full else []),
                             capture_output=True, text=True, check=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
        r = rows[-1]
        print(f"{'full first pass' if full else 'banded':<16} n={r['n']:>6} m={r['m']:>6}  {r['seconds']:>8.2f}s wall {r['cpu_seconds']:>8.2f}s CPU  "
              f"peak RSS {r['peak_rss_mb']:>7.1f} MB (+{r['added_rss_mb']:.1f})  strict F1 {r['f1_strict']:.4f}  "
              f"one-sided recall {r['one_sided_recall']:.3f}", flush=True)
    banded = [r for r in rows if not r["full"]]
    b0 = banded[0]
    print("\nratios vs 1k (banded): size x, wall time x, CPU time x")
    for r in banded:
        print(f"  n={r['n']:>6}: size x{r['n'] / b0['n']:.0f}, wall x{r['seconds'] / b0['seconds']:.1f}, "
              f"CPU x{r['cpu_seconds'] / b0['cpu_seconds']:.1f}")
    full = [r for r in rows if r["full"]]
    for f in full:
        same = next((r for r in banded if r["n"] == f["n"]), None)
        if same:
            print(f"  full vs banded at n={f['n']}: CPU time x{f['cpu_seconds'] / same['cpu_seconds']:.1f}")
    if len(full) > 1:
        print(f"  full first pass 1k -> 5k: CPU time x{full[1]['cpu_seconds'] / full[0]['cpu_seconds']:.1f} "
              f"(quadratic would be x25); banded 1k -> 10k: x{banded[1]['cpu_seconds'] / b0['cpu_seconds']:.1f}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / ("scaling-quick.json" if args.quick else "scaling.json")).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
