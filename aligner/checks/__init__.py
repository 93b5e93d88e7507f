"""Stage 6: checks for machine-translation artifacts, a registry of small classes."""

from __future__ import annotations


def validate_check_settings(code, settings, *, where: str) -> None:
    """Raise ConfigError if `code` is not a registered check or a setting is unknown."""
    raise NotImplementedError


def run_checks(documents, aligned, *, encoder, embeddings, config):
    """All enabled checks over documents and aligned pairs -> list[Flag]; sets doc.n_flags."""
    raise NotImplementedError
