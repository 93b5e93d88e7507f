"""wordfreq's word lists held in arrays: the same frequencies in about 40 % of the memory.

wordfreq keeps every word of a language it was asked about twice over, as Python strings: in the
cached lists of `get_frequency_list` and as the keys of `get_frequency_dict`'s cached dict. For the
eight default languages that is ~300 MB (2.8 M words) in every process that checks documents, which
is most of a check worker beside lingua's models. `install(wordfreq)` swaps the dict for a
`FrequencyTable` (the words' UTF-8 bytes in one buffer, their hashes sorted, one frequency band each)
and lets the cached lists go once a table is built. wordfreq's own `_word_frequency` (its tokeniser,
digit smashing, the combination of several tokens, the rounding) runs unchanged over the table, so
every answer is wordfreq's (tests/test_wordlists.py compares whole lists). Only wordfreq 3, whose
internals this relies on (`get_frequency_dict` read as a module global, bands of `cB_to_freq`), is
patched; any other version is left as it is.
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Iterator, Mapping

import numpy as np


class FrequencyTable(Mapping):
    """word -> frequency, as wordfreq's `get_frequency_dict` builds it from the same bands.

    `bands[i]` holds the words of frequency `band_frequency(-i)`; a word listed in two bands takes the
    later one's, as the dict's construction (later assignments win) gives it."""

    def __init__(self, bands: list[list[str]], band_frequency):
        words = [w for band in bands for w in band]
        self._band = np.repeat(np.arange(len(bands), dtype=np.uint16 if len(bands) < 2**16 else np.uint32),
                               [len(b) for b in bands])
        self._freq = [band_frequency(-i) for i in range(len(bands))]
        # one buffer, each word followed by a NUL (no word holds one; UTF-8 puts no 0 byte inside a
        # character): no short-lived bytes object per word, whose freed memory the allocator would keep
        joined = "\0".join(words)
        if joined.count("\0") != max(0, len(words) - 1):
            raise ValueError("a word list holds a NUL character")
        self._blob = joined.encode("utf-8", "surrogatepass") + b"\0"
        del joined
        starts = np.flatnonzero(np.frombuffer(self._blob, np.uint8) == 0) + 1
        self._offsets = np.zeros(len(words) + 1, np.int64 if len(self._blob) >= 2**31 else np.int32)
        self._offsets[1:] = starts  # word k: blob[offsets[k]:offsets[k + 1] - 1]
        hashes = np.fromiter((hash(w) for w in words), np.int64, len(words))
        order = np.argsort(hashes, kind="stable")  # equal hashes keep the lists' order
        self._hashes = hashes[order]
        self._order = order.astype(np.int32)
        # look-ups read Python ints through memoryviews: bisect over one is faster than numpy's per-call path
        self._h, self._o, self._off, self._b = (memoryview(a) for a in (self._hashes, self._order, self._offsets,
                                                                        self._band))
        self._last: tuple[str | None, int] = (None, -1)  # wordfreq asks `in` then `[]` for the same word

    def _index(self, word: str) -> int:
        """Position of `word` in the lists (the last one when listed twice), -1 when absent."""
        if word is self._last[0]:
            return self._last[1]
        found = -1
        if isinstance(word, str):
            hashes, h = self._h, hash(word)
            i = bisect_left(hashes, h)
            raw = None
            while i < len(hashes) and hashes[i] == h:
                k = self._o[i]
                if raw is None:
                    raw = word.encode("utf-8", "surrogatepass")
                if self._blob[self._off[k]:self._off[k + 1] - 1] == raw:
                    found = k
                i += 1
        self._last = (word, found)
        return found

    def __contains__(self, word: object) -> bool:
        return self._index(word) >= 0  # type: ignore[arg-type]

    def __getitem__(self, word: str) -> float:
        k = self._index(word)
        if k < 0:
            raise KeyError(word)
        return self._freq[self._b[k]]

    def __len__(self) -> int:
        return len(self._hashes)

    def __iter__(self) -> Iterator[str]:
        """The words in the lists' order (a word listed twice comes twice: wordfreq's lists never do)."""
        for k in range(len(self._hashes)):
            yield self._blob[self._off[k]:self._off[k + 1] - 1].decode("utf-8", "surrogatepass")


def install(wordfreq) -> bool:
    """Make `wordfreq` (the imported module) build FrequencyTables instead of dicts. True when it does."""
    if getattr(wordfreq, "_aligner_tables", False):
        return True
    try:
        from importlib import metadata

        version = metadata.version("wordfreq")
    except Exception:  # noqa: BLE001 - no distribution metadata: not the package this was written for
        return False
    needed = ("get_frequency_dict", "get_frequency_list", "cB_to_freq", "_word_frequency")
    if version.split(".")[0] != "3" or not all(hasattr(wordfreq, n) for n in needed):
        return False
    lists = wordfreq.get_frequency_list

    @functools.lru_cache(maxsize=None)
    def get_frequency_dict(lang: str, wordlist: str = "best", match_cutoff=None) -> FrequencyTable:
        table = FrequencyTable(lists(lang, wordlist), wordfreq.cB_to_freq)
        if hasattr(lists, "cache_clear"):
            lists.cache_clear()  # the strings now live in the table's buffer; top_n_list reads the file again
        return table

    wordfreq.get_frequency_dict = get_frequency_dict
    wordfreq._aligner_tables = True
    return True
