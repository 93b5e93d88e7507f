"""Segmentation throughput: `aligner.segment.segment_corpus` on ~10 MB built from the seed articles.

    python bench/bench_segment.py            # 10 MB, modes off / auto (+ lingua cost per sentence)
    python bench/bench_segment.py --quick    # 1 MB, for CI
    python bench/bench_segment.py --mb 10 --all   # also sentence_lang=all on the whole corpus (slow)

The corpus: copies of the five seeds (chrome included), each copy made unique by a number
added to every sentence, so that no cache makes repeated text free. Baseline in the same run:
a naive regex split (`(?<=[.!?])\\s+`) over the same text, which does none of the work (no
offsets kept, no glued sentences, no abbreviations, no chrome, no language). Prints MB/s and
the ratio to the baseline; the target is 10 MB in under 10 s on one core.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aligner.config import from_mapping  # noqa: E402
from aligner.model import Document  # noqa: E402


def seeds_dir() -> Path:
    for candidate in (os.environ.get("ALIGNER_SHARED"), ROOT.parent / "shared", "/work/shared"):
        if candidate and (Path(candidate) / "seeds").is_dir():
            return Path(candidate) / "seeds"
    return ROOT / "corpus"


def build_corpus(megabytes: float) -> list[Document]:
    from aligner.segment.sentences import split_sentences

    seeds = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir().glob("0*.txt"))]
    # sentence spans of each seed, found once, so copy k can mark every sentence with k
    spans = [split_sentences(t, None) for t in seeds]
    docs, total, k = [], 0, 0
    target = int(megabytes * 1_000_000)
    while total < target:
        text = seeds[k % len(seeds)]
        out, pos = [], 0
        for s, e in spans[k % len(seeds)]:
            sent = text[s:e]
            cut = len(sent.rstrip(".!?…"))
            out.append(text[pos:s] + sent[:cut] + f" {k}" + sent[cut:])
            pos = e
        out.append(text[pos:])
        raw = "".join(out)
        docs.append(Document(doc=f"d{k:06d}", path=f"d{k:06d}.txt", raw=raw))
        total += len(raw.encode("utf-8"))
        k += 1
    return docs


def fresh(docs: list[Document]) -> list[Document]:
    return [Document(doc=d.doc, path=d.path, raw=d.raw) for d in docs]


class Clock:
    """Wall time and CPU time of this process (CPU time is what one core spends, whatever the load)."""

    def __enter__(self):
        self.w, self.c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.w, time.process_time() - self.c


def naive(docs: list[Document]) -> int:
    rx = re.compile(r"(?<=[.!?])\s+")
    return sum(len(rx.split(d.raw)) for d in docs)


def run(docs: list[Document], mode: str) -> tuple[Clock, int, int]:
    from aligner.segment import langid, segment_corpus

    langid._cache.clear()
    cfg = from_mapping({"segment": {"sentence_lang": mode}})
    docs = fresh(docs)
    with Clock() as clock:
        segment_corpus(docs, config=cfg)
    n = sum(len(d.sentences) for d in docs)
    lingua_sentences = sum(len(c) for c in langid._cache.values())
    return clock, n, lingua_sentences


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1 MB instead of 10 MB")
    ap.add_argument("--mb", type=float, default=None, help="corpus size in MB (default 10, --quick 1)")
    ap.add_argument("--all", action="store_true", help="also time sentence_lang=all on the whole corpus")
    args = ap.parse_args()
    mb = args.mb or (1.0 if args.quick else 10.0)

    from aligner.segment import langid

    t0 = time.perf_counter()
    langid.detect_languages(["warm up the models", "ang mga", "della società", "společnost"], langid.DEFAULT_LANGUAGES)
    print(f"lingua model loading (once per process): {time.perf_counter() - t0:.2f} s")

    docs = build_corpus(mb)
    size = sum(len(d.raw.encode("utf-8")) for d in docs) / 1e6
    print(f"corpus: {len(docs)} documents, {size:.2f} MB, from {seeds_dir()}")

    with Clock() as base:
        n_naive = naive(docs)
    print(f"baseline naive regex split: {base.wall:.3f} s wall, {base.cpu:.3f} s CPU "
          f"({size / base.cpu:.1f} MB/s CPU, {n_naive} pieces)")

    def report(label: str, clock: Clock, extra: str = "") -> None:
        print(f"segment_corpus {label}: {clock.wall:.2f} s wall, {clock.cpu:.2f} s CPU = {size / clock.cpu:.2f} MB/s CPU, "
              f"{clock.cpu / base.cpu:.0f}x the baseline's CPU time; {clock.cpu / size * 10:.1f} s CPU per 10 MB "
              f"(target < 10 s: {'met' if clock.cpu / size * 10 < 10 else 'NOT met'}){extra}")

    clock, n, _ = run(docs, "off")
    report("sentence_lang=off ", clock, f"; {n} sentences")
    clock, n, lingua_n = run(docs, "auto")
    report("sentence_lang=auto", clock, f"; lingua on {lingua_n} distinct texts ({len(docs)} documents x 3 samples + "
                                        f"the sentences function words did not confirm)")

    # cost of lingua per sentence, measured on a sample, sequential and with the parallel API
    from aligner.segment.sentences import split_sentences

    sample = [d.raw[s:e] for d in docs[:40] for s, e in split_sentences(d.raw, None)][:1000]
    det = langid.get_detector(tuple(sorted(langid.DEFAULT_LANGUAGES)))
    t0 = time.perf_counter()
    for s in sample:
        det.compute_language_confidence_values(s)
    seq = (time.perf_counter() - t0) / len(sample) * 1000
    t0 = time.perf_counter()
    det.compute_language_confidence_values_in_parallel(sample)
    par = (time.perf_counter() - t0) / len(sample) * 1000
    print(f"lingua per sentence: {seq:.3f} ms sequential, {par:.3f} ms with the parallel API; "
          f"sentence_lang=all would spend ~{n * min(seq, par) / 1000:.1f} s on the {n} sentences of this corpus")
    if args.all:
        clock, n, _ = run(docs, "all")
        report("sentence_lang=all ", clock)

    # one document of 10 MB without a newline
    one = Document(doc="one", path="one.txt", raw=" ".join(d.raw.replace("\n", " ") for d in docs))
    clock, n, _ = run([one], "off")
    print(f"single {len(one.raw) / 1e6:.1f} MB line, sentence_lang=off: {clock.wall:.2f} s wall, {clock.cpu:.2f} s CPU "
          f"= {len(one.raw) / 1e6 / clock.cpu:.2f} MB/s CPU, {n} sentences")


if __name__ == "__main__":
    main()
