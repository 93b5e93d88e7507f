"""The contract's files assembled from a run's units, streamed: no whole-corpus list in memory.

`write_streamed(result, out)` reads a `LazyRunResult` (aligner.pipeline) unit by unit, in the
run's fixed order (documents in corpus order, pairs in pairs.jsonl order, beads pair by pair), and
writes the same bytes `write_outputs` writes for a RunResult held in memory: documents.jsonl and
flags.jsonl in one pass over the checked documents, pairs.jsonl, then aligned.jsonl, the TMX and TSV of
the kept beads, passages.jsonl and aligned.xlsx in one pass over the records, aligned.xlf per language
pair, report.html, and summary.json last, its counts accumulated on the way.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from aligner.output.atomic import atomic_open, json_line
from aligner.output.records import SCHEMA, LineIndex, SummaryCounts, flag_record, signature_id, stamp

REPORT_INLINE_MAX_PAIRS = 200  # up to this many parallel pairs, report.html holds every bead in one page
REPORT_INLINE_MAX_DOCS = 500


def write_streamed(result: Any, out: Path, *, timings: dict[str, float] | None = None,
                   t_write: float | None = None, lock=None) -> dict[str, Any]:
    """Write every contract file of `result` into `out`; returns summary.json's content.

    The files go through an output transaction (aligner.output.staging): written into a staging
    folder, then moved into `out` together. `lock`: the caller's `OutputLock` on `out`.
    """
    from aligner.output.staging import OutputTransaction

    out = Path(out)
    run_id = signature_id(result.signature)
    signature = {"id": run_id, **result.signature}
    counts = SummaryCounts()

    with OutputTransaction(out, lock=lock) as tx:
        def staged(name: str, mode: str = "w"):  # the commit fsyncs the staged files
            return atomic_open(tx.path(name), mode, shown=out / name, sync=False)

        from aligner.load.extract import add_locator
        from aligner.output.baseline import finding_fingerprint

        n_docs = 0
        bead_flags: list[dict[str, Any]] = []  # the flags of beads, for aligned.xlf's notes
        # the sentences' paragraphs of the documents the beads name, for passages.jsonl (not the documents
        # read again: unpickling them was a third of the records pass)
        in_pairs, paragraphs = result.parallel_doc_ids(), {}
        with staged("documents.jsonl") as docs_fh, staged("flags.jsonl") as flags_fh:
            for doc, flags in result.iter_checked():
                n_docs += 1
                if doc.doc in in_pairs:
                    paragraphs[doc.doc] = [s.paragraph for s in doc.sentences]
                docs_fh.write(json_line(stamp(doc.to_dict(), run_id)))
                counts.add_document(doc)
                if flags:
                    index = LineIndex(doc.raw)
                    for f in flags:
                        rec = flag_record(f, index)
                        rec["fingerprint"] = finding_fingerprint(rec, doc.raw)  # identity for `check --baseline`
                        rec = add_locator(rec, doc.extraction or None)
                        flags_fh.write(json_line(stamp(rec, run_id)))
                        counts.add_flag(rec)
                        if rec.get("bead"):
                            bead_flags.append(rec)
        with staged("pairs.jsonl") as fh:
            for p in result.iter_pairs():
                fh.write(json_line(pair_record(p, run_id)))
                counts.add_pair(p)
        _write_records(result, bead_flags, paragraphs, signature, run_id, staged, counts)
        summary = counts.summary(run_id, result.signature, dict(timings if timings is not None else result.timings),
                                 result.stats.get("pair", {}))
        if result.n_parallel <= REPORT_INLINE_MAX_PAIRS and n_docs <= REPORT_INLINE_MAX_DOCS:
            from aligner.output import flag_records
            from aligner.output.report import write_report

            with staged("report.html") as fh:
                write_report(fh, result, summary=summary, flags=flag_records(result))
        else:
            from aligner.output.report_index import write_report_index

            # the index, report.html, and the pages' folder are staged and move in with the rest
            write_report_index(tx.folder("report"), result, summary=summary, index_path=tx.path("report.html"))
        tx.commit(summary)
    if timings is not None and t_write is not None:
        timings["write"] = round(time.perf_counter() - t_write, 4)
    return summary


def pair_record(p: Any, run_id: str) -> dict[str, Any]:
    """pairs.jsonl's record of a pair: `stamp(p.to_dict(), run_id)` without `to_dict`'s deep copy of the
    evidence (the record is serialised at once; the copy was most of the cost of a pair's line)."""
    return {"schema": SCHEMA, "run": run_id, "src_doc": p.src_doc, "tgt_doc": p.tgt_doc, "src_lang": p.src_lang,
            "tgt_lang": p.tgt_lang, "relation": p.relation, "score": p.score, "evidence": p.evidence}


def _write_records(result: Any, bead_flags: list[dict[str, Any]], paragraphs: dict[str, list[int]],
                   signature: dict[str, Any], run_id: str, staged, counts: SummaryCounts) -> None:
    """aligned.jsonl, aligned.tmx, aligned.tsv, passages.jsonl, aligned.xlsx and aligned.xlf per language pair
    in one pass over the records (the XLIFF units and the sheet's rows wait in temporary files); the same
    bytes as one pass per file.

    The TMX header names the kept beads' one source language, which is known only at the end: the units
    wait in a temporary file and follow the header. The language pairs of the XLIFF files come in the order
    their first kept bead meets them (a reversed pair joins the first, swapped).
    """
    import itertools
    import shutil
    import tempfile

    from aligner.output.passages import passages
    from aligner.output.tmx import tmx_end, tmx_srclang, tmx_start, tmx_unit
    from aligner.output.tsv import COLUMNS as TSV_COLUMNS, tsv_row
    from aligner.output.xliff import XliffUnits, flags_by_bead, swap, write_xliff

    try:
        from aligner.output.xlsx import XlsxRows
        import openpyxl  # noqa: F401
        sheet = XlsxRows()
    except ImportError:  # the review sheet needs the `formats` extra; everything else is written
        import logging

        logging.getLogger("aligner.output").warning("aligned.xlsx not written: pip install 'aligner[formats]'")
        sheet = None

    def paragraph_of(doc_id: str, i: int) -> int:
        if doc_id not in paragraphs:  # not a document of a parallel pair: never, but read it rather than fail
            paragraphs[doc_id] = [s.paragraph for s in result.checked(doc_id)[0].sentences]
        return paragraphs[doc_id][i]

    orient: dict[tuple[str, str], tuple[tuple[str, str], bool]] = {}
    order: list[tuple[str, str]] = []
    xliffs: dict[tuple[str, str], XliffUnits] = {}
    by_bead = flags_by_bead(bead_flags)
    src_langs: set[Any] = set()
    try:
        with tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n") as tmx_units, \
                staged("aligned.jsonl") as jsonl_fh, staged("aligned.tsv") as tsv_fh, \
                staged("passages.jsonl") as passages_fh:
            tsv_fh.write("\t".join(TSV_COLUMNS) + "\n")
            pair_beads: list[dict[str, Any]] = []
            for r in itertools.chain(result.iter_records(), [None]):  # not a list: records stream
                # passages are per document pair: records come pair by pair
                if pair_beads and (r is None or (r.get("src_doc"), r.get("tgt_doc")) !=
                                     (pair_beads[0].get("src_doc"), pair_beads[0].get("tgt_doc"))):
                    for p in passages(pair_beads, paragraph_of):
                        passages_fh.write(json_line(stamp(p, run_id)))
                    pair_beads = []
                if r is None:
                    break
                pair_beads.append(r)
                jsonl_fh.write(json_line(stamp(r, run_id)))
                counts.add_record(r)
                if sheet is not None:
                    sheet.add(r)
                if not r.get("keep"):
                    continue
                src_langs.add(r.get("src_lang"))
                tmx_unit(tmx_units, r)
                tsv_fh.write(tsv_row(r))
                pair = (r.get("src_lang") or "und", r.get("tgt_lang") or "und")
                if pair not in orient:
                    if pair[::-1] in orient:
                        orient[pair] = (pair[::-1], True)
                    else:
                        orient[pair] = (pair, False)
                        order.append(pair)
                        xliffs[pair] = XliffUnits(by_bead=by_bead)
                key, swapped = orient[pair]
                xliffs[key].add(swap(r) if swapped else r)
            with staged("aligned.tmx") as fh:
                tmx_start(fh, tmx_srclang(src_langs), signature=signature)
                tmx_units.seek(0)
                shutil.copyfileobj(tmx_units, fh, 1 << 20)
                tmx_end(fh)

        for k, pair in enumerate(order or [("und", "und")]):
            name = "aligned.xlf" if k == 0 else f"aligned.{pair[0]}-{pair[1]}.xlf"
            with staged(name) as fh:
                if order:
                    xliffs[pair].finish(fh, signature=signature)
                else:
                    write_xliff(fh, [], flags=bead_flags, signature=signature)
        if sheet is not None:
            with staged("aligned.xlsx", "wb") as fh:
                sheet.finish(fh, signature=signature)
    finally:
        for units in xliffs.values():
            units.__exit__()
        if sheet is not None:
            sheet.__exit__()


def _records(result: Any):
    return result.iter_records()
