"""The local engine: units run in this process (1 worker) or in a pool of worker processes.

Standard library only (`concurrent.futures`). Each worker process receives the run's state once,
at start, and builds its own encoder on first use: one model load per worker, not per unit.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterable, Iterator

from aligner.errors import ConfigError

_STATE: Any = None


def _init(state: Any) -> None:
    global _STATE
    _STATE = state
    if hasattr(state, "in_worker"):
        state.in_worker()


def _call(task: Callable[[Any, Any], Any], unit: Any) -> Any:
    return task(_STATE, unit)


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class LocalEngine:
    name = "local"

    def __init__(self, workers: int = 1):
        if not isinstance(workers, int) or workers < 0:
            raise ConfigError(f"engine.workers: expected 0 (one per core) or more, got {workers!r}")
        self.workers = workers or cpu_count()
        self._pool = None
        self._pool_state = None

    def _executor(self, state: Any):
        from concurrent.futures import ProcessPoolExecutor
        import multiprocessing

        if self._pool is None or self._pool_state is not state:
            self.close()
            # "spawn": a fresh interpreter per worker, safe with the threads of the encoder and the
            # cache's SQLite connection of this process (fork would copy them mid-use)
            ctx = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_init, initargs=(state,))
            self._pool_state = state
        return self._pool

    def run(self, task: Callable[[Any, Any], Any], units: Iterable[Any], state: Any) -> Iterator[Any]:
        units = list(units)
        if not units:
            return
        if self.workers == 1 or len(units) == 1:
            for unit in units:
                yield task(state, unit)
            return
        from concurrent.futures import FIRST_COMPLETED, wait

        pool = self._executor(state)
        pending = set()
        todo = iter(units)
        for unit in todo:  # keep a bounded number of units in flight
            pending.add(pool.submit(_call, task, unit))
            if len(pending) >= 2 * self.workers:
                break
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                for unit in todo:
                    pending.add(pool.submit(_call, task, unit))
                    break
                yield fut.result()

    def release(self) -> None:
        """Stop the workers between stages that load different things (lingua's models in scan and
        segment, the encoder in embed, roles and align, the word lists in check) and before the
        parent's own steps (pairing, writing): an idle worker keeps everything it ever loaded, so
        two workers held ~2.5 GB at 10,000 documents where one process peaks at ~0.9 GB. The next
        stage starts new workers (a spawn and the imports, about a second each)."""
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
            self._pool_state = None
