"""The Ray engine: units of work as Ray tasks, the encoder's units on a pool of actors.

    pip install 'aligner[ray]'
    aligner run crawl/ -o out --engine ray                   # a Ray started on this machine for the run
    aligner run crawl/ -o out --engine ray --address auto    # the cluster this machine belongs to
    aligner run crawl/ -o out --engine ray --address ray://head:10001

Stages that need no model (scan, segment, check, records) run as plain Ray tasks. Stages that
encode (embed, roles, align) run on a pool of `_EncoderWorker` actors, each holding one encoder
loaded once for the whole run; when the cluster has GPUs each actor asks for one (`num_gpus=1`)
and the sentence-transformers backend runs on CUDA there. Every worker needs the same aligner
(and encoder backend) installed as the driver, and must see the corpus folder and the work folder
at the same paths (a shared file system, as on Slurm or a Kubernetes volume): units read their
inputs from the work folder and write their results into it, so only unit numbers and a few
counters travel through Ray.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Callable, Iterable, Iterator

from aligner.errors import ConfigError

log = logging.getLogger("aligner")

ENCODER_TASKS = ("_embed_unit", "_roles_unit", "_align_unit")
_STATES: dict[str, Any] = {}  # per worker process: the run's state, kept across tasks (encoder loaded once)


def _state_key(state: Any) -> str:
    return f"{state.work}|{sorted(state.keys.items())}"


def _local_state(state: Any) -> Any:
    key = _state_key(state)
    cached = _STATES.get(key)
    if cached is None:
        if hasattr(state, "in_worker"):
            state.in_worker()
        _STATES.clear()
        _STATES[key] = cached = state
    return cached


def _run_task(task: Callable[[Any, Any], Any], state: Any, unit: Any) -> Any:
    return task(_local_state(state), unit)


def _refuse_after_usearch() -> None:
    """A clear error instead of an aborted interpreter (aligner.pair.candidates.usearch_index_class)."""
    from aligner.pair.candidates import ray_can_start

    if not ray_can_start():
        raise ConfigError("usearch was loaded in this process before Ray, and Ray cannot start after it "
                          "(its GCS client aborts the interpreter): start the Ray engine before importing "
                          "usearch, or run it in a new process")


class RayEngine:
    name = "ray"

    def __init__(self, address: str | None = None, workers: int = 0, runtime_env: dict | None = None,
                 num_cpus: int | None = None, temp_dir: str | None = None):
        try:
            import ray
        except ImportError:
            raise ConfigError("the ray engine needs Ray: pip install 'aligner[ray]'") from None
        self._ray = ray
        if not ray.is_initialized():
            _refuse_after_usearch()
            env = {k: v for k, v in os.environ.items() if k.startswith("ALIGNER_") or k in ("PYTHONPATH", "HF_HUB_OFFLINE")}
            env_vars = {**env, **((runtime_env or {}).get("env_vars") or {})}
            kwargs: dict[str, Any] = {"runtime_env": {**(runtime_env or {}), "env_vars": env_vars},
                                      "log_to_driver": False, "include_dashboard": False}
            if address:
                kwargs["address"] = address
            else:  # a Ray of our own on this machine
                if num_cpus is not None:
                    kwargs["num_cpus"] = num_cpus
                if temp_dir is not None:
                    kwargs["_temp_dir"] = temp_dir
            try:
                ray.init(**kwargs)
            except ConnectionError as exc:
                raise ConfigError(f"cannot reach the Ray cluster at {address}: {exc}") from None
            self._started = True
        else:
            self._started = False
        resources = ray.cluster_resources()
        cpus = int(resources.get("CPU", 1))
        self.gpus = int(resources.get("GPU", 0))
        self.workers = workers or max(1, cpus)
        self._remote = ray.remote(_run_task)
        self._actors: list[Any] = []
        self._actor_state = None
        self._state_ref = None
        self._state_of_ref = None

    def _state(self, state: Any):
        if self._state_of_ref is not state:
            self._state_ref = self._ray.put(state)
            self._state_of_ref = state
        return self._state_ref

    def _pool(self, state: Any) -> list[Any]:
        """The encoder actors of this run (created once; one model load each)."""
        if self._actor_state is not state:
            for actor in self._actors:
                self._ray.kill(actor)
            n = self.workers if not self.gpus else min(self.workers, self.gpus)
            # num_cpus=0: stages run one after the other, so the actors never compete with the plain tasks
            # of other stages, and must not hold the CPUs those tasks wait for
            options = {"num_gpus": 1, "num_cpus": 0} if self.gpus else {"num_cpus": 0}
            cls = self._ray.remote(**options)(_EncoderWorker)
            ref = self._state(state)
            self._actors = [cls.remote(ref, bool(self.gpus)) for _ in range(n)]
            self._actor_state = state
        return self._actors

    def run(self, task: Callable[[Any, Any], Any], units: Iterable[Any], state: Any) -> Iterator[Any]:
        ray = self._ray
        units = list(units)
        if not units:
            return
        if task.__name__ in ENCODER_TASKS:
            actors = self._pool(state)
            pending = {}
            todo = iter(units)
            for actor in actors:  # one unit per actor in flight; the next goes to whichever finishes
                unit = next(todo, None)
                if unit is None:
                    break
                pending[actor.run.remote(task, unit)] = actor
            while pending:
                done, _ = ray.wait(list(pending), num_returns=1)
                actor = pending.pop(done[0])
                unit = next(todo, None)
                if unit is not None:
                    pending[actor.run.remote(task, unit)] = actor
                yield ray.get(done[0])
            return
        ref = self._state(state)
        pending = [self._remote.remote(task, ref, u) for u in units[: 2 * self.workers]]
        rest = iter(units[2 * self.workers:])
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            nxt = next(rest, None)
            if nxt is not None:
                pending.append(self._remote.remote(task, ref, nxt))
            yield ray.get(done[0])

    def release(self) -> None:
        """Nothing between stages: the cluster's workers are its own to manage, and the encoder actors
        serve embed, roles and align in turn (one model load each for the run)."""

    def close(self) -> None:
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors = []
        if self._started and self._ray.is_initialized():
            self._ray.shutdown()


class _EncoderWorker:
    """A Ray actor: the run's state with its encoder, built once; runs encoder units one at a time."""

    def __init__(self, state: Any, gpu: bool):
        if gpu and state.encoder is None and state.config.encoder.name.startswith("st:"):
            os.environ.setdefault("ALIGNER_DEVICE", "cuda")  # aligner.embed.st loads the model there
        self.state = _local_state(state)

    def run(self, task: Callable[[Any, Any], Any], unit: Any) -> Any:
        return task(self.state, unit)
