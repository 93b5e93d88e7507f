"""`aligner lint`: the single-document checks on files, without pairing (library side of the command)."""

from __future__ import annotations

from pathlib import Path

from aligner.errors import AlignerError, InputError
from aligner.model import severity_rank


def load_documents(paths, *, lang=None, config):
    """Load and segment the files with the pipeline's own stages (aligner.load, aligner.segment).

    Segmenting them together lets the segmenter recognise chrome repeated across the files.
    """
    from aligner.load import load_documents as load_file
    from aligner.segment import segment_corpus

    docs = []
    for p in map(Path, paths):
        if not p.is_file():
            raise InputError(f"not a file: {p}")
        loaded = load_file(p, p.stem, config=config, display_path=str(p))  # a bilingual file: both sides
        for doc in loaded:
            if lang and doc.ok and len(loaded) == 1:
                doc.manifest = {**doc.manifest, "lang": lang}
                doc.lang, doc.lang_confidence = lang, 1.0
            docs.append(doc)
    try:
        segment_corpus(docs, config=config)
    except NotImplementedError:
        raise AlignerError("lint needs the segmenter (aligner.segment), which is not available in this build") from None
    return docs


def lint_documents(documents, *, config, select=None, ignore=None, lang=None):
    """Run the document-scope checks; returns the flags (documents' n_flags set)."""
    from aligner.checks import run_checks

    if lang:
        for d in documents:
            d.lang = lang
    from aligner.checks import build_checks

    unreadable = [document_error(d) for d in documents if not d.ok]
    codes = [c.code for c in build_checks(config, select=select, ignore=ignore, scope="document")]
    if not codes:
        return unreadable
    return unreadable + run_checks(documents, [], encoder=None, embeddings={}, config=config, select=codes)


def document_error(doc):
    """A file the loader could not use is a finding (the gate's `document-error`), not the end of the run."""
    from aligner.model import Flag
    from aligner.output.gate import DOC_ERROR_CODE

    doc.n_flags += 1
    return Flag(doc=doc.doc, lang=doc.lang, sentence=None, code=DOC_ERROR_CODE, category="other",
                severity="error", start=0, end=0, text="", message=doc.problem or "the file could not be read")


def line_col(raw: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a code-point offset (the same positions as flags.jsonl and the gate)."""
    from aligner.output.records import LineIndex

    return LineIndex(raw).position(offset)


def format_flags(documents, flags, fmt: str = "text") -> str:
    from aligner.load.extract import add_locator
    from aligner.output.records import LineIndex

    by_id = {d.doc: d for d in documents}
    from aligner.output.atomic import json_dumps  # one JSON dialect for every output (line breaks escaped)

    indexes = {d.doc: LineIndex(d.raw) for d in documents}  # one index per file, not a scan per finding
    lines = []
    for f in flags:
        d = by_id[f.doc]
        line, col = indexes[f.doc].position(f.start)
        located = add_locator({"start": f.start, "line": line, "column": col}, d.extraction)  # DOCX, XLIFF...
        line, col = located["line"], located["column"]
        where = f" ({located['where']})" if located.get("where") else ""
        if fmt == "json":
            rec = {"path": d.path, "line": line, "col": col, **f.to_dict(),
                   **({"locator": located["locator"]} if "locator" in located else {})}
            lines.append(json_dumps(rec))
        else:
            state = f"{f.severity}, fixed" if f.fixed else f.severity
            lines.append(f"{d.path}:{line}:{col}: {f.code} {f.message} [{state}]{where}")
    return "\n".join(lines)


def failing(flags, fail_on: str) -> list:
    """Unfixed findings at or above `fail_on` (boilerplate already removed does not fail)."""
    return [f for f in flags if not f.fixed and severity_rank(f.severity) >= severity_rank(fail_on)]
