"""aligner.checks.base: the spans that word-shape checks leave alone (URLs, e-mail addresses, domains)."""

import signal

import pytest

from aligner.checks.base import protected_spans

CASES = [
    ("Visit example.com.", ["example.com"]),
    ("mail john.doe@x.co.uk, now", ["john.doe@x.co.uk"]),
    ("see https://a.b/c?d=1 ok", ["https://a.b/c?d=1"]),
    ("sub.example.com. end", ["sub.example.com"]),
    ("foo-bar.org/path x", ["foo-bar.org/path"]),
    ("e-mail@x.com", ["e-mail@x.com"]),
    ("text...example.com", ["example.com"]),
    ("www.seznam.cz", ["www.seznam.cz"]),
    ("Write to info@firma.it.", ["info@firma.it"]),
    ("(see aligner.io)", ["aligner.io"]),
    ("Ang tawag ay natapos.Ang susunod", []),  # a glued sentence is not a domain
    ("no address here", []),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_protected_spans(text, expected):
    assert [text[s:e] for s, e in protected_spans(text)] == expected


@pytest.mark.parametrize("token", ["a." * 100_000, "a" * 200_000 + "@", "a-" * 100_000 + "@b", "x@" + "a." * 100_000])
def test_hostile_tokens_finish(token):
    """One 200 KB token of address characters: the old pattern re-scanned the run from every position
    (quadratic: 16 KB took 32 s, this would take hours). The alarm turns a hang into a failure."""
    def hang(*_):
        raise TimeoutError("protected_spans did not finish: backtracking is back")

    old = signal.signal(signal.SIGALRM, hang)
    signal.alarm(30)
    try:
        spans = protected_spans(token)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert all(0 <= s < e <= len(token) for s, e in spans)
    if "@" not in token:
        assert spans == []
