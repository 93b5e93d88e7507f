"""Stage 3: multilingual sentence encoders behind one interface, with an on-disk cache."""

from __future__ import annotations


def get_encoder(name: str = "e5-small", *, config=None):
    """An Encoder by registry name ("e5-small", "st:<model or path>"): encode(list[str]) -> (N, d) float32, L2-normalised."""
    raise NotImplementedError
