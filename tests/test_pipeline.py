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
