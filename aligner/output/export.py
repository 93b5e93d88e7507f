"""`aligner export`: the aligned dataset in another format, with the filters of `read_aligned`.

Formats: `tmx` (TMX 1.4b), `tsv` (see aligner.output.tsv), `jsonl` (aligned.jsonl
records), `moses` (two plain-text files, one segment per line, line N of one
the translation of line N of the other), `xliff` (XLIFF 2.1, one language pair: give
--lang-pair when the run has several), `xlsx` (the review sheet; a file, not stdout) and
`passages` (aligned paragraph pairs as JSON lines; needs documents.jsonl beside aligned.jsonl).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any, Iterable

from aligner.errors import InputError
from aligner.output.api import AlignedRecord, aligned_source, read_aligned

EXPORT_FORMATS = ("tmx", "tsv", "jsonl", "moses", "xliff", "xlsx", "passages")


def _signature_near(aligned_file: Path) -> dict[str, Any] | None:
    summary = aligned_file.parent / "summary.json"
    try:
        return json.loads(summary.read_text(encoding="utf-8")).get("signature")
    except (OSError, ValueError, AttributeError):
        return None


def _flags_near(aligned_file: Path) -> list[dict[str, Any]]:
    """flags.jsonl beside aligned.jsonl (the flag messages become XLIFF notes), empty when absent."""
    path = aligned_file.parent / "flags.jsonl"
    try:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError):
        return []


def _paragraphs_near(aligned_file: Path) -> dict[str, list[int]]:
    """doc id -> paragraph of each sentence, from documents.jsonl beside aligned.jsonl."""
    path = aligned_file.parent / "documents.jsonl"
    try:
        docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError) as exc:
        raise InputError(f"passages export needs {path} (the paragraphs of the sentences): {exc}") from None
    return {d["doc"]: [s["paragraph"] for s in d.get("sentences", [])] for d in docs}


def _one_line(text: str) -> str:
    return " ".join(str(text or "").split())


def moses_groups(records: Iterable[AlignedRecord]) -> dict[tuple[str, str], list[AlignedRecord]]:
    """Records per language pair, each group oriented like its first record (others swapped)."""
    groups: dict[tuple[str, str], list[AlignedRecord]] = {}
    for rec in records:
        pair = (rec.src_lang, rec.tgt_lang)
        if pair in groups:
            groups[pair].append(rec)
        elif pair[::-1] in groups:
            groups[pair[::-1]].append(rec.swapped())
        else:
            groups[pair] = [rec]
    return groups


def export(source: str | Path, fmt: str, dest: str | Path | IO[str] = "-", *, min_score: float | None = None,
           kept_only: bool = True, lang_pair: str | tuple[str, str] | None = None,
           verify: str = "quick") -> dict[str, Any]:
    """Export the beads of an output folder (or aligned.jsonl) as `fmt` into `dest`.

    `dest` is a path, "-" for stdout, or an open text file; for `moses` it is the base
    name of the two files (`<dest>.<src>` and `<dest>.<tgt>`; with several language
    pairs `<dest>.<src>-<tgt>.<src>` ...). `verify` checks the output folder first, as in
    `read_aligned`. Returns {"records": n, "files": [...]}.
    """
    from aligner.output.atomic import atomic_open, json_line
    from aligner.output.tmx import write_tmx
    from aligner.output.tsv import write_tsv

    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
    aligned_file = aligned_source(source, verify)
    records = read_aligned(aligned_file, min_score=min_score, kept_only=kept_only, lang_pair=lang_pair,
                           verify="none")  # verified just above

    if fmt == "xlsx":
        if dest in ("-", None) or not isinstance(dest, (str, Path)):
            raise InputError("xlsx export writes a workbook: give a file name with -o (e.g. -o review.xlsx)")
        from aligner.output.xlsx import write_xlsx

        with atomic_open(dest, "wb") as fb:
            n = write_xlsx(fb, (rec.to_dict() for rec in records), signature=_signature_near(aligned_file))
        return {"records": n, "files": [str(dest)]}
    if fmt in ("xliff", "passages"):
        dicts = [rec.to_dict() for rec in records]
        if fmt == "xliff":
            from aligner.output.xliff import records_by_language_pair

            groups = records_by_language_pair(dicts)
            if len(groups) > 1:
                names = ", ".join(f"{a}-{b}" for a, b in groups)
                raise InputError(f"an XLIFF file holds one language pair and these beads have {len(groups)} "
                                 f"({names}): choose one with --lang-pair")
            dicts = next(iter(groups.values()), [])
            flags = _flags_near(aligned_file)
        else:
            paragraphs = _paragraphs_near(aligned_file)

    if fmt == "moses":
        if dest in ("-", None) or not isinstance(dest, (str, Path)):
            raise InputError("moses export writes two files: give a base name with -o (e.g. -o corpus/train)")
        groups = moses_groups(records)
        files, n, skipped = [], 0, 0
        for (src, tgt), recs in groups.items():
            if src == tgt:
                raise InputError(f"cannot name moses files of a {src}-{tgt} pair (same language on both sides)")
            base = str(dest) if len(groups) == 1 else f"{dest}.{src}-{tgt}"
            with atomic_open(f"{base}.{src}") as fs, atomic_open(f"{base}.{tgt}") as ft:
                for rec in recs:
                    if not rec.src.strip() or not rec.tgt.strip():
                        skipped += 1
                        continue
                    fs.write(_one_line(rec.src) + "\n")
                    ft.write(_one_line(rec.tgt) + "\n")
                    n += 1
            files += [f"{base}.{src}", f"{base}.{tgt}"]
        return {"records": n, "skipped_one_sided": skipped, "files": files}

    def write(fh: IO[str]) -> int:
        if fmt == "jsonl":
            count = 0
            for rec in records:
                fh.write(json_line(rec.to_dict()))
                count += 1
            return count
        if fmt == "xliff":
            from aligner.output.xliff import write_xliff

            return write_xliff(fh, dicts, flags=flags, signature=_signature_near(aligned_file))
        if fmt == "passages":
            from aligner.output.passages import passages

            count = 0
            for p in passages(dicts, lambda doc, i: paragraphs[doc][i]):
                fh.write(json_line(p))
                count += 1
            return count
        as_dicts = (rec.to_dict() for rec in records)
        if fmt == "tsv":
            return write_tsv(fh, as_dicts)
        return write_tmx(fh, as_dicts, signature=_signature_near(aligned_file))

    if dest == "-" or dest is None:
        return {"records": write(sys.stdout), "files": []}
    if not isinstance(dest, (str, Path)):
        return {"records": write(dest), "files": []}
    with atomic_open(dest) as fh:
        n = write(fh)
    return {"records": n, "files": [str(dest)]}
