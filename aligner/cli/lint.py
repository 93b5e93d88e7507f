"""`aligner lint FILE…`: machine-translation artifacts of single documents (no pairing)."""

from __future__ import annotations

import click

from aligner.cli.common import build_config, config_option


def _codes(values):
    out = []
    for v in values or ():
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


@click.command("lint")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--lang", default=None, help="Language of the files (ISO 639-1), instead of detecting it.")
@click.option("--select", multiple=True, help="Only these check codes or categories (comma-separated, repeatable).")
@click.option("--ignore", multiple=True, help="Skip these check codes or categories (comma-separated, repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: file:line:col: code message; json: one flag record per line.")
@click.option("--fail-on", type=click.Choice(["info", "warning", "error"]), default="warning", show_default=True,
              help="Exit 1 when a finding of this severity or worse remains.")
@config_option
def lint_cmd(files, lang, select, ignore, fmt, fail_on, config_path):
    """Check FILES for machine-translation artifacts (glued text, broken hyphens, repetitions, untranslated
    words, capitals, encoding) and print one line per finding. Exit 0 clean, 1 findings, 2 usage error."""
    from aligner.checks.lint import failing, format_flags, lint_documents, load_documents
    from aligner.errors import GateFailed

    config = build_config(config_path)
    docs = load_documents(files, lang=lang, config=config)
    flags = lint_documents(docs, config=config, select=_codes(select), ignore=_codes(ignore), lang=lang)
    text = format_flags(docs, flags, fmt)
    if text:
        click.echo(text)
    bad = failing(flags, fail_on)
    if bad:
        raise GateFailed(f"{len(bad)} finding(s) at or above '{fail_on}' in {len(docs)} file(s)")
