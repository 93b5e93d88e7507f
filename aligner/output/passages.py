"""passages.jsonl: one record per aligned paragraph pair, the parallel passages of document-level MT.

A passage groups the consecutive beads of a document pair whose sentences lie in the same source
paragraph and the same target paragraph; a bead whose sentences span two paragraphs on one side
joins the paragraphs it touches into one passage. Records: `id` ("<src_doc>|<tgt_doc>|p<n>"),
`src_doc`, `tgt_doc`, `src_lang`, `tgt_lang`, `src_paragraphs`, `tgt_paragraphs` (paragraph
indices, as in documents.jsonl), `beads` (aligned.jsonl ids, in order), `src` and `tgt` (the kept
beads' cleaned texts joined by a space), `n_beads`, `n_kept`, `score` (the mean bead score, kept
beads), and `complete` (false when a bead of the passage was dropped, so its texts miss a part).
"""

from __future__ import annotations

from typing import Any, Callable, Iterable


def passage_records(aligned: Iterable[Any], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Passages of a run: pipeline AlignedPairs (for the paragraphs) and their aligned.jsonl records."""
    docs = {}
    for ap in aligned:
        docs[ap.src.doc], docs[ap.tgt.doc] = ap.src, ap.tgt
    return passages(records, lambda doc, i: docs[doc].sentences[i].paragraph)


def passages(records: Iterable[dict[str, Any]], paragraph_of: Callable[[str, int], int]) -> list[dict[str, Any]]:
    """Group aligned.jsonl records (in file order) into passages; `paragraph_of(doc, i)` is sentence i's paragraph."""
    by_pair: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in records:
        by_pair.setdefault((r.get("src_doc"), r.get("tgt_doc")), []).append(r)
    out: list[dict[str, Any]] = []
    for (src_doc, tgt_doc), pair_recs in by_pair.items():
        groups: list[dict[str, Any]] = []
        for r in pair_recs:
            sp = {paragraph_of(src_doc, i) for i in r.get("src_sents") or []}
            tp = {paragraph_of(tgt_doc, j) for j in r.get("tgt_sents") or []}
            g = groups[-1] if groups else None
            if g is not None and ((sp & g["sp"]) or (tp & g["tp"])):  # shares a paragraph: same passage
                g["sp"] |= sp
                g["tp"] |= tp
                g["recs"].append(r)
            else:
                groups.append({"sp": set(sp), "tp": set(tp), "recs": [r]})
        for n, g in enumerate(groups, 1):
            recs = g["recs"]
            kept = [r for r in recs if r.get("keep")]
            out.append({
                "id": f"{src_doc}|{tgt_doc}|p{n}",
                "src_doc": src_doc, "tgt_doc": tgt_doc, "src_lang": recs[0].get("src_lang"),
                "tgt_lang": recs[0].get("tgt_lang"),
                "src_paragraphs": sorted(g["sp"]), "tgt_paragraphs": sorted(g["tp"]),
                "beads": [r.get("id") for r in recs],
                "src": " ".join(r["src"] for r in kept if r.get("src")),
                "tgt": " ".join(r["tgt"] for r in kept if r.get("tgt")),
                "n_beads": len(recs), "n_kept": len(kept),
                "score": round(sum(r["score"] for r in kept) / len(kept), 4) if kept else 0.0,
                "complete": len(kept) == len(recs),
            })
    return out
