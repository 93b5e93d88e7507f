"""aligner.pair.priors: names as a prior confirmed by content, the manifest's translation_of, bilingual beads."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from aligner.config import Config
from aligner.model import DocPair, Document, Sentence
from aligner.pair.priors import apply_priors, bilingual_beads, name_key

LANGS = ["en", "it", "de", "fr"]


@pytest.mark.parametrize("a, b, same", [
    ("corpus/en/guide.docx", "corpus/it/guide.docx", True),
    ("corpus/guide.en.md", "corpus/guide.it.md", True),
    ("corpus/guide_EN.docx", "corpus/guide_IT.docx", True),
    ("corpus/guide-en.docx", "corpus/guide-it.pdf", True),  # a .docx and its translation as .pdf
    ("corpus/guide.en.md", "corpus/notes/guide.it.md", False),  # different folders
    ("corpus/en/guide.docx", "corpus/it/other.docx", False),
    ("corpus/setup.py.md", "corpus/setup.it.md", False),  # "py" is no configured language
    ("corpus/en/a/guide.md", "corpus/it/a/guide.md", True),
])
def test_name_keys(a, b, same):
    ka, kb = name_key(a, "x", LANGS), name_key(b, "y", LANGS)
    assert (ka is not None and kb is not None and ka[0] == kb[0] and ka[1] != kb[1]) is same


def doc(doc_id, path, lang, manifest=None):
    return Document(doc=doc_id, path=path, lang=lang, manifest=manifest or {})


def test_name_match_is_confirmed_by_content_or_reported(caplog):
    cfg = Config()
    docs = [doc("en/guide", "c/en/guide.docx", "en"), doc("it/guide", "c/it/guide.docx", "it"),
            doc("en/faq", "c/en/faq.docx", "en"), doc("it/faq", "c/it/faq.docx", "it")]
    comparable = cfg.pair.comparable_threshold
    pairs = [DocPair("en/guide", "it/guide", "en", "it", "comparable", comparable + 0.05, {}),
             DocPair("en/faq", "it/faq", "en", "it", "unrelated", comparable / 4, {}),
             DocPair("en/guide", "it/faq", "en", "it", "comparable", comparable + 0.1, {})]
    with caplog.at_level(logging.WARNING, logger="aligner"):
        apply_priors(pairs, docs, config=cfg)
    guide, faq, cross = pairs
    assert guide.relation == "parallel" and guide.evidence["name_match"]["confirmed"] is True
    assert faq.relation == "unrelated" and faq.evidence["name_match"]["confirmed"] is False
    assert "content disagrees" in caplog.text and "en/faq" in caplog.text
    assert cross.relation == "comparable" and "name_match" not in cross.evidence


def test_translation_of_declares_the_pair():
    cfg = Config()
    docs = [doc("a", "c/a.txt", "en", {"translation_of": "b"}), doc("b", "c/b.txt", "it")]
    pairs = [DocPair("a", "b", "en", "it", "unrelated", 0.05, {})]
    apply_priors(pairs, docs, config=cfg)
    assert pairs[0].relation == "parallel"
    assert pairs[0].evidence["translation_of"] == {"declared_by": "a", "content_relation": "unrelated",
                                                    "content_score": 0.05}


def test_manifest_translation_of_must_name_a_document(tmp_path):
    from aligner.errors import ConfigError
    from aligner.load import load_corpus

    (tmp_path / "a.txt").write_text("Hello there. This is a text.", encoding="utf-8")
    (tmp_path / "manifest.toml").write_text('[documents.a]\ntranslation_of = "zzz"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="translation_of"):
        load_corpus(tmp_path, config=Config())


def _side(doc_id, texts_by_unit):
    """A bilingual side: sentences grouped by unit, with the locator blocks the reader would give."""
    raw, blocks, sents = "", [], []
    for u, texts in enumerate(texts_by_unit):
        if not texts:
            continue
        if raw:
            raw += "\n\n"
        start = len(raw)
        for t in texts:
            if raw and not raw.endswith("\n\n") and len(raw) > start:
                raw += " "
            s = len(raw)
            raw += t
            sents.append(Sentence(i=len(sents), raw_start=s, raw_end=len(raw), paragraph=u, text=t, raw_text=t))
        blocks.append({"start": start, "end": len(raw), "index": u, "unit": f"u{u}"})
    d = Document(doc=doc_id, path="x.po", raw=raw, sentences=sents,
                 extraction={"reader": "po", "blocks": blocks, "bilingual": {"side": "source"}})
    return d


def test_bilingual_beads_follow_units():
    src = _side("f#source", [["A1."], ["B1.", "B2."], ["C1."], ["D1."]])
    tgt = _side("f#target", [["a1."], ["b1.", "b2."], ["c1a.", "c1b."], []])
    rng = np.random.default_rng(0)
    base = rng.normal(size=(8, 16))
    X = np.stack([base[0], base[1], base[2], base[3], base[4]])
    Y = np.stack([base[0], base[1], base[2], base[3] + 0.1 * base[5], base[3] - 0.1 * base[5]])
    beads = bilingual_beads(src, tgt, X, Y, config=Config().align)
    got = [(b.src, b.tgt) for b in beads]
    assert got[:3] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]  # equal counts: sentence by sentence
    assert got[3] == ((3,), (3, 4))  # the unit's target split in two: re-aligned inside the unit
    assert got[4] == ((4,), ())  # no target: one-sided
    assert all(0 <= b.score <= 1 for b in beads)
