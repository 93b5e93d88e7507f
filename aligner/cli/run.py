"""`aligner run CORPUS --out OUT`."""

from __future__ import annotations

import click

from aligner.cli.common import (CONTEXT_SETTINGS, build_config, config_option, encoder_options, note, require_path,
                                writable_target)


@click.command("run", context_settings=CONTEXT_SETTINGS)
@click.argument("corpus", type=click.Path(readable=False), default="corpus")
@click.option("-o", "--out", "--output", "out", type=click.Path(readable=False), default="out", show_default=True, metavar="DIR",
              help="Output folder (created if needed; locked during the run; the new files replace "
                   "the old ones together at the end).")
@config_option
@encoder_options
@click.option("--min-score", type=float, default=None,
              help="Drop beads whose alignment score is below this [config clean.min_score].")
@click.option("--drop-severity", type=click.Choice(["info", "warning", "error"]), default=None,
              help="Drop beads carrying a flag of this severity or worse [config clean.drop_severity].")
def run_cmd(corpus, out, config_path, encoder, no_cache, cache_dir, threads, min_score, drop_severity):
    """Run the whole pipeline on CORPUS (a folder of documents, default: corpus).

    Reads .txt, .html, .docx, .odt, .md, .pdf, .srt and the bilingual .xlf/.xliff/.po
    (README "Input"). Writes documents.jsonl, pairs.jsonl, aligned.jsonl, flags.jsonl,
    aligned.tmx, aligned.tsv, aligned.xlf, aligned.xlsx, passages.jsonl, report.html and
    summary.json into OUT (see docs/outputs.md). Nothing
    goes to stdout; a one-line summary (and with -v, the stages) goes to stderr.
    The exit code is 0 even when findings are flagged: gate with `aligner check OUT`.

    \b
    Examples:
      aligner run corpus --out out
      aligner -v run corpus -o out --encoder st:sentence-transformers/LaBSE
      aligner run corpus -o out --min-score 0.5 --drop-severity warning
      aligner run corpus -o out -c aligner.toml --no-cache
    """
    from aligner.pipeline import run

    require_path(corpus, "dir", "corpus folder")
    writable_target(out, "dir")
    cfg = build_config(
        config_path, search_from=corpus,
        encoder__name=encoder, encoder__cache=False if no_cache else None,
        encoder__cache_dir=cache_dir, encoder__threads=threads,
        clean__min_score=min_score, clean__drop_severity=drop_severity,
    )
    result = run(corpus, out, config=cfg)
    ok = sum(d.ok for d in result.documents)
    kept = sum(1 for r in result.records if r.get("keep"))
    note(f"{ok}/{len(result.documents)} documents, "
         f"{sum(p.relation == 'parallel' for p in result.pairs)} parallel pairs, "
         f"{kept}/{len(result.records)} beads kept, {len(result.flags)} flags -> {out}")
