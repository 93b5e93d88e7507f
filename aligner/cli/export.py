"""`aligner export`: the aligned dataset as TMX, TSV, JSONL or Moses."""

from __future__ import annotations

import click

from aligner.cli.common import CONTEXT_SETTINGS, format_option, note, output_option, require_path, writable_target
from aligner.output.export import EXPORT_FORMATS


@click.command("export", context_settings=CONTEXT_SETTINGS)
@click.argument("source", type=click.Path(readable=False), default="out")
@format_option(EXPORT_FORMATS, None,
               "tmx (TMX 1.4b), tsv, jsonl (aligned.jsonl records), moses (two plain-text files), "
               "xliff (XLIFF 2.1), xlsx (review sheet) or passages (aligned paragraph pairs, JSON lines).")
@output_option("Output file, or - for stdout (default); for moses the base name of the two files "
               "(default: aligned -> aligned.<src> and aligned.<tgt>).", default=None)
@click.option("--min-score", type=float, default=None, help="Only beads with an alignment score at least this.")
@click.option("--all", "include_dropped", is_flag=True, help="Include the beads the cleaning stage dropped.")
@click.option("--lang-pair", default=None, metavar="XX-YY",
              help="Only beads between these languages, oriented XX -> YY (e.g. tl-it).")
@click.option("--verify", type=click.Choice(["quick", "full", "none"]), default="quick", show_default=True,
              help="Check first that SOURCE holds one whole run: sizes and run ids (quick), "
                   "also SHA-256 hashes (full), or not at all.")
def export_cmd(source, fmt, output, min_score, include_dropped, lang_pair, verify):
    """Export the aligned beads of SOURCE (an output folder of `aligner run` or its aligned.jsonl; default: out).

    By default only the kept beads (the cleaned dataset) are exported; --all adds
    the dropped ones (TMX marks them with an x-drop-reason prop).

    \b
    Examples:
      aligner export out -f tmx -o memory.tmx
      aligner export out -f tsv --min-score 0.7 > pairs.tsv
      aligner export out -f moses --lang-pair tl-it -o data/train   # data/train.tl, data/train.it
      aligner export out -f jsonl --all --lang-pair it-tl -o all.jsonl
      aligner export out -f xliff --lang-pair en-it -o memory.xlf
      aligner export out -f xlsx --all -o review.xlsx
      aligner export out -f passages -o passages.jsonl
    """
    from aligner.output.export import export

    require_path(source, "any", "run output folder or aligned.jsonl")
    dest = output if output is not None else ("aligned" if fmt == "moses" else "-")
    if dest != "-":
        writable_target(dest, "file")
    info = export(source, fmt, dest, min_score=min_score, kept_only=not include_dropped, lang_pair=lang_pair,
                  verify=verify)
    where = ", ".join(info["files"]) or "stdout"
    extra = f" ({info['skipped_one_sided']} one-sided beads skipped)" if info.get("skipped_one_sided") else ""
    note(f"exported {info['records']} beads as {fmt} to {where}{extra}")
