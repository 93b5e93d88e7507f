"""Stage 2: language id, boilerplate removal and sentence segmentation with raw offsets."""

from __future__ import annotations

from aligner.config import Config
from aligner.model import Document


def segment_corpus(documents: list[Document], *, config: Config) -> None:
    """Fill lang, title, sentences and removed of every ok document, in place.

    Needs the whole corpus: lines repeated across documents in different languages are chrome.
    """
    raise NotImplementedError
