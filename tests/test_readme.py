"""The README's examples are part of the interface: they must stay true."""

import re
import tomllib
from pathlib import Path

import pytest

from aligner.config import Config, from_mapping

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _config_block() -> dict:
    block = re.search(r"```toml\n(# aligner\.toml.*?)```", README, re.S).group(1)
    assert "defaults shown" in block.splitlines()[0]
    return tomllib.loads(block)


def test_configuration_example_is_valid_and_shows_the_defaults():
    """Every value of the README's "defaults shown" block is the real default (Config(), check registry)."""
    from aligner.checks import registry
    from aligner.checks.base import COMMON_PARAMS

    data = _config_block()
    from_mapping(data)  # valid
    defaults = Config()
    compared = 0
    for section, values in data.items():
        if section == "checks":
            continue
        for key, value in values.items():
            assert getattr(getattr(defaults, section), key) == value, f"README shows a non-default {section}.{key}"
            compared += 1
    checks = registry()
    for code, settings in data.get("checks", {}).items():
        real = {**COMMON_PARAMS, "enabled": True, **checks[code].all_params(), "severity": checks[code].severity}
        for key, value in settings.items():
            assert real[key] == value, f"README shows checks.{code}.{key} = {value!r}, the default is {real[key]!r}"
            compared += 1
    assert compared >= 20 and "checks" in data


def test_the_default_block_test_catches_a_wrong_value(monkeypatch):
    """The comparison above fails on a README that shows a non-default (as `severity = "error"` once did)."""
    bad = README.replace('severity = "warning"     # info, warning or error', 'severity = "error"', 1)
    assert bad != README
    monkeypatch.setattr("test_readme.README", bad)
    with pytest.raises(AssertionError, match="checks.untranslated.severity"):
        test_configuration_example_is_valid_and_shows_the_defaults()


def test_quick_start_is_two_make_commands_and_ci_runs_the_test_one():
    quick = re.search(r"## Quick start\n\n```sh\n(.*?)```", README, re.S).group(1).strip().splitlines()
    assert [line.split("#")[0].strip() for line in quick] == ["make run", "make test"]
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "make test" in ci


def test_every_command_in_the_table_exists():
    from aligner.cli import COMMANDS

    listed = set(re.findall(r"^\| `aligner (\w+)", README, re.M))
    assert listed == set(COMMANDS)
