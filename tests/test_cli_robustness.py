"""Bad input through the real CLI: a clear error or a flagged record, never a traceback, never a lost document.

Two outcomes are allowed. A problem with the invocation (missing corpus, output path that is a
file, malformed config or manifest) is a clear error: exit 2 and one `aligner: error:` line naming
the path. A problem with one document of the corpus (binary, empty, too large, unreadable...) is a
flagged record: exit 0, the document in documents.jsonl with status "error" and its problem, and
listed in summary.json. The corpora are tiny and the embedding cache is shared by the module, so
the real encoder runs on a handful of sentences once. Runs that need the encoder go through
`aligner.cli.main` in this process (models load once); the error cases, which must fail before
any model loads, run `python -m aligner` in a subprocess and are checked on its real stderr.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

EN = ("The weather was cold this morning. Anna walked to the station with her dog.\n\n"
      "The train was late again. She read a book while she waited for it.\n")
DE = ("Das Wetter war heute Morgen kalt. Anna ging mit ihrem Hund zum Bahnhof.\n\n"
      "Der Zug hatte wieder Verspätung. Sie las ein Buch, während sie auf ihn wartete.\n")
FR = "Le café crème est délicieux. Nous mangeons ensemble près de la fenêtre chaque matin.\n"
WELSH = ("Mae'r tywydd yn oer iawn heddiw. Aeth Anna i'r orsaf gyda'i chi bach. "
         "Roedd y trên yn hwyr eto, felly darllenodd hi lyfr tra oedd hi'n aros.\n")
LIMIT_MB = 0.001  # segment.max_file_mb of the flagged corpus: 1048 bytes; every good file is smaller

# file name -> (content: bytes, None for a folder, str for a symlink target) and expected outcome:
# (status, substring of the problem or warning). Ids are the file names without extension.
FLAGGED = {
    "en.txt": (EN.encode(), "ok", None),
    "de.txt": (DE.encode(), "ok", None),
    "binary.txt": (b"\x00\x01\x02text\x00" * 50, "error", "binary"),
    "image.html": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "error", "PNG"),
    "empty.txt": (b"", "error", "empty"),
    "blank.txt": (b" \n\t\n  \r\n", "error", "whitespace"),
    "huge.txt": ((EN * 20).encode(), "error", "too large"),
    "folder.txt": (None, "error", "folder"),
    "dangling.txt": ("/nonexistent/target.txt", "error", "symbolic link"),
    "latin1.txt": (FR.encode("cp1252"), "ok", None),
    "utf16.txt": (codecs.BOM_UTF16_LE + FR.encode("utf-16-le"), "ok", None),
    "welsh.txt": (WELSH.encode(), "ok", "not among the configured languages"),
    "markup.html": (b"<html><head><script>var x = 1;</script></head><body><div></div></body></html>",
                    "ok", "no sentences"),
}


def _env(cache: Path) -> dict[str, str]:
    return dict(os.environ, HF_HUB_OFFLINE="1", ALIGNER_CACHE_DIR=str(cache))


def _aligner(args: list[str], cache: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aligner", *map(str, args)], capture_output=True, text=True,
                          env=dict(_env(cache), PYTHONPATH=str(ROOT)), cwd=cwd, timeout=600)


def _main(argv) -> tuple[int, str]:
    """`aligner ARGV` in this process (models stay loaded between runs): (exit code, what stderr shows).

    The CLI's own log handler (`setup_logging`) defers to pytest's, so a handler with the same
    format stands in for it: the text returned is what a terminal would show.
    """
    from aligner.cli import main

    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("aligner: %(message)s"))
    logger = logging.getLogger("aligner")
    logger.addHandler(handler)
    try:
        with contextlib.redirect_stderr(buffer), contextlib.redirect_stdout(io.StringIO()):
            with pytest.raises(SystemExit) as exit_info:
                main([str(a) for a in argv])
    finally:
        logger.removeHandler(handler)
    return exit_info.value.code, buffer.getvalue()


@pytest.fixture
def in_process(cache, monkeypatch):
    monkeypatch.setenv("ALIGNER_CACHE_DIR", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return _main


def _write_corpus(root: Path, files: dict) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, (content, *_rest) in files.items():
        path = root / name
        if content is None:
            path.mkdir()
        elif isinstance(content, str):
            path.symlink_to(content)
        else:
            path.write_bytes(content)
    return root


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("robust-cache")


@pytest.fixture(scope="module")
def flagged_run(tmp_path_factory, cache):
    """One run over a corpus where most files are bad in a different way."""
    base = tmp_path_factory.mktemp("flagged")
    corpus = _write_corpus(base / "corpus", FLAGGED)
    config = base / "aligner.toml"
    config.write_text(f"[segment]\nmax_file_mb = {LIMIT_MB}\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALIGNER_CACHE_DIR", str(cache))
        mp.setenv("HF_HUB_OFFLINE", "1")
        code, stderr = _main(["run", corpus, "--out", base / "out", "-c", config])
    return code, stderr, base


def test_flagged_run_exits_cleanly(flagged_run):
    """Bad documents are not a reason to fail the run: exit 0, no traceback."""
    code, stderr, _ = flagged_run
    assert code == 0, stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_every_file_has_a_record_with_its_outcome(flagged_run, name):
    """Each file, good or bad, is in documents.jsonl; bad ones say why, in the record and on stderr."""
    _, stderr, base = flagged_run
    _, status, note = FLAGGED[name]
    docs = {d["doc"]: d for d in _jsonl(base / "out" / "documents.jsonl")}
    summary = json.loads((base / "out" / "summary.json").read_text(encoding="utf-8"))
    problems = {p["doc"]: p for p in summary["counts"]["documents"]["problems"]}
    doc_id = name.rsplit(".", 1)[0]
    record = docs[doc_id]
    assert record["status"] == status
    if status == "error":
        assert note.lower() in record["problem"].lower()
        assert problems[doc_id]["problem"] == record["problem"]
        assert problems[doc_id]["path"].endswith(name)
        assert f"{name}: {record['problem']}" in stderr
        assert record["sentences"] == []
    else:
        assert doc_id not in problems
        assert record["problem"] is None
        if note:
            assert any(note in w for w in record["warnings"]), record["warnings"]
            assert name in stderr
        else:
            assert record["sentences"] and not record["warnings"]


def test_flagged_counts_add_up(flagged_run):
    """summary.json counts every document once: total = ok + error = number of files."""
    *_, base = flagged_run
    counts = json.loads((base / "out" / "summary.json").read_text(encoding="utf-8"))["counts"]["documents"]
    n_errors = sum(status == "error" for _, status, _ in FLAGGED.values())
    assert counts["total"] == len(FLAGGED) == counts["ok"] + counts["error"]
    assert counts["error"] == n_errors == len(counts["problems"])


def test_wrong_encodings_are_decoded_not_mangled(flagged_run):
    """A cp1252 file and a UTF-16 file read as the same French text, with the encoding recorded."""
    *_, base = flagged_run
    docs = {d["doc"]: d for d in _jsonl(base / "out" / "documents.jsonl")}
    for doc_id, encoding in [("latin1", "cp1252"), ("utf16", "utf-16")]:
        assert docs[doc_id]["encoding"].startswith(encoding), docs[doc_id]["encoding"]
        assert docs[doc_id]["lang"] == "fr"
        assert " ".join(s["text"] for s in docs[doc_id]["sentences"]) == FR.strip()


@pytest.mark.parametrize("where, same_files", [
    ("same-folder", ["aligned.jsonl", "documents.jsonl", "pairs.jsonl", "flags.jsonl", "aligned.tsv"]),
    ("moved-copy", ["aligned.jsonl", "pairs.jsonl", "flags.jsonl", "aligned.tsv"]),  # documents.jsonl has paths
])
def test_second_identical_run_is_byte_identical(flagged_run, in_process, where, same_files):
    """Stable bead ids and deterministic output: the same corpus gives the same bytes, wherever it lies."""
    *_, base = flagged_run
    corpus = base / "corpus"
    if where == "moved-copy":
        corpus = base / "elsewhere" / "corpus"
        shutil.copytree(base / "corpus", corpus, symlinks=True)
    again = base / f"again-{where}"
    code, err = in_process(["run", corpus, "--out", again, "-c", base / "aligner.toml"])
    assert code == 0 and "Traceback" not in err, err
    aligned = (base / "out" / "aligned.jsonl").read_bytes()
    assert aligned, "the en-de pair should give beads, or this test proves nothing"
    ids = [r["id"] for r in _jsonl(base / "out" / "aligned.jsonl")]
    assert len(set(ids)) == len(ids) and all(ids)
    for name in same_files:
        assert (again / name).read_bytes() == (base / "out" / name).read_bytes(), name


# --- clear errors -------------------------------------------------------------------------------

def _setup_error_case(tmp: Path) -> None:
    """Every input the error cases below point at."""
    _write_corpus(tmp / "corpus", {"en.txt": (EN.encode(),), "de.txt": (DE.encode(),)})
    (tmp / "afile.txt").write_text(EN, encoding="utf-8")
    (tmp / "out.txt").write_text("not a folder", encoding="utf-8")
    (tmp / "bad.toml").write_text("[segment\nlanguages = ", encoding="utf-8")
    (tmp / "unknown.toml").write_text("[segment]\nbogus = 1\n", encoding="utf-8")
    (tmp / "empty_corpus").mkdir()
    (tmp / "empty_corpus" / ".hidden.txt").write_text(EN, encoding="utf-8")
    for name, files in {
        "cfg_corpus": {"aligner.toml": b"[segment]\nmax_file_mb = 'big'\n"},
        "toml_manifest": {"manifest.toml": b'[documents.en]\nlang = "english"\n'},
        "stray_manifest": {"manifest.toml": b'[documents.nobody]\nlang = "en"\n'},
        "jsonl_manifest": {"manifest.jsonl": b'{"doc": "en", \n'},
    }.items():
        _write_corpus(tmp / name, {"en.txt": (EN.encode(),), **{k: (v,) for k, v in files.items()}})
    _write_corpus(tmp / "lintme", {"binary.txt": (b"\x00\xff" * 40,), "dangling.txt": ("/nonexistent/x.txt",)})
    _write_corpus(tmp / "badrun", {"flags.jsonl": (b'{"code": \n',), "summary.json": (b"{}",)})
    _write_corpus(tmp / "binrun", {"flags.jsonl": (bytes(range(128, 256)),), "summary.json": (b"{}",)})


ERROR_CASES = [
    # (argv, path the message must name)
    (["run", "nothere", "-o", "out"], "nothere"),
    (["run", "afile.txt", "-o", "out"], "afile.txt"),
    (["run", "empty_corpus", "-o", "out"], "empty_corpus"),
    (["run", "corpus", "-o", "out.txt"], "out.txt"),
    (["run", "corpus", "-o", "out.txt/sub"], "out.txt"),
    (["run", "corpus", "-o", "out", "-c", "bad.toml"], "bad.toml"),
    (["run", "corpus", "-o", "out", "-c", "unknown.toml"], "unknown.toml"),
    (["run", "corpus", "-o", "out", "-c", "missing.toml"], "missing.toml"),
    (["run", "cfg_corpus", "-o", "out"], "aligner.toml"),
    (["run", "toml_manifest", "-o", "out"], "manifest.toml"),
    (["run", "stray_manifest", "-o", "out"], "manifest.toml"),
    (["run", "jsonl_manifest", "-o", "out"], "manifest.jsonl"),
    (["lint", "lintme/dangling.txt"], "dangling.txt"),
    (["lint", "missing.txt"], "missing.txt"),
    (["check", "nothere"], "nothere"),
    (["check", "badrun"], "flags.jsonl"),
    (["check", "binrun"], "flags.jsonl"),
]


@pytest.fixture(scope="module")
def error_dir(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("errors")
    _setup_error_case(tmp)
    return tmp


@pytest.mark.parametrize("argv, path", ERROR_CASES, ids=[" ".join(a) for a, _ in ERROR_CASES])
def test_bad_invocation_is_a_clear_error(error_dir, cache, argv, path):
    """Exit 2 with an `aligner: error:` line naming the culprit, no traceback, nothing on stdout, no output."""
    proc = _aligner(argv, cache, error_dir)
    wrote_output = (error_dir / "out").exists()
    shutil.rmtree(error_dir / "out", ignore_errors=True)  # a failing case must not fail the next ones
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    errors = [line for line in proc.stderr.splitlines() if line.startswith("aligner: error:")]
    assert len(errors) == 1 and path in errors[0], proc.stderr
    assert all(line.startswith("aligner") for line in proc.stderr.splitlines()), proc.stderr
    if argv[0] == "run":
        assert proc.stderr.count("\n") == 1, proc.stderr  # the error is the only line: it failed before any work
        assert not wrote_output


def test_lint_reports_an_unreadable_file_and_still_lints_the_others(error_dir, cache):
    """A binary file among good ones is a `document-error` finding (exit 1), not the end of the run."""
    good = error_dir / "lintme" / "glued.txt"
    good.write_text("Ang manager ay nagtuturo nito.Ang mga kawani ay natututo ng mabilis.\n", encoding="utf-8")
    proc = _aligner(["lint", "lintme/binary.txt", "lintme/glued.txt"], cache, error_dir)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    assert any(line.startswith("lintme/binary.txt:1:1: document-error ") for line in lines), proc.stdout
    assert any(line.startswith("lintme/glued.txt:1:") and " glued-sentence " in line for line in lines), proc.stdout


# --- corpora that are valid but give nothing to align ---------------------------------------------

@pytest.mark.parametrize("files, n_ok", [
    ({"a.txt": (b"\x00" * 64,), "b.txt": (b"",)}, 0),  # only bad files
    ({"en.txt": (EN.encode(),)}, 1),  # one document
    ({"en.txt": (EN.encode(),), "fr.txt": (FR.encode(),)}, 2),  # two languages, not translations
], ids=["only-bad-files", "one-document", "no-parallel-pair"])
def test_corpus_without_parallel_pairs_gives_complete_empty_outputs(tmp_path, in_process, files, n_ok):
    """Nothing to align is a result, not a crash: every file is written, every document recorded."""
    corpus = _write_corpus(tmp_path / "corpus", files)
    code, err = in_process(["run", corpus, "-o", tmp_path / "out"])
    assert code == 0 and "Traceback" not in err, err
    out = tmp_path / "out"
    assert _jsonl(out / "aligned.jsonl") == []
    docs = _jsonl(out / "documents.jsonl")
    assert sorted(d["doc"] for d in docs) == sorted(n.rsplit(".", 1)[0] for n in files)
    assert sum(d["status"] == "ok" for d in docs) == n_ok
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"]["documents"]["error"] == len(files) - n_ok
    assert summary["counts"]["pairs"]["by_relation"]["parallel"] == 0
    assert (out / "report.html").stat().st_size > 0 and (out / "aligned.tmx").stat().st_size > 0


# --- interrupted writes ----------------------------------------------------------------------------

@pytest.mark.parametrize("exc, message, previous", [
    (KeyboardInterrupt(), "aborted", False),
    (OSError(28, "No space left on device"), "aligned.tmx: No space left on device", True),
], ids=["ctrl-c-fresh-folder", "disk-full-over-previous-run"])
def test_interrupted_run_leaves_no_half_written_file(tmp_path, in_process, monkeypatch, exc, message, previous):
    """A writer that dies half-way leaves the folder as it was: no new file, no temp files, no staging folder."""
    import aligner.output.tmx

    corpus = _write_corpus(tmp_path / "corpus", {"en.txt": (EN.encode(),), "de.txt": (DE.encode(),)})
    out = tmp_path / "out"
    before = {}
    if previous:
        out.mkdir()
        for name in ["aligned.tmx", "summary.json"]:
            (out / name).write_text(f"previous {name}\n", encoding="utf-8")
            before[name] = (out / name).read_bytes()
    def dies_half_way(fh):  # aligned.tmx has its header and units but never its closing tags
        fh.write("<!-- the disk filled up here -->")
        raise exc

    monkeypatch.setattr(aligner.output.tmx, "tmx_end", dies_half_way)
    code, err = in_process(["run", corpus, "-o", out])
    # Ctrl-C: click turns KeyboardInterrupt into Abort, which the CLI reports as "aborted" (exit 2)
    assert code == 2 and "Traceback" not in err, err
    assert message in err
    # a fresh folder that never received a committed run holds at most the work folder a re-run resumes from
    names = sorted(p.name for p in out.iterdir() if p.name != ".work") if out.exists() else []
    assert previous or not names, names
    assert not [n for n in names if n.startswith(".") or n.endswith(".tmp")], names
    for name in names:  # what is there is whole
        if name.endswith(".jsonl"):
            _jsonl(out / name)
    for name, data in before.items():
        assert (out / name).read_bytes() == data, f"{name} was touched by the failed run"
    # nothing of the failed run reaches the folder: its files were staged, never moved in
    assert "aligned.jsonl" not in names, "a half-written run left files beside the previous ones"
