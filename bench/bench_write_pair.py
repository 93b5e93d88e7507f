"""The pair and write stages alone, this tree against a baseline revision, on one finished run.

    python bench/bench_write_pair.py OUT CORPUS                      # baseline: main
    python bench/bench_write_pair.py OUT CORPUS --baseline 2a9fd5e --repeat 2
    python bench/bench_write_pair.py bench/results/pb-out-1000 bench/results/corpus-1000-13 --baseline integ3 --repeat 2
    python bench/bench_write_pair.py OUT CORPUS --baseline integ3 --also check   # the check and records stages too

OUT is the output folder of a finished `aligner run CORPUS -o OUT` (its work folder, OUT/.work, is
reused). For the baseline (`git archive` of the revision into a temporary folder) and for this tree,
in turn and `--repeat` times: the work folder is copied, its pair stage removed, and `aligner run`
re-runs the pair stage and the write stage only (every other unit is reused: their keys do not
depend on the pair stage's content). Printed per run: the pair and write stages' wall time (from
last_run.json), the CPU time of the whole process, and its peak RSS (last_run.json's memory_mb, where the
tree records it); then whether the two trees'
output folders are the same byte for byte (timings aside: the report pages' signature line and
summary.json's timings). The test encoder (ALIGNER_TEST_ENCODER) is used when OUT was made with it
(`--encoder fake`, the default); `--encoder e5-small` passes the encoder on (the vectors are in the
work folder: nothing is encoded again but the roles stage's names, which are reused too).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from _shared import checkout  # noqa: E402


def run_tree(src: Path, corpus: Path, work: Path, out: Path, encoder: str, also: tuple[str, ...] = ()) -> dict:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copytree(work, out / ".work")
    for stage in ("pair", *also):
        for d in (out / ".work").glob(f"{stage}-*"):
            shutil.rmtree(d)
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=f"{src}{os.pathsep}{ROOT / 'tests'}")
    extra = ["--no-cache"]
    if encoder == "fake":
        env.update(ALIGNER_TEST_ENCODER="fakes:translating_encoder", ALIGNER_FAKE_MEANINGS=str(corpus / "gold.json"))
    else:
        extra = ["--encoder", encoder]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "aligner", "-q", "run", str(corpus), "-o", str(out), "--workers", "1",
                    *extra], env=env, cwd=src, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    last = json.loads((out / ".work" / "last_run.json").read_text(encoding="utf-8"))
    return {"wall": wall, "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "pair": last["timings"].get("pair", 0.0), "write": last["timings"].get("write", 0.0),
            "pair_cpu": last.get("cpu_seconds", {}).get("pair"), "write_cpu": last.get("cpu_seconds", {}).get("write"),
            "cpu_seconds": last.get("cpu_seconds", {}),
            "peak_rss_mb": max((m.get("peak", 0) for m in last.get("memory_mb", {}).values()), default=None)}


_SIG = re.compile(rb'<div class="sig">.*?</div>')


def same_output(a: Path, b: Path) -> list[str]:
    """Files that differ between two output folders, timings aside."""
    diff = []
    for pa in sorted(p for p in a.rglob("*") if p.is_file() and ".work" not in p.parts):
        rel = pa.relative_to(a)
        pb = b / rel
        if not pb.is_file():
            diff.append(f"{rel} (missing)")
        elif rel.name == "summary.json":
            ja, jb = (json.loads(x.read_text(encoding="utf-8")) for x in (pa, pb))
            ja.pop("timings", None), jb.pop("timings", None)
            for j in (ja, jb):  # the manifest hashes report.html, whose signature line has the run's time
                j.get("files", {}).pop("report.html", None)
            if ja != jb:
                diff.append(str(rel))
        elif rel.suffix == ".html":
            if _SIG.sub(b"", pa.read_bytes()) != _SIG.sub(b"", pb.read_bytes()):
                diff.append(str(rel))
        elif not filecmp.cmp(pa, pb, shallow=False):
            diff.append(str(rel))
    return diff


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--baseline", default="main")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--encoder", default="fake")
    ap.add_argument("--also", nargs="*", default=[], choices=["check", "records"],
                    help="stages re-run too (their work folders removed as well): check (then records), records")
    args = ap.parse_args(argv)
    work = args.out / ".work"
    if not (work / "last_run.json").is_file():
        raise SystemExit(f"{args.out}: not the output folder of a finished run (no .work/last_run.json)")
    with tempfile.TemporaryDirectory(prefix="bench-write-pair-") as tmp:
        tmp = Path(tmp)
        base_src = tmp / "baseline-src"
        checkout(args.baseline, base_src)
        rows = {"baseline": [], "this tree": []}
        for _ in range(args.repeat):  # interleaved, so a change of the machine's load hits both
            for name, src in (("baseline", base_src), ("this tree", ROOT)):
                also = tuple(dict.fromkeys(x for a in args.also for x in ((a, "records") if a == "check" else (a,))))
                r = run_tree(src, args.corpus.resolve(), work, tmp / name.replace(" ", "-"), args.encoder, also)
                rows[name].append(r)
                print(f"{name:9s} ({args.baseline if name == 'baseline' else 'HEAD'}): pair {r['pair']:.1f}s "
                      f"write {r['write']:.1f}s wall"
                      + (f" (CPU {r['pair_cpu']:.1f}s / {r['write_cpu']:.1f}s)" if r["pair_cpu"] is not None else "")
                      + f", process CPU {r['cpu']:.1f}s, peak RSS "
                      + (f"{r['peak_rss_mb']:.0f} MB" if r["peak_rss_mb"] else "not recorded (before memory_mb)"),
                      flush=True)
        best = {k: min(v, key=lambda r: r["cpu"]) for k, v in rows.items()}
        b, t = best["baseline"], best["this tree"]
        print(f"\nthis tree / baseline (best of {args.repeat}): pair x{t['pair'] / b['pair']:.2f}, "
              f"write x{t['write'] / b['write']:.2f}, pair + write {b['pair'] + b['write']:.1f}s -> "
              f"{t['pair'] + t['write']:.1f}s wall, process CPU x{t['cpu'] / b['cpu']:.2f}")
        if b["pair_cpu"] is not None and t["pair_cpu"] is not None:  # CPU: what the code costs, whatever the load
            cpu = {k: min(r["pair_cpu"] for r in v) for k, v in rows.items()}
            wcpu = {k: min(r["write_cpu"] for r in v) for k, v in rows.items()}
            print(f"pair stage CPU (best of {args.repeat}): {cpu['baseline']:.1f}s -> {cpu['this tree']:.1f}s "
                  f"(x{cpu['this tree'] / cpu['baseline']:.2f}); write stage CPU {wcpu['baseline']:.1f}s -> "
                  f"{wcpu['this tree']:.1f}s (x{wcpu['this tree'] / wcpu['baseline']:.2f})")
        for stage in dict.fromkeys(x for a in args.also for x in ((a, "records") if a == "check" else (a,))):
            c = {k: min(r["cpu_seconds"].get(stage, float("nan")) for r in v) for k, v in rows.items()}
            print(f"{stage} stage CPU (best of {args.repeat}): {c['baseline']:.1f}s -> {c['this tree']:.1f}s "
                  f"(x{c['this tree'] / c['baseline']:.2f})")
        diff = same_output(tmp / "baseline", tmp / "this-tree")
        print("output identical to the baseline's (timings aside)" if not diff else f"output differs: {diff[:10]}")


if __name__ == "__main__":
    main()
