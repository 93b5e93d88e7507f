"""The work folder: every finished unit of work, written atomically, so a killed run resumes.

Layout (inside OUT/.work by default, or `--work-dir`):

    run.json                      the signature of the last run that used the folder (for people)
    <stage>-<key>/                one folder per stage; <key> hashes every setting the stage and the
                                  stages before it read, so a changed setting starts a new folder
        <unit>.pkl / .npy / ...   one file (or a few, the last one written marks it done) per unit

A unit file appears under its final name only once complete (temporary sibling, fsync, `os.replace`),
so after `kill -9` a unit is either there, whole, or not there. The files are this tool's own
pickles: a work folder is a cache of the run, not an exchange format; never load one you did not make.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import pickle
import shutil
import struct
import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

_HEADER = struct.Struct("<8sQ")  # magic, offset of the index
_MAGIC = b"ALGNREC1"


def atomic_write(path: Path, write: Callable[[io.BufferedWriter], None]) -> None:
    """Call `write(fh)` on a temporary sibling of `path`, then fsync and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a while (back on after, if it was on).

    Unpickling a unit's result builds thousands of small objects (sentences, beads, flags), none in
    a reference cycle; meanwhile the collector would run every few hundred allocations, and its full
    passes traverse every object of the process (dictionaries, models): three quarters of the time
    of loading a shard of documents went there."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def load(fh) -> Any:
    """`pickle.load` with the collector paused (`collector_paused`)."""
    with collector_paused():
        return pickle.load(fh)


def loads(data: bytes) -> Any:
    """`pickle.loads` with the collector paused (`collector_paused`)."""
    with collector_paused():
        return pickle.loads(data)


def write_pickle(path: Path, obj: Any) -> None:
    atomic_write(path, lambda fh: pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL))


def read_pickle(path: Path) -> Any:
    with open(path, "rb") as fh:
        return load(fh)


class PickleStream:
    """Objects appended one at a time to a temporary file, renamed into place on a clean exit.

    They are written `CHUNK` at a time, as one pickled list: one `pickle.dump` per object cost the
    pair stage more than its candidates' evidence records took to build (10,000 documents: 172,000
    pairs, 2.5 s), and a chunk's repeated keys and class references are pickled once.
    """

    CHUNK = 1024

    def __init__(self, path: Path):
        self.path = Path(path)
        self._buffer: list[Any] = []

    def __enter__(self) -> "PickleStream":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        self._fh = os.fdopen(fd, "wb")
        return self

    def add(self, obj: Any) -> None:
        self._buffer.append(obj)
        if len(self._buffer) >= self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            pickle.dump(self._buffer, self._fh, protocol=pickle.HIGHEST_PROTOCOL)
            self._buffer = []

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self._flush()
            self._fh.flush()
            os.fsync(self._fh.fileno())
        finally:
            self._fh.close()
        if exc_type is None:
            os.replace(self._tmp, self.path)
        else:
            with contextlib.suppress(OSError):
                os.unlink(self._tmp)


def iter_pickles(path: Path) -> Iterator[Any]:
    """The objects of a PickleStream file, in order (its chunks' items; an object pickled on its own,
    as a work folder of an earlier version holds them, is yielded as it is)."""
    with open(path, "rb") as fh:
        while True:
            try:
                obj = load(fh)
            except EOFError:
                return
            if type(obj) is list:
                yield from obj
            else:
                yield obj


def write_array(path: Path, array) -> None:
    """A .npy file (memory-mappable by `read_array`)."""
    import numpy as np

    atomic_write(path, lambda fh: np.save(fh, np.ascontiguousarray(array), allow_pickle=False))


def read_array(path: Path):
    import numpy as np

    return np.load(path, mmap_mode="r", allow_pickle=False)


def write_records(path: Path, items: Iterable[tuple[str, Any]]) -> None:
    """Keyed objects in one file with an index, so one object can be read without the others."""

    def write(fh) -> None:
        fh.write(_HEADER.pack(_MAGIC, 0))
        index: list[tuple[str, int]] = []
        for key, obj in items:
            index.append((key, fh.tell()))
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        where = fh.tell()
        pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        fh.seek(0)
        fh.write(_HEADER.pack(_MAGIC, where))

    atomic_write(path, write)


class RecordFile:
    """Reads a file of `write_records`: keys in their order, one object at a time."""

    def __init__(self, path: Path):
        self.path = path
        self._fh = open(path, "rb")
        magic, where = _HEADER.unpack(self._fh.read(_HEADER.size))
        if magic != _MAGIC:
            raise ValueError(f"{path}: not a record file")
        self._fh.seek(where)
        self._index: list[tuple[str, int]] = load(self._fh)
        self._where = dict(self._index)

    def keys(self) -> list[str]:
        return [k for k, _ in self._index]

    def __contains__(self, key: str) -> bool:
        return key in self._where

    def get(self, key: str) -> Any:
        self._fh.seek(self._where[key])
        return load(self._fh)

    def items(self) -> Iterator[tuple[str, Any]]:
        for key, offset in self._index:
            self._fh.seek(offset)
            yield key, load(self._fh)

    def close(self) -> None:
        self._fh.close()


class RecordFiles:
    """Open record files, at most `limit` at a time (least recently used closed first)."""

    def __init__(self, limit: int = 32):
        self.limit = limit
        self._open: OrderedDict[Path, RecordFile] = OrderedDict()

    def __call__(self, path: Path) -> RecordFile:
        rf = self._open.get(path)
        if rf is None:
            rf = RecordFile(path)
            self._open[path] = rf
            while len(self._open) > self.limit:
                self._open.popitem(last=False)[1].close()
        else:
            self._open.move_to_end(path)
        return rf

    def close(self) -> None:
        for rf in self._open.values():
            rf.close()
        self._open.clear()


class WorkFolder:
    """A run's work folder: stage folders named by their key, unit files inside."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def stage(self, name: str, key: str) -> Path:
        return self.root / f"{name}-{key}"

    def prepare(self, signature: dict[str, Any], stage_dirs: Iterable[Path], stage_names: Iterable[str]) -> None:
        """Create the folder, record the signature, remove stale temporaries and other runs' stage folders.

        Stage folders of other keys are left from runs with other settings; keeping them would let the
        folder grow with every change, so only the current ones stay.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        import re

        keep = {Path(p).name for p in stage_dirs}
        ours = re.compile(rf"(?:{'|'.join(map(re.escape, stage_names))})-[0-9a-f]{{16}}")
        for entry in self.root.iterdir():
            if entry.is_dir() and entry.name not in keep and ours.fullmatch(entry.name):
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.is_dir():
                for tmp in entry.glob(".*.tmp"):
                    with contextlib.suppress(OSError):
                        tmp.unlink()
        text = json.dumps(signature, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
        atomic_write(self.root / "run.json", lambda fh: fh.write(text.encode("utf-8")))
