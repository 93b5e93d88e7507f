"""`aligner encoders` (not implemented yet)."""

import click


@click.command("encoders")
def encoders_cmd():
    """Not implemented yet."""
    raise click.ClickException("'aligner encoders' is not implemented yet")
