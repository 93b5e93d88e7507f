"""The output folder is whole or untouched: lock, staging, commit, verification (aligner.output.staging).

The kill -9 tests run the real CLI in a subprocess (tests/killable_run.py, fake encoder) that
pauses before every fsync/rename/unlink of the write stage, and kill it at one of those points,
chosen by seed, while it writes over an earlier run. Afterwards the folder must hold the old
run or the new run, whole, or every tool must refuse it with a one-line error.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aligner.errors import IncompleteOutput, InputError, OutputLocked
from aligner.output import write_outputs
from aligner.output.staging import (LOCK_NAME, STAGING_PREFIX, OutputLock, OutputTransaction, clean_stale,
                                    file_digest, verify_output)
from output_samples import sample_result

ROOT = Path(__file__).resolve().parent.parent
DRIVER = Path(__file__).resolve().parent / "killable_run.py"

EN = ("The weather was cold this morning. Anna walked to the station with her dog.\n\n"
      "The train was late again. She read a book while she waited for it.\n")
DE = ("Das Wetter war heute Morgen kalt. Anna ging mit ihrem Hund zum Bahnhof.\n\n"
      "Der Zug hatte wieder Verspätung. Sie las ein Buch, während sie auf ihn wartete.\n")
FR = ("Le temps était froid ce matin. Anna est allée à la gare avec son chien.\n\n"
      "Le train était encore en retard. Elle a lu un livre en l'attendant.\n")


def _snapshot(out: Path) -> dict[str, bytes]:
    """Every visible file of a folder (hidden lock/staging entries excluded)."""
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file() and not p.name.startswith(".")}


def _cli(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aligner", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300, env=dict(os.environ, PYTHONPATH=str(ROOT)))


# ---------------------------------------------------------------- the transaction itself

def test_commit_moves_every_file_and_records_the_manifest(tmp_path):
    out = tmp_path / "out"
    paths = write_outputs(sample_result(), out)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(paths)  # no lock file, no staging folder, no temporaries
    assert set(summary["files"]) == set(paths) - {"summary.json"}
    for name, entry in summary["files"].items():
        assert entry == file_digest(out / name)
    assert verify_output(out, mode="full")["run"] == summary["run"]


def test_leaving_without_commit_leaves_the_folder_as_it_was(tmp_path):
    out = tmp_path / "out"
    write_outputs(sample_result(), out)
    before = _snapshot(out)
    with pytest.raises(RuntimeError):
        with OutputTransaction(out) as tx:
            tx.path("aligned.jsonl").write_text("{}\n")
            raise RuntimeError("boom")
    assert _snapshot(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted(before)


@pytest.mark.parametrize("name", ["", "../x", "a/b", ".hidden", "summary.json"])
def test_staging_path_rejects_names_outside_the_folder(tmp_path, name):
    with OutputTransaction(tmp_path) as tx:
        with pytest.raises(ValueError):
            tx.path(name)


def test_a_file_the_new_run_does_not_write_is_removed(tmp_path):
    """A file of the previous set (in its manifest) that the new run does not produce must not linger."""
    out = tmp_path / "out"
    with OutputTransaction(out) as tx:
        tx.path("passages.jsonl").write_text('{"run": "r1"}\n')
        tx.commit({"run": "r1"})
    with OutputTransaction(out) as tx:
        tx.path("aligned.jsonl").write_text('{"run": "r2"}\n')
        tx.commit({"run": "r2"})
    assert sorted(p.name for p in out.iterdir()) == ["aligned.jsonl", "summary.json"]


def _pages(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def test_a_staged_folder_replaces_the_previous_one_at_the_commit_only(tmp_path):
    """The paged report's folder moves in whole at the commit: before it, OUT keeps the old pages."""
    out = tmp_path / "out"
    with OutputTransaction(out) as tx:
        (tx.folder("report") / "pair-000001.html").write_text("old 1")
        (tx.folder("report") / "pair-000002.html").write_text("old 2")
        tx.commit({"run": "r1"})
    assert _pages(out / "report") == {"pair-000001.html": "old 1", "pair-000002.html": "old 2"}
    with OutputTransaction(out) as tx:
        (tx.folder("report") / "pair-000001.html").write_text("new 1")
        assert _pages(out / "report") == {"pair-000001.html": "old 1", "pair-000002.html": "old 2"}
        tx.commit({"run": "r2"})
    assert _pages(out / "report") == {"pair-000001.html": "new 1"}  # the old run's second page is gone
    assert oct((out / "report").stat().st_mode & 0o700) == oct(0o700)  # a usable folder, not 0600
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_a_run_that_is_killed_before_its_commit_leaves_the_old_pages(tmp_path):
    out = tmp_path / "out"
    with OutputTransaction(out) as tx:
        (tx.folder("report") / "pair-000001.html").write_text("old")
        tx.commit({"run": "r1"})
    with pytest.raises(KeyboardInterrupt):
        with OutputTransaction(out) as tx:
            (tx.folder("report") / "pair-000001.html").write_text("half")
            raise KeyboardInterrupt
    assert _pages(out / "report") == {"pair-000001.html": "old"}


def test_a_run_without_pages_removes_the_old_folder_but_never_a_users_files(tmp_path):
    out = tmp_path / "out"
    with OutputTransaction(out) as tx:
        (tx.folder("report") / "index-0002.html").write_text("old")
        tx.commit({"run": "r1"})
    with OutputTransaction(out) as tx:
        tx.path("report.html").write_text("one page")
        tx.commit({"run": "r2"})
    assert not (out / "report").exists()
    (out / "report").mkdir()
    (out / "report" / "notes.txt").write_text("mine")
    with OutputTransaction(out) as tx:
        tx.path("report.html").write_text("one page")
        tx.commit({"run": "r3"})
    assert _pages(out / "report") == {"notes.txt": "mine"}
    with OutputTransaction(out) as tx:
        (tx.folder("report") / "pair-000001.html").write_text("new")
        with pytest.raises(InputError, match="notes.txt"):
            tx.commit({"run": "r4"})
    assert _pages(out / "report") == {"notes.txt": "mine"}
    assert json.loads((out / "summary.json").read_text())["run"] == "r3"


@pytest.mark.parametrize("name", ["", "reports", "../report", ".report"])
def test_staging_folder_rejects_unknown_names(tmp_path, name):
    with OutputTransaction(tmp_path) as tx:
        with pytest.raises(ValueError):
            tx.folder(name)


# ---------------------------------------------------------------- disk full

@pytest.mark.parametrize("where", ["tmx", "report", "hash"])
def test_disk_full_over_an_earlier_run_leaves_it_whole(tmp_path, monkeypatch, where):
    import aligner.output.report
    import aligner.output.staging
    import aligner.output.tmx

    out = tmp_path / "out"
    write_outputs(sample_result(), out)
    before = _snapshot(out)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    target = {"tmx": (aligner.output.tmx, "write_tmx"), "report": (aligner.output.report, "write_report"),
              "hash": (aligner.output.staging, "file_digest")}[where]
    monkeypatch.setattr(*target, full)
    result = sample_result()
    result.documents = result.documents[:1]  # a different run: its files would differ
    with pytest.raises(InputError, match="No space left on device"):
        write_outputs(result, out)
    assert _snapshot(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted(before)  # staging and lock gone
    monkeypatch.undo()
    verify_output(out, mode="full")


def test_a_commit_failing_half_way_leaves_a_folder_tools_refuse(tmp_path, monkeypatch):
    """An error between the first and the last move (after the old summary.json is gone) must not leave
    a mix that looks like a hand-made folder: the staging folder stays, marked, and tools refuse."""
    import aligner
    import aligner.output.staging as staging

    out = tmp_path / "out"
    write_outputs(sample_result(), out)
    real_replace, calls = os.replace, []

    def flaky(src, dst):  # os.replace everywhere; only moves into OUT (the commit) count
        if Path(dst).parent == out:
            calls.append(dst)
        if len(calls) == 3 and Path(dst).parent == out:
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(staging.os, "replace", flaky)
    result = sample_result()
    result.documents = result.documents[:1]
    with pytest.raises(InputError, match="the folder is incomplete, run again"):
        write_outputs(result, out)
    monkeypatch.undo()
    assert not (out / "summary.json").exists()
    with pytest.raises(IncompleteOutput, match="was interrupted"):
        list(aligner.read_aligned(out))
    write_outputs(sample_result(), out)  # the next run cleans up and completes
    verify_output(out, mode="full")
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


def test_disk_full_on_a_tiny_tmpfs(tmp_path):
    """A real full disk where a tmpfs can be mounted (root in a container); skipped elsewhere."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        out = mnt / "out"
        small = sample_result()
        small.documents = small.documents[:1]
        small.pairs, small.records, small.flags, small.aligned = [], [], [], []
        write_outputs(small, out)
        before = _snapshot(out)
        big = sample_result()
        big.records = big.records * 400  # far more than 64 KiB
        with pytest.raises(InputError, match="No space left"):
            write_outputs(big, out)
        assert _snapshot(out) == before
        verify_output(out, mode="full")
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)


# ---------------------------------------------------------------- lock

def test_second_run_into_a_locked_folder_stops_with_one_line(tmp_path):
    out = tmp_path / "out"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "en.txt").write_text(EN, encoding="utf-8")
    with OutputLock(out):
        with pytest.raises(OutputLocked, match=f"{out}: another aligner run \\(pid {os.getpid()}\\) is writing"):
            write_outputs(sample_result(), out)
        proc = _cli("run", corpus, "-o", out)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and "another aligner run" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (out / "summary.json").exists()


def test_lock_is_released_and_its_file_removed(tmp_path):
    lock = OutputLock(tmp_path)
    with lock:
        assert (tmp_path / LOCK_NAME).is_file()
        with pytest.raises(OutputLocked):
            OutputLock(tmp_path).acquire()
    assert not (tmp_path / LOCK_NAME).exists()
    with OutputLock(tmp_path):  # free again
        pass


def test_concurrent_real_runs_the_second_stops(tmp_path):
    """A run paused in its write stage holds the lock: a second `aligner run` exits 2 at once."""
    old, out = tmp_path / "old", tmp_path / "out"
    old.mkdir()
    (old / "en.txt").write_text(EN, encoding="utf-8")
    (old / "de.txt").write_text(DE, encoding="utf-8")
    first = subprocess.Popen([sys.executable, str(DRIVER), str(old), str(out)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        line = first.stdout.readline()
        assert line.startswith("STEP 1 "), line + first.stderr.read()
        second = _cli("run", old, "-o", out)
        assert second.returncode == 2
        assert "another aligner run" in second.stderr and f"pid {first.pid}" in second.stderr, second.stderr
    finally:
        first.kill()
        first.wait()


# ---------------------------------------------------------------- stale temporaries

def test_stale_temporaries_of_killed_runs_are_cleaned_and_nothing_else(tmp_path):
    out = tmp_path / "out"
    write_outputs(sample_result(), out)
    stale = [out / ".aligned.jsonl.k2j3h4.tmp", out / ".summary.json.abc.tmp", out / f"{STAGING_PREFIX}dead"]
    stale[0].write_text("half")
    stale[1].write_text("half")
    stale[2].mkdir()
    (stale[2] / "aligned.jsonl").write_text("half")
    keep = [out / ".gitignore", out / "notes.tmp", out / ".mine.txt.x.tmp"]
    for p in keep:
        p.write_text("user's")
    write_outputs(sample_result(), out)
    assert not any(p.exists() for p in stale)
    assert all(p.read_text() == "user's" for p in keep)


def test_clean_stale_returns_what_it_removed(tmp_path):
    (tmp_path / ".flags.jsonl.1.tmp").write_text("x")
    (tmp_path / ".other.1.tmp").write_text("x")
    assert clean_stale(tmp_path) == [".flags.jsonl.1.tmp"]
    assert clean_stale(tmp_path, ("other",)) == [".other.1.tmp"]


# ---------------------------------------------------------------- verification

def _tamper_size(out):
    with open(out / "aligned.jsonl", "a", encoding="utf-8") as fh:
        fh.write("\n")


def _tamper_same_size(out):
    data = bytearray((out / "flags.jsonl").read_bytes())
    i = data.index(b'"severity": "') + len(b'"severity": "')
    data[i] = ord("x") if data[i] != ord("x") else ord("y")
    (out / "flags.jsonl").write_bytes(bytes(data))


def _other_run_file(out):
    other = out.parent / "other"
    result = sample_result()
    result.signature = {**result.signature, "thresholds": {"changed": True}}
    write_outputs(result, other)
    (out / "documents.jsonl").write_bytes((other / "documents.jsonl").read_bytes())


def _missing(out):
    (out / "pairs.jsonl").unlink()


def _interrupted(out):
    (out / "summary.json").unlink()
    (out / f"{STAGING_PREFIX}x").mkdir()
    (out / f"{STAGING_PREFIX}x" / "COMMITTING").write_text("")


def _interrupted_before_aligned(out):
    _interrupted(out)
    (out / "aligned.jsonl").unlink()  # killed before this file was moved in (a fresh folder)


@pytest.mark.parametrize("tamper, quick, message", [
    (_tamper_size, True, "mixed output: aligned.jsonl has"),
    (_tamper_same_size, False, "SHA-256 of flags.jsonl"),
    (_other_run_file, True, "mixed output: documents.jsonl"),
    (_missing, True, "pairs.jsonl is missing"),
    (_interrupted, True, "a run was interrupted"),
    (_interrupted_before_aligned, True, "a run was interrupted"),
], ids=["size", "same-size-edit", "other-run", "missing", "interrupted", "interrupted-no-aligned"])
def test_tools_refuse_a_mixed_or_incomplete_folder(tmp_path, tamper, quick, message):
    import aligner
    from aligner.output.export import export
    from aligner.output.gate import check

    out = tmp_path / "out"
    write_outputs(sample_result(), out)
    tamper(out)
    with pytest.raises(IncompleteOutput, match=message):
        verify_output(out, mode="full")
    with pytest.raises(IncompleteOutput, match=message):
        check(out)  # the gate hashes every file
    if quick:  # what the cheap check catches
        with pytest.raises(IncompleteOutput, match=message):
            list(aligner.read_aligned(out))
        with pytest.raises(IncompleteOutput, match=message):
            export(out, "tsv", tmp_path / "x.tsv")
    else:
        assert list(aligner.read_aligned(out))  # size and stamp agree: only the full hash tells
        with pytest.raises(IncompleteOutput, match=message):
            list(aligner.read_aligned(out, verify="full"))
    proc = _cli("check", out)
    assert proc.returncode == 2 and "aligner: error:" in proc.stderr and message.split(":")[0] in proc.stderr
    assert proc.stderr.strip().count("\n") == 0, proc.stderr
    proc = _cli("export", out, "-f", "tsv", "--verify", "full")
    assert proc.returncode == 2 and proc.stdout == "", proc.stderr


def test_a_commit_in_progress_is_told_apart_from_an_interrupted_one(tmp_path):
    out = tmp_path / "out"
    write_outputs(sample_result(), out)
    _interrupted(out)
    with pytest.raises(IncompleteOutput, match="was interrupted"):
        verify_output(out)
    with OutputLock(out):
        with pytest.raises(IncompleteOutput, match="a run is moving its files into place right now"):
            verify_output(out)


def test_a_folder_without_manifest_is_read_as_before(tmp_path):
    """Hand-made folders and runs of earlier versions (no `files` in summary.json) still work."""
    import aligner

    out = tmp_path / "out"
    write_outputs(sample_result(), out)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    del summary["files"]
    (out / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    assert list(aligner.read_aligned(out))
    assert verify_output(out, mode="full")["run"] == summary["run"]


def test_an_exported_jsonl_next_to_a_run_is_not_verified_against_it(tmp_path):
    import aligner

    out = tmp_path / "out"
    write_outputs(sample_result(), out)
    (out / "subset.jsonl").write_bytes((out / "aligned.jsonl").read_bytes().splitlines(keepends=True)[0])
    assert len(list(aligner.read_aligned(out / "subset.jsonl", kept_only=False))) == 1


# ---------------------------------------------------------------- kill -9 during the write stage

def _write_corpus(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _drive(corpus: Path, out: Path, kill_at: int | None) -> list[str]:
    """Run the driver; answer every step, or kill -9 it when step `kill_at` is announced. Returns the steps seen."""
    proc = subprocess.Popen([sys.executable, str(DRIVER), str(corpus), str(out)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    steps: list[str] = []
    try:
        for line in proc.stdout:
            if not line.startswith("STEP "):
                continue
            steps.append(line.split(" ", 2)[2].strip())
            if len(steps) == kill_at:
                proc.kill()
                proc.wait()
                return steps
            proc.stdin.write("go\n")
            proc.stdin.flush()
        proc.wait(timeout=120)
        assert proc.returncode == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return steps


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """An old run (en+de) and a new run (en+fr+de changed) of the driver, and the new run's steps."""
    base = tmp_path_factory.mktemp("kill")
    old_corpus = _write_corpus(base / "old", {"en.txt": EN, "de.txt": DE})
    new_corpus = _write_corpus(base / "new", {"en.txt": EN, "fr.txt": FR, "de.txt": DE.replace("kalt", "warm")})
    old_out, new_out = base / "old-out", base / "new-out"
    _drive(old_corpus, old_out, None)
    steps = _drive(new_corpus, new_out, None)
    old, new = _snapshot(old_out), _snapshot(new_out)
    strip = lambda snap: {k: v for k, v in snap.items() if k not in ("summary.json", "report.html")}  # noqa: E731
    assert strip(old) != strip(new)
    return new_corpus, old_out, new, steps


def _outcome(out: Path, old: dict, new: dict) -> str:
    """"old" or "new" when the folder holds that run whole and tools accept it; "refused" when they refuse."""
    import aligner

    def same(a: dict, b: dict) -> bool:  # summary.json and report.html carry timings: compare the data
        skip = ("summary.json", "report.html")
        return {k: v for k, v in a.items() if k not in skip} == {k: v for k, v in b.items() if k not in skip}

    try:
        verify_output(out, mode="full")
        records = list(aligner.read_aligned(out))
    except IncompleteOutput as exc:
        assert "\n" not in str(exc)
        proc = _cli("check", out)
        assert proc.returncode == 2 and ("incomplete output" in proc.stderr or "mixed output" in proc.stderr)
        return "refused"
    snap = _snapshot(out)
    assert "summary.json" in snap, sorted(snap)
    summary = json.loads(snap["summary.json"])
    assert set(summary["files"]) | {"summary.json"} == set(snap), "files outside the manifest"
    assert len(records) == sum(1 for r in map(json.loads, snap["aligned.jsonl"].splitlines()) if r["keep"])
    if same(snap, old):
        return "old"
    assert same(snap, new), "the folder mixes two runs and the tools accept it"
    return "new"


SEEDS = [1, 2]


@pytest.mark.slow
def test_kill_9_during_writing_leaves_old_or_new_or_a_refusal(tmp_path, two_runs):
    """Kill points: by seed anywhere in the write stage, and by seed inside the commit's renames."""
    new_corpus, old_out, new, steps = two_runs
    old = _snapshot(old_out)
    # the commit window: from removing OUT/summary.json to moving the new one in
    first = next(i for i, s in enumerate(steps, 1) if s.startswith("unlink ") and s.endswith("-out/summary.json"))
    last = next(i for i, s in enumerate(steps, 1) if s.startswith("replace ") and s.endswith("/summary.json"))
    points = {random.Random(seed).randint(1, len(steps)) for seed in SEEDS}
    points |= {random.Random(seed).randint(first + 1, last) for seed in SEEDS} | {first, last, last + 1}
    outcomes = {}
    for k in sorted(points):
        out = tmp_path / f"out-{k}"
        shutil.copytree(old_out, out)
        _drive(new_corpus, out, k)
        outcomes[k] = _outcome(out, old, new)
    assert set(outcomes.values()) <= {"old", "new", "refused"}
    assert outcomes[first] == "old" and outcomes[last] == "refused" and outcomes[last + 1] == "new", outcomes
    # the next run into a killed folder cleans up after it and completes
    out = tmp_path / f"out-{last}"
    assert any(p.name.startswith(".") and p.name != ".work" for p in out.iterdir())
    _drive(new_corpus, out, None)
    assert _outcome(out, old, new) == "new"
    # nothing the killed run left (the work folder, .work, is what a re-run reuses: it stays)
    assert not [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".work"]
