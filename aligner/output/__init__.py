"""Stage 8: the files of the output contract, written atomically.

`write_outputs(result, out)` writes, into `out` (created if needed):

- documents.jsonl, pairs.jsonl, aligned.jsonl, flags.jsonl: one JSON object per line,
  each stamped with `"schema": 1` and `"run": <run id>` (no header line, so
  `datasets.load_dataset("json", ...)` reads them as they are);
- aligned.tmx (TMX 1.4b, kept beads), aligned.tsv (kept beads);
- aligned.xlf (XLIFF 2.1, kept beads; a run with several language pairs adds
  aligned.<src>-<tgt>.xlf for the others), aligned.xlsx (review sheet, every bead) and
  passages.jsonl (aligned paragraph pairs), when the `formats` extra is installed;
- report.html (self-contained review page) and summary.json (counts, timings,
  the full signature under its run id).

All files are written into a staging folder inside `out` and moved into place together
at the end (aligner.output.staging), behind a lock on `out`: an interrupted run leaves
the previous output whole, and summary.json, moved in last with the size and SHA-256 of
every file, says the folder is complete and consistent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aligner.output.atomic import atomic_open, write_jsonl
from aligner.output.records import LineIndex, flag_record, signature_id, stamp, summarise
from aligner.output.staging import CONTRACT_FILES

__all__ = ["write_outputs", "signature_id", "flag_records"]

# the contract's files, and the review/exchange files this package adds (aligned.<xx>-<yy>.xlf too, per further pair)
REVIEW_FILES = ("aligned.xlf", "aligned.xlsx", "passages.jsonl")
FILES = (*CONTRACT_FILES[:-1], *REVIEW_FILES, CONTRACT_FILES[-1])


def flag_records(result: Any) -> list[dict[str, Any]]:
    """flags.jsonl records (with line/column positions) of a RunResult, unstamped."""
    from aligner.load.extract import add_locator
    from aligner.output.baseline import finding_fingerprint

    indexes = {d.doc: LineIndex(d.raw) for d in result.documents}
    extractions = {d.doc: d.extraction for d in result.documents if d.extraction}
    raws = {d.doc: d.raw for d in result.documents}
    extractions = {d.doc: d.extraction for d in result.documents if d.extraction}
    out = []
    for f in result.flags:
        rec = add_locator(flag_record(f, indexes.get(f.doc)), extractions.get(f.doc))
        rec["fingerprint"] = finding_fingerprint(rec, raws.get(f.doc))  # identity for `check --baseline`
        out.append(add_locator(rec, extractions.get(f.doc)))
    return out


def write_outputs(result, out: Path, *, lock=None) -> dict[str, Path]:
    """documents/pairs/aligned/flags JSONL, TMX, TSV, report.html, summary.json; returns name -> path.

    The files are written into a staging folder inside `out` and moved into place together
    (aligner.output.staging): an error, a kill or a full disk leaves `out` as it was.
    `lock`: an `OutputLock` on `out` the caller already holds (else one is taken here).
    """
    from aligner.output.report import write_report
    from aligner.output.staging import OutputTransaction
    from aligner.output.tmx import write_tmx
    from aligner.output.tsv import write_tsv

    out = Path(out)
    if out.exists() and not out.is_dir():
        from aligner.errors import InputError

        raise InputError(f"{out}: exists and is not a folder")
    run_id = signature_id(result.signature)
    signature = {"id": run_id, **result.signature}
    flags = flag_records(result)
    kept = [r for r in result.records if r.get("keep")]

    with OutputTransaction(out, lock=lock) as tx:
        def staged(name: str, mode: str = "w"):
            return atomic_open(tx.path(name), mode, shown=out / name)

        def jsonl(name: str, records) -> None:
            write_jsonl(tx.path(name), records, shown=out / name)

        jsonl("documents.jsonl", (stamp(d.to_dict(), run_id) for d in result.documents))
        jsonl("pairs.jsonl", (stamp(p.to_dict(), run_id) for p in result.pairs))
        jsonl("aligned.jsonl", (stamp(r, run_id) for r in result.records))
        jsonl("flags.jsonl", (stamp(f, run_id) for f in flags))
        with staged("aligned.tmx") as fh:
            write_tmx(fh, kept, signature=signature)
        with staged("aligned.tsv") as fh:
            write_tsv(fh, kept)
        write_review_files(result, kept, flags, signature, run_id, staged, jsonl)
        summary = summarise(result, run_id)
        with staged("report.html") as fh:
            write_report(fh, result, summary=summary, flags=flags)
        return tx.commit(summary)


def write_review_files(result, kept, flags, signature, run_id, staged, jsonl) -> list[str]:
    """aligned.xlf (one per language pair), aligned.xlsx and passages.jsonl (see docs/outputs.md).

    `staged(name, mode)` opens a file of the output transaction, `jsonl(name, records)` writes one.
    """
    from aligner.output.passages import passage_records
    from aligner.output.xliff import records_by_language_pair, write_xliff

    names = []
    groups = records_by_language_pair(kept)
    for k, ((src, tgt), recs) in enumerate(groups.items() or [(("und", "und"), [])]):
        name = "aligned.xlf" if k == 0 else f"aligned.{src}-{tgt}.xlf"
        with staged(name) as fh:
            write_xliff(fh, recs, flags=flags, signature=signature)
        names.append(name)
    jsonl("passages.jsonl", (stamp(p, run_id) for p in passage_records(result.aligned, result.records)))
    names.append("passages.jsonl")
    try:
        import openpyxl  # noqa: F401
    except ImportError:  # the review sheet needs the `formats` extra; everything else is written
        import logging

        logging.getLogger("aligner.output").warning("aligned.xlsx not written: pip install 'aligner[formats]'")
        return names
    from aligner.output.xlsx import write_xlsx

    with staged("aligned.xlsx", "wb") as fh:
        write_xlsx(fh, result.records, signature=signature)
    names.append("aligned.xlsx")
    return names
