"""`aligner align SRC TGT`: align the sentences of two files directly (no corpus, no pairing).

Plain text is segmented with `aligner.segment.sentences.split_sentences` (blank lines separate
paragraphs); `-l` reads one sentence per line. Output: vecalign's `[i, ...]:[j, ...]:score` lines,
or JSON lines with the texts, to stdout or `-o FILE` (written atomically).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from aligner.cli.common import (CONTEXT_SETTINGS, build_config, config_option, encoder_options, format_option, note,
                                output_option, require_path, writable_target, write_text)


def read_sentences(path: str, *, one_per_line: bool, lang: str | None):
    """(texts, paragraph ids) of a file; blank lines separate paragraphs."""
    from aligner.errors import InputError

    try:
        raw = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    texts: list[str] = []
    pars: list[int] = []
    if one_per_line:
        par = 0
        for line in raw.splitlines():
            if line.strip():
                texts.append(line.strip())
                pars.append(par)
            elif texts and pars[-1] == par:
                par += 1
        return texts, pars
    try:
        from aligner.segment.sentences import split_sentences
    except ImportError:  # pragma: no cover - the segmenter ships with the package
        raise InputError("sentence splitting is unavailable: use --one-per-line (-l)") from None
    for par, m in enumerate(re.finditer(r"\S(?:.*?\S)?(?=\n[ \t]*\n|\s*\Z)", raw, flags=re.S)):
        for s, e in split_sentences(raw, lang, m.start(), m.end()):
            t = " ".join(raw[s:e].split())
            if t:
                texts.append(t)
                pars.append(par)
    return texts, pars


def format_beads(beads, src_texts, tgt_texts, fmt: str) -> str:
    lines = []
    for b in beads:
        if fmt == "jsonl":
            lines.append(json.dumps({
                "src": list(b.src), "tgt": list(b.tgt), "type": b.type,
                "score": b.score, "similarity": b.similarity,
                "src_text": " ".join(src_texts[i] for i in b.src),
                "tgt_text": " ".join(tgt_texts[j] for j in b.tgt),
            }, ensure_ascii=False))
        else:
            lines.append(f"{list(b.src)}:{list(b.tgt)}:{b.score:.4f}")
    return "\n".join(lines) + ("\n" if lines else "")


@click.command("align", context_settings=CONTEXT_SETTINGS)
@click.argument("src", type=click.Path(readable=False))
@click.argument("tgt", type=click.Path(readable=False))
@click.option("-l", "--one-per-line", is_flag=True, help="Inputs hold one sentence per line (blank line: new paragraph).")
@output_option("Write the beads to this file (atomically), or - for stdout.")
@format_option(["vecalign", "jsonl"], "vecalign",
               "vecalign: '[i, ...]:[j, ...]:score' lines; jsonl: one bead per line with texts.")
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
    """Align the sentences of SRC and TGT (UTF-8 text files) and print the beads.

    No corpus, no pairing: the two files are taken as translations of each other.
    Plain text is split into sentences (blank lines separate paragraphs); with -l
    each line is one sentence. The beads go to stdout (or -o FILE), a summary to stderr.

    \b
    Examples:
      aligner align de.txt fr.txt --src-lang de --tgt-lang fr
      aligner align -l de.sents fr.sents -o beads.txt
      aligner align -l a.txt b.txt --format jsonl --max-beads 1-1,1-0,0-1
      aligner align de.txt fr.txt -e st:sentence-transformers/LaBSE -f jsonl -o - | jq .score
    """
    from aligner import embed
    from aligner.align.core import align, parse_bead_types
    from aligner.align import span_embedder

    require_path(src, "file", "SRC file")
    require_path(tgt, "file", "TGT file")
    if output != "-":
        writable_target(output, "file")
    beads_list = [t.strip() for t in max_beads.split(",") if t.strip()] if max_beads else None
    if beads_list is not None:
        parse_bead_types(beads_list)  # ConfigError on a bad item
    cfg = build_config(
        config_path,
        encoder__name=encoder, encoder__cache=False if no_cache else None, encoder__cache_dir=cache_dir,
        encoder__threads=threads, align__max_beads=beads_list, align__scoring=scoring, align__skip_cost=skip_cost, align__band=band,
        align__paragraph_penalty=paragraph_penalty, align__refine_spans=False if no_refine else None,
    )
    s_txt, s_par = read_sentences(src, one_per_line=one_per_line, lang=src_lang)
    t_txt, t_par = read_sentences(tgt, one_per_line=one_per_line, lang=tgt_lang)
    enc = embed.get_encoder(cfg.encoder.name, config=cfg.encoder)
    X = enc.encode(s_txt) if s_txt else None
    Y = enc.encode(t_txt) if t_txt else None
    import numpy as np

    dim = (X if X is not None else Y).shape[1] if (X is not None or Y is not None) else 1
    X = X if X is not None else np.zeros((0, dim), np.float32)
    Y = Y if Y is not None else np.zeros((0, dim), np.float32)
    stats: dict = {}
    beads = align(X, Y, src_len=[len(t) for t in s_txt], tgt_len=[len(t) for t in t_txt], src_par=s_par,
                  tgt_par=t_par, embed_spans=span_embedder(s_txt, t_txt, enc), config=cfg.align, stats=stats)
    write_text(output, format_beads(beads, s_txt, t_txt, fmt))
    note(f"{len(beads)} beads ({len(s_txt)} + {len(t_txt)} sentences, "
         f"{stats.get('strings_encoded', 0)} concatenations encoded)"
         + ("" if output == "-" else f" -> {output}"))
