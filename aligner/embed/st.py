"""`st:<model id or local path>`: any sentence-transformers model, loaded offline by default.

torch and sentence_transformers are imported only when such an encoder is built.
A hub id is looked up in the local Hugging Face cache only (no download) unless
`allow_download` is set; every failure becomes an `EncoderError` that says what to
install or how to point at a local copy, never a hub traceback.

E5-family models expect "passage: " / "query: " in front of the text. The prompt
comes from the model's own `prompts` config when it has one ("passage" or
"document", and "query"); otherwise, for a model whose name says e5, the
standard E5 prefixes are used. It is always passed explicitly to `encode`, so it
is applied exactly once (never also through a default prompt).
"""

from __future__ import annotations

import os

import contextlib
import hashlib
import importlib.util
import logging
import re
from pathlib import Path
from typing import Any

import numpy as np

from aligner.embed.base import BatchedEncoder, file_digest
from aligner.errors import EncoderError

log = logging.getLogger("aligner")

INSTALL_HINT = ("install the sentence-transformers backend: pip install torch==2.13.0 "
                "(the CPU wheel; a bare 'torch' pulls a multi-GB CUDA build), then pip install 'aligner[st]'")
OFFLINE_HINT = ("aligner works offline (HF_HUB_OFFLINE=1): download the model once on a connected machine "
                "(`hf download {id}` fills the Hugging Face cache), copy the cache "
                "or the model folder here, and pass a local copy as --encoder st:/path/to/model; "
                "or allow downloads with encoder.allow_download = true")
E5_NAME = re.compile(r"(^|[^a-z0-9])(multilingual-)?e5($|[^a-z0-9])", re.IGNORECASE)
E5_PREFIXES = {"passage": "passage: ", "query": "query: "}
# Files whose bytes decide the model's output; hashed for the revision of a local folder.
_REVISION_SUFFIXES = (".json", ".safetensors", ".bin", ".model", ".txt", ".pt", ".pth")
_SKIP_DIRS = {"onnx", "openvino", ".git", ".cache"}


def missing_packages() -> list[str]:
    """Which of torch / sentence_transformers / transformers cannot be imported here."""
    missing = []
    for mod in ("torch", "transformers", "sentence_transformers"):
        try:
            if importlib.util.find_spec(mod) is None:
                missing.append(mod)
        except (ImportError, ValueError):
            missing.append(mod)
    return missing


def looks_like_path(spec: str) -> bool:
    return spec.startswith(("/", ".", "~")) or Path(spec).expanduser().is_dir()


def resolve_model(spec: str, *, allow_download: bool = False) -> tuple[str, Path | None, str | None]:
    """(what to pass to SentenceTransformer, local folder or None, hub commit or None).

    Raises EncoderError when the model is neither a folder here nor in the local
    Hugging Face cache and downloads are not allowed.
    """
    if not spec:
        raise EncoderError("encoder 'st:' needs a model: st:<hub id> (from the local Hugging Face cache) "
                           "or st:/path/to/model")
    if looks_like_path(spec):
        folder = Path(spec).expanduser()
        if not folder.is_dir():
            raise EncoderError(f"encoder 'st:{spec}': no such model folder {folder}; pass the folder that holds "
                               f"config.json (and modules.json for a sentence-transformers model)")
        if not any((folder / f).is_file() for f in ("modules.json", "config.json", "config_sentence_transformers.json")):
            raise EncoderError(f"encoder 'st:{spec}': {folder} is not a model folder (no modules.json or config.json)")
        return str(folder.resolve()), folder.resolve(), None
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        raise EncoderError(f"encoder 'st:{spec}' needs huggingface_hub: {INSTALL_HINT}") from None
    candidates = [spec] if "/" in spec else [spec, f"sentence-transformers/{spec}"]
    for repo_id in candidates:
        try:
            snap = Path(snapshot_download(repo_id, local_files_only=True))
        except Exception:  # noqa: BLE001 - any hub error means "not available offline"
            continue
        if snap.is_dir() and any((snap / f).is_file() for f in ("modules.json", "config.json")):
            commit = snap.name if snap.parent.name == "snapshots" else None
            return str(snap), snap, commit
    if allow_download:
        return spec, None, None
    raise EncoderError(f"encoder 'st:{spec}' is not available offline: it is not a folder here and not in the "
                       f"local Hugging Face cache. {OFFLINE_HINT.format(id=spec)}")


def folder_revision(folder: Path, memo_dir: str | Path | None = None) -> str:
    """sha256 over the config and weight files of a model folder (name + content hash of each)."""
    h = hashlib.sha256()
    files = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part in _SKIP_DIRS for part in rel.parts[:-1]) or rel.name.startswith("."):
            continue
        if path.is_file() and path.suffix in _REVISION_SUFFIXES:
            files.append(rel)
    if not files:
        raise EncoderError(f"{folder}: no model files found")
    for rel in files:
        h.update(rel.as_posix().encode() + b"\0" + file_digest(folder / rel, memo_dir).encode() + b"\n")
    return h.hexdigest()


@contextlib.contextmanager
def _quiet_transformers():
    """No "Loading weights" bars from transformers while a model loads (our stderr is for our progress)."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover
        yield
        return
    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


def choose_prompts(model_prompts: dict[str, str] | None, name: str, default_prompt_name: str | None = None
                   ) -> dict[str, str]:
    """The text put in front of passages and queries for this model (see module doc)."""
    prompts = {k: v for k, v in (model_prompts or {}).items() if isinstance(v, str) and v}
    passage = prompts.get("passage") or prompts.get("document")
    query = prompts.get("query")
    if passage is None and query is None and E5_NAME.search(name):
        return dict(E5_PREFIXES)
    default = prompts.get(default_prompt_name or "", "")
    return {"passage": passage if passage is not None else default,
            "query": query if query is not None else default}


DEVICE = re.compile(r"^(auto|cpu|mps|cuda(:\d+)?)$")
GPU_TEXTS_PER_GIB = 32  # texts per call per GiB of GPU memory (e5-small/LaBSE-size models, length-sorted batches)
GPU_MAX_BATCH = 1024


def choose_device(requested: str = "auto") -> str:
    """The torch device to run on: `auto` picks CUDA where torch sees a GPU, else the CPU (MPS only on request).

    An explicit "cuda"/"cuda:N"/"mps" that torch cannot use is an EncoderError, not a silent CPU run."""
    requested = (requested or "auto").strip().lower()
    if not DEVICE.match(requested):
        raise EncoderError(f"encoder.device must be auto, cpu, cuda, cuda:N or mps, got {requested!r}")
    import torch

    cuda = torch.cuda.is_available()
    mps_backend = getattr(getattr(torch, "backends", None), "mps", None)
    mps = bool(mps_backend is not None and mps_backend.is_available())
    if requested == "auto":
        return "cuda" if cuda else "cpu"
    if requested.startswith("cuda"):
        if not cuda:
            raise EncoderError(f"encoder.device = {requested!r}, but torch sees no CUDA GPU here "
                               f"(CPU-only torch wheel, or no driver); use device = \"auto\" or \"cpu\"")
        index = int(requested.partition(":")[2] or 0)
        if index >= torch.cuda.device_count():
            raise EncoderError(f"encoder.device = {requested!r}, but torch sees {torch.cuda.device_count()} GPU(s)")
    if requested == "mps" and not mps:
        raise EncoderError("encoder.device = 'mps', but torch's MPS backend is not available here")
    return requested


def choose_batch_size(device: str, configured: int) -> int:
    """Texts per model call: `configured` on the CPU; on a GPU enough to fill it (GPU_TEXTS_PER_GIB per GiB
    of the device's memory, at least `configured`, at most GPU_MAX_BATCH): one small batch per call leaves
    a GPU idle between kernel launches."""
    if not device.startswith("cuda"):
        return configured
    import torch

    index = int(device.partition(":")[2] or 0)
    gib = torch.cuda.get_device_properties(index).total_memory / 2**30
    return int(max(configured, min(GPU_MAX_BATCH, GPU_TEXTS_PER_GIB * int(gib))))


class SentenceTransformerEncoder(BatchedEncoder):
    """A sentence-transformers model behind the aligner Encoder interface."""

    backend = "sentence-transformers"

    def __init__(self, spec: str, *, threads: int = 0, batch_size: int = 32, progress: str = "auto",
                 allow_download: bool = False, digest_memo_dir: str | Path | None = None, device: str = "auto"):
        super().__init__(batch_size=batch_size, progress=progress)
        self.spec = spec
        self.name = f"st:{spec}"
        missing = missing_packages()
        if missing:
            raise EncoderError(f"encoder '{self.name}' needs {', '.join(missing)}, not installed here: {INSTALL_HINT}")
        location, self.folder, self.commit = resolve_model(spec, allow_download=allow_download)
        self._digest_memo_dir = digest_memo_dir
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except Exception as exc:  # noqa: BLE001 - broken installs raise all sorts
            raise EncoderError(f"encoder '{self.name}': importing sentence-transformers failed ({exc}); "
                               f"{INSTALL_HINT}") from None
        if threads:
            torch.set_num_threads(int(threads))
        self.device = choose_device(device)
        self.batch_size = choose_batch_size(self.device, self.batch_size)
        try:
            with _quiet_transformers():
                # a GPU worker of the Ray engine may ask for CUDA (ALIGNER_DEVICE=cuda); else the chosen device
                device = os.environ.get("ALIGNER_DEVICE") or self.device
                self.model = SentenceTransformer(location, device=device, local_files_only=not allow_download)
        except Exception as exc:  # noqa: BLE001 - hub, IO and config errors alike become one clear message
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            hint = OFFLINE_HINT.format(id=spec) if self.folder is None else \
                "check that the folder is a complete sentence-transformers or transformers model"
            raise EncoderError(f"encoder '{self.name}' could not be loaded from {location}: {reason[:300]}. "
                               f"{hint}") from None
        self.model.eval()
        get_dim = getattr(self.model, "get_embedding_dimension", None) or \
            self.model.get_sentence_embedding_dimension  # sentence-transformers < 6
        dim = get_dim()
        if not dim:
            raise EncoderError(f"encoder '{self.name}': the model does not declare its embedding dimension")
        self.dim = int(dim)
        self.prompts = choose_prompts(getattr(self.model, "prompts", None), spec,
                                      getattr(self.model, "default_prompt_name", None))
        self._signature: dict[str, Any] | None = None

    def _encode_batch(self, texts: list[str], kind: str) -> np.ndarray:
        import torch

        with torch.inference_mode():
            vecs = self.model.encode(texts, prompt=self.prompts[kind], batch_size=len(texts),
                                     show_progress_bar=False, convert_to_numpy=True, normalize_embeddings=True)
        return np.asarray(vecs, dtype=np.float32)

    def signature(self) -> dict[str, Any]:
        if self._signature is None:
            if self.commit:
                revision = self.commit
            elif self.folder is not None:
                revision = "sha256:" + folder_revision(self.folder, self._digest_memo_dir)
            else:  # downloaded on the fly: the hub cache now has it
                try:
                    _, folder, commit = resolve_model(self.spec)
                    revision = commit or "sha256:" + folder_revision(folder, self._digest_memo_dir)
                except EncoderError:
                    revision = "unknown"
            import sentence_transformers

            self._signature = {
                "name": self.name,
                "backend": self.backend,
                "model": self.spec,
                "revision": revision,
                "package_version": sentence_transformers.__version__,
                "dim": self.dim,
                "max_seq_length": getattr(self.model, "max_seq_length", None),
                "device": self.device,
                "normalized": True,
                "prefix": dict(self.prompts),
            }
        return dict(self._signature)
