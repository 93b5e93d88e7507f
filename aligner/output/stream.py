"""The contract's files assembled from a run's units, streamed: no whole-corpus list in memory.

`write_streamed(result, out)` reads a `LazyRunResult` (aligner.pipeline) unit by unit, in the
run's fixed order (documents in corpus order, pairs in pairs.jsonl order, beads pair by pair), and
writes the same bytes `write_outputs` writes for a RunResult held in memory: documents.jsonl and
flags.jsonl in one pass over the checked documents, pairs.jsonl, aligned.jsonl, the TMX and TSV of
the kept beads, report.html, and summary.json last, its counts accumulated on the way.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from aligner.output.atomic import atomic_open, json_line
from aligner.output.records import LineIndex, SummaryCounts, flag_record, signature_id, stamp

REPORT_INLINE_MAX_PAIRS = 200  # up to this many parallel pairs, report.html holds every bead in one page
REPORT_INLINE_MAX_DOCS = 500


def write_streamed(result: Any, out: Path, *, timings: dict[str, float] | None = None,
                   t_write: float | None = None, lock=None) -> dict[str, Any]:
    """Write every contract file of `result` into `out`; returns summary.json's content.

    The files go through an output transaction (aligner.output.staging): written into a staging
    folder, then moved into `out` together. `lock`: the caller's `OutputLock` on `out`.
    """
    from aligner.output.staging import OutputTransaction
    from aligner.output.tmx import write_tmx
    from aligner.output.tsv import write_tsv

    out = Path(out)
    run_id = signature_id(result.signature)
    signature = {"id": run_id, **result.signature}
    counts = SummaryCounts()

    with OutputTransaction(out, lock=lock) as tx:
        def staged(name: str):
            return atomic_open(tx.path(name), shown=out / name)

        n_docs = 0
        with staged("documents.jsonl") as docs_fh, staged("flags.jsonl") as flags_fh:
            for doc, flags in result.iter_checked():
                n_docs += 1
                docs_fh.write(json_line(stamp(doc.to_dict(), run_id)))
                counts.add_document(doc)
                if flags:
                    index = LineIndex(doc.raw)
                    for f in flags:
                        rec = flag_record(f, index)
                        flags_fh.write(json_line(stamp(rec, run_id)))
                        counts.add_flag(rec)
        with staged("pairs.jsonl") as fh:
            for p in result.iter_pairs():
                fh.write(json_line(stamp(p.to_dict(), run_id)))
                counts.add_pair(p)
        with staged("aligned.jsonl") as fh:
            for r in result.iter_records():
                fh.write(json_line(stamp(r, run_id)))
                counts.add_record(r)

        def kept():
            return (r for r in result.iter_records() if r.get("keep"))

        with staged("aligned.tmx") as fh:
            write_tmx(fh, kept(), signature=signature)
        with staged("aligned.tsv") as fh:
            write_tsv(fh, kept())
        summary = counts.summary(run_id, result.signature, dict(timings if timings is not None else result.timings),
                                 result.stats.get("pair", {}))
        if result.n_parallel <= REPORT_INLINE_MAX_PAIRS and n_docs <= REPORT_INLINE_MAX_DOCS:
            from aligner.output import flag_records
            from aligner.output.report import write_report

            with staged("report.html") as fh:
                write_report(fh, result, summary=summary, flags=flag_records(result))
        else:
            from aligner.output.report_index import write_report_index

            # the per-pair pages go to OUT/report/ page by page (the transaction moves plain files);
            # the index, report.html, is staged and moves in with the rest
            write_report_index(out, result, summary=summary, index_path=tx.path("report.html"))
        tx.commit(summary)
    if timings is not None and t_write is not None:
        timings["write"] = round(time.perf_counter() - t_write, 4)
    return summary
