"""Benchmark: document pairing with ANN candidates vs exhaustive scoring of every pair.

Synthetic corpora shaped like multilingual-e5-small embeddings (anisotropic: unrelated
sentences ~0.75 cosine, same-topic ~0.82, translations ~0.9): half the documents are
planted translation pairs in three languages, the rest same-topic distractors.
For N = 100, 300, 1000 documents it prints wall time, the number of pairs that got
sentence-level scoring, recall of the planted pairs and false parallels, and the
exhaustive / ANN ratios measured in the same run.

    python bench/bench_pairing.py            # N = 100, 300, 1000
    python bench/bench_pairing.py --quick    # N = 100, 300 (CI size)
    python bench/bench_pairing.py --seeds    # seed pair evidence and role scores with the real encoder
    python bench/bench_pairing.py --textberg # 7 real de-fr translations vs 42 same-domain pairs
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import shared_dir  # noqa: E402  (one resolution order for every bench)

sys.path.insert(0, str(ROOT))

from aligner.config import PairConfig  # noqa: E402
from aligner.model import Document, Sentence  # noqa: E402
from aligner.pair import pair_documents  # noqa: E402

DIM = 384
WEIGHTS = dict(common=0.70, topic=0.14, meaning=0.10, lang=0.02, noise=0.04)


def synthetic_corpus(n_docs: int, seed: int = 0, n_topics: int = 25):
    """n_docs documents: n_docs // 4 planted translation pairs, the rest same-topic distractors."""
    rng = np.random.default_rng(seed)

    def unit(k: int = 1) -> np.ndarray:
        v = rng.normal(size=(k, DIM))
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    common, topics = unit()[0], unit(n_topics)
    langs = ["tl", "it", "cs"]
    lang_vecs = dict(zip(langs, unit(3)))
    w = {k: np.sqrt(v) for k, v in WEIGHTS.items()}

    def embed(meanings: np.ndarray, topic: np.ndarray, lang: str) -> np.ndarray:
        x = (w["common"] * common + w["topic"] * topic + w["meaning"] * meanings + w["lang"] * lang_vecs[lang]
             + w["noise"] * unit(len(meanings)))
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)

    def doc(doc_id: str, lang: str, n: int) -> Document:
        return Document(doc=doc_id, path=doc_id, lang=lang,
                        sentences=[Sentence(i, 0, 0, 0, "x" * 90) for i in range(n)])

    docs, embeddings, planted = [], {}, set()
    n_pairs = n_docs // 4
    for p in range(n_pairs):
        n = int(rng.integers(8, 25))
        meanings, topic = unit(n), topics[p % n_topics]
        la, lb = langs[p % 3], langs[(p + 1) % 3]
        a, b = f"p{p:05d}a", f"p{p:05d}b"
        docs += [doc(a, la, n), doc(b, lb, n)]
        embeddings[a], embeddings[b] = embed(meanings, topic, la), embed(meanings, topic, lb)
        planted.add((a, b))
    for q in range(n_docs - 2 * n_pairs):
        n, lang = int(rng.integers(8, 25)), langs[q % 3]
        d = f"q{q:05d}"
        docs.append(doc(d, lang, n))
        embeddings[d] = embed(unit(n), topics[q % n_topics], lang)
    return docs, embeddings, planted


def run(docs, embeddings, planted, config: PairConfig) -> dict:
    stats: dict = {}
    t0 = time.perf_counter()
    pairs = pair_documents(docs, embeddings, config=config, stats=stats)
    seconds = time.perf_counter() - t0
    parallel = {(p.src_doc, p.tgt_doc) for p in pairs if p.relation == "parallel"}
    return {"seconds": seconds, "scored": stats["candidates"], "records": stats["reported"],
            "recall": len(parallel & planted) / max(1, len(planted)), "false_parallel": len(parallel - planted)}


def bench(sizes: list[int], neighbours: int) -> None:
    print(f"pairing benchmark: synthetic e5-like corpora, dim {DIM}, ann_neighbours={neighbours}")
    header = (f"{'N':>5} {'mode':<10} {'seconds':>8} {'pairs scored':>13} {'records':>8} "
              f"{'recall':>7} {'false par.':>10}")
    print(header)
    warm_docs, warm_emb, warm_planted = synthetic_corpus(40, seed=0)  # imports and first-call costs out of the timings
    run(warm_docs, warm_emb, warm_planted, PairConfig(exhaustive_max_docs=0, ann_neighbours=neighbours))
    for n in sizes:
        docs, embeddings, planted = synthetic_corpus(n, seed=n)
        ann = run(docs, embeddings, planted, PairConfig(exhaustive_max_docs=0, ann_neighbours=neighbours))
        exh = run(docs, embeddings, planted, PairConfig(exhaustive_max_docs=10**9, ann_neighbours=neighbours))
        for mode, r in (("ann", ann), ("exhaustive", exh)):
            print(f"{n:>5} {mode:<10} {r['seconds']:>8.2f} {r['scored']:>13} {r['records']:>8} "
                  f"{r['recall']:>7.3f} {r['false_parallel']:>10}")
        print(f"{n:>5} ratio exhaustive/ann: time x{exh['seconds'] / ann['seconds']:.1f}, "
              f"pairs scored x{exh['scored'] / ann['scored']:.1f}")


def seeds_report() -> None:
    """Seed pair scores/evidence and role scores: real loader, segmenter and encoder."""
    import json

    from aligner.config import Config
    from aligner.embed import get_encoder
    from aligner.load import load_corpus
    from aligner.pair.roles import label_roles
    from aligner.segment import segment_corpus

    config = Config()
    docs = load_corpus(ROOT / "corpus", config=config)
    segment_corpus(docs, config=config)
    docs = [d for d in docs if d.ok]
    encoder = get_encoder("e5-small", config=config.encoder)
    embeddings = {d.doc: encoder.encode([s.text for s in d.sentences]) for d in docs}
    details: dict = {}
    label_roles(docs, encoder, details=details)
    for p in pair_documents(docs, embeddings, config=PairConfig()):
        e = p.evidence
        keys = ("matches", "match_share", "order_agreement", "kendall_tau", "length_ratio_chars",
                "doc_cosine", "best_match_cosine", "topic_similarity", "translation_evidence")
        print(p.src_doc[:3], p.tgt_doc[:3], p.relation, p.score, json.dumps({k: e[k] for k in keys}))
    for doc_id, d in details.items():
        print(doc_id[:3], json.dumps(d.to_dict(), ensure_ascii=False))


def textberg_report() -> None:
    """Real documents: the seven Text+Berg de/fr translations (parallel) and the 42 cross-article pairs
    (same yearbook, same domain: comparable) with the real encoder."""
    from aligner.embed import get_encoder

    folder = shared_dir() / "data" / "textberg"
    encoder = get_encoder("e5-small")
    docs, embeddings = [], {}
    for lang in ("de", "fr"):
        for path in sorted((folder / lang).iterdir()):
            lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            d = Document(doc=f"{path.name}-{lang}", path=str(path), lang=lang,
                         sentences=[Sentence(i, 0, 0, 0, t) for i, t in enumerate(lines)])
            docs.append(d)
            embeddings[d.doc] = encoder.encode(lines)
    t0 = time.perf_counter()
    pairs = pair_documents(docs, embeddings, config=PairConfig())
    seconds = time.perf_counter() - t0
    confusion: dict[tuple[str, str], int] = {}
    worst_other, weakest_true = 0.0, 1.0
    for p in pairs:
        truth = "parallel" if p.src_doc.split("-")[0] == p.tgt_doc.split("-")[0] else "other"
        confusion[(truth, p.relation)] = confusion.get((truth, p.relation), 0) + 1
        if truth == "parallel":
            weakest_true = min(weakest_true, p.score)
        else:
            worst_other = max(worst_other, p.score)
    print(f"Text+Berg de-fr, {len(docs)} documents, {len(pairs)} pairs, pairing {seconds:.2f}s")
    for (truth, relation), count in sorted(confusion.items()):
        print(f"  truth {truth:<8} -> {relation:<10} {count}")
    print(f"  lowest score of a true translation {weakest_true:.3f}, highest of any other pair {worst_other:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 100, 300 only")
    parser.add_argument("--neighbours", type=int, default=PairConfig().ann_neighbours)
    parser.add_argument("--seeds", action="store_true", help="seed pairs and roles with the real encoder")
    parser.add_argument("--textberg", action="store_true", help="Text+Berg de-fr documents with the real encoder")
    args = parser.parse_args()
    if args.seeds:
        seeds_report()
        return
    if args.textberg:
        textberg_report()
        return
    bench([100, 300] if args.quick else [100, 300, 1000], args.neighbours)


if __name__ == "__main__":
    main()
