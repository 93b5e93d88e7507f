"""False positives of the document checks on clean text, per language: flags per 1,000 sentences.

Clean text, written by people (no machine translation):
  - Tatoeba sentences (../shared/data/tatoeba: tgl, ita, ces, deu, fra and the English sides), grouped into
    documents of 50 sentences in paragraphs of 5;
  - Text+Berg de/fr (../shared/data/textberg, seven documents each, one sentence per line -> paragraphs of 5);
  - the short HTML articles of bench/data/clean/<lang>.html, written for this bench in every supported
    language (headings, a list, proper nouns, days, months, countries, numbers).

The whole front of the pipeline runs (load, segment with chrome removal) and then the document checks with the
default settings; pair checks need parallel documents and are measured by the alignment benches. Targets: 0
glued / hyphenation / repetition / boilerplate flags, <= 1 per 1,000 sentences of any other code. Every flag
of those four categories is printed, with the first few of the others (--show N).

    python bench/bench_clean_text.py [--limit 1000] [--show 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TATOEBA = {"tl": "tgl", "it": "ita", "cs": "ces", "de": "deu", "fr": "fra"}
ZERO = {"glued", "hyphenation", "repetition", "boilerplate"}


def shared_dir() -> Path:
    import os

    env = os.environ.get("ALIGNER_SHARED")
    for cand in ([Path(env)] if env else []) + [ROOT.parent / "shared", Path("/work/shared")]:
        if cand.exists():
            return cand
    raise SystemExit("shared data not found: set ALIGNER_SHARED")


def _paragraphs(lines: list[str], per: int = 5) -> str:
    """Paragraphs of `per` lines; a line without final punctuation (a title, a caption) ends its paragraph, so
    that 'Harmonie' and the sentence after it are not run together."""
    paras: list[list[str]] = [[]]
    for ln in lines:
        paras[-1].append(ln)
        if len(paras[-1]) >= per or not ln.rstrip(" \"'»”)").endswith((".", "!", "?", "…", ":", ";")):
            paras.append([])
    return "\n\n".join(" ".join(p) for p in paras if p) + "\n"


def build_corpus(dst: Path, limit: int) -> list[dict]:
    """Write the clean documents into `dst`; return manifest records (doc, lang, source)."""
    data = shared_dir() / "data"
    manifest = []

    def add(name: str, lang: str, text: str, source: str, ext: str = "txt"):
        (dst / f"{name}.{ext}").write_text(text, encoding="utf-8")
        manifest.append({"doc": name, "lang": lang, "source": source})

    for lang, code in TATOEBA.items():
        for side, side_lang in ((code, lang), ("eng", "en")):
            path = data / "tatoeba" / f"tatoeba.{code}-eng.{side}"
            if not path.is_file():
                continue
            lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()][:limit]
            # the test sets hold sentences followed by a longer line that starts with them ('Mám žízeň.', then
            # 'Mám žízeň. Dal bych si...'): written one after the other they would be a doubled sentence, which
            # the repetition checks rightly flag; the shorter line is left out
            lines = [ln for k, ln in enumerate(lines) if k + 1 == len(lines) or not lines[k + 1].startswith(ln)]
            for k in range(0, len(lines), 50):
                add(f"tatoeba-{code}-{side}-{k // 50:03d}", side_lang, _paragraphs(lines[k:k + 50]),
                    f"tatoeba {side_lang}")
    for lang in ("de", "fr"):
        folder = data / "textberg" / lang
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
                add(f"textberg-{lang}-{path.name}", lang, _paragraphs(lines), f"text+berg {lang}")
    for path in sorted((ROOT / "bench" / "data" / "clean").glob("*.html")):
        add(f"clean-{path.stem}", path.stem, path.read_text(encoding="utf-8"), f"written {path.stem}", "html")
    return manifest


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=1000, help="Tatoeba sentences per language side")
    ap.add_argument("--show", type=int, default=5, help="examples to print per code outside the zero categories")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    from aligner.checks import run_checks
    from aligner.config import Config
    from aligner.load import load_corpus
    from aligner.segment import segment_corpus

    tmp = Path(tempfile.mkdtemp(prefix="aligner-clean-"))
    try:
        corpus = tmp / "corpus"
        corpus.mkdir()
        manifest = build_corpus(corpus, args.limit)
        (corpus / "manifest.jsonl").write_text(
            "".join(json.dumps({"doc": m["doc"], "lang": m["lang"]}) + "\n" for m in manifest), encoding="utf-8")
        cfg = Config()
        t0 = time.time()
        docs = load_corpus(corpus, config=cfg)
        segment_corpus(docs, config=cfg)
        flags = run_checks(docs, [], encoder=None, embeddings={}, config=cfg)
        seconds = time.time() - t0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    source = {m["doc"]: m["source"] for m in manifest}
    sentences: Counter = Counter()
    for d in docs:
        sentences[source[d.doc]] += len(d.sentences)
    by_source: dict[str, Counter] = defaultdict(Counter)
    for f in flags:
        by_source[source[f.doc]][f.code] += 1
    codes = sorted({f.code for f in flags})
    print(f"clean text: {sum(sentences.values())} sentences in {len(docs)} documents, checks in {seconds:.0f} s")
    print(f"{'source':<16}{'sentences':>10}{'flags':>7}{'per 1k':>8}  by code (per 1,000 sentences)")
    for src in sorted(sentences):
        n = sentences[src]
        c = by_source.get(src, Counter())
        total = sum(c.values())
        detail = ", ".join(f"{code} {k} ({1000 * k / n:.1f})" for code, k in c.most_common())
        print(f"{src:<16}{n:>10}{total:>7}{1000 * total / max(n, 1):>8.1f}  {detail}")
    n_all = sum(sentences.values())
    all_codes = Counter(f.code for f in flags)
    print(f"{'all':<16}{n_all:>10}{len(flags):>7}{1000 * len(flags) / max(n_all, 1):>8.1f}  "
          + ", ".join(f"{code} {k} ({1000 * k / n_all:.2f})" for code, k in all_codes.most_common()))
    zero = [f for f in flags if f.category in ZERO]
    print(f"\nglued / hyphenation / repetition / boilerplate flags (target 0): {len(zero)}")
    for f in zero:
        print(f"  {source[f.doc]:<14} {f.code:<20} {f.text[:70]!r}")
    shown: Counter = Counter()
    print("\nother flags (examples):")
    for f in flags:
        if f.category in ZERO or shown[f.code] >= args.show:
            continue
        shown[f.code] += 1
        print(f"  {source[f.doc]:<14} {f.code:<20} [{f.severity}] {' '.join(f.text.split())[:70]!r}")
    if args.json:
        args.json.write_text(json.dumps({"sentences": dict(sentences), "flags": {s: dict(c) for s, c in by_source.items()},
                                         "codes": codes}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
