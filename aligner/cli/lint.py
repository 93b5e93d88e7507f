"""`aligner lint FILE…`: machine-translation artifacts of single documents (no pairing)."""

from __future__ import annotations

import click

from aligner.cli.common import (CONTEXT_SETTINGS, build_config, config_option, fail_on_option, format_option, note,
                                output_option, require_path, writable_target, write_text)


def _codes(values):
    out = []
    for v in values or ():
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


@click.command("lint", context_settings=CONTEXT_SETTINGS)
@click.argument("files", nargs=-1, required=True, type=click.Path(readable=False))
@click.option("--lang", default=None, help="Language of the files (ISO 639-1), instead of detecting it.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these check codes or categories (comma-separated, repeatable).")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Skip these check codes or categories (comma-separated, repeatable).")
@format_option(["text", "json"], "text", "text: path:line:col: code message [severity]; json: one flag record per line.")
@output_option("Write the findings to this file (atomically), or - for stdout.")
@fail_on_option("warning", "Exit 1 when an unfixed finding of this severity or worse remains.")
@config_option
def lint_cmd(files, lang, select, ignore, fmt, output, fail_on, config_path):
    """Check FILES for machine-translation artifacts and print one line per finding.

    Each file is checked on its own (glued text, broken hyphens, repetitions,
    untranslated words, capitals, encoding); checks that compare a document with
    its translation need `aligner run`. Exit 0 clean, 1 findings at or above
    --fail-on, 2 usage or input error. The codes are listed in docs/checks.md.

    \b
    Examples:
      aligner lint corpus/*.txt
      aligner lint article.txt --lang tl --fail-on error
      aligner lint corpus/*.txt --select glued,repetition --ignore repeated-word
      aligner lint corpus/*.txt -f json -o findings.jsonl
    """
    from aligner.checks.lint import failing, format_flags, lint_documents, load_documents
    from aligner.errors import GateFailed

    for path in files:
        require_path(path, "file")
    if output != "-":
        writable_target(output, "file")
    config = build_config(config_path)
    docs = load_documents(files, lang=lang, config=config)
    flags = lint_documents(docs, config=config, select=_codes(select), ignore=_codes(ignore), lang=lang)
    text = format_flags(docs, flags, fmt)
    write_text(output, text + "\n" if text else "")
    if output != "-":
        note(f"{len(flags)} finding(s) in {len(docs)} file(s) -> {output}")
    bad = failing(flags, fail_on)
    if bad:
        raise GateFailed(f"{len(bad)} finding(s) at or above '{fail_on}' in {len(docs)} file(s)")
