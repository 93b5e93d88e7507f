"""Credit lines, name runs and glosses: content the language checks and omission must not call an error."""

import pytest

from aligner.checks.credits import is_credit_line
from aligner.checks.untranslated import gloss_spans, name_runs

EN_FUNCTION = {"a", "an", "and", "for", "the", "of", "to", "in"}


@pytest.mark.parametrize("text,lang,expected", [
    ("Die Anleitung wurde ins Deutsche übersetzt von Jens Seidel und anderen.", "de", True),
    ("Il documento è stato revisionato da Mario Rossi (mrossi at example dot org).", "it", True),
    ("Le guide a été traduit par Marie Curie.", "fr", True),
    ("Translated by Ann Lee <ann@example.org>.", "en", True),
    ("La traduzione di questo testo è corretta.", "it", False),      # the word, but nobody named
    ("Die Übersetzung ist gut.", "de", False),
    ("Jens Seidel schreibt ein Buch.", "de", False),                 # a name, but no credit word
    ("Le guide a été traduit par Marie Curie.", "it", False),        # another language's vocabulary
    ("Le guide a été traduit par Marie Curie.", None, False),
])
def test_credit_lines(text, lang, expected):
    assert is_credit_line(text, lang) is expected


@pytest.mark.parametrize("raw,expected", [
    ("Gli HOWTO di TLDP (The Linux Documentation Project), all'indirizzo", ["The Linux Documentation Project"]),
    ("vedere The Debian Administrator's Handbook oggi", ["The Debian Administrator's Handbook"]),
    ("See Introduction to i18n for details.", []),                     # two capitals: no name run
    ("For Emacs aficionados, uim may be an alternative.", []),
    ("Rome, Paris, London sono città.", []),                           # a list, not a name
])
def test_name_runs(raw, expected):
    assert [raw[a:b] for a, b in name_runs(raw)] == expected


@pytest.mark.parametrize("raw,expected", [
    ('"tasto morto" (dead key)', ["dead key"]),
    ("halte es kurz und einfach (Keep It Short and Simple, KISS);", ["Keep It Short and Simple, KISS"]),
    (", , (for zh_CN/zh_TW)", []),                                     # not after a term
    ("Non (the whole English sentence left here in brackets is not a gloss)", []),
    ("les fichiers (for the review)", []),                             # a phrase, not a term
])
def test_gloss_spans(raw, expected):
    assert [raw[a:b] for a, b in gloss_spans(raw, EN_FUNCTION)] == expected
