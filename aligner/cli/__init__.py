"""The `aligner` command line: a thin layer over the library.

Commands are imported only when invoked, so `aligner --help` stays fast and never
loads numpy, torch or a model. Library errors become exit codes here and only here:
0 clean, 1 gate failed, 2 usage / configuration / input error.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from aligner import __version__

# command name -> (module, attribute, one-line help shown by `aligner --help`)
COMMANDS = {
    "run": ("aligner.cli.run", "run_cmd", "Segment, pair, align, check and clean a corpus folder."),
    "align": ("aligner.cli.align", "align_cmd", "Align the sentences of two files."),
    "lint": ("aligner.cli.lint", "lint_cmd", "Check single documents for MT artifacts (no pairing)."),
    "check": ("aligner.cli.check", "check_cmd", "Quality gate for CI: exit 1 when findings exceed thresholds."),
    "export": ("aligner.cli.export", "export_cmd", "Export an aligned dataset as TMX, TSV, JSONL or Moses."),
    "encoders": ("aligner.cli.encoders", "encoders_cmd", "List the sentence encoders and their status."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx, formatter):
        # Short help from the table, so listing commands imports none of them.
        rows = [(name, help_) for name, (_, _, help_) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    logging.basicConfig(level=level, stream=sys.stderr, format="aligner: %(message)s")
    logging.getLogger("aligner").setLevel(level)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="aligner")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr; no progress bars.")
@click.pass_context
def cli(ctx, verbose, quiet):
    """Turn multilingual web articles into a clean, sentence-aligned parallel dataset.

    \b
    Examples:
      aligner run corpus --out out        # the whole pipeline
      aligner check out                   # CI quality gate on a finished run
      aligner lint corpus/*.txt           # artifacts of single documents
    """
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    ctx.obj["quiet"] = quiet
    setup_logging(verbose, quiet)


def main(argv=None) -> None:
    """Console entry point: maps library exceptions to exit codes."""
    from aligner.errors import AlignerError, GateFailed

    try:
        cli.main(args=argv, prog_name="aligner", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("aligner: aborted", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except GateFailed as exc:
        click.echo(f"aligner: gate failed: {exc}", err=True)
        sys.exit(1)
    except AlignerError as exc:
        click.echo(f"aligner: error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("aligner: interrupted", err=True)
        sys.exit(130)
    sys.exit(0)
