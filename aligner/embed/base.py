"""What every encoder shares: the interface, input checks, length-sorted batching, progress.

A backend implements `_encode_batch(texts, kind)` for one batch of already
cleaned texts and returns raw vectors; `BatchedEncoder.encode` sorts the texts
by length so each batch holds texts of similar length (little padding for
transformer backends), restores the caller's order, L2-normalises and returns
float32. Empty input gives a (0, dim) array without touching the model.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Protocol, Sequence, runtime_checkable

import numpy as np

from aligner.cores import cores_taken, cores_taken_by_caller  # noqa: F401  (re-exported for the encoders)
from aligner.embed.progress import Progress, wants_progress

KINDS = ("passage", "query")


@runtime_checkable
class Encoder(Protocol):
    """The interface every pipeline stage receives (see BRIEF: injected, never imported)."""

    name: str
    dim: int

    def signature(self) -> dict[str, Any]: ...

    def encode(self, texts: Sequence[str], *, kind: str = "passage") -> np.ndarray: ...


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"kind must be 'passage' or 'query', got {kind!r}")
    return kind


def clean_text(text: str) -> str:
    """Make any str safe for a UTF-8, NUL-terminated engine.

    Lone surrogates (from badly decoded input) become U+FFFD and NUL becomes a space, so a
    C engine that stops at NUL never silently drops the rest of a sentence.
    """
    if not isinstance(text, str):
        raise TypeError(f"encoder input must be str, got {type(text).__name__}")
    if "\x00" in text:
        text = text.replace("\x00", " ")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def l2_normalise(vectors: np.ndarray, tolerance: float = 1e-5) -> np.ndarray:
    """Rows scaled to unit length; rows already unit length (within `tolerance`) are left bit-for-bit alone."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    off = np.abs(norms - 1.0) > tolerance
    if not off.any():
        return vectors
    return np.where(off, vectors / np.where(norms > 0, norms, 1.0), vectors).astype(np.float32)


def length_sorted_batches(texts: Sequence[str], batch_size: int, max_chars: int | None = None) -> list[np.ndarray]:
    """Index batches of texts of similar length, longest first (stable for equal lengths).

    A batch holds at most `batch_size` texts and, when `max_chars` is given, at most
    that many characters (but always at least one text).
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    order = np.argsort(-lengths, kind="stable")
    if max_chars is None:
        return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    batches, start, chars = [], 0, 0
    for pos, idx in enumerate(order):
        n = int(lengths[idx])
        if pos > start and (pos - start >= batch_size or chars + n > max_chars):
            batches.append(order[start:pos])
            start, chars = pos, 0
        chars += n
    if start < len(order):
        batches.append(order[start:])
    return batches


def planned_batches(texts: Sequence[str], first_chars: int, rest_chars: int) -> list[np.ndarray]:
    """Index batches, longest texts first: one of about `first_chars` characters, then evenly sized ones of
    about `rest_chars` (no small tail batch, which would run on one thread whatever the caller does)."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    order = np.argsort(-lengths, kind="stable")
    k, chars = 0, 0
    while k < len(order) and (k == 0 or chars + lengths[order[k]] <= first_chars):
        chars += int(lengths[order[k]])
        k += 1
    batches = [order[:k]] if k else []
    left = order[k:]
    if not len(left):
        return batches
    total = int(lengths[left].sum())
    n = max(1, round(total / max(1, rest_chars)))
    start, acc = 0, 0
    for pos, idx in enumerate(left):
        acc += int(lengths[idx])
        done = len(batches) - bool(k)  # batches of `left` closed so far; batch j closes past (j + 1) / n of it
        if done < n - 1 and acc >= total * (done + 1) / n:
            batches.append(left[start:pos + 1])
            start = pos + 1
    if start < len(left):
        batches.append(left[start:])
    return batches


class BatchedEncoder:
    """Base of the real backends: subclasses set name/dim and implement `_encode_batch`."""

    name: str = "base"
    dim: int = 0
    backend: str = "base"

    def __init__(self, *, batch_size: int = 32, progress: str = "auto"):
        self.batch_size = int(batch_size)
        self.progress = progress
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        wants_progress(progress, 0)  # validate the mode early

    def _encode_batch(self, texts: list[str], kind: str) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _batches(self, texts: list[str]) -> list[np.ndarray]:
        """How the texts are split into model calls: `batch_size` texts of similar length."""
        return length_sorted_batches(texts, self.batch_size)

    def signature(self) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def encode(self, texts: Sequence[str], *, kind: str = "passage") -> np.ndarray:
        check_kind(kind)
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not a single str")
        texts = [clean_text(t) for t in texts]
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        batches = self._batches(texts)
        bar = Progress(len(texts), f"embedding ({self.name})") if wants_progress(self.progress, len(texts)) else None
        try:
            for idx in batches:
                vecs = np.asarray(self._encode_batch([texts[i] for i in idx], kind), dtype=np.float32)
                if vecs.shape != (len(idx), self.dim):
                    raise RuntimeError(f"{self.name}: backend returned shape {vecs.shape}, "
                                       f"expected {(len(idx), self.dim)}")
                out[idx] = vecs
                if bar is not None:
                    bar.update(len(idx))
        finally:
            if bar is not None:
                bar.close()
        return l2_normalise(out)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} dim={self.dim}>"


# ---------------------------------------------------------------- file digests

_DIGESTS: dict[tuple[str, int, int], str] = {}


def file_digest(path: str | os.PathLike, memo_dir: str | os.PathLike | None = None) -> str:
    """sha256 of a file, remembered per (path, size, mtime) in-process and, if given, in `memo_dir`.

    Model files are large (70-500 MB); hashing them on every run would cost a cached
    re-run more than the lookup itself, so the digest is kept in a small JSON file
    next to the embedding cache. A changed size or mtime means a new hash.
    """
    path = Path(path).resolve()
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key in _DIGESTS:
        return _DIGESTS[key]
    memo_file = Path(memo_dir) / "digests.json" if memo_dir else None
    memo: dict[str, Any] = {}
    if memo_file is not None:
        try:
            memo = json.loads(memo_file.read_text(encoding="utf-8"))
            hit = memo.get(str(path))
            if isinstance(hit, list) and hit[:2] == [st.st_size, st.st_mtime_ns] and isinstance(hit[2], str):
                _DIGESTS[key] = hit[2]
                return hit[2]
        except (OSError, ValueError, IndexError, AttributeError):
            memo = {}
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            h.update(chunk)
    digest = h.hexdigest()
    _DIGESTS[key] = digest
    if memo_file is not None:
        memo = memo if isinstance(memo, dict) else {}
        memo[str(path)] = [st.st_size, st.st_mtime_ns, digest]
        try:
            memo_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = memo_file.with_name(f".{memo_file.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(memo, indent=0, sort_keys=True), encoding="utf-8")
            os.replace(tmp, memo_file)
        except OSError:
            pass  # a read-only cache folder only costs a re-hash next time
    return digest
