"""Options shared by several commands, so each means the same everywhere."""

from __future__ import annotations

import click

from aligner.config import Config, load_config, override


def config_option(f):
    return click.option(
        "-c", "--config", "config_path", type=click.Path(dir_okay=False),
        help="aligner.toml or pyproject.toml with [tool.aligner] (default: the nearest one found).",
    )(f)


def encoder_options(f):
    f = click.option("--threads", type=int, default=None, help="Encoder threads (default: engine's choice).")(f)
    f = click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
                     help="Embedding cache folder (default: $ALIGNER_CACHE_DIR or ~/.cache/aligner).")(f)
    f = click.option("--no-cache", is_flag=True, default=False, help="Do not read or write the embedding cache.")(f)
    f = click.option("-e", "--encoder", default=None,
                     help="Sentence encoder: e5-small (default, offline) or st:<model id or local path>.")(f)
    return f


def build_config(config_path, search_from=".", **overrides) -> Config:
    """File settings first, then the options the user actually gave."""
    cfg = load_config(config_path, search_from=search_from)
    return override(cfg, **overrides)
