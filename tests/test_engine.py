"""Engines: the same output whatever runs the units (this process, a process pool, a real local Ray cluster)."""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from fakes import FakeEncoder
from test_pipeline_resume import normalised

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "bench"))
    from make_corpus import generate

    folder = tmp_path_factory.mktemp("engine") / "corpus"
    gold = generate(18, folder, seed=21)
    return folder, gold["meanings"]


def _config():
    from aligner.config import from_mapping

    return from_mapping({"engine": {"shard_size": 3, "batch_size": 2}, "encoder": {"cache": False}})


@pytest.fixture(scope="module")
def local_out(corpus, tmp_path_factory):
    from aligner.pipeline import run

    folder, meanings = corpus
    out = tmp_path_factory.mktemp("local") / "out"
    run(folder, out, config=_config(), encoder=FakeEncoder(translations=meanings))
    return out


def test_unknown_engine_and_bad_settings_are_config_errors():
    from aligner.config import from_mapping
    from aligner.engine import get_engine
    from aligner.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown engine"):
        get_engine("spark")
    with pytest.raises(ConfigError, match="engine.workers"):
        from_mapping({"engine": {"workers": -1}})
    with pytest.raises(ConfigError, match="only the ray engine"):
        from_mapping({"engine": {"address": "auto"}})
    with pytest.raises(ConfigError, match="engine.address"):
        from_mapping({"engine": {"name": "ray", "address": "not an address"}})
    assert from_mapping({"engine": {"name": "ray", "address": "ray://head:10001"}}).engine.address == "ray://head:10001"


def test_local_pool_of_two_workers_gives_the_same_output(corpus, local_out, tmp_path):
    from aligner.engine import get_engine
    from aligner.pipeline import run

    folder, meanings = corpus
    engine = get_engine("local", workers=2)
    try:
        result = run(folder, tmp_path / "out", config=_config(), encoder=FakeEncoder(translations=meanings),
                     engine=engine)
    finally:
        engine.close()
    assert result.summary["counts"]["pairs"]["by_relation"]["parallel"] >= 2
    assert normalised(tmp_path / "out") == normalised(local_out)


def _worker_pid(state, unit):
    import os

    return os.getpid()


def test_release_stops_the_idle_workers_and_the_next_stage_starts_new_ones():
    import os

    from aligner.engine.local import LocalEngine

    engine = LocalEngine(2)
    try:
        first = set(engine.run(_worker_pid, range(6), state="s"))
        assert first and os.getpid() not in first
        engine.release()
        assert engine._pool is None
        for pid in first:  # shutdown joins them: gone, not just idle
            assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
        second = set(engine.run(_worker_pid, range(6), state="s"))
        assert second and not second & first
    finally:
        engine.close()


class LockingEncoder(FakeEncoder):
    """Picklable until it first encodes, as a real encoder is (a loaded model, its cache's connection)."""

    def encode(self, texts, *, kind="passage"):
        import threading

        self._lock = threading.Lock()
        return super().encode(texts, kind=kind)


def test_a_pool_started_after_a_one_unit_stage_ships_the_encoder_as_given(corpus, tmp_path):
    """One shard (scan to roles run here, one unit each: the encoder is used and no longer pickles), then
    align and check in several units: the pool those start gets the encoder as it was before any unit."""
    from aligner.config import from_mapping
    from aligner.engine import get_engine
    from aligner.pipeline import run

    folder, meanings = corpus
    config = from_mapping({"engine": {"shard_size": 64, "batch_size": 1}, "encoder": {"cache": False}})
    run(folder, tmp_path / "one", config=config, encoder=LockingEncoder(translations=meanings))
    engine = get_engine("local", workers=2)
    try:
        two = run(folder, tmp_path / "two", config=config, encoder=LockingEncoder(translations=meanings),
                  engine=engine)
    finally:
        engine.close()
    assert two.summary["counts"]["pairs"]["by_relation"]["parallel"] >= 2  # several align units: a pool ran
    assert normalised(tmp_path / "two") == normalised(tmp_path / "one")


def test_workers_are_released_between_stage_groups_that_load_different_things(corpus, tmp_path):
    """scan+segment (lingua), embed+roles (encoder), pairing (parent), align (encoder), check+records
    (lingua, word lists): an idle worker keeps what it loaded, so each group gets fresh workers."""
    from aligner.engine.local import LocalEngine
    from aligner.pipeline import run

    class Recording(LocalEngine):
        def __init__(self):
            super().__init__(1)
            self.groups = [[]]

        def run(self, task, units, state):
            self.groups[-1].append(task.__name__.strip("_").replace("_unit", ""))
            yield from super().run(task, units, state)

        def release(self):
            self.groups.append([])
            super().release()

    folder, meanings = corpus
    engine = Recording()
    run(folder, tmp_path / "out", config=_config(), encoder=FakeEncoder(translations=meanings), engine=engine)
    assert engine.groups == [["scan", "segment"], ["embed", "roles"], ["align"], ["check", "records"]]


@pytest.mark.slow
def test_a_real_local_ray_cluster_gives_the_local_engines_output(corpus, local_out, tmp_path):
    pytest.importorskip("ray")
    from aligner.engine.ray_engine import RayEngine
    from aligner.pipeline import run

    folder, meanings = corpus
    temp = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: Ray's socket paths have a length limit
    engine = RayEngine(num_cpus=2, temp_dir=temp, runtime_env={"env_vars": {"PYTHONPATH": str(ROOT / "tests")}})
    try:
        assert engine.workers == 2
        result = run(folder, tmp_path / "out", config=_config(), encoder=FakeEncoder(translations=meanings),
                     engine=engine)
    finally:
        engine.close()
        shutil.rmtree(temp, ignore_errors=True)
    assert result.summary["counts"]["documents"]["total"] == 18
    assert normalised(tmp_path / "out") == normalised(local_out)


def test_every_stage_reports_items_rate_and_eta_on_stderr_and_nothing_when_quiet(corpus, tmp_path, capsys):
    from aligner.config import from_mapping
    from aligner.pipeline import run

    folder, meanings = corpus
    loud = from_mapping({"engine": {"shard_size": 3, "batch_size": 2}, "encoder": {"cache": False, "progress": "always"}})
    run(folder, tmp_path / "loud", config=loud, encoder=FakeEncoder(translations=meanings))
    err = capsys.readouterr().err
    for stage, unit in (("scan", "docs"), ("segment", "docs"), ("embed", "docs"), ("align", "pairs"),
                        ("check", "docs"), ("records", "pairs")):
        lines = [x for x in err.splitlines() if x.startswith(stage)]
        assert lines, (stage, err)
        assert re.search(rf"{stage}\s+\[#+-*\] \d+/\d+ +\d+% [\d.,]+ {unit}/s eta \d+s", lines[-1]), lines[-1]
        assert "100%" in lines[-1]
    quiet = from_mapping({"engine": {"shard_size": 3, "batch_size": 2}, "encoder": {"cache": False, "progress": "never"}})
    run(folder, tmp_path / "quiet", config=quiet, encoder=FakeEncoder(translations=meanings))
    assert capsys.readouterr().err == ""


_AFTER_PAIRING = """
import sys, tempfile, shutil
import numpy as np
{first}
from aligner.engine.ray_engine import RayEngine
from aligner.errors import ConfigError
temp = tempfile.mkdtemp(prefix="ray", dir="/tmp")
try:
    engine = RayEngine(num_cpus=1, temp_dir=temp)
except ConfigError as exc:
    print("ConfigError:", exc)
    sys.exit(3)
import ray
print("ray answers", ray.get(ray.remote(lambda x: x + 1).remote(41)))
engine.close()
shutil.rmtree(temp, ignore_errors=True)
"""


@pytest.mark.slow
@pytest.mark.parametrize("first, code, says", [
    # aligner's own ANN pairing loads usearch after Ray's native library: Ray still starts afterwards
    ("from aligner.pair.candidates import ann\n"
     "ann(np.random.default_rng(0).random((40, 8), dtype=np.float32), ['a'] * 20 + ['b'] * 20, 3)",
     0, "ray answers 42"),
    # usearch loaded by someone else first: a clear error, not an interpreter killed by std::regex_error
    ("import usearch.compiled", 3, "ConfigError: usearch was loaded in this process before Ray"),
])
def test_ray_engine_after_usearch_in_the_same_process(first, code, says):
    pytest.importorskip("ray")
    import subprocess

    proc = subprocess.run([sys.executable, "-c", _AFTER_PAIRING.format(first=first)], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == code, proc.stderr[-2000:]
    assert says in proc.stdout


class ShippingEngine:
    """One worker that is not this process, as a Ray engine with workers=1 is: every unit gets the state
    pickled and unpickled (a fresh copy each time, as a task on another process)."""

    name = "ray"
    workers = 1

    def run(self, task, units, state):
        import pickle

        for unit in units:
            yield task(pickle.loads(pickle.dumps(state)), unit)

    def release(self):
        pass

    def close(self):
        pass


def test_one_worker_in_another_process_gets_the_injected_encoder(corpus, local_out, tmp_path):
    """Whether the encoder is shipped depends on the state leaving this process, not on the worker count:
    a Ray engine with one worker still runs its units elsewhere, with the encoder the run was given."""
    from aligner.pipeline import run

    folder, meanings = corpus
    run(folder, tmp_path / "out", config=_config(), encoder=FakeEncoder(translations=meanings),
        engine=ShippingEngine())
    assert normalised(tmp_path / "out") == normalised(local_out)
