"""Stage 5: sentence alignment of a parallel document pair (the core works on arrays).

`align_documents` adapts documents to `aligner.align.core.align`, which never sees strings: it gets
embeddings, sentence lengths, paragraph ids and a callback that embeds concatenations of
consecutive sentences with the injected encoder (only the few that matter are asked for).
"""

from __future__ import annotations

import numpy as np

from aligner.config import AlignConfig
from aligner.model import Bead, Document

__all__ = ["align_documents", "align_arrays", "try_align_documents"]


def align_arrays(src_emb, tgt_emb, **kwargs) -> list[Bead]:
    """Array-level alignment; see `aligner.align.core.align`."""
    from aligner.align.core import align

    return align(src_emb, tgt_emb, **kwargs)


def span_embedder(src_texts, tgt_texts, encoder):
    """The `embed_spans` callback for two lists of sentence texts and an encoder (None without one)."""
    if encoder is None:
        return None

    def embed_spans(side, spans):
        texts = src_texts if side == "src" else tgt_texts
        return encoder.encode([" ".join(texts[s:e]) for s, e in spans])

    return embed_spans


def align_documents(src: Document, tgt: Document, src_emb: np.ndarray, tgt_emb: np.ndarray, *,
                    encoder=None, config: AlignConfig, stats: dict | None = None) -> list[Bead]:
    """Beads covering every sentence of both documents exactly once, in order."""
    from aligner.align.core import align
    from aligner.errors import AlignerError

    if len(src_emb) != len(src.sentences) or len(tgt_emb) != len(tgt.sentences):
        raise AlignerError(
            f"{src.doc}/{tgt.doc}: {len(src_emb)}/{len(tgt_emb)} embeddings for "
            f"{len(src.sentences)}/{len(tgt.sentences)} sentences"
        )
    s_txt = [s.text for s in src.sentences]
    t_txt = [s.text for s in tgt.sentences]
    return align(
        src_emb, tgt_emb,
        src_len=[len(t) for t in s_txt], tgt_len=[len(t) for t in t_txt],
        src_par=[s.paragraph for s in src.sentences], tgt_par=[s.paragraph for s in tgt.sentences],
        embed_spans=span_embedder(s_txt, t_txt, encoder), config=config, stats=stats,
    )


def try_align_documents(src: Document, tgt: Document, src_emb: np.ndarray, tgt_emb: np.ndarray, *,
                        encoder=None, config: AlignConfig, stats: dict | None = None) -> tuple[list[Bead], str | None]:
    """`align_documents` for one pair of a corpus run: (beads, None), or ([], what went wrong) when aligning this
    pair failed, so that one pair costs its own beads and not the run. Configuration and encoder errors, which
    would fail every pair, and running out of memory still stop the run."""
    import logging

    from aligner.errors import ConfigError, EncoderError

    try:
        return align_documents(src, tgt, src_emb, tgt_emb, encoder=encoder, config=config, stats=stats), None
    except (ConfigError, EncoderError, MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:  # a bug or a degenerate input in one pair
        log = logging.getLogger("aligner.align")
        log.warning("%s / %s: alignment failed (%s: %s); the pair has no beads, the run goes on",
                    src.path, tgt.path, type(exc).__name__, exc)
        log.debug("%s / %s: alignment traceback", src.path, tgt.path, exc_info=exc)
        return [], f"aligning {src.doc} with {tgt.doc} failed ({type(exc).__name__}: {exc}); please report it"
