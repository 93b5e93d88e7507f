"""Every setting is checked when the configuration is loaded, before any work (aligner.config's schema).

A bad value is a ConfigError naming the file, the key and what is allowed; the CLI exits 2
before it reads the corpus.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from aligner.config import BEAD_TYPES, Config, Spec, from_mapping, load_config, override
from aligner.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent

# (settings, text the message must contain: the key, and what is allowed)
BAD = [
    ({"align": {"max_beads": ["1-9"]}}, ["align.max_beads", "'1-9'", "allowed: 0-1", "4-4"]),
    ({"align": {"max_beads": ["2:1"]}}, ["align.max_beads", "'2:1'"]),
    ({"align": {"max_beads": "1-1"}}, ["align.max_beads", "expected a list of strings"]),
    ({"align": {"scoring": "bertalign"}}, ["align.scoring", "contrast, knn"]),
    ({"align": {"skip_cost": -0.1}}, ["align.skip_cost", ">= 0"]),
    ({"align": {"band": -1}}, ["align.band", ">= 0"]),
    ({"align": {"band": 1.5}}, ["align.band", "whole number"]),
    ({"align": {"refine_spans": "yes"}}, ["align.refine_spans", "true or false"]),
    ({"gate": {"report_on": "bogus"}}, ["gate.report_on", "info, warning, error", "'bogus'"]),
    ({"gate": {"fail_on": "fatal"}}, ["gate.fail_on", "info, warning, error"]),
    ({"gate": {"max_findings": -3}}, ["gate.max_findings", ">= 0", "-3"]),
    ({"gate": {"max_findings": "3"}}, ["gate.max_findings", "whole number"]),
    ({"gate": {"categories": ["typo"]}}, ["gate.categories", "'typo'", "boilerplate"]),
    ({"clean": {"min_score": 7}}, ["clean.min_score", "between 0 and 1", "7"]),
    ({"clean": {"min_score": -0.5}}, ["clean.min_score", "between 0 and 1"]),
    ({"clean": {"min_score": float("nan")}}, ["clean.min_score", "finite"]),
    ({"clean": {"drop_severity": "fatal"}}, ["clean.drop_severity", "info, warning, error"]),
    ({"encoder": {"batch_size": 0}}, ["encoder.batch_size", "between 1 and"]),
    ({"encoder": {"threads": -2}}, ["encoder.threads", "between 0 and"]),
    ({"encoder": {"progress": "sometimes"}}, ["encoder.progress", "auto, always, never"]),
    ({"encoder": {"name": "bogus"}}, ["encoder.name", "'bogus'", "e5-small", "st:"]),
    ({"encoder": {"name": "st:"}}, ["encoder.name", "model id or local path"]),
    ({"encoder": {"name": ""}}, ["encoder.name", "non-empty"]),
    ({"encoder": {"cache_dir": 3}}, ["encoder.cache_dir", "string"]),
    ({"segment": {"languages": ["xx"]}}, ["segment.languages", "'xx'", "supported language code", "tl", "cs"]),
    ({"segment": {"languages": ["EN"]}}, ["segment.languages", "'EN'"]),
    ({"segment": {"languages": []}}, ["segment.languages", "at least one"]),
    ({"segment": {"sentence_lang": "some"}}, ["segment.sentence_lang", "auto, all, off"]),
    ({"segment": {"min_lang_confidence": 1.5}}, ["segment.min_lang_confidence", "between 0 and 1"]),
    ({"segment": {"max_file_mb": 0}}, ["segment.max_file_mb", "> 0"]),
    ({"pair": {"parallel_threshold": 2}}, ["pair.parallel_threshold", "between 0 and 1"]),
    ({"pair": {"comparable_threshold": 0.8}}, ["pair.comparable_threshold", "pair.parallel_threshold"]),
    ({"pair": {"topic_floor": 0.9}}, ["pair.topic_floor", "below", "pair.topic_ceiling"]),
    ({"pair": {"margin_k": 0}}, ["pair.margin_k", ">= 1"]),
    ({"pair": {"role_ceiling": 0.5}}, ["pair.role_floor", "pair.role_ceiling"]),
    ({"checks": {"untranslated": {"severity": "fatal"}}}, ["checks.untranslated.severity", "info, warning, error"]),
    ({"checks": {"untranslated": {"bogus": 1}}}, ["checks.untranslated.bogus", "known for untranslated"]),
    ({"checks": {"untranslated": {"source_lang": "xx"}}}, ["checks.untranslated.source_lang", "'xx'"]),
    ({"checks": {"untranslated": {"min_en_zipf": -1}}}, ["checks.untranslated.min_en_zipf", ">= 0"]),
    ({"checks": {"repeated-word": {"reduplication": "sometimes"}}}, ["checks.repeated-word.reduplication", "'free'"]),
    ({"checks": {"nope": {}}}, ["checks.nope", "unknown check"]),
]


def _id(case) -> str:
    return re.sub(r"\W+", "-", str(case[1][0]))


@pytest.mark.parametrize("data, expected", BAD, ids=[_id(c) + f"-{i}" for i, c in enumerate(BAD)])
def test_bad_setting_is_a_config_error_naming_key_and_allowed_values(data, expected):
    with pytest.raises(ConfigError) as info:
        from_mapping(data)
    message = str(info.value)
    assert "\n" not in message
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


@pytest.mark.parametrize("data", [
    {"align": {"max_beads": ["1-1", "2-2", "0-4"]}},
    {"encoder": {"name": "st:sentence-transformers/LaBSE", "batch_size": 1, "threads": 4, "progress": "never"}},
    {"clean": {"min_score": 0, "drop_severity": "warning"}},
    {"clean": {"min_score": 1}},
    {"gate": {"max_findings": 0, "categories": ["number", "omission"], "report_on": "info"}},
    {"segment": {"languages": ["ja", "zh", "th", "ar"]}},
    {"pair": {"parallel_threshold": 0.5, "comparable_threshold": 0.5}},
    {"align": {"band": 2.0}},  # a whole number written as a float is fine
    {"checks": {"untranslated": {"severity": "error", "source_lang": "de"}, "repeated-word": {"reduplication": "free"}}},
])
def test_good_settings_are_accepted(data):
    cfg = from_mapping(data)
    for section, values in data.items():
        for key, value in values.items():
            got = cfg.checks[key] if section == "checks" else getattr(getattr(cfg, section), key)
            assert got == value if not isinstance(value, dict) else all(got[k] == v for k, v in value.items())


def test_every_setting_declares_its_spec_and_the_defaults_pass_it():
    cfg = Config()
    for section in ("encoder", "segment", "pair", "align", "clean", "gate"):
        for f in dataclasses.fields(getattr(cfg, section)):
            assert isinstance(f.metadata.get("spec"), Spec), f"{section}.{f.name} has no Spec"
    from_mapping({})  # validates every default


def test_bead_types_are_the_ones_the_aligner_accepts():
    pytest.importorskip("numpy")
    from aligner.align.core import parse_bead_types

    parse_bead_types(list(BEAD_TYPES))
    for bad in ("0-0", "5-1", "1-5"):
        assert bad not in BEAD_TYPES
        with pytest.raises(ConfigError):
            parse_bead_types([bad])


def test_cli_overrides_are_validated_too():
    with pytest.raises(ConfigError, match="clean.min_score"):
        override(Config(), clean__min_score=3.0)


def test_the_message_names_the_file(tmp_path):
    (tmp_path / "aligner.toml").write_text('[gate]\nreport_on = "bogus"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(str(tmp_path / "aligner.toml")) + ".*gate.report_on"):
        load_config(search_from=tmp_path)
    (tmp_path / "aligner.toml").unlink()
    (tmp_path / "pyproject.toml").write_text('[tool.aligner.gate]\nmax_findings = -3\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pyproject\.toml.*tool\.aligner\.gate\.max_findings"):
        load_config(search_from=tmp_path)


@pytest.mark.parametrize("content, expected", [
    (bytes(range(256)), "not UTF-8 text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8 text"),
    (b"[gate]\x00\x00\x00", "binary data"),
    ("[gate]\nfail_on = 'warning'\n".encode("utf-16"), "not UTF-8 text"),
])
def test_binary_or_non_utf8_config_is_one_line_naming_the_file(tmp_path, content, expected):
    path = tmp_path / "aligner.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path) in str(info.value) and expected in str(info.value) and "\n" not in str(info.value)


def test_a_utf8_bom_is_fine(tmp_path):
    path = tmp_path / "aligner.toml"
    path.write_bytes(b"\xef\xbb\xbf[gate]\nfail_on = 'warning'\n")
    assert load_config(path).gate.fail_on == "warning"


# --- the CLI: exit 2, one line, before any work ----------------------------------------------------

def _cli(args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aligner", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=120, env=dict(os.environ, PYTHONPATH=str(ROOT)))


CLI_CASES = [
    ("aligner.toml", b'[align]\nmax_beads = ["1-9"]\n', "align.max_beads"),
    ("aligner.toml", b'[gate]\nreport_on = "bogus"\n', "gate.report_on"),
    ("aligner.toml", b"[gate]\nmax_findings = -3\n", "gate.max_findings"),
    ("aligner.toml", b"[clean]\nmin_score = 7\n", "clean.min_score"),
    ("aligner.toml", b"[encoder]\nbatch_size = 0\n", "encoder.batch_size"),
    ("aligner.toml", b"\x00\xff\xfe binary \x00", "aligner.toml"),
    ("manifest.toml", b'[documents.en]\nlang = "xx"\n', "documents.en.lang"),
    ("manifest.jsonl", b'{"doc": "en", "lang": "qq"}\n', "manifest.jsonl:1"),
]


@pytest.mark.parametrize("name, content, key", CLI_CASES, ids=[c[2] for c in CLI_CASES])
def test_cli_rejects_bad_settings_with_exit_2_before_any_work(tmp_path, name, content, key):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "en.txt").write_text("The weather was cold this morning. Anna walked to the station.\n",
                                   encoding="utf-8")
    (corpus / name).write_bytes(content)
    out = tmp_path / "out"
    proc = _cli(["run", corpus, "-o", out], cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    line = proc.stderr.strip()
    assert line.startswith("aligner: error:") and "\n" not in line and "Traceback" not in line, line
    assert key in line and name in line, line
    assert "internal error" not in line
    assert not out.exists(), "a run stopped by its settings must not leave an output folder"


def test_cli_option_out_of_range_is_exit_2(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "en.txt").write_text("Some text here.\n", encoding="utf-8")
    proc = _cli(["run", corpus, "-o", tmp_path / "out", "--min-score", "7"], cwd=tmp_path)
    assert proc.returncode == 2 and "clean.min_score" in proc.stderr, proc.stderr
