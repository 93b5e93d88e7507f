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


LANGID_PROBE = r"""
import json, sys, threading, time
from aligner import langid
from aligner.cores import cores_taken_by_caller
texts = json.loads(sys.argv[1])
langs = ["cs", "de", "en", "es", "fr", "it", "pt", "tl"]
ticks, stop = [], []
def spin():
    while not stop:
        ticks.append(time.perf_counter())
        time.sleep(0.001)
if sys.argv[2] == "beside":  # as while the pipeline's background encoder runs
    th = threading.Thread(target=spin)
    th.start()
    t0 = time.perf_counter()
    with cores_taken_by_caller():
        answers = langid.detect_languages(texts, langs)
    t1 = time.perf_counter()
    stop.append(1)
    th.join()
    inside = [t for t in ticks if t0 < t < t1]
    bursts = sum(1 for a, b in zip(inside, inside[1:]) if b - a > 0.05) + bool(inside)
else:
    answers, bursts = langid.detect_languages(texts, langs), 0
print(json.dumps({"answers": answers, "loaded": sorted(map(list, langid._loaded)), "bursts": bursts}))
"""


@pytest.mark.slow
def test_piecewise_model_loading_gives_the_same_answers_and_frees_the_gil():
    """Beside a background encoder, lingua's models are loaded two languages at a time: other threads run between
    the loads, and every answer is the one lingua gives when it loads them itself."""
    import json
    import os
    import subprocess
    import sys

    texts = ["Kumain ka na ba?", "Dove si trova la stazione?", "Kde je nádraží?", "Ok", "The weather is nice.",
             "Ang isang tagapamahala ng serbisyo sa customer ay ang taong namamahala sa mga relasyon sa customer "
             "at ang mga tauhan na nagbibigay nito."]
    out = {}
    for mode in ("plain", "beside"):
        proc = subprocess.run([sys.executable, "-c", LANGID_PROBE, json.dumps(texts), mode], capture_output=True,
                              text=True, timeout=600, env=dict(os.environ, ALIGNER_NO_MEMO="1"))
        assert proc.returncode == 0, proc.stderr
        out[mode] = json.loads(proc.stdout)
    assert out["beside"]["answers"] == out["plain"]["answers"]
    assert out["plain"]["loaded"] == []  # lingua's own lazy loading when nothing runs beside
    assert {c for c, short in out["beside"]["loaded"] if short} == {"cs", "de", "en", "es", "fr", "it", "pt", "tl"}
    assert out["beside"]["bursts"] >= 2  # the other thread ran between model loads, not only before and after
