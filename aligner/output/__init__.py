"""Stage 8: the files of the output contract, written atomically."""

from __future__ import annotations

from pathlib import Path


def write_outputs(result, out: Path) -> None:
    """documents/pairs/aligned/flags JSONL, TMX, TSV, report.html, summary.json."""
    raise NotImplementedError
