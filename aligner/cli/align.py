"""`aligner align` (not implemented yet)."""

import click


@click.command("align")
def align_cmd():
    """Not implemented yet."""
    raise click.ClickException("'aligner align' is not implemented yet")
