"""Strict/lax precision, recall and F1 against hand-computed examples, vecalign conventions included."""

from __future__ import annotations

import pytest

from aligner.align.scorer import parse_bead_line, score, score_many
from aligner.model import Bead

GOLD = [((0,), (0,)), ((1, 2), (1,)), ((), (2,)), ((3,), (3, 4))]


def test_perfect_alignment():
    s = score(GOLD, GOLD)
    assert (s.precision_strict, s.recall_strict, s.f1_strict, s.f1_lax) == (1.0, 1.0, 1.0, 1.0)
    assert s.one_sided_recall == 1.0


def test_hand_computed_mixture():
    """Test: [0]:[0] strict; [1]:[1] lax only; [2]:[] wrong; [3]:[2,3,4] lax only (3-4 gold overlap).

    Precision over the 4 test beads: strict 1/4, lax 3/4.
    Recall over the 3 two-sided gold beads against the 3 two-sided test beads:
    [0]:[0] strict; [1,2]:[1] lax (1 aligned to 1 in test); [3]:[3,4] lax -> strict 1/3, lax 3/3.
    """
    test = [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), (2, 3, 4))]
    s = score(GOLD, test)
    assert s.precision_strict == pytest.approx(1 / 4)
    assert s.precision_lax == pytest.approx(3 / 4)
    assert s.recall_strict == pytest.approx(1 / 3)
    assert s.recall_lax == pytest.approx(1.0)
    assert s.f1_strict == pytest.approx(2 * (1 / 4) * (1 / 3) / (1 / 4 + 1 / 3))
    assert s.one_sided_recall == 0.0 and s.one_sided_precision == 0.0


def test_one_sided_beads_count_for_precision_not_recall():
    """vecalign convention: a missed deletion costs precision (the wrong bead), never recall."""
    gold = [((0,), (0,)), ((), (1,)), ((1,), (2,))]
    merged = [((0,), (0, 1)), ((1,), (2,))]  # the 0-1 swallowed into a 1-2
    s = score(gold, merged)
    assert s.precision_strict == pytest.approx(1 / 2)
    assert s.recall_strict == pytest.approx(1 / 2)  # 2 two-sided gold beads, one exact
    assert s.recall_lax == 1.0 and s.precision_lax == 1.0
    assert s.one_sided_recall == 0.0
    found = [((0,), (0,)), ((), (1,)), ((1,), (2,))]
    assert score(gold, found).one_sided_recall == 1.0


def test_extra_one_sided_test_bead_costs_precision_only():
    gold = [((0,), (0,)), ((1,), (1,))]
    test = [((0,), (0,)), ((1,), ()), ((), (1,))]
    s = score(gold, test)
    assert s.precision_strict == pytest.approx(1 / 3) and s.precision_lax == pytest.approx(1 / 3)
    assert s.recall_strict == pytest.approx(1 / 2) and s.recall_lax == pytest.approx(1 / 2)
    assert s.one_sided_precision == 0.0


def test_micro_average_over_documents_and_bead_objects():
    """Counts are summed before dividing; Bead records are accepted like tuples."""
    a = score_many([(GOLD, GOLD), ([((0,), (0,))], [Bead((0,), (1,))])])
    assert a.counts.test == 5 and a.counts.p_strict == 4
    assert a.precision_strict == pytest.approx(4 / 5)
    assert a.recall_strict == pytest.approx(3 / 4)


def test_empty_inputs_score_zero_not_crash():
    s = score([], [])
    assert s.f1_strict == 0.0 and s.f1_lax == 0.0


@pytest.mark.parametrize("line, expected", [
    ("[0]:[0, 1]", ((0,), (0, 1))),
    ("[]:[3]", ((), (3,))),
    ("[4, 5]:[]:0.8123", ((4, 5), ())),
])
def test_parse_bead_line(line, expected):
    assert parse_bead_line(line) == expected


@pytest.mark.parametrize("line", ["0:1", "[a]:[1]", "[1]", "[1]:[2]:0.5:9", "[1.5]:[2]"])
def test_parse_bead_line_rejects(line):
    with pytest.raises(ValueError):
        parse_bead_line(line)
