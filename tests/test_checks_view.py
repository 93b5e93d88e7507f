"""What the checks read: the reader's text (no markup), with do-not-translate spans masked; HTML titles."""

import pytest
from checkhelp import flags_for

from aligner.checks.view import LITERAL, reader_text, reader_view
from aligner.load.html import extract_text
from aligner.model import Document


def _doc(raw, fmt="html", lang="it"):
    return Document(doc="d", path="d.html", raw=raw, lang=lang, format=fmt)


def test_view_keeps_offsets_and_blanks_markup():
    raw = '<p>Il <span class="emphasis"><strong>gestore</strong></span> forma &amp; istruisce.</p>'
    view = reader_view(_doc(raw))
    assert len(view) == len(raw)
    assert "span" not in view and "class" not in view and "strong" not in view and "emphasis" not in view
    assert view[raw.index("gestore"):raw.index("gestore") + 7] == "gestore"
    assert " ".join(view.split()) == "Il gestore forma & istruisce."


@pytest.mark.parametrize("raw,literal", [
    ('<p>Esegui <code class="literal">apt-get update</code> ogni giorno.</p>', "apt-get update"),
    ('<p>Modifica il file <span class="filename">/etc/apt/sources.list</span> con cura.</p>', "/etc/apt/sources.list"),
    ('<p>Premi <kbd>Ctrl</kbd> e poi esci.</p>', "Ctrl"),
    ('<p>Usa <span class="command"><strong>aptitude</strong></span> per installare.</p>', "aptitude"),
    ('<pre class="screen">$ sudo apt install firefox</pre>', "sudo apt install firefox"),
])
def test_code_commands_and_file_names_are_masked(raw, literal):
    view = reader_view(_doc(raw))
    start = raw.index(literal)
    assert set(view[start:start + len(literal)]) <= {LITERAL, " "}


@pytest.mark.parametrize("text,masked", [
    ("Esegui `make install` nella cartella.", "`make install`"),
    ("Modifica /etc/hosts e ~/.bashrc prima.", "/etc/hosts"),
    ("Usa l'opzione --force con cautela.", "--force"),
    ("La variabile $HOME punta alla cartella.", "$HOME"),
    ("Il file sources.list elenca gli archivi.", "sources.list"),
    ("Scrivi {name} e %s nel modello.", "{name}"),
])
def test_code_like_text_in_plain_documents_is_masked(text, masked):
    view = reader_view(_doc(text, fmt="text"))
    start = text.index(masked)
    assert set(view[start:start + len(masked)]) <= {LITERAL, " "}


@pytest.mark.parametrize("text", ["nito.Ang mga tao", "U.S. Bureau", "e.g. questo", "il 2,5 per cento"])
def test_prose_is_not_masked(text):
    assert LITERAL not in reader_view(_doc(text, fmt="text"))


def test_reader_text_leaves_code_out():
    raw = '<p>Digita <code>ls -la /tmp</code> per vedere i file.</p>'
    assert reader_text(_doc(raw), 0, len(raw)) == "Digita per vedere i file."


def test_untranslated_does_not_read_markup_or_code():
    html = ('<html><body><p>Il sistema usa <span class="literal">root</span> e la <code>display</code> come '
            'indicato nel <strong class="emphasis">manuale</strong> di riferimento per gli utenti.</p></body></html>')
    assert flags_for(html, "it", "untranslated", fmt="html") == []


@pytest.mark.parametrize("html,title", [
    ('<html><head><title>Servizio clienti | Sito</title><meta property="og:title" content="Il gestore del servizio">'
     '</head><body><div class="cookie-banner">Accetti tutti i cookie?</div><h1>Il gestore</h1><p>Testo.</p></body></html>',
     "Il gestore del servizio"),
    ('<html><head><title>Servizio clienti | Sito</title></head><body><nav>Home Chi siamo</nav><h1>Il gestore</h1>'
     '<p>Testo.</p></body></html>', "Il gestore"),
    ('<html><head><title>Servizio clienti</title></head><body><p>Accetti tutti i cookie?</p><p>Testo.</p></body></html>',
     "Servizio clienti"),
])
def test_html_title_comes_from_og_title_h1_or_title(html, title):
    assert extract_text(html).title == title


def test_consent_banner_markup_is_removed_in_any_language():
    for text in ("Accetti tutti i cookie?", "Accept all cookies?", "Souhlasíte s cookies?"):
        html = f'<html><body><div id="cookie-consent">{text}</div><p>Il testo vero.</p></body></html>'
        assert text not in extract_text(html).text


def test_table_of_contents_markup_is_navigation():
    html = '<html><body><div class="toc"><p>1. Introduzione</p></div><p>Il testo vero.</p></body></html>'
    assert "Introduzione" not in extract_text(html).text


def test_admonition_labels_are_structure_in_every_language():
    for label in ("Note", "Nota", "Anmerkung"):
        html = (f'<html><body><div class="note"><table><tr><th>{label}</th></tr><tr><td><p>Il testo della nota.</p>'
                '</td></tr></table></div></body></html>')
        text = extract_text(html).text
        assert label not in text and "Il testo della nota." in text


@pytest.mark.parametrize("text,masked", [
    ("KISS (keep it simple stupid), cioè mantenere le cose semplici.", "keep it simple stupid"),
    ("Sostituito da « Debian GNU/Linux: Guide to Installation and Usage » nel 2008.", "Guide to Installation and Usage"),
])
def test_language_checks_skip_acronym_expansions_and_quoted_titles(text, masked):
    from aligner.checks.view import language_view

    d = _doc(text, fmt="text")
    start = text.index(masked)
    assert set(language_view(d)[start:start + len(masked)]) <= {LITERAL, " "}
    assert LITERAL not in reader_view(d)[start:start + len(masked)]  # the shape checks still read it
    assert flags_for(text, "it", "untranslated") == []
