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


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time of the record (test runners swap it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def setup_logging(verbose: int, quiet: bool) -> None:
    """Library logs on stderr: warnings by default, -v info, -vv debug, -q errors only."""
    level = logging.ERROR if quiet else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    logger = logging.getLogger("aligner")
    for handler in [h for h in logger.handlers if isinstance(h, _StderrHandler)]:
        logger.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("aligner: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="aligner")
@click.option("-v", "--verbose", count=True, help="More log output on stderr: -v the stages, -vv debug.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors and the gate verdict on stderr; no progress bars.")
@click.pass_context
def cli(ctx, verbose, quiet):
    """Turn multilingual web articles into a clean, sentence-aligned parallel dataset.

    Data goes to files or stdout, logs and progress to stderr. Exit codes: 0 clean,
    1 gate failed (check, lint), 2 usage, configuration or input error. Put -v/-q
    before the command; every command has its own --help with examples.

    \b
    Examples:
      aligner run corpus --out out                 # the whole pipeline
      aligner check out --fail-on warning          # CI quality gate on a finished run
      aligner export out -f tmx -o memory.tmx      # the cleaned dataset as a TMX
      aligner align de.txt fr.txt -f jsonl         # two files, no corpus
      aligner lint corpus/*.txt                    # artifacts of single documents
      aligner -q encoders                          # which encoders work here
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
    except OSError as exc:  # a path the library did not wrap (e.g. a folder vanished mid-run): still one line
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"aligner: error: {where}{exc.strerror or exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("aligner: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: one line for the user, the traceback with -vv for the report
        if logging.getLogger("aligner").isEnabledFor(logging.DEBUG):
            import traceback

            traceback.print_exc()
        click.echo(f"aligner: internal error: {type(exc).__name__}: {exc} "
                   "(please report it; run with -vv for the traceback)", err=True)
        sys.exit(2)
    sys.exit(0)
