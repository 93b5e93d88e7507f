"""Language identification (aligner.segment.langid): lingua restricted to the configured set, plus cheap checks."""

from __future__ import annotations

import pytest

from aligner.segment.langid import (confirms, detect_language, detect_languages, distinctive_words,
                                    function_word_vote, guess_outside)

LANGS = ["tl", "it", "cs", "en", "de", "fr", "es", "pt"]


@pytest.mark.parametrize("text,lang", [
    ("Ang isang tagapamahala ng serbisyo sa customer ay ang taong namamahala sa mga relasyon.", "tl"),
    ("Un gestore del servizio clienti è la persona responsabile delle relazioni con i clienti.", "it"),
    ("Vedoucí zákaznických služeb odpovídá za správu zákaznického servisu pro společnost.", "cs"),
    ("The customer service manager is the person in charge of customer relations.", "en"),
    ("Der Kundendienstleiter ist für die Beziehungen zu den Kunden verantwortlich.", "de"),
    ("Le responsable du service client est chargé des relations avec les clients.", "fr"),
    ("El gerente de servicio al cliente es responsable de las relaciones con los clientes.", "es"),
    ("O gerente de atendimento ao cliente é responsável pelas relações com os clientes.", "pt"),
])
def test_detect_language_per_language(text, lang):
    code, conf = detect_language(text, LANGS)
    assert code == lang and conf > 0.5


def test_answer_is_restricted_to_the_given_languages():
    """Only configured languages are answered (ISO 639-1), even for a text in another one."""
    code, _ = detect_language("Vedoucí zákaznických služeb odpovídá za správu servisu.", ["it", "tl"])
    assert code in ("it", "tl")


@pytest.mark.parametrize("text", ["", "   ", "12345 678", "!!! ???"])
def test_no_letters_no_language(text):
    assert detect_language(text, LANGS) == (None, 0.0)


def test_batch_equals_single_calls_and_keeps_order():
    texts = ["Ang mga kinatawan ng serbisyo sa customer.", "La soddisfazione dei clienti.", "Ang mga kinatawan ng serbisyo sa customer."]
    assert detect_languages(texts, LANGS) == [detect_language(t, LANGS) for t in texts]


@pytest.mark.parametrize("text,lang", [
    ("Suomi on tasavalta Pohjois-Euroopassa ja sen pääkaupunki on Helsinki.", "fi"),
    ("Nederland is een land in West-Europa en de hoofdstad is Amsterdam.", "nl"),
    ("日本語のテキストです。東京は日本の首都です。", "ja"),
])
def test_guess_outside_names_unconfigured_languages(text, lang):
    """The wide detector recognises languages that are not configured (to warn about them)."""
    assert guess_outside(text, LANGS)[0] == lang


def test_distinctive_function_words_are_unique_to_one_language():
    """Words shared by two configured languages ('a' in it/cs/pt, 'de' in es/pt/fr) are not used as evidence."""
    table = distinctive_words(tuple(sorted(LANGS)))
    assert "a" not in table and "de" not in table and "la" not in table
    assert table["ang"] == "tl" and table["della"] == "it" and table["že"] == "cs"


@pytest.mark.parametrize("text,lang,expected", [
    ("Ang isang tagapamahala ng serbisyo sa customer ay ang taong namamahala sa mga relasyon.", "tl", True),
    ("This sentence was left in English by the translator of the article.", "tl", False),
    ("Record Keepers", "tl", False),
    ("Il gestore forma il personale della società con molta cura e perché no.", "it", True),
])
def test_confirms_uses_function_words(text, lang, expected):
    """The cheap check that lets most sentences inherit the document language without lingua."""
    assert confirms(text, lang, LANGS) is expected


def test_function_word_vote_counts_tokens():
    hits, n = function_word_vote("Ang mga kinatawan ng serbisyo", LANGS)
    assert n == 5 and hits == {"tl": 3}
