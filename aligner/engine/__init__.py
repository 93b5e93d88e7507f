"""Where the pipeline's units of work run: this process, a local process pool, or a Ray cluster.

An engine runs one stage at a time: `engine.run(task, units, state)` calls `task(state, unit)` for
every unit, wherever the engine puts it, and yields each unit's small return value as it finishes
(any order). A task writes its unit's result into the work folder itself (aligner.engine.work), so
what crosses process boundaries is a unit description going out and a few counters coming back.
`state` (the configuration, the work folder, the encoder's recipe) is shipped to each worker once.

    engine = get_engine("local", workers=2)   # a process pool; workers=0: one per core
    engine = get_engine("ray", address="auto") # pip install 'aligner[ray]'
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, Protocol

from aligner.errors import ConfigError

ENGINES = ("local", "ray")


class Engine(Protocol):
    name: str
    workers: int

    def run(self, task: Callable[[Any, Any], Any], units: Iterable[Any], state: Any) -> Iterator[Any]: ...

    def release(self) -> None: ...  # between stage groups: give back what idle workers hold

    def close(self) -> None: ...


def get_engine(name: str = "local", *, workers: int = 1, address: str | None = None) -> Engine:
    """An engine by name: "local" (standard library process pool; 1 worker runs in this process) or "ray"."""
    if name == "local":
        from aligner.engine.local import LocalEngine

        if address:
            raise ConfigError("engine.address is for --engine ray; the local engine runs on this machine")
        return LocalEngine(workers)
    if name == "ray":
        from aligner.engine.ray_engine import RayEngine

        return RayEngine(address=address, workers=workers)
    raise ConfigError(f"unknown engine {name!r} (known: {', '.join(ENGINES)})")
