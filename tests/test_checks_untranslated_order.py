"""The respelling the untranslated check names must not depend on a set's (hash-seeded) order."""
import pytest

from aligner.checks.untranslated import Untranslated


class _Lex:
    """Zipf frequencies from a table; nothing else is asked on the respelling path."""

    def __init__(self, table):
        self.table = table

    def zipf(self, word, lang):
        return self.table.get((word, lang), 0.0)


class _Res:
    def __init__(self, forms):
        self.forms = forms

    def respellings(self, word):
        return list(self.forms)  # iterated in the given order: both orders are tried below


CASES = [
    # word, its respellings, zipf table, the respelling the message must name
    ("rekord", ["rekordo", "rekorde"], {("rekordo", "tl"): 3.2, ("rekorde", "tl"): 3.9}, "rekorde"),
    ("rekord", ["rekorde", "rekordo"], {("rekordo", "tl"): 3.9, ("rekorde", "tl"): 3.2}, "rekordo"),
    ("rekord", ["rekordb", "rekorda"], {("rekordb", "tl"): 3.5, ("rekorda", "tl"): 3.5}, "rekorda"),
]


@pytest.mark.parametrize("word,forms,table,expected", CASES)
def test_most_frequent_respelling_named_whatever_the_set_order(word, forms, table, expected):
    table = dict(table)
    table[(word, "en")] = 4.0
    table[(word, "tl")] = 2.0
    check = Untranslated()
    for order in (forms, list(reversed(forms))):
        score = check._score_word(_Lex(table), _Res(order), word, "tl", frozenset())
        assert score is not None
        assert score[1].endswith(f"'{expected}'")
