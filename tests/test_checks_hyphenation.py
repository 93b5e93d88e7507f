"""Tagalog affix hyphen spacing: `pag -iwas` caught and rejoined; real hyphens and dashes untouched."""

import pytest
from checkhelp import flags_for


@pytest.mark.parametrize("evidence,fix", [
    ("pag -iwas", "pag-iwas"), ("mai -promote", "mai-promote"), ("magkakaiba -iba", "magkakaiba-iba"),
    ("makipag -usap", "makipag-usap"), ("pang -promosyon", "pang-promosyon"), ("pag -iskedyul", "pag-iskedyul"),
    ("pakikipag -ugnayan", "pakikipag-ugnayan"),
])
def test_spaced_affix_hyphen_caught(evidence, fix):
    text = f"Ang mga kawani ay tinuturuan tungkol sa {evidence} ng mga customer."
    flags = flags_for(text, "tl", "affix-hyphen-space")
    assert [(f.text, f.fix) for f in flags] == [(evidence, fix)]


@pytest.mark.parametrize("text,lang", [
    ("Ang kinatawan ay dapat makipag-ugnayan sa post-pangalawang edukasyon at pag-upgrade.", "tl"),
    ("Ang maikling pag-uusap na ito ay nagbibigay-daan sa kinatawan.", "tl"),
    ("Ang trabaho - na mahirap - ay mahalaga. Ang presyo – mataas – ay tama.", "tl"),
    ("Il servizio - dice il manager - è buono e il lavoro -a volte- è duro.", "it"),
    ("Zákazník -pokud chce- může volat; cena 10 -20 korun.", "cs"),
])
def test_correct_hyphens_and_dashes_unflagged(text, lang):
    assert flags_for(text, lang, "affix-hyphen-space") == []


@pytest.mark.parametrize("text,flagged", [
    ("Ang mga produkto ay magkakaiba -iba ang presyo.", True),    # the word before the hyphen ends with "iba"
    ("Ang mga produkto ay sarisari -sari ang presyo.", True),
    ("Ang mga produkto ay maganda -iba ang presyo.", False),      # not a prefix, does not end with "iba"
    ("Ang mga produkto ay ibang-iba -iba ang presyo.", False),   # "iba" alone before the hyphen: not longer
    ("Ang mga kawani ay iba -iba ang oras.", False),             # the whole word is the stem: not a reduplication
])
def test_reduplication_needs_the_stem_at_the_end_of_a_longer_word(text, flagged):
    """The reduplication branch (`low.endswith(right)`, a spot mutation check found it untested)."""
    flags = flags_for(text, "tl", "affix-hyphen-space")
    assert bool(flags) is flagged
    if flagged:
        assert "reduplicated stem" in flags[0].message
