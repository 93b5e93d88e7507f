"""The README's examples are part of the interface: they must stay true."""

import re
import tomllib
from pathlib import Path

from aligner.config import Config, from_mapping

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_configuration_example_is_valid_and_shows_the_defaults():
    block = re.search(r"```toml\n(# aligner\.toml.*?)```", README, re.S).group(1)
    data = tomllib.loads(block)
    cfg = from_mapping(data)
    defaults = Config()
    for section, values in data.items():
        if section == "checks":
            continue
        for key, value in values.items():
            assert getattr(getattr(defaults, section), key) == value, f"README shows a non-default {section}.{key}"
    assert cfg.checks["untranslated"]["severity"] == "error"


def test_quick_start_is_two_make_commands_and_ci_runs_the_test_one():
    quick = re.search(r"## Quick start\n\n```sh\n(.*?)```", README, re.S).group(1).strip().splitlines()
    assert [line.split("#")[0].strip() for line in quick] == ["make run", "make test"]
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "make test" in ci


def test_every_command_in_the_table_exists():
    from aligner.cli import COMMANDS

    listed = set(re.findall(r"^\| `aligner (\w+)", README, re.M))
    assert listed == set(COMMANDS)
