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
    languages = list(config.segment.languages)
    keys = {d.doc: name_key(_relative(d), d.doc, languages) for d in documents}
    declared = {}
    for d in documents:
        other = (d.manifest or {}).get("translation_of")
        if other:
            declared[frozenset((d.doc, other))] = d.doc
    for p in pairs:
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
    return pairs


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
