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


def test_badness_searched_near_its_needed_characters_answers_as_ftfy():
    """The mojibake check asks ftfy's badness expression only around the characters every match needs
    (encoding._search_near): the same answer as searching the whole text, found for the installed ftfy, and
    the accented lower-case letters of ordinary text do not make it search."""
    import random

    from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES

    from aligner.checks.encoding import _search_near, _shortcut

    shortcut = _shortcut(BADNESS_RE)
    assert shortcut is not None, "ftfy's badness expression changed: the mojibake check searches all of every text"
    trigger, width = shortcut
    assert 2 <= width <= 64 and not trigger.search("àèéìòùçêëîïôûüäößřčšžěůýáíúñ ’–—")
    pool = sorted({c for c in BADNESS_RE.pattern if not c.isascii()} | set("aeAZ \n.,!?-'\"x1")
                  | set("".join(MOJIBAKE_CATEGORIES.values())) - {"-"})
    rng = random.Random(7)
    texts = ["Ã¨ primo", "Il servizio Ã¨ buono.", "Â perché", "x Â «", "ma Ã perché", "a\u00c3 b", "ГўВЂВ¦a",
             "Vedoucí zákaznickÃ½ch služeb", "È la società più grande, «così»."]
    for _ in range(4000):
        n = rng.randint(1, 30)
        texts.append("".join(rng.choice(pool) for _ in range(n)))
        texts.append("Il testo è lungo " * rng.randint(0, 3) + texts[-1] + " e finisce qui" * rng.randint(0, 2))
    for text in texts:
        assert _search_near(BADNESS_RE, text) == bool(BADNESS_RE.search(text)), text


def test_boilerplate_reports_each_removed_chrome_span_not_blank_ones():
    from aligner.checks import run_checks
    from aligner.config import Config

    d = make_doc("Skip to main content\n\nAng manager ay mahalaga.\n", "tl")
    d.removed = [Removed(0, 22, "Skip to main content\n\n", "site chrome"), Removed(46, 47, "\n", "blank"),
                 Removed(22, 25, "Ang", "markup")]
    flags = run_checks([d], [], encoder=None, embeddings={}, config=Config(), select=["boilerplate"])
    assert [(f.text, f.fixed, f.severity) for f in flags] == [("Skip to main content", True, "info")]
