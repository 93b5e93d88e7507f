"""`aligner export`: the aligned dataset in another format, with the filters of `read_aligned`.

Formats: `tmx` (TMX 1.4b), `tsv` (see aligner.output.tsv), `jsonl` (aligned.jsonl
records) and `moses` (two plain-text files, one segment per line, line N of one
the translation of line N of the other).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any, Iterable

from aligner.errors import InputError
from aligner.output.api import AlignedRecord, aligned_source, read_aligned

EXPORT_FORMATS = ("tmx", "tsv", "jsonl", "moses")


def _signature_near(aligned_file: Path) -> dict[str, Any] | None:
    summary = aligned_file.parent / "summary.json"
    try:
        return json.loads(summary.read_text(encoding="utf-8")).get("signature")
    except (OSError, ValueError, AttributeError):
        return None


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
        dicts = (rec.to_dict() for rec in records)
        if fmt == "tsv":
            return write_tsv(fh, dicts)
        return write_tmx(fh, dicts, signature=_signature_near(aligned_file))

    if dest == "-" or dest is None:
        return {"records": write(sys.stdout), "files": []}
    if not isinstance(dest, (str, Path)):
        return {"records": write(dest), "files": []}
    with atomic_open(dest) as fh:
        n = write(fh)
    return {"records": n, "files": [str(dest)]}
