"""The pipeline's own glue (the stages have their own tests; the golden test runs it all)."""

import numpy as np

from aligner.model import Document, Sentence
from aligner.pipeline import embed_documents


def _doc(doc_id, texts):
    return Document(doc=doc_id, path=f"{doc_id}.txt",
                    sentences=[Sentence(i=i, raw_start=0, raw_end=1, paragraph=0, text=t) for i, t in enumerate(texts)])


def test_embed_documents_is_one_call_and_splits_back_per_document(fake_encoder):
    docs = [_doc("a", ["one", "two"]), _doc("empty", []), _doc("b", ["three"])]
    out = embed_documents(docs, fake_encoder)
    assert fake_encoder.calls == [3]
    assert [out[d].shape[0] for d in ("a", "empty", "b")] == [2, 0, 1]
    assert np.allclose(out["b"][0], fake_encoder.encode(["three"])[0])
    assert np.allclose(out["a"][1], fake_encoder.encode(["two"])[0])


def test_bead_sides_join_counterparts_on_demand_and_read_other_documents_once():
    """The check unit's counterparts (pipeline._BeadSides): the last pair's bead side for a sentence, every pair's
    (language, text) in order for translations, and a document of another shard read only when asked, once."""
    from aligner.model import Document, Sentence
    from aligner.pipeline import _BeadSides

    def doc(doc_id, lang, texts):
        d = Document(doc=doc_id, path=f"{doc_id}.txt", raw=" ".join(texts), lang=lang)
        d.sentences = [Sentence(i=i, text=t, raw_start=0, raw_end=0, paragraph=0) for i, t in enumerate(texts)]
        return d

    mine = {"it": doc("it", "it", ["Uno.", "Due."])}
    others = {"en": doc("en", "en", ["One.", "Two.", "Three."]), "fr": doc("fr", "fr", ["Un.", "Deux."])}
    loaded = []

    def load(doc_id):
        loaded.append(doc_id)
        return others[doc_id]

    sides = _BeadSides(mine, load)
    sides.add("en", (0, 1), "it", (0,))  # a document of another shard: nothing kept for it
    sides.add("it", (0,), "en", (0, 1))
    sides.add("it", (1,), "en", (2,))
    sides.add("it", (0,), "fr", (0,))
    assert sides.counterpart(("en", 0)) is None and sides.translations(("en", 0), ()) == ()
    assert loaded == []
    assert sides.counterpart(("it", 0)) == "Un."  # the last pair's
    assert sides.translations(("it", 0)) == [("en", "One. Two."), ("fr", "Un.")]
    assert sides.counterpart(("it", 1)) == "Three." and sides.counterpart(("it", 9)) is None
    assert loaded == ["fr", "en"]
