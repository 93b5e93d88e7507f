"""Deterministic stand-ins for the real encoder, for tests of logic."""

from __future__ import annotations

import hashlib
import re

import numpy as np


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return (v / np.where(n == 0, 1, n)).astype(np.float32)


class FakeEncoder:
    """Bag of hashed words and character trigrams: same text -> same vector, similar text -> close vectors.

    `translations` maps a text to a "meaning key" so that tests can declare two texts in
    different languages to be translations of each other (they then share the key's vector).
    """

    name = "fake"

    def __init__(self, dim: int = 64, translations: dict[str, str] | None = None):
        self.dim = dim
        self.translations = translations or {}
        self.calls: list[int] = []

    def signature(self) -> dict:
        return {"name": self.name, "revision": "test", "dim": self.dim}

    def _vec(self, text: str) -> np.ndarray:
        text = self.translations.get(text, text)
        v = np.zeros(self.dim, dtype=np.float64)
        toks = re.findall(r"\w+", text.lower())
        grams = toks + [t[i:i + 3] for t in toks for i in range(max(1, len(t) - 2))]
        for g in grams:
            h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        if not grams:
            v[0] = 1.0
        return v

    def encode(self, texts, *, kind: str = "passage") -> np.ndarray:
        texts = list(texts)
        self.calls.append(len(texts))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _unit(np.stack([self._vec(t) for t in texts]))


def translating_encoder() -> FakeEncoder:
    """A FakeEncoder that knows the translations of a generated corpus (bench/make_corpus.py's gold
    `meanings`, from the file named by $ALIGNER_FAKE_MEANINGS); the factory of the pipeline's
    test hook: ALIGNER_TEST_ENCODER=fakes:translating_encoder."""
    import json
    import os

    path = os.environ.get("ALIGNER_FAKE_MEANINGS")
    meanings = json.load(open(path, encoding="utf-8"))["meanings"] if path else {}
    # the keys ("4:73", "4:730") share words and trigrams, which would make unrelated sentences of one
    # source set look alike (cosine ~0.5); an opaque token per meaning keeps unrelated meanings apart
    return FakeEncoder(translations={text: hashlib.sha256(key.encode()).hexdigest()[:16]
                                     for text, key in meanings.items()})
