"""Boilerplate signals (aligner.segment.boilerplate): UI phrases, placeholders, doubled lines, shapes."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from aligner.segment.boilerplate import (ends_with_final_punctuation, is_all_caps, is_doubled, placeholder,
                                         ui_phrase_cover, ui_phrases)


@pytest.mark.parametrize("line", [
    # one UI string per language and category, none of them a seed line
    "Skip to content", "Lumaktaw sa pangunahing nilalaman", "Vai al contenuto principale", "Přejít na hlavní obsah",
    "Zum Hauptinhalt springen", "Aller au contenu principal", "Saltar al contenido principal", "Pular para o conteúdo principal",
    "Table of Contents", "Indice dei contenuti", "Obsah článku", "Inhaltsverzeichnis", "Table des matières",
    "Video of the Day", "Video del giorno", "Video dne", "Vidéo du jour", "Vídeo do dia",
    "Brought to you by Techwalla", "Offerto da Sapling", "Hatid sa iyo ng Leaf Group Media",
    "Was this article helpful?", "Questo articolo ti è stato utile? Sì No", "War dieser Artikel hilfreich? Ja Nein",
    "Thanks for your feedback!", "Grazie per il tuo feedback", "Děkujeme za zpětnou vazbu",
    "How can we help?", "Come possiamo aiutarti?", "Wie können wir helfen?",
    "Other languages", "Altre lingue", "Andere Sprachen", "Otros idiomas", "Outros idiomas", "Iba pang mga wika",
    "Anonymous", "Anonimo", "Anonym", "Written by Jane Doe", "Napsal Jan Novák", "Isinulat ni Juan Cruz",
    "Share this article", "Ibahagi", "Condividi", "Sdílet", "Teilen", "Partager", "Compartir", "Compartilhar",
    "We use cookies", "Accetta tutti", "Přijmout vše", "Alle akzeptieren", "Tout accepter",
    "Print Email Share", "Leggi anche Condividi Stampa",
])
def test_ui_phrases_in_many_languages(line):
    """Common interface strings in en, tl, it, cs, de, fr, es, pt are recognised as whole lines."""
    assert ui_phrase_cover(line)


@pytest.mark.parametrize("line", [
    "Tulong sa Customer", "Record Keepers", "Pagbebenta", "Suriin ang Mga Alalahanin",
    "Ano ang isang tagapamahala ng serbisyo sa customer?",
    "Ano",  # "yes" in Czech, "what" in Tagalog: an answer word alone is not chrome
    "Yes No",
    "Share prices fell sharply today.",
    "Por favor",  # "por *" needs a capitalised name
    "Il gestore forma il personale in buone tecniche di servizio.",
    "Contents of the customer service manual were updated",
])
def test_content_is_not_ui(line):
    """Content headings and sentences are not interface strings."""
    assert ui_phrase_cover(line) is None


def test_ui_list_covers_eight_languages_per_category():
    """The shipped list has every category in en, tl, it, cs, de, fr, es, pt."""
    with resources.files("aligner.data").joinpath("ui_phrases.json").open(encoding="utf-8") as fh:
        data = json.load(fh)
    for category, by_lang in data["phrases"].items():
        assert {"en", "tl", "it", "cs", "de", "fr", "es", "pt"} <= set(by_lang), category
    assert ui_phrases()["maxlen"] >= 5


@pytest.mark.parametrize("line,found", [
    ("$config[code] not found", "$config[code]"),
    ("$lang[title]", "$lang[title]"),
    ("{{ article.title }}", "{{ article.title }}"),
    ("{% block content %}", "{% block content %}"),
    ("Hello ${user.name}", "${user.name}"),
    ("Welcome %s", "%s"),
    ("Step %1$s of %2$s", "%1$s"),
    ("[object Object]", "[object Object]"),
    ("undefined", "undefined"),
    ("NaN", "NaN"),
    ("__TITLE_PLACEHOLDER__", "__TITLE_PLACEHOLDER__"),
    ("Item {0} added", "{0}"),
    ("Lorem ipsum dolor sit amet", "Lorem ipsum"),
])
def test_placeholders(line, found):
    assert placeholder(line) == found


@pytest.mark.parametrize("line", ["The price rose 50% since 2020.", "Use {braces} in JSON", "config code found",
                                  "Il 100%s", "undefined behaviour is a C term"])
def test_not_placeholders(line):
    assert placeholder(line) is None


@pytest.mark.parametrize("line,doubled", [
    ("Jak můžeme pomoci? Jak můžeme pomoci?", True),
    ("Nagdala sa iyo ni Sapling Nagdala sa iyo ni Sapling", True),
    ("Read more Read more", True),
    ("Bora Bora", False),  # a single word twice is a name, not a UI double
    ("Ang mga kinatawan ng serbisyo", False),
    ("a b a c", False),
])
def test_doubled_lines(line, doubled):
    assert is_doubled(line) is doubled


@pytest.mark.parametrize("line,caps", [("JINÉ JAZYKY", True), ("OTHER LANGUAGES", True), ("Jiné jazyky", False),
                                       ("USA", True), ("OK", False), ("A VERY LONG SHOUTED LINE WITH MANY MANY WORDS", False)])
def test_all_caps_shape(line, caps):
    assert is_all_caps(line) is caps


@pytest.mark.parametrize("line,final", [("Ano ito?", True), ("Konec.", True), ('Řekl „ano.“', True), ("Pagbebenta", False),
                                        ("Talaan ng mga Nilalaman:", False), ("Wait…", True)])
def test_final_punctuation(line, final):
    assert ends_with_final_punctuation(line) is final
