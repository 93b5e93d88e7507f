"""Stage 7: apply safe fixes and decide which beads are kept."""

from __future__ import annotations


def apply_cleaning(documents, aligned, flags, *, config):
    """Apply fixable flags to sentence texts, mark flags fixed, return aligned.jsonl records (keep/drop_reason)."""
    raise NotImplementedError
