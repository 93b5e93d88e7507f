"""aligned.jsonl records built from the bead's sentences looked up once: the same id and fields as before."""

from __future__ import annotations

from aligner.checks.base import bead_id
from aligner.config import Config
from aligner.model import AlignedPair, Bead, Document, DocPair, Flag, Sentence
from aligner.output.records import aligned_record


def _doc(doc: str, lang: str, texts: list[str]) -> Document:
    raw, sentences, at = "", [], 0
    for i, t in enumerate(texts):
        sentences.append(Sentence(i=i, raw_start=at, raw_end=at + len(t), paragraph=i // 2, text=t.strip(),
                                  raw_text=t))
        raw += t + "\n"
        at += len(t) + 1
    return Document(doc=doc, path=f"{doc}.txt", raw=raw, lang=lang, sentences=sentences)


def test_aligned_record_id_spans_and_texts_match_the_documents():
    src = _doc("a", "en", ["One.", "Two two.", " Three. ", "Four."])
    tgt = _doc("b", "fr", ["Un.", "Deux deux.", "Trois.", "Quatre."])
    pair = DocPair(src_doc="a", tgt_doc="b", src_lang="en", tgt_lang="fr", relation="parallel", score=0.9)
    beads = [Bead((0,), (0,), 0.91234, 0.8), Bead((1, 2), (1,), 0.5, 0.4), Bead((), (2,), 0.0, 0.0),
             Bead((3,), (2, 3), 0.7, 0.6)]
    ap = AlignedPair(pair, src, tgt, beads)
    flag = Flag(doc="a", lang="en", sentence=1, code="x-code", category="other", severity="warning",
                start=src.sentences[1].raw_start, end=src.sentences[1].raw_end, text="Two two.", message="m")
    clean = Config().clean
    for b in beads:
        rec = aligned_record(ap, b, {"a": [flag], "b": []}, clean)
        assert rec["id"] == bead_id(src, tgt, b)
        assert rec["src_spans"] == [[src.sentences[i].raw_start, src.sentences[i].raw_end] for i in b.src]
        assert rec["tgt_spans"] == [[tgt.sentences[i].raw_start, tgt.sentences[i].raw_end] for i in b.tgt]
        assert rec["src"] == " ".join(src.sentences[i].text for i in b.src)
        assert rec["src_raw"] == (src.raw[src.sentences[b.src[0]].raw_start:src.sentences[b.src[-1]].raw_end]
                                  if b.src else "")
        assert rec["tgt_raw"] == (tgt.raw[tgt.sentences[b.tgt[0]].raw_start:tgt.sentences[b.tgt[-1]].raw_end]
                                  if b.tgt else "")
        assert rec["flags"] == (["x-code"] if 1 in b.src else [])
    assert list(aligned_record(ap, beads[0], {}, clean)) == [
        "id", "src_doc", "tgt_doc", "src_lang", "tgt_lang", "role", "src", "tgt", "src_raw", "tgt_raw", "src_sents",
        "tgt_sents", "src_spans", "tgt_spans", "type", "score", "similarity", "flags", "keep", "drop_reason",
        "translation", "schema"]
