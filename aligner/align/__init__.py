"""Stage 5: sentence alignment of a parallel document pair (the core works on arrays)."""

from __future__ import annotations

import numpy as np

from aligner.config import AlignConfig
from aligner.model import Bead, Document


def align_documents(src: Document, tgt: Document, src_emb: np.ndarray, tgt_emb: np.ndarray, *,
                    encoder=None, config: AlignConfig) -> list[Bead]:
    """Beads covering every sentence of both documents exactly once, in order."""
    raise NotImplementedError
