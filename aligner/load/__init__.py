"""Stage 1: read a corpus folder into `Document`s (decoding, HTML text extraction, manifest)."""

from __future__ import annotations

from pathlib import Path

from aligner.config import Config
from aligner.model import Document


def load_corpus(path: str | Path, *, config: Config) -> list[Document]:
    """Every .txt/.html file under `path`, recursively, sorted by path.

    A file that cannot be read becomes a Document with status "error" and a problem
    message; a missing or non-folder `path` raises InputError.
    """
    raise NotImplementedError
