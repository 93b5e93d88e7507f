"""`aligner lint` (not implemented yet)."""

import click


@click.command("lint")
def lint_cmd():
    """Not implemented yet."""
    raise click.ClickException("'aligner lint' is not implemented yet")
