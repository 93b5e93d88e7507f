"""On-disk embedding cache: a second run over the same texts encodes nothing.

One SQLite file per encoder signature (`<cache>/embeddings/<name>-<sighash>.sqlite`),
so a new model revision never reads vectors of the old one. A row is
`key = blake2b(kind, text)`, the vector's exact float32 bytes, and a checksum
over both; every row read is verified, so a damaged entry is recomputed, never
trusted. A file SQLite itself reports as corrupt (garbled, truncated, not a
database) or whose stored signature differs is moved aside as `*.corrupt` and
rebuilt. Concurrent runs share the file safely: WAL mode, a busy timeout, and
short write transactions (`BEGIN IMMEDIATE`). Any other database trouble (a
read-only folder, a lock held too long) is logged once and the run continues
uncached: the cache may make a run faster, never make it fail.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from aligner.embed.base import check_kind

log = logging.getLogger("aligner")

CACHE_FORMAT = 2
PAGE_SIZE = 8192  # 5 vectors of 384 floats per page; 4 KiB pages would fit 2
BUSY_TIMEOUT_S = 60.0
_CHUNK = 500  # keys per SELECT ... IN (...), well under SQLite's variable limit
_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_CORRUPT_WORDS = ("malformed", "not a database", "corrupt", "disk image")


def default_cache_dir(configured: str | os.PathLike | None = None) -> Path:
    """config.cache_dir, else $ALIGNER_CACHE_DIR, else $XDG_CACHE_HOME/aligner, else ~/.cache/aligner."""
    if configured:
        return Path(configured).expanduser()
    env = os.environ.get("ALIGNER_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "aligner"


def signature_digest(signature: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(signature, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def entry_key(kind: str, text: str) -> bytes:
    return hashlib.blake2b(kind.encode() + b"\x1f" + text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _checksum(key: bytes, vec: bytes) -> bytes:
    return hashlib.blake2b(key + vec, digest_size=8).digest()


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and (code & 0xFF) in _CORRUPT_CODES:
        return True
    return any(w in str(exc).lower() for w in _CORRUPT_WORDS)


class CacheCorrupt(Exception):
    """Internal: the file must be rebuilt."""


class EmbeddingStore:
    """The SQLite file of one encoder signature. Thread-safe; cheap to open lazily."""

    def __init__(self, path: str | os.PathLike, signature: dict[str, Any], dim: int):
        self.path = Path(path)
        self.signature_json = json.dumps(signature, sort_keys=True, ensure_ascii=False)
        self.dim = int(dim)
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        self.rebuilds = 0
        self.bad_entries = 0

    # ------------------------------------------------------------ connection
    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                               check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute(f"PRAGMA page_size={PAGE_SIZE}")  # only takes effect on a new, empty file
            deadline = time.monotonic() + BUSY_TIMEOUT_S
            while True:  # switching to WAL needs a moment alone with the file
                try:
                    conn.execute("PRAGMA journal_mode=WAL").fetchone()
                    break
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)")
                # a rowid table: 1.5 KB rows would spill into overflow pages of a WITHOUT ROWID b-tree
                conn.execute("CREATE TABLE IF NOT EXISTS vectors (id INTEGER PRIMARY KEY, key BLOB NOT NULL UNIQUE, "
                             "vec BLOB NOT NULL, chk BLOB NOT NULL)")
                conn.executemany("INSERT OR IGNORE INTO meta (k, v) VALUES (?, ?)",
                                 [("format", str(CACHE_FORMAT)), ("signature", self.signature_json),
                                  ("dim", str(self.dim))])
                meta = dict(conn.execute("SELECT k, v FROM meta").fetchall())
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except BaseException:
            conn.close()
            raise
        if meta.get("format") != str(CACHE_FORMAT) or meta.get("signature") != self.signature_json \
                or meta.get("dim") != str(self.dim):
            conn.close()
            raise CacheCorrupt("its header does not match this encoder's signature")
        return conn

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.close()
                finally:
                    self._conn = None

    def _rebuild(self, reason: str) -> None:
        """Move the damaged file aside (kept once as *.corrupt for inspection) and start afresh."""
        self.close()
        self.rebuilds += 1
        log.warning("embedding cache %s is damaged (%s): rebuilding it", self.path, reason)
        try:
            os.replace(self.path, self.path.with_name(self.path.name + ".corrupt"))
        except FileNotFoundError:
            pass
        for suffix in ("-wal", "-shm"):
            try:
                os.unlink(str(self.path) + suffix)
            except FileNotFoundError:
                pass

    def _with_recovery(self, op):
        """Run op(conn); on corruption rebuild the file and run it once more."""
        with self._lock:
            try:
                return op(self._connection())
            except CacheCorrupt as exc:
                self._rebuild(str(exc))
            except sqlite3.DatabaseError as exc:
                if not _is_corruption(exc):
                    raise
                self._rebuild(str(exc))
            return op(self._connection())

    # ------------------------------------------------------------ entries
    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """Verified vectors for the keys that are present; damaged rows are deleted and left out."""
        def op(conn: sqlite3.Connection) -> dict[bytes, np.ndarray]:
            found: dict[bytes, np.ndarray] = {}
            bad: list[bytes] = []
            nbytes = 4 * self.dim
            for i in range(0, len(keys), _CHUNK):
                chunk = keys[i:i + _CHUNK]
                rows = conn.execute(f"SELECT key, vec, chk FROM vectors WHERE key IN ({','.join('?' * len(chunk))})",
                                    chunk).fetchall()
                for key, vec, chk in rows:
                    key, vec = bytes(key), bytes(vec)
                    if len(vec) != nbytes or bytes(chk) != _checksum(key, vec):
                        bad.append(key)
                        continue
                    found[key] = np.frombuffer(vec, dtype="<f4")
            if bad:
                self.bad_entries += len(bad)
                if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    raise CacheCorrupt(f"{len(bad)} entries fail their checksum and the file fails quick_check")
                log.warning("embedding cache %s: %d entries failed their checksum; recomputing them",
                            self.path, len(bad))
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany("DELETE FROM vectors WHERE key = ?", [(k,) for k in bad])
                conn.execute("COMMIT")
            return found

        return self._with_recovery(op)

    def put_many(self, items: Iterable[tuple[bytes, np.ndarray]]) -> None:
        rows = []
        for key, vec in items:
            data = np.ascontiguousarray(vec, dtype="<f4").tobytes()
            if len(data) != 4 * self.dim:
                raise ValueError(f"vector of {len(data) // 4} values for a cache of dim {self.dim}")
            rows.append((key, data, _checksum(key, data)))
        if not rows:
            return

        def op(conn: sqlite3.Connection) -> None:
            from aligner.memo import insert_rows

            insert_rows(conn, "INSERT OR REPLACE INTO vectors (key, vec, chk) VALUES (?, ?, ?)", rows)

        self._with_recovery(op)

    def count(self) -> int:
        return self._with_recovery(lambda conn: conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])


class CachedEncoder:
    """Wraps an encoder: vectors already in the cache are read, only new texts are encoded.

    Same interface, same signature as the inner encoder; results are bit-identical to
    the inner encoder's (float32 stored exactly). `stats` counts hits and misses.
    """

    def __init__(self, inner, cache_dir: str | os.PathLike | None = None):
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.cache_dir = default_cache_dir(cache_dir)
        self.stats = {"hits": 0, "misses": 0}
        self._store: EmbeddingStore | None = None
        self._disabled: str | None = None

    def signature(self) -> dict[str, Any]:
        return self.inner.signature()

    @property
    def path(self) -> Path:
        sig = self.inner.signature()
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", str(sig.get("name", self.name)))[:48].strip("_") or "encoder"
        return self.cache_dir / "embeddings" / f"{slug}-{signature_digest(sig)[:16]}.sqlite"

    @property
    def store(self) -> EmbeddingStore:
        if self._store is None:
            self._store = EmbeddingStore(self.path, self.inner.signature(), self.dim)
        return self._store

    def _disable(self, exc: Exception) -> None:
        self._disabled = f"{type(exc).__name__}: {exc}"
        log.warning("embedding cache %s unusable (%s); continuing without it", self.cache_dir, self._disabled)

    def encode(self, texts: Sequence[str], *, kind: str = "passage") -> np.ndarray:
        check_kind(kind)
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not a single str")
        texts = list(texts)
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        if self._disabled:
            return self.inner.encode(texts, kind=kind)
        keys = [entry_key(kind, t) for t in texts]
        unique = list(dict.fromkeys(keys))
        try:
            found = self.store.get_many(unique)
        except (sqlite3.Error, OSError) as exc:
            self._disable(exc)
            return self.inner.encode(texts, kind=kind)
        first_text = dict(zip(reversed(keys), reversed(texts)))  # key -> its text (any occurrence)
        missing = [k for k in unique if k not in found]
        if missing:
            vecs = np.asarray(self.inner.encode([first_text[k] for k in missing], kind=kind), dtype=np.float32)
            new = dict(zip(missing, vecs))
            try:
                self.store.put_many(new.items())
            except (sqlite3.Error, OSError) as exc:
                self._disable(exc)
            found.update(new)
        self.stats["hits"] += len(texts) - len(missing)
        self.stats["misses"] += len(missing)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = found[k]
        return out

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    def __repr__(self) -> str:
        return f"<CachedEncoder {self.name} at {self.cache_dir}>"
