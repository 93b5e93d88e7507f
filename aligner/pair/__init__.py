"""Stage 4: which documents are translations of each other (parallel), on the same topic (comparable) or unrelated."""

from __future__ import annotations

import numpy as np

from aligner.config import PairConfig
from aligner.model import Document, DocPair


def pair_documents(documents: list[Document], embeddings: dict[str, np.ndarray], *, config: PairConfig) -> list[DocPair]:
    """One DocPair per pair of documents in different languages (src = lower doc id)."""
    raise NotImplementedError
