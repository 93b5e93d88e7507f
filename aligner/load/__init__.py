"""Stage 1: read a corpus folder into `Document`s (decoding, HTML text extraction, manifest).

Files: `.txt`, `.html` and `.htm` (any case) under the folder, recursively, sorted by their
relative path; hidden files and folders (".name") and the manifest are skipped. The document
id is the file name without extension; when two files would get the same id (x.txt in two
subfolders, or x.txt beside x.html) every one of them gets its relative path without the
extension instead ("a/x", "b/x"), and if that still collides, its relative path with the
extension ("x.txt", "x.html"). Ids therefore never depend on the order files were found.

A file that cannot be used (binary, empty, undecodable, unreadable, over
`segment.max_file_mb`) becomes a Document with status "error" and a `problem` message; a
missing corpus path or a path that is a file raises InputError; a bad manifest ConfigError.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from aligner.config import Config
from aligner.errors import InputError
from aligner.model import Document

log = logging.getLogger("aligner.load")

SUFFIXES = (".txt", ".html", ".htm")
HTML_SUFFIXES = (".html", ".htm")


def find_files(root: Path) -> list[Path]:
    """Corpus files under `root`, as paths relative to it, sorted.

    Every entry named like a document is listed, not only regular files: a dangling symlink,
    a named pipe or a folder named "x.txt" holding no documents of its own is what the user
    meant as a document, and must come back as one with status "error" rather than vanish.
    """
    found = []
    folders = []
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or path.suffix.lower() not in SUFFIXES:
            continue
        if path.is_dir():
            folders.append(rel)
        else:
            found.append(rel)
    for folder in folders:  # a folder named like a document is just a folder when it holds documents
        if not any(folder in rel.parents for rel in found):
            found.append(folder)
    return sorted(found, key=lambda p: p.as_posix())


def assign_ids(files: list[Path]) -> dict[str, str]:
    """relative posix path -> document id, unique (see the module docstring)."""
    by_stem: dict[str, list[Path]] = {}
    for rel in files:
        by_stem.setdefault(rel.stem, []).append(rel)
    ids: dict[str, str] = {}
    for stem, group in by_stem.items():
        if len(group) == 1:
            ids[group[0].as_posix()] = stem
            continue
        no_ext = [rel.with_suffix("").as_posix() for rel in group]
        for rel, candidate in zip(group, no_ext):
            ids[rel.as_posix()] = candidate if no_ext.count(candidate) == 1 else rel.as_posix()
    # a derived id may equal another file's plain stem ("a/x" cannot, it has a slash; "x.txt" can
    # only clash with a stem "x.txt" of "x.txt.html"): make the rare leftover unique too.
    seen: dict[str, str] = {}
    for path in sorted(ids):
        doc = ids[path]
        if doc in seen:
            ids[path] = path
        seen[ids[path]] = path
    return ids


def load_document(path: Path, doc_id: str, *, config: Config, display_path: str | None = None) -> Document:
    """One file -> Document (status "error" with a problem message when it cannot be used)."""
    from aligner.load.decode import UndecodableError, decode_bytes

    doc = Document(doc=doc_id, path=display_path or str(path))
    doc.format = "html" if path.suffix.lower() in HTML_SUFFIXES else "text"
    limit = int(config.segment.max_file_mb * 1024 * 1024)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a named pipe" if stat.S_ISFIFO(info.st_mode) else "a special file"
            return _error(doc, f"cannot read the file: it is {kind}, not a regular file")
        size = info.st_size
        if size > limit:
            return _error(doc, f"file too large: {_size(size)} is over segment.max_file_mb = {config.segment.max_file_mb:g}")
        data = path.read_bytes()
    except OSError as exc:
        if path.is_symlink() and not path.exists():
            return _error(doc, f"cannot read the file: it is a symbolic link to a missing target ({os.readlink(path)})")
        return _error(doc, f"cannot read the file: {exc.strerror or exc}")
    try:
        text, encoding, repairs = decode_bytes(data, languages=config.segment.languages)
    except UndecodableError as exc:
        return _error(doc, str(exc))
    except Exception as exc:  # a bug must cost one document, not the run
        log.debug("%s: decoding traceback", doc.path, exc_info=exc)  # -vv shows it, for a bug report
        return _error(doc, f"internal error while decoding ({type(exc).__name__}: {exc}); please report it")
    doc.raw, doc.encoding, doc.repairs = text, encoding, repairs
    return doc


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 100 * 1024 else f"{n:,} bytes"


def _error(doc: Document, problem: str) -> Document:
    doc.status = "error"
    doc.problem = problem
    log.warning("%s: %s", doc.path, problem)
    return doc


def load_corpus(path: str | Path, *, config: Config) -> list[Document]:
    """Every .txt/.html file under `path`, recursively, sorted by path.

    A file that cannot be read becomes a Document with status "error" and a problem
    message; a missing or non-folder `path` raises InputError.
    """
    from aligner.load.manifest import read_manifest

    root = Path(path)
    if not root.exists():
        raise InputError(f"corpus folder not found: {root}")
    if not root.is_dir():
        raise InputError(f"the corpus must be a folder of .txt/.html files, got a file: {root}")
    files = find_files(root)
    ids = assign_ids(files)
    manifest = read_manifest(root, ids)
    return load_files(root, files, ids, manifest, config=config)


def load_files(root: Path, files: list[Path], ids: dict[str, str], manifest: dict, *, config: Config) -> list[Document]:
    """The documents of some of a corpus's files (relative paths), with their manifest settings applied.

    `ids` and `manifest` are those of the whole corpus (`assign_ids`, `read_manifest`): a sharded run
    lists the corpus once and loads it shard by shard.
    """
    documents = []
    for rel in files:
        doc_id = ids[rel.as_posix()]
        doc = load_document(root / rel, doc_id, config=config, display_path=str(root / rel))
        settings = manifest.get(doc_id, {})
        if settings:
            doc.manifest = dict(settings)
            doc.lang = settings.get("lang", doc.lang)
            doc.role = settings.get("role", doc.role)
            doc.source_url = settings.get("source_url", doc.source_url)
            doc.title = settings.get("title", doc.title)
        documents.append(doc)
    return documents
