"""`aligner run CORPUS --out OUT`."""

from __future__ import annotations

import json
import sys

import click

from aligner.cli.common import build_config, config_option, encoder_options


@click.command("run", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("corpus", type=click.Path(), default="corpus")
@click.option("-o", "--out", type=click.Path(), default="out", show_default=True,
              help="Output folder (created if needed; files are replaced atomically).")
@config_option
@encoder_options
@click.option("--min-score", type=float, default=None, help="Drop beads whose alignment score is below this.")
@click.option("--drop-severity", type=click.Choice(["info", "warning", "error"]), default=None,
              help="Drop beads carrying a flag of this severity or worse.")
def run_cmd(corpus, out, config_path, encoder, no_cache, cache_dir, threads, min_score, drop_severity):
    """Run the whole pipeline on CORPUS (a folder of .txt/.html articles, default: corpus).

    Writes documents.jsonl, pairs.jsonl, aligned.jsonl, flags.jsonl, aligned.tmx,
    aligned.tsv, report.html and summary.json into OUT.

    \b
    Examples:
      aligner run corpus --out out
      aligner run corpus -o out --encoder st:sentence-transformers/LaBSE
      aligner run corpus -o out --min-score 0.5 --drop-severity warning
    """
    from aligner.pipeline import run

    cfg = build_config(
        config_path, search_from=corpus,
        encoder__name=encoder, encoder__cache=False if no_cache else None,
        encoder__cache_dir=cache_dir, encoder__threads=threads,
        clean__min_score=min_score, clean__drop_severity=drop_severity,
    )
    result = run(corpus, out, config=cfg)
    ok = sum(d.ok for d in result.documents)
    kept = sum(1 for r in result.records if r.get("keep"))
    click.echo(
        f"aligner: {ok}/{len(result.documents)} documents, "
        f"{sum(p.relation == 'parallel' for p in result.pairs)} parallel pairs, "
        f"{kept}/{len(result.records)} beads kept, {len(result.flags)} flags -> {out}",
        err=True,
    )
