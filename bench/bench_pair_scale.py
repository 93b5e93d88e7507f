"""Pairing at scale, on the vectors of a finished run: candidate generation and the topic calibration.

    python bench/bench_scale.py --sizes 1000 --engines local1                 # makes the run (test encoder)
    python bench/bench_pair_scale.py bench/results/scale-out-1000-local1-fake/.work bench/results/corpus-1000-13/gold.json

Reads the run's work folder (document summaries and sentence vectors: whatever encoder made them)
and the generator's gold, and prints

1. candidate generation: for document vectors as they are (the baseline) and centred per language
   (what `pair_documents` uses), with k = 3, 5, 10 nearest documents per language: how many gold
   parallel pairs are among the candidates, how many at rank 1, and the number of candidates;
2. pairing: recall and precision of `parallel` against the gold with the topic range fixed
   (e5-small's) and calibrated to the encoder's scale (`pair.calibration`), with the background
   measured, on the default settings otherwise.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))


def load(work: Path):
    seg = next(p for p in work.glob("segment-*") if p.is_dir())
    emb = next(p for p in work.glob("embed-*") if p.is_dir())
    vectors, infos = {}, []
    for meta in sorted(emb.glob("*.meta")):
        where = pickle.load(open(meta, "rb"))
        arr = np.load(emb / f"{meta.stem}.npy", mmap_mode="r")
        for doc, (start, n) in where.items():
            vectors[doc] = np.asarray(arr[start:start + n], dtype=np.float32)
        infos += [i for i in pickle.load(open(seg / f"{meta.stem}.info", "rb")) if not i.bilingual]
    return vectors, infos


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("work", type=Path, help="a run's work folder (OUT/.work)")
    ap.add_argument("gold", type=Path, help="bench/make_corpus.py's gold.json")
    ap.add_argument("--no-pairing", action="store_true", help="candidate generation only")
    args = ap.parse_args(argv)
    from threadpoolctl import threadpool_limits

    from aligner.config import PairConfig
    from aligner.pair import pair_documents
    from aligner.pair.candidates import ann, centre_by_language, document_vector
    from bench_scale import sibling_translations

    gold = json.loads(args.gold.read_text(encoding="utf-8"))
    truth = {tuple(sorted((p["src"], p["tgt"]))) for p in gold["parallel"]}
    vectors, infos = load(args.work)
    docs = sorted(i.doc for i in infos if i.doc in vectors and len(vectors[i.doc]))
    index = {d: k for k, d in enumerate(docs)}
    lang_of = {i.doc: i.lang for i in infos}
    langs = [lang_of[d] for d in docs]
    plain = np.stack([document_vector(vectors[d]) for d in docs])
    gold_idx = [tuple(sorted((index[a], index[b]))) for a, b in truth if a in index and b in index]
    print(f"{len(docs)} documents, {len(truth)} gold parallel pairs")
    print("candidate generation (ANN per language): gold pairs among candidates / at rank 1 / candidates")
    for name, vecs in (("as they are (baseline)", plain), ("centred per language", centre_by_language(plain, langs))):
        for k in (3, 5, 10):
            c = ann(vecs, langs, k)
            among = sum(p in c.pairs for p in gold_idx)
            first = sum(c.neighbour_rank.get(p) == 1 for p in gold_idx)
            print(f"  {name:24s} k={k:2d}: {among}/{len(truth)} among, {first} at rank 1, {len(c.pairs)} candidates",
                  flush=True)
    if args.no_pairing:
        return
    print("pairing (default settings): recall / precision of parallel against the gold")
    for calibrate in (False, True):
        stats: dict = {}
        t0 = time.perf_counter()
        with threadpool_limits(1, "blas"):
            pairs = pair_documents(infos, vectors, config=PairConfig(), stats=stats, calibrate=calibrate)
        found = {tuple(sorted((p.src_doc, p.tgt_doc))) for p in pairs if p.relation == "parallel"}
        hit = len(found & truth)
        siblings = len(found & (truth | sibling_translations(gold)))
        cal = stats.get("topic_calibration")
        what = (f"calibrated (background {cal['background']}, range {cal['topic_floor']}-{cal['topic_ceiling']})"
                if cal else f"fixed range {PairConfig().topic_floor}-{PairConfig().topic_ceiling}")
        print(f"  {what}: recall {hit / len(truth):.4f} precision {hit / max(1, len(found)):.4f} "
              f"({siblings / max(1, len(found)):.4f} counting two translations of one source as parallel) "
              f"({len(found)} parallel; {stats['candidates']} candidates; {time.perf_counter() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    sys.exit(main())
