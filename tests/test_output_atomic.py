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
