"""Recall of the checks on artifacts injected into clean Tatoeba text (tl, it, cs), before/after issue 15.

The cases are those of tests/test_checks_injection.py (built by tests/injection_cases.py: 40 seeded documents
of 20 sentences per language, one artifact per document; glued sentences, lost sentence break, lost word space,
doubled word, spaced affix hyphen (tl), English word, capitalised common word). Each category is checked with
the one check meant for it, default settings, no encoder. found = artifacts overlapped by a flag of that code;
false alarms = flags of that code elsewhere in the same documents (the rest of the text is clean Tatoeba).

  before: the code before the issue-15 work (main's e6d2d05^1), checked out into a temporary git worktree
          and run in a subprocess with PYTHONPATH pointing at it (same venv); a check it lacks finds nothing;
  after:  this tree. Both columns in the same run.

    python bench/bench_injection.py [--before-rev e6d2d05^1] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs in a subprocess whose PYTHONPATH points at the tree under test; reads jobs on stdin, prints results.
WORKER = r'''
import json, sys
from aligner.checks import run_checks
from aligner.config import Config
from aligner.model import Document
from aligner.segment import segment_corpus
HEAD = "Pamagat\n\n"
out = []
for job in json.load(sys.stdin):
    lang, code, cases = job["lang"], job["code"], job["cases"]
    docs = [Document(doc=f"d{k}", path="", raw=HEAD + t, lang=lang, manifest={"lang": lang})
            for k, (t, _) in enumerate(cases)]
    try:
        segment_corpus(docs, config=Config())
        flags = run_checks(docs, [], encoder=None, embeddings={}, config=Config(), select=[code])
    except Exception as exc:  # a check the tree does not have: nothing found
        out.append({"found": 0, "false": 0, "error": f"{type(exc).__name__}: {exc}"[:120]})
        continue
    found = false = 0
    for d, (_, (s, e)) in zip(docs, cases):
        s, e = s + len(HEAD), e + len(HEAD)
        mine = [f for f in flags if f.doc == d.doc and f.code == code]
        hit = [f for f in mine if f.start < e and s < f.end]
        found += bool(hit)
        false += len(mine) - len(hit)
    out.append({"found": found, "false": false})
print(json.dumps(out))
'''


def run_tree(tree: Path, jobs) -> list[dict]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    p = subprocess.run([sys.executable, "-c", WORKER], input=json.dumps(jobs), text=True, capture_output=True,
                       env=env, cwd=str(tree))
    if p.returncode != 0:
        raise SystemExit(f"worker failed in {tree}:\n{p.stderr[-2000:]}")
    return json.loads(p.stdout)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before-rev", default="e6d2d05^1", help="git revision of the 'before' code")
    ap.add_argument("--quick", action="store_true", help="the same cases (they are already small)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tests"))
    sys.path.insert(0, str(ROOT))
    import injection_cases as ic

    jobs = []
    for cat, (build, code, langs) in ic.CATEGORIES.items():
        for lang in langs:
            jobs.append({"cat": cat, "lang": lang, "code": code, "cases": build(lang)})
    t0 = time.perf_counter()
    after = run_tree(ROOT, jobs)
    with tempfile.TemporaryDirectory(prefix="bench-inj-") as tmp:
        wt = Path(tmp) / "before"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(wt), args.before_rev],
                       check=True, capture_output=True)
        try:
            before = run_tree(wt, jobs)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(wt)], capture_output=True)
    print(f"Injected artifacts in Tatoeba text (40 documents x 20 sentences per language, seed 7), default "
          f"settings, no encoder; before = {args.before_rev}, after = this tree; {time.perf_counter() - t0:.0f} s\n")
    print("| category | check | lang | injected | found before | found after | recall before | recall after "
          "| false alarms before | false alarms after |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    tot = {"n": 0, "b": 0, "a": 0}
    for job, b, a in zip(jobs, before, after):
        n = len(job["cases"])
        tot["n"] += n
        tot["b"] += b["found"]
        tot["a"] += a["found"]
        note = " (no such check)" if "error" in b else ""
        print(f"| {job['cat']} | `{job['code']}` | {job['lang']} | {n} | {b['found']}{note} | {a['found']} "
              f"| {b['found'] / n:.2f} | {a['found'] / n:.2f} | {b['false']} | {a['false']} |")
    print(f"| **all** | | | {tot['n']} | {tot['b']} | {tot['a']} | {tot['b'] / tot['n']:.2f} "
          f"| {tot['a'] / tot['n']:.2f} | | |")
    for job, b, a in zip(jobs, before, after):
        for side, r in (("before", b), ("after", a)):
            if "error" in r:
                print(f"{side}, {job['code']} ({job['lang']}): {r['error']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
