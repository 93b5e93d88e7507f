"""Baseline mode of the gate: identity of findings across runs, counting only new ones, SARIF/GitHub output."""

from __future__ import annotations

import json

import pytest

from aligner.config import GateConfig
from aligner.errors import InputError
from aligner.output.baseline import compare, finding_fingerprint, load_baseline
from aligner.output.gate import evaluate, render

RAW = ("Il gestore forma il personale. I clienti Irati sono difficili. Il manager presenta scenari. "
       "Trattare con i clienti Irati è comune.")


def _finding(raw, text, code="mid-sentence-capital", doc="001", severity="warning", nth=0):
    start = -1
    for _ in range(nth + 1):
        start = raw.index(text, start + 1)
    rec = {"doc": doc, "code": code, "category": "casing", "severity": severity, "start": start,
           "end": start + len(text), "text": text, "message": "m", "line": 1, "column": start + 1}
    rec["fingerprint"] = finding_fingerprint(rec, raw)
    return rec


def test_fingerprint_ignores_offsets_and_edits_elsewhere():
    old = _finding(RAW, "Irati", nth=1)
    edited = "Premessa aggiunta all'inizio del testo. " + RAW.replace("scenari", "vari scenari")
    new = _finding(edited, "Irati", nth=1)
    assert new["start"] != old["start"]
    assert new["fingerprint"] == old["fingerprint"]


def test_fingerprint_tells_two_occurrences_apart_by_context():
    a, b = _finding(RAW, "Irati", nth=0), _finding(RAW, "Irati", nth=1)
    assert a["fingerprint"] != b["fingerprint"]


def test_fingerprint_reads_text_not_markup():
    html = "<p>I clienti <span class='x'>Irati</span> sono difficili.</p>"
    plain = "I clienti Irati sono difficili."
    assert _finding(html, "Irati")["fingerprint"] == _finding(plain, "Irati")["fingerprint"]


def test_compare_states_and_absent():
    base = [_finding(RAW, "Irati", nth=0), _finding(RAW, "Irati", nth=1), _finding(RAW, "manager", code="x")]
    edited = RAW.replace("Il manager presenta scenari. ", "")  # the 'manager' finding is gone
    edited = edited + " Un nuovo Cliente arriva."
    cur = [_finding(edited, "Irati", nth=0), _finding(edited, "Irati", nth=1), _finding(edited, "Cliente")]
    states, absent = compare(cur, base)
    assert states == ["unchanged", "unchanged", "new"]
    assert [a["text"] for a in absent] == ["manager"]


def test_compare_falls_back_to_code_doc_text_when_the_context_changed():
    base = [_finding(RAW, "Irati", nth=0)]
    edited = RAW.replace("I clienti Irati sono difficili.", "Spesso i clienti Irati erano difficili.")
    cur = [_finding(edited, "Irati", nth=0)]
    assert cur[0]["fingerprint"] != base[0]["fingerprint"]
    assert compare(cur, base)[0] == ["unchanged"]


def test_compare_is_a_multiset_one_more_occurrence_is_new():
    base = [_finding(RAW, "Irati", nth=0)]
    cur = [_finding(RAW, "Irati", nth=0), _finding(RAW, "Irati", nth=1)]
    states, absent = compare(cur, base)
    assert sorted(states) == ["new", "unchanged"] and absent == []


def test_compare_without_fingerprints_uses_code_doc_text():
    base = [{"code": "glued-word", "doc": "a", "text": "silamaging"}]
    cur = [{"code": "glued-word", "doc": "a", "text": "silamaging"}, {"code": "glued-word", "doc": "b", "text": "silamaging"}]
    assert compare(cur, base)[0] == ["unchanged", "new"]


def _gate(current, baseline, **kw):
    return evaluate(current, config=GateConfig(**kw), baseline=baseline, baseline_source="base/flags.jsonl")


def test_gate_counts_only_new_findings():
    base = [_finding(RAW, "Irati", nth=0, severity="error")]
    cur = base + [_finding(RAW, "Irati", nth=1, severity="error")]
    res = _gate([dict(f) for f in cur], base)
    assert not res.passed and len(res.counted) == 1 and res.counted[0]["start"] == cur[1]["start"]
    assert res.unchanged == 1
    assert _gate([dict(f) for f in base], base).passed
    assert not evaluate([dict(f) for f in base], config=GateConfig()).passed  # without a baseline it fails


def test_sarif_baseline_state_and_fingerprints():
    base = [_finding(RAW, "Irati", nth=0), _finding(RAW, "manager", code="x")]
    cur = [_finding(RAW, "Irati", nth=0), _finding(RAW, "Irati", nth=1)]
    res = _gate([dict(f) for f in cur], base, fail_on="warning")
    sarif = json.loads(render(res, "sarif"))
    results = sarif["runs"][0]["results"]
    states = sorted(r["baselineState"] for r in results)
    assert states == ["absent", "new", "unchanged"]
    assert all(r["partialFingerprints"]["alignerFinding/v1"] for r in results)
    absent = next(r for r in results if r["baselineState"] == "absent")
    assert absent["ruleId"] == "x" and absent["properties"]["counts"] is False


def test_no_baseline_state_without_a_baseline():
    res = evaluate([_finding(RAW, "Irati")], config=GateConfig(fail_on="warning"))
    assert all("baselineState" not in r for r in json.loads(render(res, "sarif"))["runs"][0]["results"])


def test_github_annotates_only_new_findings():
    base = [_finding(RAW, "Irati", nth=0)]
    cur = [_finding(RAW, "Irati", nth=0), _finding(RAW, "Irati", nth=1)]
    out = render(_gate([dict(f) for f in cur], base, fail_on="warning"), "github")
    annotations = [ln for ln in out.splitlines() if "title=mid-sentence-capital" in ln]
    assert len(annotations) == 1 and f"col={cur[1]['column']}" in annotations[0]


def test_text_lists_new_and_says_how_many_unchanged():
    base = [_finding(RAW, "Irati", nth=0)]
    cur = [_finding(RAW, "Irati", nth=0), _finding(RAW, "Irati", nth=1)]
    out = render(_gate([dict(f) for f in cur], base, fail_on="warning"), "text")
    assert "1 finding(s) unchanged since the baseline not listed" in out
    assert "1 new finding(s)" in out


@pytest.mark.parametrize("content", ["not json\n", '{"no_code": 1}\n'])
def test_bad_baseline_is_an_input_error(tmp_path, content):
    p = tmp_path / "flags.jsonl"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError):
        load_baseline(p)


def test_baseline_folder_without_flags_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no flags.jsonl"):
        load_baseline(tmp_path)
    with pytest.raises(InputError, match="no such file"):
        load_baseline(tmp_path / "missing.jsonl")
