"""CPU seconds of the alignment core alone on a generated corpus's parallel pairs, this tree against a baseline.

    python bench/bench_align_core.py                   # 1,000 generated documents, baseline: main
    python bench/bench_align_core.py --docs 300 --baseline 2a9fd5e

The corpus (bench/make_corpus.py, cached under bench/results/corpus-N-SEED) is run once through
`aligner run` with the deterministic test encoder, recording the inputs of every `align_documents`
call (sentence texts, paragraphs, vectors, settings) into bench/results/align-inputs-N-SEED.pkl.
Then each tree (the baseline `git archive`d into a temporary folder) aligns those pairs in its own
process, one after the other, twice, with one BLAS thread: CPU time (time.process_time) of the
`align` calls only, and the beads (indices, scores, similarities) and statistics compared. The
pipeline's align stage (bench/bench_stage_cpu.py) also holds the pair checks and the reads.
"""

from __future__ import annotations

import argparse
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "bench"))
from _shared import checkout  # noqa: E402

# Run inside the pipeline: record every align_documents call's inputs.
CAPTURE = r'''
import pickle, sys
import numpy as np
import aligner.align as A
cases, orig = [], A.align_documents
def record(src, tgt, src_emb, tgt_emb, *, encoder=None, config, stats=None):
    cases.append(dict(s_txt=[s.text for s in src.sentences], t_txt=[s.text for s in tgt.sentences],
                      s_par=[s.paragraph for s in src.sentences], t_par=[s.paragraph for s in tgt.sentences],
                      s_emb=np.array(src_emb), t_emb=np.array(tgt_emb), config=config))
    return orig(src, tgt, src_emb, tgt_emb, encoder=encoder, config=config, stats=stats)
A.align_documents = record
from aligner.cli import main
out = sys.argv.pop(1)
sys.argv[0] = "aligner"
try:
    main()
except SystemExit as exc:
    if exc.code:
        raise
with open(out, "wb") as fh:
    pickle.dump(cases, fh)
'''

# Run inside the measured tree: align every recorded pair, print CPU seconds, write the results.
REPLAY = r'''
import pickle, sys, time
from threadpoolctl import threadpool_limits
import fakes
from aligner.align import span_embedder
from aligner.align.core import align
with open(sys.argv[1], "rb") as fh:
    cases = pickle.load(fh)
encoder = fakes.translating_encoder()
def run():
    out = []
    for c in cases:
        stats = {}
        beads = align(c["s_emb"], c["t_emb"], src_len=[len(t) for t in c["s_txt"]],
                      tgt_len=[len(t) for t in c["t_txt"]], src_par=c["s_par"], tgt_par=c["t_par"],
                      embed_spans=span_embedder(c["s_txt"], c["t_txt"], encoder), config=c["config"], stats=stats)
        out.append(([(b.src, b.tgt, b.score, b.similarity) for b in beads], stats))
    return out
with threadpool_limits(1):
    run()  # warm: imports, the test encoder's vectors
    t = time.process_time()
    result = run()
    print(time.process_time() - t)
with open(sys.argv[2], "wb") as fh:
    pickle.dump(result, fh)
'''


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--baseline", default="main", help="git revision measured beside this tree")
    ap.add_argument("--repeat", type=int, default=2, help="runs per tree, alternating (the least CPU is kept)")
    args = ap.parse_args(argv)
    from make_corpus import generate

    corpus = RESULTS / f"corpus-{args.docs}-{args.seed}"
    if not (corpus / "gold.json").is_file():
        generate(args.docs, corpus, seed=args.seed)
    env = dict(os.environ, HF_HUB_OFFLINE="1", OPENBLAS_NUM_THREADS="1", ALIGNER_TEST_ENCODER="fakes:translating_encoder",
               ALIGNER_FAKE_MEANINGS=str(corpus / "gold.json"))
    inputs = RESULTS / f"align-inputs-{args.docs}-{args.seed}.pkl"
    with tempfile.TemporaryDirectory(prefix="align-core-") as tmp:
        if not inputs.is_file():
            subprocess.run([sys.executable, "-c", CAPTURE, str(inputs), "-q", "run", str(corpus), "-o",
                            str(Path(tmp) / "out"), "--no-cache", "--workers", "1"], cwd=ROOT, check=True,
                           env=dict(env, PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'tests'}"))
        base = Path(tmp) / "baseline"
        rev = checkout(args.baseline, base)
        trees = {f"baseline {rev}": base, "this tree": ROOT}
        cpu: dict[str, float] = {}
        results = {}
        for _ in range(max(1, args.repeat)):
            for label, tree in trees.items():
                out = Path(tmp) / f"result-{len(results)}.pkl"
                proc = subprocess.run([sys.executable, "-c", REPLAY, str(inputs), str(out)], cwd=tmp, check=True,
                                      capture_output=True, text=True,
                                      env=dict(env, PYTHONPATH=f"{tree}{os.pathsep}{ROOT / 'tests'}"))
                cpu[label] = min(cpu.get(label, float("inf")), float(proc.stdout.split()[-1]))
                with open(out, "rb") as fh:
                    results[label] = pickle.load(fh)
        with open(inputs, "rb") as fh:
            n_pairs = len(pickle.load(fh))
        (la, a), (lb, b) = cpu.items()
        print(f"{args.docs} generated documents: {n_pairs} parallel pairs aligned by the core, test encoder, "
              f"one BLAS thread; CPU seconds (least of {max(1, args.repeat)})")
        print(f"{la:>20s} {a:8.2f}\n{lb:>20s} {b:8.2f}   x{b / a:.2f}")
        ra, rb = results[la], results[lb]
        differ = [i for i, (x, y) in enumerate(zip(ra, rb)) if x != y]
        print("beads, scores and statistics: the same" if not differ and len(ra) == len(rb)
              else f"results DIFFER in {len(differ)} pairs (first: {differ[:10]})")


if __name__ == "__main__":
    main()
