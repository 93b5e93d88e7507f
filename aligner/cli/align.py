"""`aligner align SRC TGT`: align the sentences of two files directly (no corpus, no pairing).

Each input is read by the reader of its extension, exactly as `aligner run` reads a corpus
(.txt with any encoding `run` decodes, .html as its article text, .docx, .odt, .md, .pdf, .srt;
mixed inputs work), then segmented, aligned, checked and cleaned by the pipeline's stages
(aligner.align.files). `-l` reads one sentence per line. The writer follows the output's
extension unless -f says otherwise: .tmx (TMX 1.4b), .xlf/.xliff (XLIFF 2.1), .xlsx (review
sheet), .tsv, .jsonl (one bead per line with texts); anything else, and stdout, get vecalign's
`[i, ...]:[j, ...]:score` lines. TMX, XLIFF and TSV hold the kept beads, the others every bead.
A file that cannot be used is one line on stderr and exit 2.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from aligner.cli.common import (CONTEXT_SETTINGS, build_config, config_option, encoder_options, note,
                                output_option, require_path, writable_target, write_text)

FORMATS = ("vecalign", "jsonl", "tmx", "xliff", "xlsx", "tsv")
BY_EXTENSION = {".tmx": "tmx", ".xlf": "xliff", ".xliff": "xliff", ".xlsx": "xlsx", ".tsv": "tsv", ".jsonl": "jsonl"}


def output_format(output: str, fmt: str | None) -> str:
    if fmt:
        return fmt
    return BY_EXTENSION.get(Path(output).suffix.lower(), "vecalign") if output != "-" else "vecalign"


def format_beads(beads, src_texts, tgt_texts, fmt: str, records=None) -> str:
    lines = []
    for k, b in enumerate(beads):
        if fmt == "jsonl":
            rec = {
                "src": list(b.src), "tgt": list(b.tgt), "type": b.type,
                "score": b.score, "similarity": b.similarity,
                "src_text": " ".join(src_texts[i] for i in b.src),
                "tgt_text": " ".join(tgt_texts[j] for j in b.tgt),
            }
            if records is not None:
                r = records[k]
                rec.update({"id": r["id"], "flags": r["flags"], "keep": r["keep"], "drop_reason": r["drop_reason"]})
            lines.append(json.dumps(rec, ensure_ascii=False))
        else:
            lines.append(f"{list(b.src)}:{list(b.tgt)}:{b.score:.4f}")
    return "\n".join(lines) + ("\n" if lines else "")


def write_result(result, output: str, fmt: str) -> None:
    """The beads of a two-file RunResult in `fmt`, to `output` (atomically) or stdout."""
    import sys

    from aligner.output import flag_records, signature_id
    from aligner.output.atomic import atomic_open

    ap = result.aligned[0]
    records = result.records
    kept = [r for r in records if r.get("keep")]
    sig = {"id": signature_id(result.signature), **result.signature}
    if fmt in ("vecalign", "jsonl"):
        text = format_beads(ap.beads, [s.text for s in ap.src.sentences], [s.text for s in ap.tgt.sentences], fmt,
                            records)
        write_text(output, text)
        return
    if fmt == "xlsx":
        from aligner.output.xlsx import write_xlsx

        if output == "-":
            raise click.UsageError("an .xlsx workbook is written to a file: give -o FILE.xlsx")
        with atomic_open(output, "wb") as fh:
            write_xlsx(fh, records, signature=sig)
        return

    def write(fh):
        if fmt == "tmx":
            from aligner.output.tmx import write_tmx

            write_tmx(fh, kept, signature=sig)
        elif fmt == "xliff":
            from aligner.output.xliff import write_xliff

            write_xliff(fh, kept, flags=flag_records(result), signature=sig)
        else:
            from aligner.output.tsv import write_tsv

            write_tsv(fh, kept)

    if output == "-":
        write(sys.stdout)
    else:
        with atomic_open(output) as fh:
            write(fh)


@click.command("align", context_settings=CONTEXT_SETTINGS)
@click.argument("src", type=click.Path(readable=False))
@click.argument("tgt", type=click.Path(readable=False))
@click.option("-l", "--one-per-line", is_flag=True, help="Inputs hold one sentence per line (blank line: new paragraph).")
@output_option("Write the beads to this file (atomically), or - for stdout.")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="vecalign ('[i, ...]:[j, ...]:score' lines), jsonl, tmx, xliff (2.1), xlsx or tsv "
                   "[default: by the extension of -o, else vecalign].")
@click.option("--src-lang", default=None, help="Language of SRC for sentence splitting (e.g. de).")
@click.option("--tgt-lang", default=None, help="Language of TGT for sentence splitting.")
@click.option("--max-beads", default=None,
              help="Bead types allowed, comma-separated (e.g. 1-1,1-2,2-1,1-0,0-1; default from config).")
@click.option("--scoring", type=click.Choice(["contrast", "knn"]), default=None,
              help="Bead scoring: contrast (default) or knn margin (see docs/alignment.md).")
@click.option("--skip-cost", type=float, default=None,
              help="Cost of a one-sided sentence (default: 0.02 with contrast scoring, derived with knn).")
@click.option("--band", type=int, default=None, help="Half-width of the search band (0: automatic).")
@click.option("--paragraph-penalty", type=float, default=None, help="Cost of a bead crossing a paragraph boundary.")
@click.option("--no-refine", is_flag=True, default=False, help="Never encode sentence concatenations.")
@config_option
@encoder_options
def align_cmd(src, tgt, one_per_line, output, fmt, src_lang, tgt_lang, max_beads, scoring, skip_cost, band,
              paragraph_penalty, no_refine, config_path, encoder, no_cache, cache_dir, threads):
    """Align the sentences of SRC and TGT and write the beads.

    No corpus, no pairing: the two files are taken as translations of each other. Each is
    read by the reader of its extension, as `aligner run` reads a corpus: .txt (any encoding
    `run` decodes), .html (the article text), .docx, .odt, .md, .pdf, .srt; the two may differ
    (a .docx and its translation as .pdf). With -l each line of a text file is one sentence.
    The writer follows the extension of -o (.tmx, .xlf, .xlsx, .tsv, .jsonl) unless -f is
    given; stdout gets vecalign lines. A summary goes to stderr.

    \b
    Examples:
      aligner align guide.en.docx guide.it.pdf -o memory.tmx
      aligner align en.md it.md -o review.xlsx
      aligner align de.txt fr.txt --src-lang de --tgt-lang fr
      aligner align -l de.sents fr.sents -o beads.txt
      aligner align -l a.txt b.txt --format jsonl --max-beads 1-1,1-0,0-1
      aligner align de.txt fr.txt -e st:sentence-transformers/LaBSE -f jsonl -o - | jq .score
    """
    from aligner.align.core import parse_bead_types
    from aligner.align.files import align_files

    require_path(src, "file", "SRC file")
    require_path(tgt, "file", "TGT file")
    fmt = output_format(output, fmt)
    if output != "-":
        writable_target(output, "file")
    elif fmt == "xlsx":
        raise click.UsageError("an .xlsx workbook is written to a file: give -o FILE.xlsx")
    beads_list = [t.strip() for t in max_beads.split(",") if t.strip()] if max_beads else None
    if beads_list is not None:
        parse_bead_types(beads_list)  # ConfigError on a bad item
    cfg = build_config(
        config_path,
        encoder__name=encoder, encoder__cache=False if no_cache else None, encoder__cache_dir=cache_dir,
        encoder__threads=threads, align__max_beads=beads_list, align__scoring=scoring, align__skip_cost=skip_cost, align__band=band,
        align__paragraph_penalty=paragraph_penalty, align__refine_spans=False if no_refine else None,
    )
    from aligner import embed

    enc_factory = embed.get_encoder
    result = align_files(src, tgt, config=cfg, encoder=enc_factory(cfg.encoder.name, config=cfg.encoder),
                         one_per_line=one_per_line, src_lang=src_lang, tgt_lang=tgt_lang)
    write_result(result, output, fmt)
    ap = result.aligned[0]
    kept = sum(bool(r.get("keep")) for r in result.records)
    note(f"{len(ap.beads)} beads, {kept} kept ({len(ap.src.sentences)} + {len(ap.tgt.sentences)} sentences, "
         f"{len(result.flags)} flags, {result.stats.get('align', {}).get('strings_encoded', 0)} concatenations encoded)"
         + ("" if output == "-" else f" -> {output} ({fmt})"))
