"""`aligner export` (not implemented yet)."""

import click


@click.command("export")
def export_cmd():
    """Not implemented yet."""
    raise click.ClickException("'aligner export' is not implemented yet")
