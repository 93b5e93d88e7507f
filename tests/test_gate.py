"""The quality gate: thresholds decide, and every report format is well-formed."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from aligner.config import GateConfig
from aligner.errors import ConfigError, GateFailed, InputError
from aligner.output import write_outputs
from aligner.output.gate import (DOC_ERROR_CODE, artifact_uri, check, evaluate, github_escape_data,
                                 github_escape_property, load_output, render)
from output_samples import sample_result


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    write_outputs(sample_result(), folder)
    return folder


@pytest.fixture(scope="module")
def loaded(out):
    return load_output(out)


def _gate(loaded, **kw):
    flags, docs, sig = loaded
    return evaluate(flags, config=GateConfig(**kw), documents=docs, signature=sig, source="out")


# sample: errors = untranslated, template-placeholder (+ the unreadable document); warnings = glued (fixed),
# omission; info = site-chrome, length-ratio
@pytest.mark.parametrize("kw, counted, passed", [
    ({}, 3, False),
    ({"max_findings": 3}, 3, True),
    ({"max_findings": 2}, 3, False),
    ({"fail_on": "warning"}, 5, False),
    ({"fail_on": "info", "max_findings": 7}, 7, True),
    ({"categories": ["untranslated"]}, 1, False),
    ({"categories": ["number", "length"]}, 0, True),
    ({"categories": ["length"], "fail_on": "info"}, 1, False),
    ({"fail_on": "warning", "ignore_fixed": True}, 4, False),
    ({"categories": ["glued"], "fail_on": "warning", "ignore_fixed": True}, 0, True),
])
def test_thresholds_decide(loaded, kw, counted, passed):
    result = _gate(loaded, **kw)
    assert len(result.counted) == counted
    assert result.passed is passed


def test_failed_gate_raises_gate_failed(loaded):
    result = _gate(loaded)
    with pytest.raises(GateFailed, match="3 finding"):
        result.raise_for_status()
    _gate(loaded, max_findings=10).raise_for_status()  # passes: no exception


def test_unreadable_document_is_a_finding(loaded):
    result = _gate(loaded, categories=["other"])
    (finding,) = result.counted
    assert finding["code"] == DOC_ERROR_CODE and "UTF-8" in finding["message"]


def test_report_level_lists_more_than_counts(loaded):
    result = _gate(loaded, report_on="info")
    assert len(result.reported) == 7 and len(result.counted) == 3
    assert len(_gate(loaded, report_on="error", fail_on="warning").reported) == 5  # counted ones always listed


@pytest.mark.parametrize("kw, key", [({"fail_on": "fatal"}, "gate.fail_on"), ({"report_on": "x"}, "gate.report_on"),
                                     ({"max_findings": -1}, "gate.max_findings"),
                                     ({"categories": ["typos"]}, "gate.categories")])
def test_bad_gate_settings_are_config_errors(loaded, kw, key):
    with pytest.raises(ConfigError, match=key):
        _gate(loaded, **kw)


def test_check_on_a_missing_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such"):
        check(tmp_path / "nope")


def test_a_corpus_is_gated_from_its_run_result_not_by_the_gate_running_the_pipeline(tmp_path):
    """The output stage does not reach back into the pipeline: the CLI runs it and gates the RunResult."""
    from aligner.errors import InputError
    from aligner.output.gate import check_run

    (tmp_path / "a.txt").write_text("text")
    with pytest.raises(InputError, match="not an output folder"):
        check(tmp_path)
    result = check_run(sample_result(), source=str(tmp_path))
    assert len(result.counted) == 3 and result.signature["id"]


# ---------------------------------------------------------------- formats

def test_text_format(loaded):
    text = render(_gate(loaded), "text")
    lines = text.splitlines()
    assert lines[-1].startswith("aligner check: FAILED: 3 finding(s)")
    assert "corpus/000_de.txt:2:5: error untranslated [untranslated]" in lines[0]
    assert any("(not counted)" in line for line in lines)


def test_json_format(loaded):
    data = json.loads(render(_gate(loaded), "json"))
    assert data["passed"] is False and data["counted"] == 3
    assert data["run"] == loaded[2]["id"]
    assert sum(f["counts"] for f in data["findings"]) == 3


def test_sarif_structure(loaded):
    sarif = json.loads(render(_gate(loaded, report_on="info"), "sarif", cwd=Path("/repo")))
    assert sarif["version"] == "2.1.0" and "sarif" in sarif["$schema"]
    (run,) = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "aligner" and driver["version"]
    rule_ids = [r["id"] for r in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
        assert rule["helpUri"] == f"docs/checks.md#{rule['id']}"
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert len(run["results"]) == 7
    for res in run["results"]:
        assert res["ruleId"] in rule_ids and driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note") and res["message"]["text"]
        loc = res["locations"][0]["physicalLocation"]
        assert not loc["artifactLocation"]["uri"].startswith("/")
        region = loc["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])
    untranslated = next(r for r in run["results"] if r["ruleId"] == "untranslated")
    loc = untranslated["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "corpus/000_de.txt"
    assert loc["region"] == {"startLine": 2, "startColumn": 5, "endLine": 2, "endColumn": 26, "charOffset": 25,
                             "charLength": 21, "snippet": {"text": "Kundenservice-Manager"}}
    assert {r["level"] for r in run["results"]} == {"error", "warning", "note"}
    glued = next(r for r in run["results"] if r["ruleId"] == "glued-sentences")
    assert glued["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "schnell. Dann"


def test_junit_parses_and_has_one_failing_testcase_per_counted_finding(loaded):
    root = ET.fromstring(render(_gate(loaded), "junit"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["000_de", "001_fr", "002_tl", "003_it", "004_bad"]
    failures = root.findall("testsuite/testcase/failure")
    assert len(failures) == int(root.get("failures")) == 3
    assert int(root.get("tests")) == len(root.findall("testsuite/testcase"))
    for suite in suites:
        assert suite.get("timestamp") and suite.get("hostname") and suite.get("time") == "0"
        assert suite.find("properties/property[@name='file']").get("value").startswith("corpus/")
        assert int(suite.get("tests")) == len(suite.findall("testcase"))
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))
    placeholder = next(f for f in failures if f.get("type") == "template-placeholder")
    assert placeholder.get("message") == "Unfilled template placeholder <{{cookie_banner}}>"


GITHUB_LINE = re.compile(r"^::(error|warning|notice)( [A-Za-z]+=[^,:]*(,[A-Za-z]+=[^,:]*)*)?::[^\r\n]*$")


def test_github_workflow_commands(loaded):
    lines = render(_gate(loaded, report_on="info"), "github").splitlines()
    assert len(lines) == 8
    assert all(GITHUB_LINE.match(line) for line in lines), lines
    assert lines[1].startswith("::error file=corpus/000_de.txt,line=2,endLine=2,col=5,endColumn=26,"
                               "title=untranslated (untranslated)::")
    assert sum(line.startswith("::notice file=") for line in lines) == 2  # info -> notice
    assert lines[-1].startswith("::error title=aligner check FAILED::")


@pytest.mark.parametrize("raw, data, prop", [
    ("100% sure", "100%25 sure", "100%25 sure"),
    ("a\nb\r", "a%0Ab%0D", "a%0Ab%0D"),
    ("k: v, w", "k: v, w", "k%3A v%2C w"),
])
def test_github_escaping(raw, data, prop):
    assert github_escape_data(raw) == data
    assert github_escape_property(raw) == prop


def test_github_annotation_with_hostile_path_and_message():
    result = evaluate([{"doc": "d", "path": "dir,with:odd%name.txt", "code": "x", "category": "other",
                        "severity": "error", "message": "line1\nline2 100%", "text": "", "line": 1, "column": 1,
                        "end_line": 1, "end_column": 2, "start": 0, "end": 1}])
    first = render(result, "github").splitlines()[0]
    assert GITHUB_LINE.match(first)
    assert "file=dir%2Cwith%3Aodd%25name.txt" in first and first.endswith("::line1%0Aline2 100%25")


@pytest.mark.parametrize("path, expected", [("corpus/a.txt", "corpus/a.txt"), ("/repo/corpus/a.txt", "corpus/a.txt"),
                                            ("/elsewhere/a b.txt", "file:///elsewhere/a%20b.txt"), (None, "")])
def test_artifact_uri(path, expected):
    assert artifact_uri(path, Path("/repo")) == expected


def test_unknown_format_is_a_config_error(loaded):
    with pytest.raises(ConfigError):
        render(_gate(loaded), "yaml")


def test_sarif_rules_take_their_words_from_the_check_registry(loaded, monkeypatch):
    """One name everywhere: ruleId = registry code, and the rule text is the check's own summary/help."""
    import aligner.checks

    class Untranslated:
        summary = "Source-language words left in the translation."
        help = "Translate the word or mark it as a proper name."
        category = "untranslated"
        severity = "warning"

    def get_check(code):
        if code == "untranslated":
            return Untranslated
        raise ConfigError(f"unknown check '{code}'")

    monkeypatch.setattr(aligner.checks, "get_check", get_check, raising=False)
    rules = {r["id"]: r for r in json.loads(render(_gate(loaded), "sarif"))["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["untranslated"]["shortDescription"]["text"] == Untranslated.summary
    assert rules["untranslated"]["help"]["text"] == Untranslated.help
    assert rules["untranslated"]["defaultConfiguration"]["level"] == "warning"  # the check's default, not the finding's
    assert rules["template-placeholder"]["shortDescription"]["text"]  # unknown to the registry: from the finding
