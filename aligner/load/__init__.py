"""Stage 1: read a corpus folder into `Document`s (decoding, HTML text extraction, manifest).

Files: `.txt`, `.html` and `.htm`, and with the `formats` extra `.docx`, `.odt`, `.md`/`.markdown`,
`.pdf`, `.srt` and the bilingual `.xlf`/`.xliff`/`.po` (any case; one reader module per format,
chosen by the extension: `READERS`) under the folder, recursively, sorted by their
relative path; hidden files and folders (".name"), the manifest and a README.md (CHANGELOG.md, LICENSE.md,
CONTRIBUTING.md) at the corpus root are skipped. The document
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

HTML_SUFFIXES = (".html", ".htm")
# extension -> format name; the reader of each format is `_extract` below
READERS = {".txt": "text", ".html": "html", ".htm": "html", ".docx": "docx", ".odt": "odt", ".md": "markdown",
           ".markdown": "markdown", ".pdf": "pdf", ".srt": "srt", ".xlf": "xliff", ".xliff": "xliff", ".po": "po"}
SUFFIXES = tuple(READERS)
# Markdown files at the corpus root that describe the corpus, not documents of it
PROJECT_FILES = ("readme.md", "readme.markdown", "changelog.md", "license.md", "contributing.md")
BILINGUAL = ("xliff", "po")
_BINARY = ("docx", "odt", "pdf", "xliff")  # read from bytes; the others are decoded text first


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
        if len(rel.parts) == 1 and rel.name.lower() in PROJECT_FILES:
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


def file_format(path: Path) -> str:
    """The format name of a path by its extension ("text" for an unknown one)."""
    return READERS.get(path.suffix.lower(), "text")


def load_document(path: Path, doc_id: str, *, config: Config, display_path: str | None = None) -> Document:
    """One file -> Document (status "error" with a problem message when it cannot be used).

    A bilingual file (XLIFF, PO) gives two documents: see `load_documents`; here its source side.
    """
    return load_documents(path, doc_id, config=config, display_path=display_path)[0]


def load_documents(path: Path, doc_id: str, *, config: Config, display_path: str | None = None) -> list[Document]:
    """One file -> its Document, or the two Documents (`<id>#source`, `<id>#target`) of a bilingual file."""
    from aligner.load.decode import UndecodableError, decode_bytes

    fmt = file_format(path)
    doc = Document(doc=doc_id, path=display_path or str(path))
    doc.format = fmt
    limit = int(config.segment.max_file_mb * 1024 * 1024)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a named pipe" if stat.S_ISFIFO(info.st_mode) else "a special file"
            return [_error(doc, f"cannot read the file: it is {kind}, not a regular file")]
        size = info.st_size
        if size > limit:
            return [_error(doc, f"file too large: {_size(size)} is over segment.max_file_mb = {config.segment.max_file_mb:g}")]
        data = path.read_bytes()
    except OSError as exc:
        if path.is_symlink() and not path.exists():
            return [_error(doc, f"cannot read the file: it is a symbolic link to a missing target ({os.readlink(path)})")]
        return [_error(doc, f"cannot read the file: {exc.strerror or exc}")]
    if fmt in _BINARY:
        if not data.strip():
            return [_error(doc, "empty file")]
        text, encoding, repairs = None, "utf-8", []
    else:
        try:
            text, encoding, repairs = decode_bytes(data, languages=config.segment.languages)
        except UndecodableError as exc:
            return [_error(doc, str(exc))]
        except Exception as exc:  # a bug must cost one document, not the run
            log.debug("%s: decoding traceback", doc.path, exc_info=exc)  # -vv shows it, for a bug report
            return [_error(doc, f"internal error while decoding ({type(exc).__name__}: {exc}); please report it")]
        doc.encoding, doc.repairs = encoding, repairs
        if fmt in ("text", "html"):
            doc.raw = text
            return [doc]
    from aligner.load.extract import FormatError

    try:
        return _extract(doc, fmt, data, text)
    except FormatError as exc:
        return [_error(doc, str(exc))]
    except Exception as exc:  # a reader's bug (or a library's) must cost one document, not the run
        log.debug("%s: reader traceback", doc.path, exc_info=exc)
        return [_error(doc, f"cannot read the {fmt} file ({type(exc).__name__}: {exc})")]


def _extract(doc: Document, fmt: str, data: bytes, text: str | None) -> list[Document]:
    from aligner.load.extract import removed_outside

    if fmt in BILINGUAL:
        from aligner.load.bilingual import read_po, read_xliff

        bf = read_xliff(data) if fmt == "xliff" else read_po(text or "")
        out = []
        for side, ex, lang, other in (("source", bf.source, bf.src_lang, "target"),
                                      ("target", bf.target, bf.tgt_lang, "source")):
            d = Document(doc=f"{doc.doc}#{side}", path=doc.path, format=fmt, encoding=doc.encoding,
                         repairs=list(doc.repairs))
            _fill(d, ex, fmt)
            d.extraction.update({"bilingual": {"file": doc.doc, "side": side, "partner": f"{doc.doc}#{other}",
                                               "units": bf.units, "declared_lang": lang, **bf.info}})
            if lang:
                d.manifest = {"lang": lang}
            out.append(d)
        return out
    if fmt == "docx":
        from aligner.load.docx import read_docx as reader
    elif fmt == "odt":
        from aligner.load.odt import read_odt as reader
    elif fmt == "pdf":
        from aligner.load.pdf import read_pdf as reader
    elif fmt == "markdown":
        from aligner.load.markdown import read_markdown as reader
    elif fmt == "srt":
        from aligner.load.srt import read_srt as reader
    else:  # pragma: no cover - READERS and this list go together
        raise ValueError(fmt)
    ex = reader(data if fmt in _BINARY else text)
    if fmt in _BINARY:
        doc.encoding = ex.encoding
    if ex.removed and fmt in ("docx", "odt", "pdf"):  # whole blocks: spans of the built text
        ex.removed = removed_outside(ex.raw, ex.pieces, ex.removed + [(h["start"], h["end"], "hyphenation")
                                                                       for h in ex.info.get("hyphenation", [])])
    elif fmt == "pdf":
        ex.removed = removed_outside(ex.raw, ex.pieces, [(h["start"], h["end"], "hyphenation")
                                                         for h in ex.info.get("hyphenation", [])])
    _fill(doc, ex, fmt)
    if not ex.pieces:
        _error(doc, f"no text: the {fmt} file holds no text to align"
               + (" (only headers, footers or removed blocks)" if ex.removed else ""))
    return [doc]


_LOCATORS = {
    "docx": "part (body/header/footer) + paragraph index, or table + row + cell + paragraph index; offset in the paragraph's text",
    "odt": "element (index of the text:p/text:h in the body), table + row + cell when in a table; offset in its text",
    "pdf": "page + line (1-based, in pdfminer's reading order); offset in the line",
    "markdown": "line of the block in the file (raw offsets index the file itself)",
    "srt": "cue (1-based) with its start/end time codes and line (raw offsets index the file itself)",
    "xliff": "file + unit id (+ segment id in XLIFF 2) and the line of the <source>/<target> element",
    "po": "entry index, msgctxt, and the line of the entry in the PO file",
}


def _fill(doc: Document, ex, fmt: str) -> None:
    doc.raw = ex.raw
    doc.pre_removed = list(ex.removed)
    doc.pieces = list(ex.pieces)
    doc.extraction = {"reader": fmt, "locator": _LOCATORS[fmt], "not_extracted": ex.not_extracted,
                      **({"info": ex.info} if ex.info else {}), "blocks": ex.blocks}


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 100 * 1024 else f"{n:,} bytes"


def _error(doc: Document, problem: str) -> Document:
    doc.status = "error"
    doc.problem = problem
    log.warning("%s: %s", doc.path, problem)
    return doc


def load_corpus(path: str | Path, *, config: Config) -> list[Document]:
    """Every file of a known format (`READERS`) under `path`, recursively, sorted by path.

    A file that cannot be read becomes a Document with status "error" and a problem
    message; a missing or non-folder `path` raises InputError.
    """
    root, files, ids, manifest = scan_corpus(path)
    return load_files(root, files, ids, manifest, config=config)


def scan_corpus(path: str | Path) -> tuple[Path, list[Path], dict[str, str], dict]:
    """The corpus folder's files (sorted), their document ids and the manifest, before any file is read.

    Shared by `load_corpus` and the staged pipeline's plan; a missing or non-folder `path` raises InputError.
    """
    from aligner.load.manifest import read_manifest

    root = Path(path)
    if not root.exists():
        raise InputError(f"corpus folder not found: {root}")
    if not root.is_dir():
        raise InputError(f"the corpus must be a folder of documents, got a file (use `aligner align SRC TGT` for two files): {root}")
    files = find_files(root)
    ids = assign_ids(files)
    return root, files, ids, read_manifest(root, ids)


def load_files(root: Path, files: list[Path], ids: dict[str, str], manifest: dict, *, config: Config) -> list[Document]:
    """The documents of some of a corpus's files (relative paths), with their manifest settings applied.

    `ids` and `manifest` are those of the whole corpus (`assign_ids`, `read_manifest`): a sharded run
    lists the corpus once and loads it shard by shard.
    """
    documents = []
    for rel in files:
        doc_id = ids[rel.as_posix()]
        loaded = load_documents(root / rel, doc_id, config=config, display_path=str(root / rel))
        settings = manifest.get(doc_id, {})
        if settings and len(loaded) == 2:  # a bilingual file: the manifest's lang is its source language
            apply_bilingual_manifest(loaded, settings)
        elif settings:
            apply_manifest(loaded[0], settings)
        documents.extend(loaded)
    return documents


def apply_manifest(doc: Document, settings: dict) -> None:
    doc.manifest = {**doc.manifest, **settings}
    doc.lang = settings.get("lang", doc.lang)
    doc.role = settings.get("role", doc.role)
    doc.source_url = settings.get("source_url", doc.source_url)
    doc.title = settings.get("title", doc.title)


def apply_bilingual_manifest(docs: list[Document], settings: dict) -> None:
    src = docs[0]
    declared = src.manifest.get("lang")
    lang = settings.get("lang")
    if lang and declared and lang != declared and src.ok:
        for d in docs:
            _error(d, f"mismatched source language: the manifest says '{lang}' but the file declares '{declared}'")
        return
    for d in docs:
        apply_manifest(d, {k: v for k, v in settings.items() if k != "lang" and k != "translation_of"})
    if lang:
        src.manifest["lang"] = lang
