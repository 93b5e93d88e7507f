"""Checks on real, professionally translated documents the project has never seen: Debian's reference manual.

The manual is not in the repository. Install it with
`apt-get install debian-reference-en debian-reference-it debian-reference-de debian-reference-fr`
(HTML under /usr/share/debian-reference/, or point `--root` elsewhere); the script skips when it is absent.

It copies the chosen pages (default: the preface, chapter 8 and appendix A in en/it/de/fr = 12 pages) into
a temporary corpus with a manifest giving each page's language, runs the whole pipeline with the default
settings, and prints:
  - pairing (how many same-page pairs came out parallel),
  - flags per 1,000 sentences by code and by severity,
  - flags on markup: findings that start or end strictly inside an HTML tag or entity, or lie within one (must be 0),
  - with --sample N, a seeded random sample of N warning-or-worse findings to judge by hand.

    python bench/bench_real_docs.py                     # 12 pages
    python bench/bench_real_docs.py --pages ch03 ch04   # other pages
    python bench/bench_real_docs.py --sample 50 --seed 1
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_ROOT = Path("/usr/share/debian-reference")
LANGS = ("en", "it", "de", "fr")
TAG_RE = re.compile(r"<[^>]*>|&#?\w+;")


def markup_spans(raw: str) -> list[tuple[int, int]]:
    return [m.span() for m in TAG_RE.finditer(raw)]


def reads_markup(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Does the finding [start, end) begin or end strictly inside a tag or entity, or lie within one? A finding
    that starts or ends at a tag's or entity's edge covers it whole ('... &lt;tollef at add.no&gt;') and reads
    nothing out of it."""
    from bisect import bisect_right

    starts = [s for s, _ in spans]
    for pos in (start, end):
        k = bisect_right(starts, pos) - 1
        if k >= 0 and spans[k][0] < pos < spans[k][1]:
            return True
    k = bisect_right(starts, start) - 1
    return k >= 0 and spans[k][0] <= start and end <= spans[k][1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    ap.add_argument("--pages", nargs="+", default=["pr01", "ch08", "apa"])
    ap.add_argument("--langs", nargs="+", default=list(LANGS))
    ap.add_argument("--sample", type=int, default=0, help="print a random sample of this many warnings or worse")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--dump", type=Path, help="write every finding (JSON lines, with its sentence) here")
    args = ap.parse_args(argv)

    if not args.root.is_dir():
        print(f"skipped: {args.root} not found (apt-get install debian-reference-en debian-reference-it "
              "debian-reference-de debian-reference-fr)")
        return 0
    result, seconds = run_pages(args.root, args.pages, args.langs)
    report(result, seconds, args)
    return 0


def run_pages(root: Path, pages, langs):
    """The pipeline with default settings on a temporary corpus of the chosen pages -> (result, seconds)."""
    from aligner.config import Config
    from aligner.pipeline import run

    tmp = Path(tempfile.mkdtemp(prefix="aligner-realdocs-"))
    try:
        corpus = tmp / "corpus"
        corpus.mkdir()
        manifest = []
        for page in pages:
            for lang in langs:
                src = root / f"{page}.{lang}.html"
                if not src.is_file():
                    continue
                shutil.copy(src, corpus / src.name)
                manifest.append({"doc": src.stem, "lang": lang})
        (corpus / "manifest.jsonl").write_text("".join(json.dumps(m) + "\n" for m in manifest), encoding="utf-8")
        t0 = time.time()
        result = run(corpus, None, config=Config(), write=False)
        seconds = time.time() - t0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    return result, seconds


def report(result, seconds: float, args) -> None:
    docs = {d.doc: d for d in result.documents}
    n_sent = sum(len(d.sentences) for d in result.documents if d.ok)
    per_k = 1000.0 / max(1, n_sent)
    expected = {tuple(sorted((f"{p}.{a}", f"{p}.{b}"))) for p in args.pages for a in args.langs for b in args.langs
                if a < b and f"{p}.{a}" in docs and f"{p}.{b}" in docs}
    parallel = {tuple(sorted((p.src_doc, p.tgt_doc))) for p in result.pairs if p.relation == "parallel"}
    on_markup = []
    spans_of = {d.doc: markup_spans(d.raw) for d in result.documents if d.format == "html"}
    for f in result.flags:
        spans = spans_of.get(f.doc)
        if spans and reads_markup(f.start, f.end, spans):
            on_markup.append(f)
    by_code = Counter((f.code, f.severity) for f in result.flags)
    by_sev = Counter(f.severity for f in result.flags)
    print(f"pages: {len(docs)} ({', '.join(args.pages)} x {', '.join(args.langs)}), sentences: {n_sent}, "
          f"run {seconds:.0f} s")
    print(f"pairing: {len(parallel & expected)} of {len(expected)} same-page pairs parallel, "
          f"{len(parallel - expected)} other parallel pairs")
    print(f"flags: {len(result.flags)} ({len(result.flags) * per_k:.1f} per 1,000 sentences)")
    for sev in ("error", "warning", "info"):
        print(f"  {sev:8s} {by_sev.get(sev, 0):6d}  {by_sev.get(sev, 0) * per_k:7.1f} per 1,000")
    warn_up = by_sev.get("error", 0) + by_sev.get("warning", 0)
    print(f"  warning or worse: {warn_up * per_k:.1f} per 1,000 sentences")
    print(f"flags on markup: {len(on_markup)}")
    for f in on_markup[:10]:
        print(f"  {f.doc} {f.code} {f.text[:60]!r}")
    print("by code (count, per 1,000 sentences):")
    for (code, sev), n in sorted(by_code.items(), key=lambda kv: -kv[1]):
        print(f"  {code:22s} {sev:8s} {n:6d} {n * per_k:7.1f}")
    langs = Counter((f.lang, f.code) for f in result.flags if f.severity != "info")
    print("warnings or worse by language:", dict(sorted(Counter(l for l, _ in langs.elements()).items(),
                                                         key=lambda kv: str(kv[0]))))
    if args.sample:
        pool = [f for f in result.flags if f.severity in ("warning", "error")]
        rnd = random.Random(args.seed)
        picked = rnd.sample(pool, min(args.sample, len(pool)))
        print(f"\nrandom sample of {len(picked)} warnings or worse (seed {args.seed}):")
        for k, f in enumerate(picked, 1):
            doc = docs[f.doc]
            sent = next((s for s in doc.sentences if s.i == f.sentence), None)
            print(f"{k:3d}. {f.doc} {f.code} [{f.severity}] {' '.join(f.text.split())[:100]!r}")
            print(f"     {f.message[:160]}")
            if sent is not None and f.category not in ("omission",):
                print(f"     in: {sent.text[:200]!r}")
    if args.json:
        args.json.write_text(json.dumps({
            "pages": args.pages, "langs": args.langs, "sentences": n_sent, "flags": len(result.flags),
            "by_severity": dict(by_sev), "by_code": {f"{c}:{s}": n for (c, s), n in by_code.items()},
            "on_markup": len(on_markup), "parallel_expected": len(expected),
            "parallel_found": len(parallel & expected)}, indent=2), encoding="utf-8")
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as fh:
            for f in result.flags:
                doc = docs[f.doc]
                sent = next((s for s in doc.sentences if s.i == f.sentence), None)
                fh.write(json.dumps({"doc": f.doc, "code": f.code, "severity": f.severity, "text": f.text,
                                     "message": f.message, "sentence": sent.text if sent else None},
                                    ensure_ascii=False) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
