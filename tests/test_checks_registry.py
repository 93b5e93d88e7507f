"""Registry and settings: one name everywhere, unknown codes and settings rejected."""

import pytest

from aligner.checks import get_check, registry, validate_check_settings
from aligner.config import from_mapping
from aligner.errors import ConfigError
from aligner.model import CATEGORIES, SEVERITIES


def test_every_check_is_documented_and_well_formed():
    from pathlib import Path

    docs = (Path(__file__).resolve().parent.parent / "docs" / "checks.md").read_text(encoding="utf-8")
    for code, cls in registry().items():
        assert cls.code == code and cls.category in CATEGORIES and cls.severity in SEVERITIES
        assert cls.scope in ("document", "pair") and cls.summary and cls.help
        assert f"## {code}\n" in docs, f"docs/checks.md lacks a '## {code}' entry"


def test_docs_are_up_to_date_with_the_registry():
    """docs/checks.md is generated from the registry (python -m aligner.checks.docgen > docs/checks.md)."""
    from pathlib import Path

    from aligner.checks.docgen import EXAMPLES, render

    docs = (Path(__file__).resolve().parent.parent / "docs" / "checks.md").read_text(encoding="utf-8")
    assert docs == render()
    assert set(EXAMPLES) == set(registry())


def test_every_category_has_a_check():
    """`other` holds the runner's own records (check-error, check-skipped)."""
    assert {c.category for c in registry().values()} == set(CATEGORIES)
    assert {code for code, c in registry().items() if c.category == "other"} == {"check-error", "check-skipped"}


@pytest.mark.parametrize("code,settings,message", [
    ("no-such-check", {}, "unknown check"),
    ("glued-word", {"min_part_zipff": 3}, "unknown setting"),
    ("glued-word", {"min_part_zipf": "high"}, "expected a number"),
    ("repeated-word", {"allow": "via"}, "expected a list"),
    ("untranslated", {"severity": "fatal"}, "expected one of"),
    ("omission", {"enabled": "yes"}, "expected true or false"),
])
def test_bad_settings_rejected(code, settings, message):
    with pytest.raises(ConfigError, match=message):
        validate_check_settings(code, settings, where=f"checks.{code}")


def test_config_tables_reach_the_checks():
    cfg = from_mapping({"checks": {"glued-word": {"min_part_zipf": 5.0, "severity": "error"}}})
    check = get_check("glued-word")(cfg.checks["glued-word"])
    assert check.min_part_zipf == 5.0 and check.level == "error"


def test_importing_checks_stays_light():
    import subprocess
    import sys

    code = "import sys, aligner.checks as c; c.registry(); print('numpy' in sys.modules, 'lingua' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_registry_order_does_not_depend_on_import_order():
    import subprocess
    import sys

    code = ("import aligner.checks.{} as _; from aligner.checks import registry; print(' '.join(registry()))")
    orders = {subprocess.run([sys.executable, "-c", code.format(m)], capture_output=True, text=True, check=True).stdout
              for m in ("pair", "repetition", "glued")}
    assert len(orders) == 1
