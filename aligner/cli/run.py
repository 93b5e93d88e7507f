"""`aligner run CORPUS --out OUT`."""

from __future__ import annotations

import click

from aligner.cli.common import (CONTEXT_SETTINGS, build_config, config_option, encoder_options, engine_options, note,
                                require_path, writable_target)


@click.command("run", context_settings=CONTEXT_SETTINGS)
@click.argument("corpus", type=click.Path(readable=False), default="corpus")
@click.option("-o", "--out", "--output", "out", type=click.Path(readable=False), default="out", show_default=True, metavar="DIR",
              help="Output folder (created if needed; locked during the run; the new files replace "
                   "the old ones together at the end).")
@config_option
@encoder_options
@engine_options
@click.option("--min-score", type=float, default=None,
              help="Drop beads whose alignment score is below this [config clean.min_score].")
@click.option("--drop-severity", type=click.Choice(["info", "warning", "error"]), default=None,
              help="Drop beads carrying a flag of this severity or worse [config clean.drop_severity].")
def run_cmd(corpus, out, config_path, encoder, no_cache, cache_dir, threads, engine_name, workers, address, work_dir,
            min_score, drop_severity):
    """Run the whole pipeline on CORPUS (a folder of documents, default: corpus).

    Reads .txt, .html, .docx, .odt, .md, .pdf, .srt and the bilingual .xlf/.xliff/.po
    (README "Input"). Writes documents.jsonl, pairs.jsonl, aligned.jsonl, flags.jsonl,
    aligned.tmx, aligned.tsv, aligned.xlf, aligned.xlsx, passages.jsonl, report.html and
    summary.json into OUT (see docs/outputs.md). Nothing
    goes to stdout; a one-line summary (and with -v, the stages) goes to stderr.
    The exit code is 0 even when findings are flagged: gate with `aligner check OUT`.

    Finished units of work are kept in OUT/.work (or --work-dir): re-running the
    same command after an interruption (kill, pre-emption) reuses them, and a
    changed setting reruns only the stages it affects.

    \b
    Examples:
      aligner run corpus --out out
      aligner -v run corpus -o out --encoder st:sentence-transformers/LaBSE
      aligner run corpus -o out --min-score 0.5 --drop-severity warning
      aligner run corpus -o out -c aligner.toml --no-cache
      aligner run crawl/ -o out --workers 0               # one worker process per core
      aligner run crawl/ -o out --engine ray --address auto
    """
    from aligner.pipeline import run

    require_path(corpus, "dir", "corpus folder")
    writable_target(out, "dir")
    cfg = build_config(
        config_path, search_from=corpus,
        encoder__name=encoder, encoder__cache=False if no_cache else None,
        encoder__cache_dir=cache_dir, encoder__threads=threads,
        clean__min_score=min_score, clean__drop_severity=drop_severity,
        engine__name=engine_name, engine__workers=workers, engine__address=address, engine__work_dir=work_dir,
    )
    result = run(corpus, out, config=cfg)
    c = result.summary["counts"]
    note(f"{c['documents']['ok']}/{c['documents']['total']} documents, "
         f"{c['pairs']['by_relation']['parallel']} parallel pairs, "
         f"{c['beads']['kept']}/{c['beads']['total']} beads kept, {c['flags']['total']} flags -> {out}")
