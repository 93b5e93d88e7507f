"""The output folder is whole or untouched: a lock, a staging folder, a commit protocol.

`aligner run` never writes a contract file straight into OUT. The run

1. takes an exclusive lock on OUT (`OutputLock`: `flock` on `OUT/.aligner.lock`, removed
   again on release); a second run into the same folder stops at once with `OutputLocked`;
2. removes what killed runs left behind: staging folders (`.aligner-staging-*`) and the
   temporary files of atomic writes (`.<contract file>.*.tmp`), only those, by name;
3. writes every file into a fresh staging folder inside OUT (`OutputTransaction.path`, and
   `OutputTransaction.folder` for the paged report's pages), so a crash, a kill or a full disk
   at this point leaves OUT exactly as it was;
4. commits (`OutputTransaction.commit`): fsyncs and hashes each staged file, records
   `{"bytes", "sha256"}` per file under `files` in summary.json, marks the staging folder
   COMMITTING, removes the old summary.json, moves the data files into OUT, and moves the
   new summary.json in last.

A folder is complete exactly when its summary.json exists; between the removal and the
final move (a few renames) there is none, and `verify_output` refuses the folder with a
one-line `IncompleteOutput` naming the cause. `verify_output` also refuses a folder whose
files do not match the manifest (a file replaced by hand or by another tool), cheaply by
size and run id stamp, fully by SHA-256 (see docs/outputs.md, "Whole or untouched").
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import uuid
from pathlib import Path
from typing import Any, Iterable, Iterator

from aligner.errors import IncompleteOutput, InputError, OutputLocked

log = logging.getLogger("aligner")

LOCK_NAME = ".aligner.lock"
STAGING_PREFIX = ".aligner-staging-"
COMMIT_MARKER = "COMMITTING"
SUMMARY = "summary.json"
# Contract files of `aligner run`; writers may stage others too (their names go in the manifest).
CONTRACT_FILES = ("documents.jsonl", "pairs.jsonl", "aligned.jsonl", "flags.jsonl", "aligned.tmx", "aligned.tsv",
                  "report.html", SUMMARY)
# Folders of the output, staged and moved in whole like the files (the paged report's pages), and the names
# of the files aligner writes in them: an OUT/<folder> holding anything else is not replaced or removed.
OUTPUT_FOLDERS = {"report": re.compile(r"(pair-\d{6}|index-\d{4})\.html")}
VERIFY_MODES = ("none", "quick", "full")
_CHUNK = 1 << 20


def _fsync_dir(folder: Path) -> None:
    """Make renames in `folder` durable (no-op where folders cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def file_digest(path: Path) -> dict[str, Any]:
    """{"bytes": size, "sha256": hex} of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            h.update(chunk)
            size += len(chunk)
    return {"bytes": size, "sha256": h.hexdigest()}


# ---------------------------------------------------------------- lock

class OutputLock:
    """Exclusive, non-blocking lock on an output folder, held by one process at a time.

    `flock` on OUT/.aligner.lock (the kernel drops it when the process dies, even on
    kill -9, so a crashed run never leaves a stuck lock). The file holds the owner's pid
    for the message of the run that is turned away, and is removed on release; a run
    that locked a file another run had just removed retries on the new one.
    """

    def __init__(self, out: str | Path):
        self.out = Path(out)
        self.path = self.out / LOCK_NAME
        self._fd: int | None = None
        self._created = False

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> "OutputLock":
        if self._fd is not None:
            return self
        try:
            self._created = not self.out.exists()
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{self.out}: cannot create the output folder: {exc.strerror or exc}") from None
        for _ in range(20):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise InputError(f"{self.out}: cannot lock the output folder: {exc.strerror or exc}") from None
            if not _try_lock(fd, self.path):
                owner = _read_owner(fd)
                os.close(fd)
                raise OutputLocked(f"{self.out}: another aligner run{owner} is writing into this folder; "
                                   "wait for it to finish or choose another --out")
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # the previous holder removed the file between our open and our lock
                os.close(fd)
                continue
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
            self._fd = fd
            return self
        raise OutputLocked(f"{self.out}: cannot lock the output folder (it keeps changing hands)")

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.path)  # while still locked: nobody can hold the old file after us
        with contextlib.suppress(OSError):
            os.close(self._fd)  # closing drops the lock
        self._fd = None
        if self._created:  # a run that failed before writing anything leaves no empty folder behind
            with contextlib.suppress(OSError):
                self.out.rmdir()

    def __enter__(self) -> "OutputLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _try_lock(fd: int, path: Path) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:  # a file system without locks (some network mounts): say so, do not pretend
        log.warning("cannot lock %s (%s); make sure no other run writes into this folder", path, exc.strerror)
        return True
    return True


def lock_held(out: str | Path) -> bool:
    """Whether a run holds the lock of `out` now (a reader's question; it takes no lock itself)."""
    try:
        fd = os.open(Path(out) / LOCK_NAME, os.O_RDONLY)
    except OSError:
        return False
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the file exists only while a run holds it
        os.close(fd)
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
    return False


def _read_owner(fd: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        pid = int(os.pread(fd, 32, 0).decode("ascii").strip())
        return f" (pid {pid})"
    return ""


# ---------------------------------------------------------------- stale files

def _is_ours(name: str, extra_names: tuple[str, ...] = ()) -> bool:
    if name.startswith(STAGING_PREFIX):
        return True
    m = re.fullmatch(r"\.(.+)\.[^.]+\.tmp", name)  # atomic_open's temporaries: .<name>.<random>.tmp
    return bool(m and (m.group(1) in CONTRACT_FILES or m.group(1) in extra_names))


def clean_stale(out: str | Path, extra_names: tuple[str, ...] = ()) -> list[str]:
    """Remove staging folders and atomic-write temporaries that killed runs left in `out`.

    Only names this module or `atomic_open` make for contract files (and `extra_names`) are
    touched; call it while holding the folder's lock. Returns the names removed.
    """
    out = Path(out)
    removed = []
    try:
        entries = list(os.scandir(out))
    except OSError:
        return removed
    for entry in entries:
        if not _is_ours(entry.name, extra_names):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed.append(entry.name)
        except OSError as exc:
            log.warning("cannot remove the stale %s: %s", entry.path, exc.strerror or exc)
    if removed:
        log.info("removed what an interrupted run left in %s: %s", out, ", ".join(sorted(removed)))
    return removed


# ---------------------------------------------------------------- transaction

class OutputTransaction:
    """Write a set of output files into OUT all at once, or not at all.

        with OutputTransaction(out) as tx:
            with open(tx.path("aligned.jsonl"), "w") as fh: ...   # any writer, streamed or not
            tx.commit(summary)                                      # summary.json written by commit

    The staged files become the folder's whole output: a contract file, or a file of the
    previous manifest, that is not staged again is removed at the commit. Leaving the block
    without `commit` (an exception, a Ctrl-C) removes the staging folder and leaves OUT as it was. `lock` may be an `OutputLock` the caller already
    holds (a run locks OUT before its work starts); otherwise the transaction takes one.
    """

    def __init__(self, out: str | Path, *, lock: OutputLock | None = None):
        self.out = Path(out)
        self._lock = lock
        self._own_lock = lock is None
        self.staging: Path | None = None
        self.committed = False
        self._moving = False

    def __enter__(self) -> "OutputTransaction":
        if self.out.exists() and not self.out.is_dir():
            raise InputError(f"{self.out}: exists and is not a folder")
        if self._lock is None:
            self._lock = OutputLock(self.out)
        if not self._lock.held:
            self._lock.acquire()
        try:
            clean_stale(self.out, tuple(_manifest_names(self.out)))
            self.staging = self.out / f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
            self.staging.mkdir()
        except OSError as exc:
            self._release()
            raise InputError(f"{self.out}: cannot create a staging folder: {exc.strerror or exc}") from None
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            # A commit that failed after removing the old summary.json leaves its staging folder (marked
            # COMMITTING): it is what tells readers the folder is incomplete, and the next run cleans it.
            if self.staging is not None and self.staging.exists() and not self._moving:
                shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            self._release()

    def _release(self) -> None:
        if self._own_lock and self._lock is not None:
            self._lock.release()

    def path(self, name: str) -> Path:
        """Where to write the output file `name` (a plain file name) before the commit."""
        if self.staging is None:
            raise RuntimeError("OutputTransaction.path() outside its `with` block")
        if not name or "/" in name or "\\" in name or name.startswith(".") or name == SUMMARY:
            raise ValueError(f"not an output file name: {name!r}")
        return self.staging / name

    def folder(self, name: str) -> Path:
        """A folder of the output (one of OUTPUT_FOLDERS), created in the staging folder; it replaces
        OUT/<name> at the commit. A run that stages none removes the previous run's at its commit."""
        if self.staging is None:
            raise RuntimeError("OutputTransaction.folder() outside its `with` block")
        if name not in OUTPUT_FOLDERS:
            raise ValueError(f"not an output folder: {name!r}")
        path = self.staging / name
        path.mkdir(exist_ok=True)
        return path

    def commit(self, summary: dict[str, Any]) -> dict[str, Path]:
        """Hash the staged files, write summary.json with their manifest, move all into OUT.

        Returns name -> final path (summary.json included). `summary` gains `files`.
        An OSError becomes an InputError naming the file; before the first move OUT is untouched.
        """
        from aligner.output.atomic import json_dumps

        if self.staging is None or self.committed:
            raise RuntimeError("commit() outside its `with` block, or twice")
        staging = self.staging
        names = sorted(p.name for p in staging.iterdir() if p.is_file() and p.name != COMMIT_MARKER)
        files: dict[str, Any] = {}
        for name in names:
            try:
                _fsync_file(staging / name)
                files[name] = file_digest(staging / name)
            except OSError as exc:
                raise InputError(f"cannot write {self.out / name}: {exc.strerror or exc}") from exc
        summary["files"] = files
        folders = sorted(p.name for p in staging.iterdir() if p.is_dir() and p.name in OUTPUT_FOLDERS)
        replaced = []  # earlier runs' output folders, moved into the staging folder (removed with it)
        for name in OUTPUT_FOLDERS:
            old = self.out / name
            if not old.is_dir() or old.is_symlink():
                if name in folders and os.path.lexists(old):
                    raise InputError(f"{old}: exists and is not an output folder of aligner; move it away")
                continue
            foreign = [e.name for e in os.scandir(old) if not (e.is_file() and OUTPUT_FOLDERS[name].fullmatch(e.name))]
            if foreign:
                if name in folders:
                    raise InputError(f"{old}: holds files aligner did not write ({', '.join(sorted(foreign)[:3])}); "
                                     "move them away")
                continue  # not ours to remove
            replaced.append(name)
        try:
            with open(staging / SUMMARY, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(json_dumps(summary, indent=2))
                fh.write("\n")
                fh.flush()
                os.fsync(fh.fileno())
            _set_normal_mode(staging)
            (staging / COMMIT_MARKER).write_text(" ".join(names) + "\n", encoding="utf-8")
            _fsync_dir(staging)
        except OSError as exc:
            raise InputError(f"cannot write {self.out / SUMMARY}: {exc.strerror or exc}") from exc

        # From here on only renames and unlinks in OUT: no space is needed.
        out = self.out
        stale = (set(_manifest_names(out)) | set(CONTRACT_FILES)) - set(names) - {SUMMARY}
        try:
            self._moving = True
            with contextlib.suppress(FileNotFoundError):
                os.unlink(out / SUMMARY)  # from now on OUT says "incomplete" until the last rename
            _fsync_dir(out)
            for name in names:
                os.replace(staging / name, out / name)
            for name in replaced:
                os.replace(out / name, staging / f".old-{name}")
            for name in folders:
                os.replace(staging / name, out / name)
            for name in sorted(stale):  # a file of the previous set that this run does not write
                with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                    os.unlink(out / name)
            _fsync_dir(out)
            os.replace(staging / SUMMARY, out / SUMMARY)
            _fsync_dir(out)
        except OSError as exc:
            where = exc.filename or out
            raise InputError(f"cannot move the new output into {out}: {where}: {exc.strerror or exc}; "
                             "the folder is incomplete, run again") from exc
        self.committed = True
        self._moving = False
        shutil.rmtree(staging, ignore_errors=True)
        self.staging = None
        return {name: out / name for name in [*names, SUMMARY]}


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _set_normal_mode(folder: Path) -> None:
    """Output files get the umask's mode (writers such as mkstemp make 0600 files)."""
    umask = os.umask(0)
    os.umask(umask)
    for p in folder.iterdir():
        with contextlib.suppress(OSError):
            os.chmod(p, (0o777 if p.is_dir() else 0o666) & ~umask)


def _manifest_names(out: Path) -> list[str]:
    """File names listed in OUT's summary.json manifest (none when absent or unreadable)."""
    try:
        files = json.loads((out / SUMMARY).read_text(encoding="utf-8")).get("files")
    except (OSError, ValueError, AttributeError):
        return []
    if not isinstance(files, dict):
        return []
    return [n for n in files if isinstance(n, str) and "/" not in n and "\\" not in n and not n.startswith(".")]


@contextlib.contextmanager
def output_transaction(out: str | Path, *, lock: OutputLock | None = None) -> Iterator[OutputTransaction]:
    """Function form of `OutputTransaction`."""
    with OutputTransaction(out, lock=lock) as tx:
        yield tx


# ---------------------------------------------------------------- verification

def interrupted(out: Path) -> bool:
    """Whether a run was killed in OUT while moving its files into place (its staging folder says so)."""
    with contextlib.suppress(OSError):
        return any(p.name.startswith(STAGING_PREFIX) and (p / COMMIT_MARKER).exists() for p in out.iterdir())
    return False


def _first_run_stamp(path: Path) -> Any:
    """The `run` of the first record of a JSONL file (None when empty or unreadable as JSON)."""
    with open(path, "rb") as fh:
        for line in fh:
            if line.strip():
                try:
                    record = json.loads(line)
                except ValueError:
                    return None
                return record.get("run") if isinstance(record, dict) else None
    return None


def verify_output(out: str | Path, *, mode: str = "quick", names: Iterable[str] | None = None) -> dict[str, Any] | None:
    """Check that OUT holds one whole run; return its summary (None for a folder without any).

    - "quick": summary.json is there and whole; every file of its manifest exists with the
      recorded size, and each JSONL file's first record carries the summary's run id. Costs
      a stat and one line per file.
    - "full": also the SHA-256 of each file (one sequential read of the folder).
    - "none": no check.

    `names` limits the check to those files (None: all of the manifest). A folder whose
    summary.json has no manifest (written before manifests existed, or by hand) passes
    with a debug note. A folder a run was interrupted in, or whose files do not match,
    raises `IncompleteOutput` in one line.
    """
    if mode not in VERIFY_MODES:
        raise ValueError(f"verify must be one of {', '.join(VERIFY_MODES)}, got {mode!r}")
    out = Path(out)
    summary_path = out / SUMMARY
    if not summary_path.is_file():
        if mode != "none" and interrupted(out):
            if lock_held(out):
                raise IncompleteOutput(f"{out}: incomplete output: a run is moving its files into place right now "
                                       "(no summary.json yet); try again when it has finished")
            raise IncompleteOutput(f"{out}: incomplete output: a run was interrupted while moving its files into "
                                   "place (no summary.json); run `aligner run` again")
        return None
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{summary_path}: not a valid summary ({exc})") from None
    if not isinstance(summary, dict):
        raise InputError(f"{summary_path}: not a valid summary (expected a JSON object)")
    files = summary.get("files")
    if mode == "none":
        return summary
    if not isinstance(files, dict):
        log.debug("%s has no file manifest: not verified", summary_path)
        return summary
    run_id = summary.get("run")
    wanted = list(files) if names is None else [n for n in names if n in files]
    for name in wanted:
        entry = files[name]
        path = out / name
        if not isinstance(entry, dict):
            raise InputError(f"{summary_path}: not a valid summary (files.{name})")
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise IncompleteOutput(f"{out}: incomplete output: {name} is missing (summary.json of run {run_id} "
                                   "lists it); run `aligner run` again") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
        if size != entry.get("bytes"):
            raise IncompleteOutput(f"{out}: mixed output: {name} has {size} bytes, summary.json of run {run_id} "
                                   f"records {entry.get('bytes')}; it comes from another run or was changed, "
                                   "run `aligner run` again")
        if name.endswith(".jsonl") and size:
            stamp = _first_run_stamp(path)
            if stamp is not None and stamp != run_id:
                raise IncompleteOutput(f"{out}: mixed output: {name} is from run {stamp}, summary.json from run "
                                       f"{run_id}; run `aligner run` again")
        if mode == "full" and file_digest(path)["sha256"] != entry.get("sha256"):
            raise IncompleteOutput(f"{out}: mixed output: the SHA-256 of {name} differs from the one in "
                                   f"summary.json (run {run_id}); it comes from another run or was changed, "
                                   "run `aligner run` again")
    return summary

