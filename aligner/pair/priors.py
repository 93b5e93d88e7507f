"""What a corpus says about its pairs before any content is compared: bilingual files, names, the manifest.

- A bilingual file (XLIFF, PO) is one parallel pair by construction: its two documents
  (`<id>#source`, `<id>#target`) pair with each other only, and its beads are its units
  (`bilingual_beads`): sentence by sentence where both sides of a unit split into the same
  number of sentences, re-aligned inside the unit where they do not, one-sided where a
  target is missing. The bead score is the encoder's cosine of the two sides: the pairing
  was made by the translator, not guessed, so the score only ranks.
- File names are a strong prior (`name_key`): `en/guide.docx` and `it/guide.docx`,
  `guide.en.md` and `guide.it.md`, `guide_EN.docx` and `guide_IT.docx` name the same
  document in two languages. A name match is still confirmed by the content: it is made
  parallel when the content score reaches `pair.comparable_threshold`; below that it keeps
  the content's verdict and its evidence says why (`name_match.confirmed = false`), and a
  warning is logged: a name match whose content disagrees is reported, not aligned blindly.
- Subtitles: when both documents of a pair are .srt files whose cues mostly overlap in time
  (`subtitle_beads`), the cues' time overlap decides the beads instead of the content alone.
- The manifest's `translation_of = "<doc id>"` declares a pair: it is parallel whatever the
  score (teams who know), with the score kept in the evidence and a warning when the content
  looks unrelated.
"""

from __future__ import annotations

import logging
import re
from pathlib import PurePath
from typing import Any

from aligner.model import Bead, DocPair, Document

log = logging.getLogger("aligner.pair")

_LANG_TOKEN = r"[a-z]{2}(?:[-_][a-z]{2})?"


def is_bilingual(doc: Document) -> bool:
    return bool((doc.extraction or {}).get("bilingual"))


def split_bilingual(documents: list[Document]) -> tuple[list[Document], list[DocPair]]:
    """(the documents pairing compares, the parallel pairs of the bilingual files)."""
    mono = [d for d in documents if not is_bilingual(d)]
    by_id = {d.doc: d for d in documents}
    pairs = []
    for d in documents:
        info = (d.extraction or {}).get("bilingual") or {}
        if info.get("side") == "source" and info.get("partner") in by_id:
            t = by_id[info["partner"]]
            pairs.append(DocPair(d.doc, t.doc, d.lang, t.lang, "parallel", 1.0,
                                 {"bilingual": info.get("file"), "format": info.get("format"),
                                  "units": info.get("units")}))
    return mono, pairs


def name_key(path: str, doc_id: str, languages: list[str]) -> tuple[str, str] | None:
    """(name without the language mark, language) when the path names a language, else None.

    `en/guide.docx` -> ("*/guide", "en"); `guide.en.md` -> ("guide", "en"); `guide_EN.docx` -> ("guide", "en")
    (with the folder in front). The extension does not count (a .docx and its translation as .pdf). Only configured languages count, so `setup.py`
    or `report_v2.docx` are not read as language marks.
    """
    p = PurePath(path)
    stem = p.stem  # the extension does not count: guide.en.docx and guide.it.pdf name one document
    langs = {code.lower() for code in languages}
    m = re.match(rf"^(?P<base>.+?)[._-](?P<lang>{_LANG_TOKEN})$", stem, re.IGNORECASE)
    if m and m.group("lang").lower().split("-")[0].split("_")[0] in langs:
        return f"{p.parent.as_posix()}/{m.group('base')}".lower(), m.group("lang").lower()[:2]
    parts = p.parent.parts
    for k in range(len(parts) - 1, -1, -1):  # the nearest folder named by a language
        part = parts[k].lower()
        if re.fullmatch(_LANG_TOKEN, part) and part[:2] in langs:
            rest = "/".join([*parts[:k], "*", *parts[k + 1:]])
            return f"{rest}/{stem}".lower(), part[:2]
    return None


def apply_priors(pairs: list[DocPair], documents: list[Document], *, config) -> list[DocPair]:
    """Name matches and the manifest's translation_of, applied to the content-scored pairs (in place)."""
    prior = make_prior(documents, config=config)
    for p in pairs:
        prior(p)
    return pairs


def make_prior(documents: list[Document], *, config):
    """`apply_priors` for one pair at a time (a sharded run streams its pairs): a function of a DocPair."""
    languages = list(config.segment.languages)
    keys = {d.doc: name_key(_relative(d), d.doc, languages) for d in documents}
    declared = {}
    for d in documents:
        other = (d.manifest or {}).get("translation_of")
        if other:
            declared[frozenset((d.doc, other))] = d.doc

    def prior(p: DocPair) -> None:
        ka, kb = keys.get(p.src_doc), keys.get(p.tgt_doc)
        if frozenset((p.src_doc, p.tgt_doc)) in declared:
            p.evidence["translation_of"] = {"declared_by": declared[frozenset((p.src_doc, p.tgt_doc))],
                                            "content_relation": p.relation, "content_score": p.score}
            if p.relation != "parallel":
                if p.relation == "unrelated":
                    log.warning("%s and %s are declared translations (manifest translation_of) but their content "
                                "looks unrelated (score %.2f): aligned as declared", p.src_doc, p.tgt_doc, p.score)
                p.relation = "parallel"
        elif ka and kb and ka[0] == kb[0] and ka[1] != kb[1]:
            confirmed = p.score >= config.pair.comparable_threshold
            p.evidence["name_match"] = {"name": ka[0], "confirmed": confirmed, "content_relation": p.relation}
            if confirmed and p.relation != "parallel":
                p.relation = "parallel"
            elif not confirmed:
                log.warning("%s and %s are named as translations of each other but their content disagrees "
                            "(score %.2f < pair.comparable_threshold %.2f): not aligned", p.src_doc, p.tgt_doc,
                            p.score, config.pair.comparable_threshold)

    return prior


def _relative(doc: Document) -> str:
    return doc.path


def bilingual_beads(src: Document, tgt: Document, src_emb, tgt_emb, *, encoder=None, config=None) -> list[Bead]:
    """The beads of a bilingual file: its units, split further where both sides agree on sentences."""
    import numpy as np

    from aligner.load.extract import locate

    def units(doc: Document) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for s in doc.sentences:
            where = locate(doc.extraction, s.raw_start) or {}
            out.setdefault(int(where.get("index", -1)), []).append(s.i)
        return out

    su, tu = units(src), units(tgt)
    X = np.asarray(src_emb, dtype=np.float32)
    Y = np.asarray(tgt_emb, dtype=np.float32)

    def cos(idx_a, idx_b) -> float:
        a = X[list(idx_a)].sum(axis=0)
        b = Y[list(idx_b)].sum(axis=0)
        n = float(np.linalg.norm(a) * np.linalg.norm(b))
        return round(float(a @ b) / n, 4) if n else 0.0

    beads: list[Bead] = []
    for u in sorted(set(su) | set(tu)):
        a, b = su.get(u, []), tu.get(u, [])
        if not a or not b:
            beads.extend(Bead((i,), ()) for i in a)
            beads.extend(Bead((), (j,)) for j in b)
        elif len(a) == len(b):
            for i, j in zip(a, b):
                c = cos((i,), (j,))
                beads.append(Bead((i,), (j,), score=max(0.0, c), similarity=c))
        else:  # segmentation disagrees inside the unit: align its sentences
            from aligner.align.core import align

            sub = align(X[a], Y[b], src_len=[len(src.sentences[i].text) for i in a],
                        tgt_len=[len(tgt.sentences[j].text) for j in b], config=config)
            for bd in sub:
                si = tuple(a[k] for k in bd.src)
                tj = tuple(b[k] for k in bd.tgt)
                c = cos(si, tj) if si and tj else 0.0
                beads.append(Bead(si, tj, score=max(0.0, c) if si and tj else 0.0, similarity=c))
    return beads


MIN_TIMED_SHARE = 0.6  # share of the cues of each side that must overlap a cue of the other side
# (a track of another release, shifted or at another frame rate, overlaps almost nowhere)
MIN_OVERLAP = 0.5  # overlap, as a share of the shorter cue, that links two cues


def prior_beads(pair: DocPair, src: Document, tgt: Document, src_emb, tgt_emb, *, config=None) -> list[Bead] | None:
    """Beads a pair's structure gives (bilingual file, subtitles in sync), or None: align by content."""
    if pair.evidence.get("bilingual"):
        return bilingual_beads(src, tgt, src_emb, tgt_emb, config=config)
    if (src.extraction or {}).get("reader") == "srt" and (tgt.extraction or {}).get("reader") == "srt":
        beads, note = subtitle_beads(src, tgt, src_emb, tgt_emb)
        pair.evidence["subtitle_timing"] = note
        return beads
    return None


def _seconds(code: str) -> float:
    h, m, rest = code.replace(",", ".").split(":")
    return int(h) * 3600 + int(m) * 60 + float(rest)


def _cues(doc: Document) -> dict[int, tuple[float, float, list[int]]]:
    """cue number -> (start, end, sentence indices)."""
    from aligner.load.extract import locate

    out: dict[int, tuple[float, float, list[int]]] = {}
    for s in doc.sentences:
        where = locate(doc.extraction, s.raw_start) or {}
        if "cue" not in where:
            continue
        cue = int(where["cue"])
        if cue not in out:
            out[cue] = (_seconds(where["start_time"]), _seconds(where["end_time"]), [])
        out[cue][2].append(s.i)
    return out


def subtitle_beads(src: Document, tgt: Document, src_emb, tgt_emb) -> tuple[list[Bead] | None, str]:
    """Beads from the time overlap of the cues, when the two files are in sync; (None, why) when not.

    Two cues are linked when they overlap by at least MIN_OVERLAP of the shorter one; the
    connected groups of linked cues, in time order, are the beads (sentence by sentence when the
    two sides of a group have as many sentences). Cues linked to nothing are one-sided beads.
    The files are in sync when at least MIN_TIMED_SHARE of the cues of each side are linked;
    otherwise (another release, a shifted track) the content aligner decides.
    """
    import numpy as np

    a, b = _cues(src), _cues(tgt)
    if not a or not b:
        return None, "not used: no timed cues"
    links: dict[tuple[str, int], set[tuple[str, int]]] = {}
    for i, (s0, e0, _) in a.items():
        for j, (s1, e1, _) in b.items():
            overlap = min(e0, e1) - max(s0, s1)
            shorter = max(1e-6, min(e0 - s0, e1 - s1))
            if overlap > 0 and overlap / shorter >= MIN_OVERLAP:
                links.setdefault(("s", i), set()).add(("t", j))
                links.setdefault(("t", j), set()).add(("s", i))
    share_a = sum(("s", i) in links for i in a) / len(a)
    share_b = sum(("t", j) in links for j in b) / len(b)
    if min(share_a, share_b) < MIN_TIMED_SHARE:
        return None, (f"not used: only {share_a:.0%} / {share_b:.0%} of the cues overlap in time "
                      f"(< {MIN_TIMED_SHARE:.0%}); aligned by content")
    seen: set[tuple[str, int]] = set()
    groups = []
    nodes = [("s", i) for i in sorted(a)] + [("t", j) for j in sorted(b)]
    for node in nodes:
        if node in seen:
            continue
        stack, comp = [node], []
        seen.add(node)
        while stack:
            x = stack.pop()
            comp.append(x)
            for y in links.get(x, ()):
                if y not in seen:
                    seen.add(y)
                    stack.append(y)
        si = sorted(k for side, k in comp if side == "s")
        tj = sorted(k for side, k in comp if side == "t")
        start = min([a[k][0] for k in si] + [b[k][0] for k in tj])
        groups.append((start, si, tj))
    groups.sort(key=lambda g: (g[0], g[1][:1], g[2][:1]))
    X, Y = np.asarray(src_emb, dtype=np.float32), np.asarray(tgt_emb, dtype=np.float32)

    def cos(ii, jj) -> float:
        u, v = X[list(ii)].sum(axis=0), Y[list(jj)].sum(axis=0)
        n = float(np.linalg.norm(u) * np.linalg.norm(v))
        return round(float(u @ v) / n, 4) if n else 0.0

    beads: list[Bead] = []
    for _, si, tj in groups:
        ss = [x for k in si for x in a[k][2]]
        tt = [x for k in tj for x in b[k][2]]
        if not ss or not tt:
            beads.extend(Bead((x,), ()) for x in ss)
            beads.extend(Bead((), (x,)) for x in tt)
        elif len(ss) == len(tt):
            for x, y in zip(ss, tt):
                c = cos((x,), (y,))
                beads.append(Bead((x,), (y,), score=max(0.0, c), similarity=c))
        else:
            c = cos(ss, tt)
            beads.append(Bead(tuple(ss), tuple(tt), score=max(0.0, c), similarity=c))
    # the beads must cover each side in order: fall back to content when timing reorders sentences
    flat_s = [x for bd in beads for x in bd.src]
    flat_t = [x for bd in beads for x in bd.tgt]
    if flat_s != list(range(len(src.sentences))) or flat_t != list(range(len(tgt.sentences))):
        return None, "not used: the cue times reorder the sentences; aligned by content"
    return beads, f"used: {share_a:.0%} / {share_b:.0%} of the cues overlap in time"
