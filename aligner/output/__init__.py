"""Stage 8: the files of the output contract, written atomically.

`write_outputs(result, out)` writes, into `out` (created if needed):

- documents.jsonl, pairs.jsonl, aligned.jsonl, flags.jsonl: one JSON object per line,
  each stamped with `"schema": 1` and `"run": <run id>` (no header line, so
  `datasets.load_dataset("json", ...)` reads them as they are);
- aligned.tmx (TMX 1.4b, kept beads), aligned.tsv (kept beads);
- report.html (self-contained review page) and summary.json (counts, timings,
  the full signature under its run id).

Each file goes through a temporary sibling and `os.replace`, so an interrupted run
leaves either the previous file or the new one, never half of one. summary.json is
written last: its presence and run id say the folder is complete and consistent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aligner.output.atomic import atomic_open, write_json, write_jsonl
from aligner.output.records import LineIndex, flag_record, signature_id, stamp, summarise

__all__ = ["write_outputs", "signature_id", "flag_records"]

FILES = ("documents.jsonl", "pairs.jsonl", "aligned.jsonl", "flags.jsonl", "aligned.tmx", "aligned.tsv",
         "report.html", "summary.json")


def flag_records(result: Any) -> list[dict[str, Any]]:
    """flags.jsonl records (with line/column positions) of a RunResult, unstamped."""
    from aligner.output.baseline import finding_fingerprint

    indexes = {d.doc: LineIndex(d.raw) for d in result.documents}
    raws = {d.doc: d.raw for d in result.documents}
    out = []
    for f in result.flags:
        rec = flag_record(f, indexes.get(f.doc))
        rec["fingerprint"] = finding_fingerprint(rec, raws.get(f.doc))  # identity for `check --baseline`
        out.append(rec)
    return out


def write_outputs(result, out: Path) -> dict[str, Path]:
    """documents/pairs/aligned/flags JSONL, TMX, TSV, report.html, summary.json; returns name -> path."""
    from aligner.output.report import write_report
    from aligner.output.tmx import write_tmx
    from aligner.output.tsv import write_tsv

    out = Path(out)
    if out.exists() and not out.is_dir():
        from aligner.errors import InputError

        raise InputError(f"{out}: exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    run_id = signature_id(result.signature)
    signature = {"id": run_id, **result.signature}
    flags = flag_records(result)
    kept = [r for r in result.records if r.get("keep")]
    paths = {name: out / name for name in FILES}

    write_jsonl(paths["documents.jsonl"], (stamp(d.to_dict(), run_id) for d in result.documents))
    write_jsonl(paths["pairs.jsonl"], (stamp(p.to_dict(), run_id) for p in result.pairs))
    write_jsonl(paths["aligned.jsonl"], (stamp(r, run_id) for r in result.records))
    write_jsonl(paths["flags.jsonl"], (stamp(f, run_id) for f in flags))
    with atomic_open(paths["aligned.tmx"]) as fh:
        write_tmx(fh, kept, signature=signature)
    with atomic_open(paths["aligned.tsv"]) as fh:
        write_tsv(fh, kept)
    summary = summarise(result, run_id)
    with atomic_open(paths["report.html"]) as fh:
        write_report(fh, result, summary=summary, flags=flags)
    write_json(paths["summary.json"], summary)
    return paths
