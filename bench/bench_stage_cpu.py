"""CPU seconds of the scan, segment, roles, align and check units and of each check, this tree against a baseline commit.

    python bench/bench_stage_cpu.py                      # 1,000 generated documents, baseline: main
    python bench/bench_stage_cpu.py --docs 300 --baseline 2a9fd5e

Both versions run `aligner run` on the same generated corpus (bench/make_corpus.py, cached under
bench/results/corpus-N-SEED) with the deterministic test encoder, one worker, at the same time, so they
share the machine's load. CPU time (time.process_time, per unit of work and per check), not wall
time: on a shared machine the wall time says more about the other jobs than about the code. The
baseline is `git archive`d into a temporary folder. The two output folders must be the same, timings
aside: the script says so, or lists the files that differ.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "bench"))
from _shared import checkout  # noqa: E402

# Run inside the measured tree: the pipeline's unit functions and the checks' guard, wrapped with CPU timers.
WRAPPER = r'''
import atexit, collections, json, sys, time
import aligner.checks as C
import aligner.pipeline as P
T = collections.Counter()
guarded = C._guarded
def timed_guard(fn, check, *a, **k):
    t = time.process_time()
    try:
        return guarded(fn, check, *a, **k)
    finally:
        T["check:" + check.code] += time.process_time() - t
C._guarded = timed_guard
for name in ("_scan_unit", "_segment_unit", "_roles_unit", "_align_unit", "_check_unit"):
    def unit(*a, _f=getattr(P, name), _n=name, **k):
        t = time.process_time()
        try:
            return _f(*a, **k)
        finally:
            T["stage:" + _n.strip("_").replace("_unit", "")] += time.process_time() - t
    setattr(P, name, unit)
atexit.register(lambda: print("CPU-JSON " + json.dumps({**T, "process": time.process_time()}), file=sys.stderr))
from aligner.cli import main
sys.argv[0] = "aligner"
main()
'''

_TIMING = re.compile(r" · [0-9.]+ s</div>")


def same_output(a: Path, b: Path) -> list[str]:
    """Files of two output folders that differ, timings aside (the work folder is not compared)."""
    differ = []
    names = sorted({p.relative_to(a) for p in a.rglob("*") if p.is_file() and ".work" not in p.parts}
                   | {p.relative_to(b) for p in b.rglob("*") if p.is_file() and ".work" not in p.parts})
    for name in names:
        pa, pb = a / name, b / name
        if not (pa.is_file() and pb.is_file()):
            differ.append(str(name))
            continue
        if name.name == "summary.json":
            ja, jb = (json.loads(p.read_text(encoding="utf-8")) for p in (pa, pb))
            for j in (ja, jb):  # the report pages print the run's wall time: their checksums differ with it
                j.pop("timings", None)
                for f in [f for f in j.get("files", {}) if f.endswith(".html")]:
                    j["files"].pop(f)
            if ja != jb:
                differ.append(str(name))
        elif name.suffix == ".html":
            if _TIMING.sub("", pa.read_text(encoding="utf-8")) != _TIMING.sub("", pb.read_text(encoding="utf-8")):
                differ.append(str(name))
        elif pa.read_bytes() != pb.read_bytes():
            differ.append(str(name))
    return differ


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--baseline", default="main", help="git revision measured beside this tree")
    args = ap.parse_args(argv)
    from make_corpus import generate

    corpus = RESULTS / f"corpus-{args.docs}-{args.seed}"
    if not (corpus / "gold.json").is_file():
        generate(args.docs, corpus, seed=args.seed)
    with tempfile.TemporaryDirectory(prefix="stage-cpu-") as tmp:
        base = Path(tmp) / "baseline"
        rev = checkout(args.baseline, base)
        here = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
        runs = {}
        for label, tree in ((f"baseline {rev}", base), (f"this tree ({here}+edits)", ROOT)):
            out = Path(tmp) / f"out-{len(runs)}"
            env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=f"{tree}{os.pathsep}{tree / 'tests'}",
                       ALIGNER_TEST_ENCODER="fakes:translating_encoder", ALIGNER_FAKE_MEANINGS=str(corpus / "gold.json"))
            proc = subprocess.Popen([sys.executable, "-c", WRAPPER, "-q", "run", str(corpus), "-o", str(out),
                                     "--no-cache", "--workers", "1"], cwd=tree, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            runs[label] = (proc, out)
        cpu = {}
        for label, (proc, out) in runs.items():
            err = proc.communicate()[1]
            if proc.returncode != 0:
                raise SystemExit(f"{label}: aligner run failed ({proc.returncode}):\n{err[-3000:]}")
            line = next(x for x in err.splitlines() if x.startswith("CPU-JSON "))
            cpu[label] = json.loads(line[len("CPU-JSON "):])
        (la, (_, oa)), (lb, (_, ob)) = runs.items()
        a, b = cpu[la], cpu[lb]
        print(f"{args.docs} generated documents, test encoder, one worker, both runs at once; CPU seconds")
        print(f"{'':32s} {la:>22s} {lb:>26s}  ratio")
        keys = ["process"] + sorted(k for k in {*a, *b} if k.startswith("stage:")) \
            + sorted((k for k in {*a, *b} if k.startswith("check:")), key=lambda k: -a.get(k, 0.0))
        for k in keys:
            x, y = a.get(k, 0.0), b.get(k, 0.0)
            if max(x, y) < 0.05:
                continue
            print(f"{k:32s} {x:22.2f} {y:26.2f}  x{y / x if x else float('nan'):.2f}")
        stages = ("stage:scan", "stage:segment", "stage:align", "stage:check")
        x, y = sum(a.get(k, 0.0) for k in stages), sum(b.get(k, 0.0) for k in stages)
        print(f"{'scan+segment+align+check':32s} {x:22.2f} {y:26.2f}  x{y / x:.2f}")
        differ = same_output(oa, ob)
        print("outputs: the same, timings aside" if not differ else f"outputs DIFFER: {', '.join(differ[:20])}")


if __name__ == "__main__":
    main()
