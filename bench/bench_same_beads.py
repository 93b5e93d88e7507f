"""Do two versions of the aligner core give the same beads? (the split of core.py, or any refactoring)

    python bench/bench_same_beads.py                       # against core.py of commit f231bb8 (before the split)
    python bench/bench_same_beads.py --reference-commit REV

The reference core is taken from git (`git show REV:aligner/align/core.py`) and imported beside the
current one. Both align the same inputs, with both scorings, and every bead (indices, score,
similarity) is compared:

- Text+Berg de-fr, all seven documents, and the Tatoeba documents of bench_tatoeba_docs.py
  (first 300 pairs of each set), with deterministic vectors that behave like an encoder's: each
  sentence is its gold bead's "meaning" vector plus a hashed bag of its words and trigrams
  (tests/fakes.py), each concatenation the normalised sum of its sentences plus the hashed bag of
  the joined text, so every path of the core is taken (merges, skips, refinement, attach pass);
- Text+Berg with the real e5 vectors of bench/results/emb-e5-small.npz where every string the
  core asks for is cached (documents not fully cached are listed as skipped).
Prints the number of documents and beads compared and any difference; exits 1 on a difference.
A reference without the lazy refinement is compared with the current core's eager road
(`refine_lazy=False`), the path the lazy one equals when its slack bounds the real-vs-sum gain.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile

import numpy as np

from _shared import ROOT, RESULTS, _key, parse_beads, read_lines, shared_dir

sys.path.insert(0, str(ROOT / "tests"))

from fakes import FakeEncoder  # noqa: E402

from aligner.align import core as current  # noqa: E402

import bench_tatoeba_docs as tatoeba  # noqa: E402

DOCS = ["001", "002", "003", "004", "005", "006", "007"]


def reference_core(rev: str):
    text = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:aligner/align/core.py"], check=True,
                          capture_output=True, text=True).stdout
    tmp = tempfile.NamedTemporaryFile("w", suffix="_core_ref.py", delete=False)
    tmp.write(text)
    tmp.close()
    spec = importlib.util.spec_from_file_location("aligner_core_reference", tmp.name)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


class Meaningful:
    """Deterministic sentence and span vectors from the gold (see module doc)."""

    def __init__(self, src, tgt, gold, seed: str):
        rng = np.random.default_rng(int(_key(seed)[:8], 16))
        self.fake = FakeEncoder(dim=64)
        d = 64
        self.src, self.tgt = src, tgt
        ms = np.zeros((len(src), d))
        mt = np.zeros((len(tgt), d))
        for s_idx, t_idx in gold:
            v = rng.normal(size=d)
            for i in s_idx:
                ms[i] = v
            for j in t_idx:
                mt[j] = v
        self.X = self._unit(ms / 8 + self.fake.encode(src) * 0.6 if len(src) else ms)
        self.Y = self._unit(mt / 8 + self.fake.encode(tgt) * 0.6 if len(tgt) else mt)

    @staticmethod
    def _unit(v):
        n = np.linalg.norm(v, axis=1, keepdims=True)
        return (v / np.where(n == 0, 1, n)).astype(np.float32)

    def embed_spans(self, side, spans):
        E, lines = (self.X, self.src) if side == "src" else (self.Y, self.tgt)
        return self._unit(np.stack([E[s:e].sum(0) + 0.3 * self.fake.encode([" ".join(lines[s:e])])[0]
                                    for s, e in spans]))


def textberg(doc):
    base = shared_dir() / "data" / "textberg"
    return read_lines(base / "de" / doc), read_lines(base / "fr" / doc), \
        parse_beads((base / "gold" / doc).read_text(encoding="utf-8"))


def tatoeba_docs(limit=300, size=50, rate=0.05, seed=13):
    for name in [*tatoeba.LASER, *tatoeba.CHALLENGE]:
        for d0, (src, tgt, gold) in tatoeba.documents(name, limit=limit, size=size, rate=rate, seed=seed):
            yield f"{name}-{d0}", src, tgt, gold


def compare(name, ref, X, Y, src, tgt, embed_spans, scoring, report):
    kw = dict(src_len=[len(s) for s in src], tgt_len=[len(t) for t in tgt], embed_spans=embed_spans)
    a = ref.align(X, Y, params=ref.AlignParams(scoring=scoring), **kw)
    # the lazy refinement (default since issue 14) encodes fewer concatenations and may change beads by
    # design (docs/alignment.md, "Encoding cost"): the refactoring check runs the eager road
    cur = current.AlignParams(scoring=scoring)
    if hasattr(cur, "refine_lazy") and not hasattr(ref.AlignParams(), "refine_lazy"):
        cur.refine_lazy = False
    if hasattr(cur, "onesided_core") and not hasattr(ref.AlignParams(), "onesided_core"):
        cur.onesided_core = None  # the core pass after the DP (aligner.align.bead_cores) changes beads by design
    ref_p = ref.AlignParams()
    if getattr(ref_p, "split_one_sided", None) is None and getattr(ref_p, "onesided_member", None) is None:
        cur.split_one_sided = cur.onesided_member = None  # the edge tests after the DP, the same (on by default since)
    b = current.align(X, Y, params=cur, **kw)
    ta = [(x.src, x.tgt, x.score, x.similarity) for x in a]
    tb = [(x.src, x.tgt, x.score, x.similarity) for x in b]
    report["docs"] += 1
    report["beads"] += len(ta)
    for x in ta:
        kind = f"{len(x[0])}-{len(x[1])}"
        report["types"][kind] = report["types"].get(kind, 0) + 1
    if ta != tb:
        report["diff"].append(f"{name} {scoring}: {sum(x != y for x, y in zip(ta, tb))} beads differ "
                              f"({len(ta)} vs {len(tb)})")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reference-commit", default="f231bb8")
    ap.add_argument("--limit", type=int, default=300, help="Tatoeba pairs per set")
    args = ap.parse_args(argv)
    ref = reference_core(args.reference_commit)
    report = {"docs": 0, "beads": 0, "diff": [], "types": {}}
    for doc in DOCS:
        src, tgt, gold = textberg(doc)
        m = Meaningful(src, tgt, gold, doc)
        for scoring in ("contrast", "knn"):
            compare(f"textberg {doc}", ref, m.X, m.Y, src, tgt, m.embed_spans, scoring, report)
    print(f"Text+Berg, gold-derived vectors: {report['docs']} alignments, {report['beads']} beads", flush=True)
    for name, src, tgt, gold in tatoeba_docs(args.limit):
        m = Meaningful(src, tgt, gold, name)
        for scoring in ("contrast", "knn"):
            compare(f"tatoeba {name}", ref, m.X, m.Y, src, tgt, m.embed_spans, scoring, report)
    print(f"+ Tatoeba documents: {report['docs']} alignments, {report['beads']} beads", flush=True)

    cache_path = RESULTS / "emb-e5-small.npz"
    cache = {}
    if cache_path.exists():
        data = np.load(cache_path)
        cache = {str(k): v for k, v in zip(data["keys"], data["vecs"])}
    skipped = []
    for doc in DOCS:
        src, tgt, _ = textberg(doc)

        def vec(texts):
            missing = [t for t in texts if _key(t) not in cache]
            if missing:
                raise KeyError(len(missing))
            return np.stack([cache[_key(t)] for t in texts])

        def embed_spans(side, spans, src=src, tgt=tgt):
            lines = src if side == "src" else tgt
            return vec([" ".join(lines[s:e]) for s, e in spans])

        for scoring in ("contrast", "knn"):
            try:
                X, Y = vec(src), vec(tgt)
                compare(f"textberg {doc} e5", ref, X, Y, src, tgt, embed_spans, scoring, report)
            except KeyError:
                skipped.append(f"{doc} {scoring}")
    print(f"+ Text+Berg with cached e5 vectors: {report['docs']} alignments, {report['beads']} beads "
          f"(not fully cached, skipped: {', '.join(skipped) or 'none'})")
    print("bead types compared:", ", ".join(f"{k} {v}" for k, v in sorted(report["types"].items(), key=lambda x: -x[1])))
    for line in report["diff"]:
        print("DIFF", line)
    print("same beads" if not report["diff"] else f"{len(report['diff'])} alignments differ")
    return 1 if report["diff"] else 0


if __name__ == "__main__":
    sys.exit(main())
