"""`aligner check` (not implemented yet)."""

import click


@click.command("check")
def check_cmd():
    """Not implemented yet."""
    raise click.ClickException("'aligner check' is not implemented yet")
