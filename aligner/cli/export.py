"""`aligner export`: the aligned dataset as TMX, TSV, JSONL or Moses."""

from __future__ import annotations

import click

from aligner.output.export import EXPORT_FORMATS


@click.command("export", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("source", type=click.Path(), default="out")
@click.option("-f", "--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True,
              help="tmx (TMX 1.4b), tsv, jsonl (aligned.jsonl records) or moses (two plain-text files).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Output file, or - for stdout (default); for moses the base name of the two files "
                   "(default: aligned -> aligned.<src> and aligned.<tgt>).")
@click.option("--min-score", type=float, default=None, help="Only beads with an alignment score at least this.")
@click.option("--all", "include_dropped", is_flag=True, help="Include the beads the cleaning stage dropped.")
@click.option("--lang-pair", default=None, metavar="XX-YY",
              help="Only beads between these languages, oriented XX -> YY (e.g. tl-it).")
def export_cmd(source, fmt, output, min_score, include_dropped, lang_pair):
    """Export the aligned beads of SOURCE (an output folder of `aligner run` or its aligned.jsonl; default: out).

    By default only the kept beads (the cleaned dataset) are exported; --all adds
    the dropped ones (TMX marks them with an x-drop-reason prop).

    \b
    Examples:
      aligner export out -f tmx -o memory.tmx
      aligner export out -f tsv --min-score 0.7 > pairs.tsv
      aligner export out -f moses --lang-pair tl-it -o data/train   # data/train.tl, data/train.it
      aligner export out -f jsonl --all --lang-pair it-tl -o all.jsonl
    """
    from aligner.output.export import export

    dest = output if output is not None else ("aligned" if fmt == "moses" else "-")
    info = export(source, fmt, dest, min_score=min_score, kept_only=not include_dropped, lang_pair=lang_pair)
    where = ", ".join(info["files"]) or "stdout"
    extra = f" ({info['skipped_one_sided']} one-sided beads skipped)" if info.get("skipped_one_sided") else ""
    click.echo(f"aligner: exported {info['records']} beads as {fmt} to {where}{extra}", err=True)
