"""Options and helpers shared by the commands, so each option means the same everywhere.

Conventions (docs/cli.md):
  -c/--config FILE    the configuration file (every command that reads settings)
  -e/--encoder NAME   the sentence encoder, with --no-cache, --cache-dir, --threads
  -o/--output PATH    where this command writes its result; `-` is stdout wherever the
                      result is a single stream (`aligner run` writes a folder: -o/--out)
  -f/--format NAME    the format of that result
  --fail-on SEVERITY  exit 1 when a finding of this severity or worse remains
  -h/--help, and on the group: -V/--version, -v/--verbose, -q/--quiet

Paths the user gives are checked here (`require_path`, `writable_target`) before any
work starts, not by click's Path type (readable=False, no exists=), so a typo costs one
line on stderr and exit 2 in the same form everywhere, never a traceback or a half-finished run.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from aligner.config import Config, load_config, override

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def config_option(f):
    return click.option(
        "-c", "--config", "config_path", type=click.Path(readable=False), metavar="FILE",
        help="aligner.toml or pyproject.toml with [tool.aligner] (default: the nearest one found).",
    )(f)


def encoder_options(f):
    f = click.option("--threads", type=int, default=None, help="Encoder threads (default: engine's choice).")(f)
    f = click.option("--cache-dir", type=click.Path(readable=False), default=None, metavar="DIR",
                     help="Embedding cache folder (default: $ALIGNER_CACHE_DIR or ~/.cache/aligner).")(f)
    f = click.option("--no-cache", is_flag=True, default=False, help="Do not read or write the embedding cache.")(f)
    f = click.option("-e", "--encoder", default=None, metavar="NAME",
                     help="Sentence encoder: e5-small (default, offline), e5-small-onnx (the same weights on "
                          "ONNX Runtime, faster) or st:<model id or local path>.")(f)
    return f


def engine_options(f):
    """--engine/--workers/--address/--work-dir: where the pipeline's units run (config [engine])."""
    f = click.option("--work-dir", type=click.Path(readable=False), default=None, metavar="DIR",
                     help="Folder for the units of work a re-run reuses (default: OUT/.work) [config engine.work_dir].")(f)
    f = click.option("--address", default=None, metavar="ADDR",
                     help="Ray cluster: auto, or ray://host:10001 (--engine ray) [config engine.address].")(f)
    f = click.option("-j", "--workers", type=int, default=None, metavar="N",
                     help="Worker processes (local) or parallel tasks (ray); 0: one per core [config engine.workers].")(f)
    f = click.option("--engine", "engine_name", type=click.Choice(["local", "ray"]), default=None,
                     help="local (default: this machine, a process pool) or ray (a Ray cluster) [config engine.name].")(f)
    return f


def output_option(help_: str, *, default: str | None = "-"):
    """-o/--output: a file, or `-` for stdout."""
    return click.option("-o", "--output", type=click.Path(allow_dash=True, readable=False), default=default, metavar="FILE",
                        show_default=default is not None, help=help_)


def format_option(choices, default: str | None, help_: str):
    """-f/--format; required when there is no default."""
    if default is None:  # no default= at all: click counts an explicit None as a given value
        return click.option("-f", "--format", "fmt", type=click.Choice(choices), required=True, help=help_)
    return click.option("-f", "--format", "fmt", type=click.Choice(choices), default=default,
                        show_default=True, help=help_)


def fail_on_option(default: str | None, help_: str):
    from aligner.model import SEVERITIES

    return click.option("--fail-on", type=click.Choice(SEVERITIES), default=default,
                        show_default=default is not None, help=help_)


def require_path(path: str | os.PathLike | None, kind: str = "any", what: str = "") -> Path | None:
    """`path` as a Path if it exists and is readable as `kind` ("file", "dir", "any"); InputError otherwise.

    `what` names the expected thing ("corpus folder"). The message is one line that starts
    with the path, e.g. "corpus: corpus folder not found".
    """
    from aligner.errors import InputError

    if path is None:
        return None
    p = Path(path)
    what = what or {"file": "file", "dir": "folder"}.get(kind, "file or folder")
    if not p.exists():
        raise InputError(f"{p}: {what} not found")
    if kind == "file" and not p.is_file():
        raise InputError(f"{p}: is a folder, expected a {what}" if p.is_dir() else f"{p}: not a regular file")
    if kind == "dir" and not p.is_dir():
        raise InputError(f"{p}: is a file, expected a {what}")
    if not os.access(p, os.R_OK | (os.X_OK if p.is_dir() else 0)):
        raise InputError(f"{p}: permission denied")
    return p


def writable_target(path: str | os.PathLike, kind: str = "file") -> None:
    """Refuse an output path that cannot be what `kind` says before the work starts."""
    from aligner.errors import InputError

    p = Path(path)
    if kind == "dir" and p.exists() and not p.is_dir():
        raise InputError(f"{p}: is a file, not a folder (the output folder)")
    if kind == "file" and p.is_dir():
        raise InputError(f"{p}: is a folder (give a file name, or - for stdout)")


def build_config(config_path, search_from=".", **overrides) -> Config:
    """File settings first, then the options the user actually gave."""
    require_path(config_path, "file", "configuration file")
    cfg = load_config(config_path, search_from=search_from)
    if is_quiet():  # -q: no progress bars either
        overrides.setdefault("encoder__progress", "never")
    cfg = override(cfg, **overrides)
    _cache_follows(cfg)
    return cfg


def _cache_follows(cfg: Config) -> None:
    """The remembered lingua/wordfreq answers (aligner.memo) live where the embedding cache does:
    `encoder.cache_dir` / --cache-dir moves them, `encoder.cache = false` / --no-cache turns them off.
    Set in the environment, which worker processes inherit (the CLI owns the process)."""
    if cfg.encoder.cache_dir:
        os.environ["ALIGNER_CACHE_DIR"] = str(Path(cfg.encoder.cache_dir).expanduser())
    if not cfg.encoder.cache:
        os.environ["ALIGNER_NO_MEMO"] = "1"


def is_quiet() -> bool:
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if isinstance(ctx.obj, dict) and ctx.obj.get("quiet"):
            return True
        ctx = ctx.parent
    return False


def note(message: str) -> None:
    """A status line for the user on stderr (never on stdout, which carries data); silent under -q."""
    if not is_quiet():
        click.echo(f"aligner: {message}", err=True)


def write_text(output: str, text: str) -> None:
    """`text` to stdout (`-`) or atomically to the file `output`."""
    if output == "-":
        click.echo(text, nl=False)
        return
    from aligner.output.atomic import atomic_open

    writable_target(output, "file")
    with atomic_open(output) as fh:
        fh.write(text)
