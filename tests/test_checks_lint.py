"""`aligner lint`: positions, formats, exit codes, on files loaded and segmented by the real stages."""

import json

import pytest
from click.testing import CliRunner

from aligner.checks.lint import line_col


@pytest.mark.parametrize("raw,offset,expected", [("abc", 0, (1, 1)), ("ab\ncd", 3, (2, 1)), ("ab\ncd", 4, (2, 2)),
                                                  ("a\n\nb", 3, (3, 1)), ("a\r\nb", 3, (2, 1)), ("a\rb", 2, (2, 1))])
def test_line_col_is_one_based(raw, offset, expected):
    assert line_col(raw, offset) == expected


def _lint(args):
    from aligner.cli import cli

    return CliRunner().invoke(cli, ["lint", *args])


def test_lint_reports_positions_and_fails(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Pamagat\n\nAng manager ay nagtuturo sa pag -iwas ng mga reklamo.", encoding="utf-8")
    res = _lint(["--lang", "tl", str(f)])
    assert f"{f}:3:29: affix-hyphen-space" in res.output
    assert res.exit_code != 0 and isinstance(res.exception, Exception)


def test_lint_clean_file_and_json(tmp_path):
    f = tmp_path / "b.txt"
    f.write_text("Il manager forma il personale del servizio clienti ogni giorno.", encoding="utf-8")
    assert _lint(["--lang", "it", str(f)]).output == ""
    g = tmp_path / "c.txt"
    g.write_text("Il servizio è buono.Il manager è contento.", encoding="utf-8")
    res = _lint(["--lang", "it", "--format", "json", "--select", "glued", str(g)])
    rec = json.loads(res.output.splitlines()[0])
    assert rec["code"] == "glued-sentence" and rec["line"] == 1 and rec["text"] == "buono.Il"


def test_lint_exit_codes_through_main(tmp_path):
    from aligner.cli import main

    f = tmp_path / "a.txt"
    f.write_text("Il servizio è buono.Il manager è contento.", encoding="utf-8")
    with pytest.raises(SystemExit) as e:
        main(["lint", "--lang", "it", str(f)])
    assert e.value.code == 1
    with pytest.raises(SystemExit) as e:
        main(["lint", "--lang", "it", "--ignore", "glued-sentence", str(f)])
    assert e.value.code == 0
    with pytest.raises(SystemExit) as e:
        main(["lint", "--lang", "it", "--select", "no-such-check", str(f)])
    assert e.value.code == 2


CLEAN_ENGLISH = """Customer service

Customer service is the help a company gives to the people who buy from it. Last Friday, Maria and her
brother met in London to plan a trip to Italy and Greece in May.

What to pack

The list is short, because they prefer to travel light. On Monday they will book the flights.
"""


def test_lint_passes_a_clean_english_article(tmp_path):
    """No repeated-phrase across a heading and its paragraph, no mid-sentence-capital on Friday/Italy/May."""
    f = tmp_path / "article.txt"
    f.write_text(CLEAN_ENGLISH, encoding="utf-8")
    html = tmp_path / "article.html"
    html.write_text("<html><body><h1>Customer service</h1><ul><li>Customer service is help.</li>"
                    "<li>It matters on Friday in Italy.</li></ul></body></html>", encoding="utf-8")
    result = _lint([str(f), str(html)])
    assert result.exit_code == 0, result.output
