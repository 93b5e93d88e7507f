"""Time and peak memory per document as it grows: `aligner lint` and `aligner run` on one page of 0.1, 1 and 10 MB.

    python bench/bench_docsize.py                 # 0.1, 1, 10 MB single-line pages (the hard case)
    python bench/bench_docsize.py --quick         # 0.1 and 1 MB, for CI
    python bench/bench_docsize.py --multiline     # the same text with paragraphs

The page: Tagalog sentences built from the Tatoeba test sentences (../shared/data; each made of the first half
of one sentence and the second half of another, so that no cache makes repeated text free), written on ONE line
without a newline (the 10 MB single-line page of issue 13). Each measurement runs in a fresh process that
reports its own wall time and peak RSS:

- lint: `aligner lint PAGE` through the real CLI (load, segment, every document check, formatting);
- run:  `aligner.pipeline.run` on a corpus of that one page, writing every output file, with the deterministic
        fake encoder of tests/fakes.py: the real encoder's cost is left out (it is measured by
        bench_encoder.py and bench_align_scaling.py; a 10 MB page is ~280k sentences to embed).

Baseline in the same run: the 0.1 MB figure; the table prints the growth per 10x of size (linear = 10x, the
fixed start-up cost -- models, word lists -- makes small pages look cheaper per MB). Targets of issue 13: the 10 MB
page completes both within 60 s and 1 GB.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def shared_dir() -> Path:
    env = os.environ.get("ALIGNER_SHARED")
    for cand in ([Path(env)] if env else []) + [ROOT.parent / "shared", Path("/work/shared")]:
        if (cand / "data" / "tatoeba").is_dir():
            return cand
    raise SystemExit("shared data not found: set ALIGNER_SHARED")


def make_page(size: int, *, single_line: bool, seed: int = 13) -> str:
    """About `size` bytes of Tagalog prose, paragraphs of 3-7 sentences (joined by a space when single_line)."""
    lines = (shared_dir() / "data" / "tatoeba" / "tatoeba.tgl-eng.tgl").read_text(encoding="utf-8").splitlines()
    sents = [s.strip() for s in lines if s.strip()]
    rng = random.Random(seed)
    out, n, par = [], 0, []
    while n < size:
        a, b = rng.choice(sents).split(), rng.choice(sents).split()
        s = " ".join(a[: max(1, len(a) // 2)] + b[len(b) // 2:])
        par.append(s)
        n += len(s.encode("utf-8")) + 1
        if len(par) >= rng.randint(3, 7):
            out.append(" ".join(par))
            par = []
    if par:
        out.append(" ".join(par))
    return (" " if single_line else "\n\n").join(out) + "\n"


def child(stage: str, page: str) -> None:
    """Runs in the measured process: one stage on one page, then prints {seconds, rss_mb, ...} as JSON."""
    t0 = time.perf_counter()
    extra = {}
    if stage == "lint":
        from aligner.cli import main

        try:
            main(["-q", "lint", page, "-o", os.devnull, "--fail-on", "error"])
        except SystemExit:
            pass
    else:
        sys.path.insert(0, str(ROOT / "tests"))
        from fakes import FakeEncoder

        from aligner.pipeline import run

        corpus = Path(page).parent
        with tempfile.TemporaryDirectory() as out:
            result = run(corpus, Path(out) / "out", encoder=FakeEncoder())
            extra = {"sentences": sum(len(d.sentences) for d in result.documents), "flags": len(result.flags),
                     "status": [d.status for d in result.documents]}
            extra["stages"] = result.timings
    usage = resource.getrusage(resource.RUSAGE_SELF)
    extra.update(seconds=round(time.perf_counter() - t0, 2), cpu=round(usage.ru_utime + usage.ru_stime, 2),
                 rss_mb=round(usage.ru_maxrss / 1024))
    print(json.dumps(extra))


def measure(stage: str, page: Path) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", stage, str(page)], capture_output=True, text=True,
                          env=dict(os.environ, HF_HUB_OFFLINE="1"))
    if proc.returncode != 0:
        raise SystemExit(f"{stage} on {page.name} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="0.1 and 1 MB only")
    ap.add_argument("--multiline", action="store_true", help="paragraphs on lines of their own")
    ap.add_argument("--sizes", type=float, nargs="*", help="page sizes in MB (default 0.1 1 10)")
    ap.add_argument("--stages", nargs="*", default=["lint", "run"], choices=["lint", "run"])
    ap.add_argument("--child", nargs=2, metavar=("STAGE", "PAGE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    sizes = args.sizes or ([0.1, 1.0] if args.quick else [0.1, 1.0, 10.0])
    shape = "multi-line" if args.multiline else "single-line"
    print(f"one {shape} Tagalog page per size; fresh process per measurement; run uses the fake encoder")
    print("seconds: wall clock of the measured process; cpu: its CPU time (what a busy shared machine does not inflate)")
    print(f"{'stage':<5} {'MB':>5} {'sentences':>9} {'seconds':>8} {'cpu s':>7} {'peak MB':>8} {'cpu x':>7} "
          f"{'per 10x':>8} {'RSS x':>6}")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        pages = {}
        for mb in sizes:
            folder = Path(tmp) / f"p{mb:g}"
            folder.mkdir()
            pages[mb] = folder / f"page_{mb:g}mb.txt"
            pages[mb].write_text(make_page(int(mb * 1_000_000), single_line=not args.multiline), encoding="utf-8")
        for stage in args.stages:
            base = None
            for mb in sizes:
                r = measure(stage, pages[mb])
                if base is None:
                    base = (mb, r)
                scale = mb / base[0]
                t_ratio = r["cpu"] / base[1]["cpu"]
                per10 = t_ratio ** (1 / math.log10(scale)) if scale > 1 else 1.0
                print(f"{stage:<5} {mb:>5g} {r.get('sentences', ''):>9} {r['seconds']:>8.1f} {r['cpu']:>7.1f} "
                      f"{r['rss_mb']:>8} {t_ratio:>6.1f}x {per10:>7.1f}x {r['rss_mb'] / base[1]['rss_mb']:>5.1f}x",
                      flush=True)
                if stage == "run" and r.get("status") != ["ok"]:
                    print(f"      the page was not processed: status {r.get('status')}")
                    ok = False
                if mb >= 10 and (max(r["seconds"], r["cpu"]) > 60 or r["rss_mb"] > 1024):
                    print(f"      over the target (60 s, 1024 MB) for a {mb:g} MB page")
                if stage == "run":
                    print(f"      stages: {json.dumps(r.get('stages', {}))}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
