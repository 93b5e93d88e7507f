"""Encoding damage and boilerplate reporting."""

import pytest
from checkhelp import flags_for, make_doc

from aligner.model import Removed


@pytest.mark.parametrize("text,code,evidence,fix", [
    ("Il gestore del servizio clienti Ã¨ la persona responsabile.", "mojibake", "Ã¨", "è"),
    ("Vedoucí zákaznickÃ½ch služeb odpovídá za správu.", "mojibake", "zákaznickÃ½ch", "zákaznických"),
    ("Ang mga kinatawan\u200b ay mahalaga.", "control-character", "\u200b", ""),
    ("Ang mga kinatawan\x07 ay mahalaga.", "control-character", "\x07", ""),
])
def test_encoding_caught(text, code, evidence, fix):
    assert [(f.text, f.fix) for f in flags_for(text, "it", code)] == [(evidence, fix)]


def test_replacement_character_has_no_fix():
    flags = flags_for("Il servizio \ufffd buono.", "it", "replacement-character")
    assert len(flags) == 1 and flags[0].fix is None and flags[0].severity == "error"


@pytest.mark.parametrize("text", ["Cos'è un gestore? È la società più grande; Dobrá pověst, žluťoučký kůň.",
                                  "Ang iba't ibang mga gawain: pag-upgrade, “soft sales” — at iba pa."])
def test_encoding_not_on_correct_text(text):
    for code in ("mojibake", "control-character", "replacement-character"):
        assert flags_for(text, "it", code) == []


def test_ftfy_badness_needs_a_non_ascii_character():
    """The mojibake check skips ASCII-only text without asking ftfy: every branch of ftfy's badness expression
    must hold an element that only non-ASCII characters match (else an upgrade of ftfy broke the shortcut)."""
    try:
        from re import _parser as sre_parse
    except ImportError:  # Python < 3.11
        import sre_parse
    from ftfy.badness import BADNESS_RE

    def ascii_possible(op, av) -> bool:
        name = str(op)
        if name == "LITERAL":
            return av < 128
        if name == "IN":
            return any(str(o) in ("NEGATE", "CATEGORY") or (str(o) == "LITERAL" and a < 128)
                       or (str(o) == "RANGE" and a[0] < 128) for o, a in av)
        return True  # anchors, repeats, groups: assume they may match ASCII or nothing

    (op, (_, branches)), = sre_parse.parse(BADNESS_RE.pattern, BADNESS_RE.flags).data
    assert str(op) == "BRANCH" and len(branches) > 10
    for branch in branches:
        assert not all(ascii_possible(o, a) for o, a in branch.data), branch
    assert flags_for("Il gestore del servizio clienti e la persona responsabile.", "it", "mojibake") == []


def test_boilerplate_reports_each_removed_chrome_span_not_blank_ones():
    from aligner.checks import run_checks
    from aligner.config import Config

    d = make_doc("Skip to main content\n\nAng manager ay mahalaga.\n", "tl")
    d.removed = [Removed(0, 22, "Skip to main content\n\n", "site chrome"), Removed(46, 47, "\n", "blank"),
                 Removed(22, 25, "Ang", "markup")]
    flags = run_checks([d], [], encoder=None, embeddings={}, config=Config(), select=["boilerplate"])
    assert [(f.text, f.fixed, f.severity) for f in flags] == [("Skip to main content", True, "info")]
