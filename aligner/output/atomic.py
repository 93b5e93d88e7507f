"""Atomic file writing: a reader never sees a half-written output file.

Every writer goes through `atomic_open`: the data goes to a temporary file in the
destination folder (same file system, so the final `os.replace` is atomic), is
flushed and fsync'ed, and only then replaces the destination. If the writer raises
half-way, the temporary file is removed and the previous version of the
destination (if any) is left untouched.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from aligner.errors import InputError


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w", *, encoding: str = "utf-8",
                shown: str | Path | None = None, sync: bool = True) -> Iterator[IO]:
    """Open `path` for writing through a temporary sibling file, replaced on success only.

    `mode` is "w" (text, UTF-8, "\\n" line ends on every platform) or "wb". An OSError while
    writing or replacing (disk full, destination is a folder) becomes an InputError naming `path`
    (or `shown`: the final name of a file written into a staging folder). `sync=False` leaves the
    fsync to the caller (an output transaction fsyncs its staged files at the commit; many small
    files are fsynced together by `sync_files`).
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open supports 'w' and 'wb', not {mode!r}")
    path = Path(path)
    shown = path if shown is None else shown
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"cannot write {shown}: {exc.strerror or exc}") from None
    try:
        if mode == "wb":
            fh = os.fdopen(fd, "wb")
        else:
            fh = os.fdopen(fd, "w", encoding=encoding, newline="\n")
        with fh:
            yield fh
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        # mkstemp creates 0600 files; outputs are ordinary files, so honour the umask.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        if isinstance(exc, OSError):  # disk full, destination is a folder...: a clear error, not a traceback
            raise InputError(f"cannot write {shown}: {exc.strerror or exc}") from exc
        raise


def sync_files(paths: Iterable[str | Path]) -> None:
    """Make files written with `atomic_open(sync=False)` durable: one `syncfs` of their file system
    where Linux offers it (one journal commit instead of one per file), else an fsync per file."""
    paths = [Path(p) for p in paths]
    if not paths:
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        syncfs = libc.syncfs
    except (OSError, AttributeError, TypeError):  # not Linux (Windows: no CDLL(None))
        syncfs = None
    if syncfs is not None:
        fd = os.open(paths[0].parent, os.O_RDONLY)
        try:
            if syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    for p in paths:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def finite(obj: Any) -> Any:
    """`obj` with NaN and infinities replaced by None: they are not JSON."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite(v) for v in obj]
    return obj


# Characters that str.splitlines(), JavaScript and many editors take for a line break, which JSON leaves
# raw inside strings: escaped, so that one JSONL record stays one line for every reader.
_LINE_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


# json.dumps builds an encoder per call when given options: one line of JSONL is one call
_STRICT = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def json_dumps(obj: Any, **kwargs: Any) -> str:
    """Strict JSON (UTF-8 text as is apart from line-break characters, no NaN); non-finite numbers become null."""
    dumps = _STRICT.encode if not kwargs else \
        lambda o: json.dumps(o, ensure_ascii=False, allow_nan=False, **kwargs)
    try:
        text = dumps(obj)
    except ValueError:
        text = dumps(finite(obj))
    if "\x85" in text or "\u2028" in text or "\u2029" in text:  # rare; a translate of every line is slow
        return text.translate(_LINE_BREAKS)
    return text


def json_line(record: dict[str, Any]) -> str:
    """One JSONL line."""
    return json_dumps(record) + "\n"


def write_jsonl(path: str | Path, records: Iterable[dict[str, Any]], *, shown: str | Path | None = None) -> int:
    """Write records one per line, atomically; return how many."""
    n = 0
    with atomic_open(path, shown=shown) as fh:
        for record in records:
            fh.write(json_line(record))
            n += 1
    return n


def write_json(path: str | Path, data: Any) -> None:
    with atomic_open(path) as fh:
        fh.write(json_dumps(data, indent=2))
        fh.write("\n")


def write_text(path: str | Path, text: str) -> None:
    with atomic_open(path) as fh:
        fh.write(text)
