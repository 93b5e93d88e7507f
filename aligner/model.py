"""The records that flow through the pipeline.

Every stage reads and fills these plain dataclasses; the writers in
`aligner.output` turn them into the files of the output contract
(`../shared/output-contract.md`). Offsets are `[start, end)` code-point
indices into `Document.raw`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

SEVERITIES = ("info", "warning", "error")

CATEGORIES = (
    "boilerplate",
    "glued",
    "hyphenation",
    "repetition",
    "untranslated",
    "casing",
    "omission",
    "number",
    "length",
    "language",
    "encoding",
    "misalignment",
    "other",
)


def severity_rank(severity: str) -> int:
    """Order severities so thresholds can say "warning or worse"."""
    return SEVERITIES.index(severity)


@dataclass
class Removed:
    """A raw span kept out of the sentences, and why (site chrome, placeholder, blank...)."""

    start: int
    end: int
    text: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Sentence:
    """One segment of a document.

    `raw_text` is `raw[raw_start:raw_end]`; `text` starts as its whitespace-normalised
    copy and later receives the safe fixes of the cleaning stage (`fixes` records them).
    `kind` is "sentence" or "heading" (a short line without final punctuation).
    """

    i: int
    raw_start: int
    raw_end: int
    paragraph: int
    text: str
    raw_text: str = ""
    kind: str = "sentence"
    lang: str | None = None
    lang_confidence: float | None = None
    fixes: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = {
            "i": self.i,
            "text": self.text,
            "raw_start": self.raw_start,
            "raw_end": self.raw_end,
            "paragraph": self.paragraph,
            "kind": self.kind,
            "lang": self.lang,
            "lang_confidence": self.lang_confidence,
        }
        if self.fixes:
            d["fixes"] = self.fixes
        return d


@dataclass
class Document:
    """One input file after loading; segmentation, role labelling and checks fill the rest.

    `status` is "ok" or "error"; a document in error keeps its `problem` message and
    goes into documents.jsonl and the summary instead of being dropped silently.
    """

    doc: str
    path: str
    raw: str = ""
    lang: str | None = None
    lang_confidence: float = 0.0
    title: str | None = None
    role: str | None = None
    role_score: float | None = None
    source_url: str | None = None
    encoding: str = "utf-8"
    repairs: list[str] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    status: str = "ok"
    problem: str | None = None
    n_flags: int = 0
    manifest: dict[str, Any] = field(default_factory=dict)
    format: str = "text"  # "text", "html" (raw is the HTML source), or a reader: docx, odt, pdf, markdown, srt, xliff, po
    warnings: list[str] = field(default_factory=list)  # non-fatal problems (e.g. unexpected language)
    # Files that are not plain text (DOCX, PDF, XLIFF...): `raw` is the extracted text and `extraction`
    # says how it was read, what was not extracted and where each block of `raw` is in the original
    # (aligner.load.extract); `pre_removed` holds the (start, end, reason) spans the reader already
    # knows are not content (code blocks, running headers...), which segmentation records as removed,
    # and `pieces` the (start, end, block) spans of content that segmentation reads as the text.
    extraction: dict[str, Any] | None = None
    pre_removed: list[tuple[int, int, str]] = field(default_factory=list, repr=False)
    pieces: list[tuple[int, int, int]] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "path": self.path,
            "lang": self.lang,
            "lang_confidence": self.lang_confidence,
            "title": self.title,
            "role": self.role,
            "role_score": self.role_score,
            "source_url": self.source_url,
            "encoding": self.encoding,
            "repairs": self.repairs,
            "status": self.status,
            "problem": self.problem,
            "warnings": self.warnings,
            "format": self.format,
            "n_chars": len(self.raw),
            "sentences": [s.to_dict() for s in self.sentences],
            "removed": [r.to_dict() for r in self.removed],
            "flags": self.n_flags,
            **({"extraction": self.extraction} if self.extraction else {}),
        }


@dataclass
class Flag:
    """One finding of a check, linter style (one record of flags.jsonl)."""

    doc: str
    lang: str | None
    sentence: int | None
    code: str
    category: str
    severity: str
    start: int
    end: int
    text: str
    message: str
    fix: str | None = None
    fixed: bool = False
    bead: str | None = None
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        # as dataclasses.asdict (every field is a scalar), without its deep copy: one call per flag, twice at scale
        return {f: getattr(self, f) for f in _FLAG_FIELDS}


_FLAG_FIELDS = tuple(f.name for f in fields(Flag))


@dataclass
class Bead:
    """An alignment bead: sentence indices on each side (either may be empty)."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float = 0.0
    similarity: float = 0.0

    @property
    def type(self) -> str:
        return f"{len(self.src)}-{len(self.tgt)}"


@dataclass
class DocPair:
    """The relation between two documents in different languages."""

    src_doc: str
    tgt_doc: str
    src_lang: str | None
    tgt_lang: str | None
    relation: str  # parallel | comparable | unrelated
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        # as dataclasses.asdict, without its generic machinery (one call per pair record: 10^5 at scale)
        return {"src_doc": self.src_doc, "tgt_doc": self.tgt_doc, "src_lang": self.src_lang,
                "tgt_lang": self.tgt_lang, "relation": self.relation, "score": self.score,
                "evidence": _plain_copy(self.evidence)}


def _plain_copy(obj: Any) -> Any:
    """A copy of nested dicts, lists and tuples (what asdict makes of a record's evidence)."""
    if isinstance(obj, dict):
        return {k: _plain_copy(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_plain_copy(v) for v in obj)
    return obj


# -- hand-off types between the pipeline's stages and its callers ----------------------------


@dataclass
class AlignedPair:
    """A parallel document pair with its beads (what the alignment stage hands to checks and output)."""

    pair: DocPair
    src: Document
    tgt: Document
    beads: list[Bead]


@dataclass
class RunResult:
    """What `aligner.run` returns: the run's documents, pairs, beads, flags and aligned.jsonl records.

    For a corpus of any size the pipeline returns a `LazyRunResult` (aligner.pipeline), which reads
    these lists from the run's work folder on first access instead of holding them during the run.
    """

    documents: list[Document]
    pairs: list[DocPair]
    aligned: list[AlignedPair]
    flags: list[Flag]
    signature: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)  # aligned.jsonl records
    stats: dict[str, Any] = field(default_factory=dict)  # per-stage counters for summary.json
