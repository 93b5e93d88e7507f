"""Which document pairs deserve sentence-level scoring.

Small corpora: every pair (exact, and cheap). Large corpora: an approximate
nearest-neighbour index (usearch HNSW, cosine) over document embeddings, one
index per language, queried for each document's `k` nearest documents in every
other language (and in its own, for near-duplicate detection). That is
N * L queries and at most N * L * k candidate pairs instead of N^2 / 2.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np


def document_vector(sentences: np.ndarray) -> np.ndarray:
    """Mean of the sentence embeddings, L2-normalised (zeros for an empty document)."""
    if len(sentences) == 0:
        return np.zeros(sentences.shape[1] if sentences.ndim == 2 else 1, dtype=np.float32)
    return normalised_mean(sentences.mean(axis=0))


def normalised_mean(mean: np.ndarray) -> np.ndarray:
    """`document_vector` from the sentences' mean, when the caller has it already (the same bits)."""
    v = mean.astype(np.float32)
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


def centre_by_language(vectors: np.ndarray, langs: list, usable: list[bool] | None = None) -> np.ndarray:
    """Document vectors minus their language's mean document vector, L2-normalised again.

    A mean of sentence embeddings is mostly what every document of a language shares (the
    encoder's common direction, the language's own): on a generated corpus of 1,000 documents
    with multilingual-e5-small, a translation was the nearest document of its language for 145 of
    242 gold pairs and outside the 10 nearest for 17. Taking each language's mean away leaves what
    the document says: 242 of 242 at rank 1 (docs/pairing.md). Rows not `usable` are left as they are.
    """
    out = np.array(vectors, dtype=np.float32, copy=True)
    usable = usable if usable is not None else [True] * len(out)
    groups: dict = defaultdict(list)
    for k, lang in enumerate(langs):
        if usable[k]:
            groups[lang].append(k)
    for rows in groups.values():
        idx = np.asarray(rows, dtype=np.int64)
        out[idx] -= out[idx].mean(axis=0)
        norms = np.linalg.norm(out[idx], axis=1, keepdims=True)
        out[idx] /= np.where(norms > 0, norms, 1.0)
    return out


@dataclass
class Candidates:
    """Candidate pairs (as index pairs i < j into the document list) and how they were found."""

    pairs: set[tuple[int, int]] = field(default_factory=set)
    mode: str = "exhaustive"
    neighbour_rank: dict[tuple[int, int], int] = field(default_factory=dict)  # best rank either side found the other
    queries: int = 0
    ordered: list[tuple[int, int]] | None = None  # `pairs` sorted, when the finder made them in order

    def in_order(self) -> list[tuple[int, int]]:
        """The pairs sorted (i, then j): the order they are scored and reported in."""
        return self.ordered if self.ordered is not None else sorted(self.pairs)


def exhaustive(langs: list[str | None]) -> Candidates:
    """Every pair of documents (same-language ones too, for near-duplicate detection)."""
    n = len(langs)
    return Candidates({(i, j) for i in range(n) for j in range(i + 1, n)}, "exhaustive")


_ray_mapped_first = False  # Ray's native library was mapped before usearch's (usearch_index_class)


def usearch_index_class():
    """usearch's Index, loaded after Ray's native library when Ray is installed.

    usearch's extension (2.17, 2.26.3-2.26.6 at least) carries its own copy of libstdc++'s std::regex
    internals, which the dynamic linker binds process-wide (unique symbols) to whichever library is
    loaded first: once usearch is in, a later `ray.init` in the same process dies in its GCS client
    (std::regex_error, the interpreter aborted). Mapping Ray's `_raylet` first (a dlopen, ~0.03 s, no
    Ray started or imported) makes its copy the one both use, so a Ray engine can start after pairing.
    """
    import sys

    if "usearch.compiled" not in sys.modules:
        _map_ray_native_library()
    from usearch.index import Index

    return Index


def ray_can_start() -> bool:
    """False when usearch is loaded in this process and Ray's library was not mapped before it."""
    import sys

    return _ray_mapped_first or "usearch.compiled" not in sys.modules


def _map_ray_native_library() -> None:
    import ctypes
    import importlib.util
    import os

    global _ray_mapped_first
    try:
        spec = importlib.util.find_spec("ray")
        folder = os.path.dirname(spec.origin) if spec is not None and spec.origin else None
        names = sorted(f for f in os.listdir(folder) if f.startswith("_raylet") and f.endswith(".so")) if folder else []
        if names:
            ctypes.CDLL(os.path.join(folder, names[0]), mode=os.RTLD_NOW | os.RTLD_LOCAL)
            _ray_mapped_first = True
    except (ImportError, ValueError, OSError):  # no Ray, or a broken install: pairing does not need it
        pass


def ann(vectors: np.ndarray, langs: list[str | None], k: int, usable: list[bool] | None = None) -> Candidates:
    """The k nearest documents of each document in every language (its own included), by an HNSW index.

    Documents not `usable` (no sentences, so no vector) are left out of the index and the queries.
    """
    Index = usearch_index_class()
    n, dim = vectors.shape
    usable = usable if usable is not None else [True] * n
    queries = np.asarray([q for q in range(n) if usable[q]], dtype=np.int64)
    by_lang: dict[str | None, list[int]] = defaultdict(list)
    for idx, lang in enumerate(langs):
        if usable[idx]:
            by_lang[lang].append(idx)
    out = Candidates(mode="ann")
    k = max(1, k)
    q_col = queries[:, None]
    found_lo, found_hi, found_rank = [], [], []
    for lang, members in by_lang.items():
        members_arr = np.asarray(members, dtype=np.int64)
        index = Index(ndim=dim, metric="cos", dtype="f32")
        # one thread: HNSW construction order must not depend on scheduling (reproducible runs)
        index.add(members_arr, np.ascontiguousarray(vectors[members_arr]), threads=1)
        # query with every document; same-language queries ask for one more (the document itself)
        found = index.search(np.ascontiguousarray(vectors[queries]), min(k + 1, len(members)), threads=1)
        out.queries += len(queries)
        keys = np.asarray(found.keys, dtype=np.int64).reshape(len(queries), -1)
        counts = np.asarray(found.counts, dtype=np.int64).reshape(len(queries))
        # each query's first k results other than itself, ranked 1..k (the whole table at once)
        valid = (np.arange(keys.shape[1])[None, :] < counts[:, None]) & (keys != q_col)
        rank = np.cumsum(valid, axis=1)
        keep = valid & (rank <= k)
        q_of = np.broadcast_to(q_col, keys.shape)[keep]
        key_of = keys[keep]
        found_lo.append(np.minimum(q_of, key_of).astype(np.int32))
        found_hi.append(np.maximum(q_of, key_of).astype(np.int32))
        found_rank.append(rank[keep].astype(np.int32))
        del keys, valid, rank, keep, q_of, key_of
    if found_lo:
        lo, hi, rank = (np.concatenate(x) for x in (found_lo, found_hi, found_rank))
        del found_lo, found_hi, found_rank
        # each pair once, with the best rank either side found the other, in (i, j) order
        order = np.lexsort((rank, hi, lo))
        lo, hi, rank = lo[order], hi[order], rank[order]
        del order
        first = np.ones(len(lo), dtype=bool)
        first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
        lo, hi, rank = lo[first], hi[first], rank[first]
        # the pairs' numbers are the documents' own int objects (one per document, not one per pair end),
        # made a slice at a time (the lists of numbers are temporary)
        get = list(range(n)).__getitem__
        pairs: list[tuple[int, int]] = []
        for s in range(0, len(lo), 1 << 16):
            pairs.extend(zip(map(get, lo[s:s + (1 << 16)].tolist()), map(get, hi[s:s + (1 << 16)].tolist())))
        out.ordered = pairs
        out.pairs = set(pairs)
        out.neighbour_rank = dict(zip(pairs, rank.tolist()))
    else:
        out.ordered = []
    return out
