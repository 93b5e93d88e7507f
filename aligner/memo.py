"""A small on-disk memo of deterministic answers (language identification), next to the embedding cache.

A second run over the same texts should not pay again for what it already computed: the
embedding cache keeps vectors, this keeps small JSON answers of other deterministic tools
(lingua's verdicts). One SQLite file per namespace, whose name carries everything the answers
depend on (tool version, language set, mode), under `<cache>/memo/`. Answers are exactly those
the tool gave, so a run reading them writes the same output as one computing them.

Like the embedding cache it may make a run faster, never make it fail: any database trouble
(read-only folder, damaged file, a lock held too long) turns the memo off for the process,
logged once at debug level, and the tool is asked again. `ALIGNER_NO_MEMO=1` turns it off.
Standard library only (imported by `aligner.langid`, which `aligner lint` uses too).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterable, Sequence

log = logging.getLogger("aligner")

FORMAT = 1
_CHUNK = 500
_memos: dict[str, "Memo | None"] = {}
_by_env: dict[tuple, "Memo"] = {}
_lock = threading.Lock()


def cache_root() -> Path:
    """$ALIGNER_CACHE_DIR, else $XDG_CACHE_HOME/aligner, else ~/.cache/aligner (as the embedding cache)."""
    env = os.environ.get("ALIGNER_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "aligner"


def memo_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def insert_rows(conn: sqlite3.Connection, sql: str, rows: list) -> None:
    """`executemany` in one immediate transaction, rolled back on any error (the memo and the embedding cache)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(sql, rows)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


class Memo:
    """key (bytes) -> JSON value, in one SQLite file; thread-safe, off for good after the first error."""

    def __init__(self, path: Path):
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._rlock = threading.RLock()
        self.off: str | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("CREATE TABLE IF NOT EXISTS answers (key BLOB PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
            self._conn = conn
        return self._conn

    def _fail(self, exc: Exception) -> None:
        self.off = f"{type(exc).__name__}: {exc}"
        log.debug("memo %s unusable (%s); computing without it", self.path, self.off)
        try:
            if self._conn is not None:
                self._conn.close()
        except sqlite3.Error:
            pass
        self._conn = None

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, Any]:
        found: dict[bytes, Any] = {}
        if self.off or not keys:
            return found
        with self._rlock:
            try:
                conn = self._connection()
                for i in range(0, len(keys), _CHUNK):
                    chunk = list(keys[i:i + _CHUNK])
                    for key, value in conn.execute(
                            f"SELECT key, value FROM answers WHERE key IN ({','.join('?' * len(chunk))})", chunk):
                        found[bytes(key)] = json.loads(value)
            except (sqlite3.Error, OSError, ValueError) as exc:
                self._fail(exc)
                return {}
        return found

    def put_many(self, items: Iterable[tuple[bytes, Any]]) -> None:
        rows = [(k, json.dumps(v, separators=(",", ":"))) for k, v in items]
        if self.off or not rows:
            return
        with self._rlock:
            try:
                insert_rows(self._connection(), "INSERT OR REPLACE INTO answers (key, value) VALUES (?, ?)", rows)
            except (sqlite3.Error, OSError) as exc:
                self._fail(exc)


def get_memo(namespace: str) -> Memo | None:
    """The memo of `namespace` (a name covering every input of the answers), or None when memos are off."""
    if os.environ.get("ALIGNER_NO_MEMO"):
        return None
    where = (namespace, os.environ.get("ALIGNER_CACHE_DIR"), os.environ.get("XDG_CACHE_HOME"))
    found = _by_env.get(where)  # asked once per word: the path is computed once per namespace and cache folder
    if found is not None:
        return found
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", namespace)[:80].strip("_")
    digest = hashlib.sha256(f"{FORMAT}\x1f{namespace}".encode()).hexdigest()[:16]
    path = cache_root() / "memo" / f"{slug}-{digest}.sqlite"
    key = str(path)
    with _lock:
        if key not in _memos:
            _memos[key] = Memo(path)
        _by_env[where] = _memos[key]
        return _memos[key]
