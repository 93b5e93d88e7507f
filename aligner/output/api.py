"""Reading an aligned dataset back: `aligner.read_aligned`.

    >>> import aligner
    >>> for rec in aligner.read_aligned("out", min_score=0.6, lang_pair="tl-it"):
    ...     print(rec.src, "|||", rec.tgt)

`read_aligned` streams typed, immutable `AlignedRecord`s from an aligned.jsonl file
(or an output folder holding one), keeps only what the filters let through, and
raises `InputError` naming the file and line of a malformed record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterator, Mapping

from aligner.errors import InputError
from aligner.output.records import SCHEMA

_SWAPPED = {"src_doc": "tgt_doc", "src": "tgt", "src_raw": "tgt_raw", "src_sents": "tgt_sents",
            "src_spans": "tgt_spans", "src_lang": "tgt_lang"}
_SWAPPED.update({v: k for k, v in _SWAPPED.items()})


@dataclass(frozen=True)
class AlignedRecord:
    """One bead of aligned.jsonl (see docs/outputs.md for each field).

    Lists become tuples and mappings read-only, so records are safe to share and hash
    (by id and content). Fields added by newer writers land in `extra`.
    """

    id: str
    src_doc: str
    tgt_doc: str
    src_lang: str
    tgt_lang: str
    src: str
    tgt: str
    type: str
    score: float
    similarity: float | None = None
    role: str | None = None
    src_raw: str = ""
    tgt_raw: str = ""
    src_sents: tuple[int, ...] = ()
    tgt_sents: tuple[int, ...] = ()
    src_spans: tuple[tuple[int, int], ...] = ()
    tgt_spans: tuple[tuple[int, int], ...] = ()
    flags: tuple[str, ...] = ()
    keep: bool = True
    drop_reason: str | None = None
    translation: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    schema: int = SCHEMA
    run: str | None = None
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), hash=False, compare=False)

    @property
    def lang_pair(self) -> str:
        return f"{self.src_lang}-{self.tgt_lang}"

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "AlignedRecord":
        """Build from an aligned.jsonl record; raises KeyError/TypeError/ValueError if malformed."""
        known = {f.name for f in fields(cls)} - {"extra"}
        missing = [k for k in ("id", "src_doc", "tgt_doc", "src_lang", "tgt_lang", "src", "tgt", "type", "score")
                   if k not in d]
        if missing:
            raise KeyError(f"missing field(s) {', '.join(missing)}")
        kw: dict[str, Any] = {k: v for k, v in d.items() if k in known}
        for k in ("src_sents", "tgt_sents", "flags"):
            if kw.get(k) is not None:
                kw[k] = tuple(kw[k])
            else:
                kw.pop(k, None)
        for k in ("src_spans", "tgt_spans"):
            if kw.get(k) is not None:
                kw[k] = tuple((int(s), int(e)) for s, e in kw[k])
            else:
                kw.pop(k, None)
        if kw.get("score") is None:
            kw["score"] = float("nan")
        kw["score"] = float(kw["score"])
        if kw.get("similarity") is not None:
            kw["similarity"] = float(kw["similarity"])
        kw["keep"] = bool(kw.get("keep", True))
        translation = kw.get("translation")
        if translation is None:
            translation = {d["src_lang"]: d["src"], d["tgt_lang"]: d["tgt"]}
        if not isinstance(translation, Mapping):
            raise TypeError("translation is not an object")
        kw["translation"] = MappingProxyType(dict(translation))
        kw["extra"] = MappingProxyType({k: v for k, v in d.items() if k not in known})
        return cls(**kw)

    def to_dict(self) -> dict[str, Any]:
        """Back to the aligned.jsonl shape (tuples as lists)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "extra":
                continue
            v = getattr(self, f.name)
            if f.name in ("src_spans", "tgt_spans"):
                v = [list(x) for x in v]
            elif isinstance(v, tuple):
                v = list(v)
            elif isinstance(v, Mapping):
                v = dict(v)
            out[f.name] = v
        out.update(self.extra)
        return out

    def swapped(self) -> "AlignedRecord":
        """The same bead seen from the other side (target becomes source; "1-2" becomes "2-1")."""
        d = self.to_dict()
        out = {_SWAPPED.get(k, k): v for k, v in d.items()}
        a, _, b = str(self.type).partition("-")
        out["type"] = f"{b}-{a}" if b else self.type
        return AlignedRecord.from_dict(out)


def parse_lang_pair(lang_pair: str | tuple[str, str] | None) -> tuple[str, str] | None:
    """"tl-it" or ("tl", "it") -> ("tl", "it"); None -> None; anything else -> InputError."""
    if lang_pair is None:
        return None
    if isinstance(lang_pair, str):
        parts = lang_pair.replace("_", "-").split("-") if "-" in lang_pair or "_" in lang_pair else []
    elif isinstance(lang_pair, (tuple, list)):
        parts = list(lang_pair)
    else:
        parts = []
    if len(parts) != 2 or not all(isinstance(p, str) and p.strip() for p in parts):
        raise InputError(f"language pair must look like 'xx-yy' (e.g. tl-it), got {lang_pair!r}")
    return parts[0].strip().lower(), parts[1].strip().lower()


def resolve_file(path: str | Path, name: str) -> Path:
    """`path` itself if it is a file, `path/name` if it is an output folder; InputError otherwise."""
    path = Path(path)
    if path.is_dir():
        path = path / name
        if not path.is_file():
            raise InputError(f"{path.parent}: no {name} here (is it the output folder of `aligner run`?)")
    elif not path.exists():
        raise InputError(f"{path}: no such file or folder")
    elif not path.is_file():
        raise InputError(f"{path}: not a regular file")
    return path


def iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for each non-blank line; InputError naming file and line otherwise."""
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    with fh:
        lineno = 0
        try:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{lineno}: not valid JSON ({exc.msg} at column {exc.colno})") from None
                if not isinstance(record, dict):
                    raise InputError(f"{path}:{lineno}: expected a JSON object, got {type(record).__name__}")
                schema = record.get("schema", SCHEMA)
                if isinstance(schema, int) and schema > SCHEMA:
                    raise InputError(f"{path}:{lineno}: schema {schema} is newer than this aligner "
                                     f"understands ({SCHEMA}); upgrade aligner")
                yield lineno, record
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}:{lineno + 1}: not UTF-8 ({exc.reason})") from None


def verify_source(file: Path, mode: str = "quick") -> dict[str, Any] | None:
    """Verify the output folder `file` (an aligned.jsonl) belongs to, when it is one; its summary or None.

    A file whose folder has no summary.json, or whose summary does not list it (an exported
    or hand-made JSONL), is read as it is.
    """
    from aligner.output.staging import SUMMARY, verify_output

    folder = file.parent
    if mode == "none" or not (folder / SUMMARY).is_file() and not _interrupted(folder):
        return None
    summary = verify_output(folder, mode="none")
    files = summary.get("files") if isinstance(summary, dict) else None
    if isinstance(files, dict) and file.name not in files:
        return summary
    return verify_output(folder, mode=mode)


def aligned_source(path: str | Path, verify: str = "quick") -> Path:
    """The aligned.jsonl of `path` (a file, or an output folder), its folder verified (`verify_source`)."""
    if Path(path).is_dir():  # first: an interrupted folder may lack aligned.jsonl, and the error should say why
        verify_source(Path(path) / "aligned.jsonl", verify)
        return resolve_file(path, "aligned.jsonl")
    file = resolve_file(path, "aligned.jsonl")
    verify_source(file, verify)
    return file


def _interrupted(folder: Path) -> bool:
    from aligner.output.staging import interrupted

    return interrupted(folder)


def read_aligned(path: str | Path, *, min_score: float | None = None, kept_only: bool = True,
                 lang_pair: str | tuple[str, str] | None = None, verify: str = "quick") -> Iterator[AlignedRecord]:
    """Stream the beads of an aligned.jsonl file (or of the one in an output folder).

    - `min_score`: keep beads whose alignment score is at least this;
    - `kept_only`: only beads of the cleaned dataset (`keep` true); False adds the dropped ones;
    - `lang_pair`: "xx-yy" (or a tuple): only beads between these two languages, always
      oriented xx -> yy (a bead aligned yy -> xx comes back with its sides swapped).

    - `verify`: when the file is part of an output folder of `aligner run`, check first that
      the folder holds one whole run (`IncompleteOutput` otherwise): "quick" (sizes and run
      id stamps, the default), "full" (also the SHA-256 of every file) or "none".

    Raises InputError for a missing file or a malformed line (naming file and line).
    """
    wanted = parse_lang_pair(lang_pair)
    file = aligned_source(path, verify)

    def generate() -> Iterator[AlignedRecord]:
        for lineno, d in iter_jsonl(file):
            try:
                rec = AlignedRecord.from_dict(d)
            except (KeyError, TypeError, ValueError) as exc:
                msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
                raise InputError(f"{file}:{lineno}: not an aligned record: {msg}") from None
            if kept_only and not rec.keep:
                continue
            if min_score is not None and not rec.score >= min_score:
                continue
            if wanted is not None:
                pair = (str(rec.src_lang).lower(), str(rec.tgt_lang).lower())
                if pair == wanted:
                    pass
                elif pair == wanted[::-1]:
                    rec = rec.swapped()
                else:
                    continue
            yield rec

    return generate()
