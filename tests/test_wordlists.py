"""aligner.checks.wordlists: wordfreq's lists in arrays must give wordfreq's own answers, word for word."""

from __future__ import annotations

import subprocess
import sys

import pytest

from aligner.checks.wordlists import FrequencyTable, install


def _freq(i: int) -> float:
    return 10.0 ** (i / 100)


@pytest.mark.parametrize("bands, word, expected", [
    ([["a", "b"], [], ["c"]], "a", _freq(0)),
    ([["a", "b"], [], ["c"]], "c", _freq(-2)),
    ([["a", "b"], [], ["c"]], "d", None),
    ([["a", "b"], [], ["c"]], "", None),
    ([["a"], ["a"]], "a", _freq(-1)),  # listed twice: the later band, as the dict's assignments give it
    ([["ř", "straße", "日本"], ["naïve"]], "naïve", _freq(-1)),
    ([["ř", "straße", "日本"], ["naïve"]], "日本", _freq(0)),
    ([["ab", "a"]], "a", _freq(0)),  # a word that is another's prefix
    ([["ab", "a"]], "b", None),
    ([[], []], "a", None),
    ([["a"]], 3, None),  # not a string
    ([["a"]], "\ud800", None),  # a lone surrogate: absent, no exception
])
def test_lookup_case_table(bands, word, expected):
    table = FrequencyTable(bands, _freq)
    assert (word in table) is (expected is not None)
    if expected is None:
        with pytest.raises(KeyError):
            table[word]
    else:
        assert table[word] == expected


def test_length_iteration_and_a_nul_in_a_word():
    table = FrequencyTable([["x", "yy"], [], ["zzz"]], _freq)
    assert len(table) == 3 and list(table) == ["x", "yy", "zzz"]
    assert dict(table) == {"x": _freq(0), "yy": _freq(0), "zzz": _freq(-2)}
    with pytest.raises(ValueError, match="NUL"):
        FrequencyTable([["a\0b"]], _freq)


def test_hash_collisions_are_told_apart(monkeypatch):
    """Two words with one hash: the bytes decide (Python's str hash is replaced by a constant here)."""
    import aligner.checks.wordlists as wl

    monkeypatch.setattr(wl, "hash", lambda w: 7, raising=False)
    table = FrequencyTable([["alpha"], ["beta"], ["gamma"]], _freq)
    assert table["beta"] == _freq(-1) and table["gamma"] == _freq(-2) and "delta" not in table


COMPARE = r'''
import random, wordfreq
langs = ["en", "cs", "fil", "it"]
original = {l: wordfreq.get_frequency_dict(l, "best") for l in langs}
rng = random.Random(5)
sample = ["", " ", "the cat", "l'uomo", "2019", "abc123", "3.14", "Straße", "ŘEKA", "xyzzyq", "can't",
          "e-mail", "kumain na", "日本語", "ünïcödé", "42nd street"]
for l in langs:
    words = list(original[l])
    sample += rng.sample(words, 2000) + [w.upper() for w in rng.sample(words, 200)]
    sample += [a + " " + b for a, b in zip(rng.sample(words, 200), rng.sample(words, 200))]
before = {(w, l): wordfreq.zipf_frequency(w, l) for w in sample for l in langs}
from aligner.checks.wordlists import install, FrequencyTable
assert install(wordfreq)
wordfreq._wf_cache.clear()
tables = {l: wordfreq.get_frequency_dict(l, "best") for l in langs}
assert all(isinstance(t, FrequencyTable) for t in tables.values())
for l in langs:
    d, t = original[l], tables[l]
    assert len(t) == len(d), l
    assert all(t[w] == f for w, f in d.items()), l
    assert set(t) == set(d), l
after = {(w, l): wordfreq.zipf_frequency(w, l) for w in sample for l in langs}
bad = [k for k in before if before[k] != after[k]]
assert not bad, bad[:10]
print("same", sum(len(d) for d in original.values()), len(before))
'''


@pytest.mark.slow
def test_tables_give_wordfreqs_answers_for_every_word_and_phrase():
    pytest.importorskip("wordfreq")
    run = subprocess.run([sys.executable, "-c", COMPARE], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    words, answers = map(int, run.stdout.split()[1:])
    assert words > 1_000_000 and answers > 30_000


def test_only_wordfreq_3_is_patched(monkeypatch):
    import types
    from importlib import metadata

    fake = types.SimpleNamespace(get_frequency_dict=lambda *a: {}, get_frequency_list=lambda *a: [],
                                 cB_to_freq=_freq, _word_frequency=lambda *a: 0.0)
    monkeypatch.setattr(metadata, "version", lambda name: "4.0.0")
    assert install(fake) is False and not getattr(fake, "_aligner_tables", False)
    monkeypatch.setattr(metadata, "version", lambda name: "3.1.1")
    assert install(fake) is True and fake._aligner_tables
    del fake.cB_to_freq
    other = types.SimpleNamespace(get_frequency_dict=lambda *a: {})
    assert install(other) is False  # a 3.x without the internals this relies on


def test_the_lexicon_installs_the_tables():
    wordfreq = pytest.importorskip("wordfreq")
    from aligner.checks.lexicon import Lexicon

    lex = Lexicon(["en", "cs"])
    assert lex._wordfreq() is wordfreq
    assert getattr(wordfreq, "_aligner_tables", False)
    assert isinstance(wordfreq.get_frequency_dict("cs", "best"), FrequencyTable)
