"""The gate as a CI maintainer uses it, end to end with the real encoder: a copy of the bundled corpus passes
`aligner check` with the default settings, the same copy with real regressions (tests/regressions.py) fails on
each of them, and `--baseline` fails only on what is new.

The bundled corpus carries its accepted findings in corpus/aligner-baseline.jsonl (machine-translation artifacts
kept on purpose, see corpus/README.md); `aligner check` uses a corpus folder's own baseline by default, as CI
projects adopting the gate do. Without it the untouched corpus fails on its own glued word (`silamaging`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from regressions import copy_corpus, make_regressed

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
ITALIAN = "001_a1e898745819e5b5"
TAGALOG = "000_572c31cb3efa376d"


def _aligner(*args, cwd=None):
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    return subprocess.run([sys.executable, "-m", "aligner", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd or ROOT, timeout=1800)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("gate-e2e")
    untouched = copy_corpus(ROOT / "corpus", base / "untouched")
    regressed = base / "regressed"
    spans = make_regressed(ROOT / "corpus", regressed)
    for corpus in (untouched, regressed):
        proc = _aligner("run", corpus, "--out", f"{corpus}-out")
        assert proc.returncode == 0, proc.stderr
    return {"untouched": Path(f"{untouched}-out"), "regressed": Path(f"{regressed}-out"), "spans": spans,
            "raw": (regressed / f"{ITALIAN}.txt").read_text(encoding="utf-8")}


def _report(proc) -> dict:
    return json.loads(proc.stdout)


def _in_regression(f, runs) -> bool:
    """The finding lies on an edit of the regressed Italian article, or is the Tagalog side of the removed passage."""
    if f["doc"] == TAGALOG:
        return f["code"] == "omission"
    if f["doc"] != ITALIAN:
        return False
    return any(a <= f["start"] < b or a < f["end"] <= b for a, b in runs["spans"].values() if b > a)


def test_the_untouched_corpus_passes_with_default_settings(runs):
    proc = _aligner("check", runs["untouched"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "baseline" in proc.stderr  # it says what it compared with


def test_without_the_corpus_baseline_the_untouched_corpus_fails_on_its_own_glued_word(runs):
    proc = _aligner("check", runs["untouched"], "--no-baseline", "-f", "json")
    assert proc.returncode == 1
    assert {f["text"] for f in _report(proc)["findings"] if f["counts"]} >= {"silamaging"}


def test_every_regression_fails_the_gate_by_default(runs):
    proc = _aligner("check", runs["regressed"], "-f", "json")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    counted = [f for f in _report(proc)["findings"] if f["counts"]]
    raw, spans = runs["raw"], runs["spans"]

    def hits(name, code):
        a, b = spans[name]
        return [f for f in counted if f["doc"] == ITALIAN and f["code"] == code and f["start"] < b and a < f["end"]]

    assert hits("english-sentence", "wrong-language"), "an English sentence left in the Italian article"
    assert hits("wrong-language", "wrong-language"), "a Spanish sentence in the Italian article"
    glued = hits("glued-word", "glued-word")
    assert glued and glued[0]["text"] == "formaabitualmente" and glued[0]["fix"] == "forma abitualmente"
    passage = [f for f in counted if f["doc"] == TAGALOG and f["code"] == "omission"]
    assert len(passage) >= 2 and all(f["severity"] == "error" for f in passage), "a paragraph missing in Italian"
    assert all("Kung ang negosyo" in f["text"] or "Karaniwan niyang" in f["text"] for f in passage)
    # and nothing else counts: the old findings of the corpus are in its baseline
    assert all(_in_regression(f, runs) for f in counted), [f for f in counted if not _in_regression(f, runs)]
    assert raw.count("formaabitualmente") == 1


def test_baseline_on_the_untouched_output_passes_even_on_warnings(runs):
    proc = _aligner("check", runs["untouched"], "--baseline", runs["untouched"], "--fail-on", "warning")
    assert proc.returncode == 0, proc.stdout
    assert "0 new finding(s)" in proc.stdout


def test_baseline_fails_the_regressed_run_with_only_the_new_findings(runs):
    proc = _aligner("check", runs["regressed"], "--baseline", runs["untouched"] / "flags.jsonl",
                    "--fail-on", "warning", "-f", "json")
    assert proc.returncode == 1
    report = _report(proc)
    new = [f for f in report["findings"] if f["counts"]]
    assert new and all(f["baseline_state"] == "new" for f in new)
    assert all(_in_regression(f, runs) for f in new), [f for f in new if not _in_regression(f, runs)]
    codes = {f["code"] for f in new}
    assert {"wrong-language", "glued-word", "omission", "untranslated"} <= codes
    assert any(f["code"] == "untranslated" and "loss prevention" in f["text"] for f in new)
    # the corpus' own findings (glued sentences, 'Irati', 'i clienti o i clienti', ...) are unchanged, not new
    assert report["baseline"]["unchanged"] >= 70


def test_sarif_marks_new_unchanged_and_absent(runs):
    # the regressed run as baseline of the untouched one: the regressions are absent, most of the rest unchanged
    # (the sentences the regressions replaced come back as new findings: their glued junctions)
    proc = _aligner("check", runs["untouched"], "--baseline", runs["regressed"], "--fail-on", "warning",
                    "-f", "sarif")
    results = json.loads(proc.stdout)["runs"][0]["results"]
    states = [r["baselineState"] for r in results]
    assert {"unchanged", "absent"} <= set(states) and states.count("unchanged") >= 70
    absent = [r for r in results if r["baselineState"] == "absent"]
    assert any(r["ruleId"] == "glued-word" and r["locations"][0]["physicalLocation"]["region"]["snippet"]["text"]
               == "formaabitualmente" for r in absent)
    proc = _aligner("check", runs["regressed"], "--baseline", runs["untouched"], "-f", "sarif")
    assert "new" in {r["baselineState"] for r in json.loads(proc.stdout)["runs"][0]["results"]}


def test_github_format_annotates_only_new_findings(runs):
    proc = _aligner("check", runs["regressed"], "--baseline", runs["untouched"], "--fail-on", "warning",
                    "-f", "github")
    annotations = [ln for ln in proc.stdout.splitlines() if ln.startswith(("::error file", "::warning file"))]
    json_proc = _aligner("check", runs["regressed"], "--baseline", runs["untouched"], "--fail-on", "warning",
                         "-f", "json")
    new = [f for f in _report(json_proc)["findings"] if f["baseline_state"] == "new"]
    assert annotations and len(annotations) == len(new)
