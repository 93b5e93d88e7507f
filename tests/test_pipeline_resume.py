"""Resume: kill -9 at random points, re-run the same command, get the output of an uninterrupted run.

The runs are real `aligner run` subprocesses on a generated corpus (bench/make_corpus.py) with the
pipeline's test hook for the encoder (a deterministic fake that knows the corpus's translations),
small shards and pair batches so that a kill lands between, and inside, many units.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a dozen `aligner run` subprocesses

ROOT = Path(__file__).resolve().parent.parent
FILES = ["documents.jsonl", "pairs.jsonl", "aligned.jsonl", "flags.jsonl", "aligned.tmx", "aligned.tsv",
         "report.html", "summary.json"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "bench"))
    from make_corpus import generate

    folder = tmp_path_factory.mktemp("resume") / "corpus"
    generate(24, folder, seed=5)
    config = folder.parent / "aligner.toml"
    config.write_text("[engine]\nshard_size = 3\nbatch_size = 2\n", encoding="utf-8")
    return folder, config


def _env(corpus_dir: Path) -> dict[str, str]:
    return dict(os.environ, ALIGNER_TEST_ENCODER="fakes:translating_encoder",
                ALIGNER_FAKE_MEANINGS=str(corpus_dir / "gold.json"), PYTHONPATH=str(ROOT / "tests"),
                ALIGNER_CACHE_DIR=str(corpus_dir.parent / "cache"))


def _cmd(corpus_dir, config, out, *extra):
    return [sys.executable, "-m", "aligner", "-v", "run", str(corpus_dir), "-o", str(out), "-c", str(config), *extra]


def _run(corpus_dir, config, out, *extra) -> str:
    proc = subprocess.run(_cmd(corpus_dir, config, out, *extra), capture_output=True, text=True,
                          env=_env(corpus_dir), cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stderr


def _units(log: str) -> dict[str, tuple[int, int]]:
    """stage -> (units run, units reused), from the -v log."""
    return {m[1]: (int(m[2]), int(m[3])) for m in re.finditer(r"aligner: (\w+) \.\.\. \((\d+) units to run, (\d+) reused\)", log)}


def normalised(out: Path) -> dict[str, str]:
    """Every contract file's text, timings aside (summary.json's `timings` and manifest, the report's run time)."""
    texts = {}
    for name in FILES:
        text = (out / name).read_text(encoding="utf-8")
        if name == "summary.json":
            data = json.loads(text)
            data.pop("timings")
            # the manifest hashes report.html, whose header shows the run time; every file is compared itself
            data.pop("files", None)
            text = json.dumps(data, sort_keys=True)
        elif name == "report.html":
            text = re.sub(r" · [\d.]+ s</div>", "</div>", text)
        texts[name] = text
    return texts


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    folder, config = corpus
    out = tmp_path_factory.mktemp("reference") / "out"
    log = _run(folder, config, out)
    t0 = time.perf_counter()
    _run(folder, config, tmp_path_factory.mktemp("timing") / "out")
    return out, time.perf_counter() - t0, log


def test_reference_run_has_work_in_every_stage(reference):
    out, _, log = reference
    units = _units(log)
    assert set(units) >= {"scan", "segment", "embed", "roles", "pair", "align", "check", "records"}
    assert units["align"][0] >= 3 and units["scan"][0] >= 8  # many units: kills land between them
    assert all(reused == 0 for _, reused in units.values())
    assert json.loads((out / "summary.json").read_text())["counts"]["pairs"]["by_relation"]["parallel"] >= 3


def test_same_command_again_reuses_every_unit_and_writes_the_same_bytes(corpus, reference):
    folder, config = corpus
    out, _, _ = reference
    before = normalised(out)
    log = _run(folder, config, out)
    assert all(run == 0 for run, _ in _units(log).values()), _units(log)
    assert normalised(out) == before


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_9_at_a_random_point_then_rerun_gives_the_uninterrupted_output(corpus, reference, tmp_path, seed):
    folder, config = corpus
    ref_out, duration, _ = reference
    out = tmp_path / "out"
    rng = random.Random(seed)
    proc = subprocess.Popen(_cmd(folder, config, out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=_env(folder), cwd=ROOT, start_new_session=True)
    time.sleep(rng.uniform(0.15, 0.9) * duration)
    killed = proc.poll() is None
    if killed:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    # units the killed run finished: the file each unit writes last
    finished = [p for p in (out / ".work").rglob("*") if re.fullmatch(r"\d{6}\.(docs|rec|meta|pkl)", p.name)] \
        if killed and (out / ".work").exists() else []
    log = _run(folder, config, out)
    assert normalised(out) == normalised(ref_out)
    units = _units(log)
    if finished:  # what the killed run finished is reused, not recomputed
        assert sum(reused for _, reused in units.values()) > 0, units
    assert not list(out.glob(".*.tmp")) and not list((out / ".work").rglob(".*.tmp"))


def test_a_changed_setting_reruns_its_stage_and_the_ones_after_it_only(corpus, reference, tmp_path):
    folder, config = corpus
    ref_out, _, _ = reference
    out = tmp_path / "out"
    _run(folder, config, out)
    log = _run(folder, config, out, "--min-score", "0.6")  # [clean]: only the records stage reads it
    units = _units(log)
    assert units["records"][0] > 0 and units["records"][1] == 0
    assert all(units[s][0] == 0 for s in ("scan", "segment", "embed", "roles", "pair", "align", "check")), units
    fresh = tmp_path / "fresh"
    _run(folder, config, fresh, "--min-score", "0.6")
    assert normalised(out) == normalised(fresh)
    assert normalised(out)["aligned.jsonl"] != normalised(ref_out)["aligned.jsonl"]


def test_workers_do_not_change_the_output(corpus, reference, tmp_path):
    folder, config = corpus
    ref_out, _, _ = reference
    out = tmp_path / "out"
    _run(folder, config, out, "--workers", "2")
    assert normalised(out) == normalised(ref_out)
