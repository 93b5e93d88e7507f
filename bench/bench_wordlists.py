"""wordfreq's word lists as dicts (wordfreq's own) against aligner.checks.wordlists' arrays.

    python bench/bench_wordlists.py            # the eight default languages, 2 rounds
    python bench/bench_wordlists.py --rounds 1

Each round runs two fresh processes, one per storage, in turn. Each loads the lists of the eight
default languages (wordfreq builds a language's table on its first look-up), then looks up a fixed
sample of words and phrases (tokenising included: `wordfreq.zipf_frequency`). Printed: the resident
memory the lists added (RSS after minus before, MB), the build and look-up seconds, and whether the
two processes gave the same answer for every look-up.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

CHILD = r'''
import json, random, sys, time
def rss():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20
import wordfreq
if sys.argv[1] == "tables":
    from aligner.checks.wordlists import install
    assert install(wordfreq)
langs = ["fil", "it", "cs", "en", "de", "fr", "es", "pt"]
r0, t0 = rss(), time.perf_counter()
for lang in langs:
    wordfreq.zipf_frequency("a", lang)
build = time.perf_counter() - t0
added = rss() - r0
rng = random.Random(3)
sample = [w for lang in langs for w in wordfreq.top_n_list(lang, 3000)]
sample = rng.sample(sample, len(sample)) + ["2019", "abc123", "l'uomo", "xyzzyq", "Straße", "kumain na"] * 50
wordfreq._wf_cache.clear()
t0 = time.perf_counter()
answers = [wordfreq.zipf_frequency(w, lang) for lang in langs for w in sample]
lookup = time.perf_counter() - t0
print(json.dumps({"added_mb": added, "build_s": build, "lookup_s": lookup, "lookups": len(answers),
                  "answers": hash(tuple(answers))}))
'''


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args(argv)
    runs: dict[str, list[dict]] = {"dict": [], "tables": []}
    for _ in range(args.rounds):
        for kind in runs:
            out = subprocess.run([sys.executable, "-c", CHILD, kind], capture_output=True, text=True, check=True,
                                 env={"PYTHONHASHSEED": "0", "PATH": ""})
            runs[kind].append(json.loads(out.stdout.strip().splitlines()[-1]))
    med = {k: {f: statistics.median(r[f] for r in v) for f in ("added_mb", "build_s", "lookup_s")} for k, v in runs.items()}
    same = len({r["answers"] for v in runs.values() for r in v}) == 1
    n = runs["dict"][0]["lookups"]
    print(f"eight default languages' word lists, medians of {args.rounds} round(s):")
    for k, m in med.items():
        print(f"  {k:7s} resident memory added {m['added_mb']:6.0f} MB   build {m['build_s']:.2f}s   "
              f"{n} look-ups {m['lookup_s']:.2f}s")
    d, t = med["dict"], med["tables"]
    print(f"tables / dicts: memory x{t['added_mb'] / d['added_mb']:.2f}, build x{t['build_s'] / d['build_s']:.2f}, "
          f"look-ups x{t['lookup_s'] / d['lookup_s']:.2f}; every answer the same: {same}")


if __name__ == "__main__":
    main()
