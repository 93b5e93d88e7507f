"""What the whole-or-untouched output folder costs: the commit, and verifying a folder before use.

Builds an output folder whose aligned.jsonl is SIZE MB of synthetic beads, then times, in the
same run:

- baseline: reading the folder's files once (what any reader pays anyway);
- commit: `OutputTransaction.commit` (fsync + SHA-256 of each staged file, renames);
- verify quick: sizes and run id stamps (`read_aligned`, `aligner export` by default);
- verify full: SHA-256 of every file (`aligner check` by default).

  python bench/bench_output_commit.py [--size-mb 200] [--quick]

Prints seconds and the ratio to the baseline. The page cache is warm in every row (the
files were just written), which is the case right after a run; a cold cache adds the disk's
read time to the baseline and to `full` alike.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _bead(i: int) -> str:
    text = f"Sentence number {i} of a synthetic document, long enough to look like real text. "
    return json.dumps({"schema": 1, "run": "bench0000000", "id": f"b{i}", "src_doc": "a", "tgt_doc": "b",
                       "src_lang": "de", "tgt_lang": "fr", "src": text, "tgt": text[::-1], "type": "1-1",
                       "score": 0.9, "keep": True}) + "\n"


def _stage(tx, size_mb: float) -> None:
    target = int(size_mb * 1024 * 1024)
    with open(tx.path("aligned.jsonl"), "w", encoding="utf-8") as fh:
        written, i = 0, 0
        while written < target:
            line = _bead(i)
            fh.write(line)
            written += len(line.encode())
            i += 1
    for name in ("documents.jsonl", "flags.jsonl", "pairs.jsonl"):
        tx.path(name).write_text(_bead(0) * 1000, encoding="utf-8")


def _read_all(out: Path) -> None:
    for p in out.iterdir():
        if p.is_file():
            with open(p, "rb") as fh:
                while fh.read(1 << 20):
                    pass


def main(argv=None) -> int:
    from aligner.output.staging import OutputTransaction, verify_output

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=float, default=200.0, help="size of aligned.jsonl (default 200)")
    ap.add_argument("--quick", action="store_true", help="20 MB instead")
    args = ap.parse_args(argv)
    size = 20.0 if args.quick else args.size_mb
    with tempfile.TemporaryDirectory(prefix="bench-commit-") as tmp:
        out = Path(tmp) / "out"
        with OutputTransaction(out) as tx:
            _stage(tx, size)
            t0 = time.perf_counter()
            tx.commit({"schema": 1, "run": "bench0000000"})
            commit = time.perf_counter() - t0
        total_mb = sum(p.stat().st_size for p in out.iterdir()) / 2**20
        rows = []
        t0 = time.perf_counter()
        _read_all(out)
        base = time.perf_counter() - t0
        rows.append(("baseline: read every file once", base))
        rows.append(("commit (fsync + SHA-256 + renames)", commit))
        for mode in ("quick", "full"):
            t0 = time.perf_counter()
            verify_output(out, mode=mode)
            rows.append((f"verify {mode}", time.perf_counter() - t0))
    print(f"output folder of {total_mb:.0f} MB (aligned.jsonl {size:.0f} MB)")
    print(f"{'step':40} {'seconds':>9} {'x baseline':>11} {'s/GB':>7}")
    for name, sec in rows:
        print(f"{name:40} {sec:9.3f} {sec / base:11.2f} {sec / (total_mb / 1024):7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
