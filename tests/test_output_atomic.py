"""aligner.output.atomic: one JSONL record is one line for every reader."""

import json

import pytest

from aligner.output.atomic import json_dumps, json_line, write_jsonl

TEXTS = [
    "line\u2028separator",
    "paragraph\u2029separator",
    "next\x85line (C1 NEL)",
    "form\x0cfeed and\x1cfile separator",
    "plain text, ž, ñ, 漢字",
]


@pytest.mark.parametrize("text", TEXTS)
def test_json_line_is_one_line_for_splitlines(text):
    line = json_line({"text": text, "n": float("nan")})
    assert line.endswith("\n") and len(line.splitlines()) == 1
    assert json.loads(line) == {"text": text, "n": None}


def test_utf8_kept_as_is():
    assert json_dumps({"t": "ž漢"}) == '{"t": "ž漢"}'


def test_write_jsonl_round_trip(tmp_path):
    path = tmp_path / "x.jsonl"
    assert write_jsonl(path, ({"text": t} for t in TEXTS)) == len(TEXTS)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(l)["text"] for l in lines] == TEXTS


def test_unsynced_files_are_whole_and_synced_together(tmp_path, monkeypatch):
    """Many small files (the report's pages): written without an fsync each, made durable by one sync_files."""
    import ctypes
    import os

    from aligner.output.atomic import atomic_open, sync_files

    calls = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append(fd), real_fsync(fd))[1])
    paths = [tmp_path / f"page-{k}.html" for k in range(3)]
    for k, p in enumerate(paths):
        with atomic_open(p, sync=False) as fh:
            fh.write(f"page {k}\n")
    assert calls == [] and [p.read_text(encoding="utf-8") for p in paths] == ["page 0\n", "page 1\n", "page 2\n"]
    assert not list(tmp_path.glob(".*.tmp"))
    sync_files(paths)  # Linux: one syncfs, no fsync per file
    if hasattr(ctypes.CDLL(None), "syncfs"):
        assert calls == []

    def no_libc(*a, **k):
        raise OSError("no libc here")

    monkeypatch.setattr(ctypes, "CDLL", no_libc)
    sync_files(paths)  # elsewhere: an fsync per file
    assert len(calls) == len(paths)
    sync_files([])  # nothing to do
