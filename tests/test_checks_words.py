"""Untranslated English, capitals mid-sentence, wrong language: caught, and loanwords / names left alone."""

import pytest
from checkhelp import flags_for


@pytest.mark.parametrize("text,lang,evidence", [
    ("Ang pakikitungo sa mga customer ng irate ay isang pangkaraniwang kinakailangan sa trabaho.", "tl", "irate"),
    ("Record Keepers\n\nAng pag-iingat ng rekord ay bumubuo ng isang mahalagang bahagi ng negosyo.", "tl",
     "Record Keepers"),
    ("Mga Espesyalista sa Resolution\n\nAng mga kinatawan ay nagsisilbi sa front line ng negosyo.", "tl",
     "Resolution"),
    ("Il responsabile del servizio clienti deve gestire i clienti angry ogni giorno.", "it", "angry"),
    ("Vedoucí zákaznických služeb musí řešit stížnosti unhappy zákazníků každý den.", "cs", "unhappy"),
])
def test_untranslated_caught(text, lang, evidence):
    assert evidence in [f.text for f in flags_for(text, lang, "untranslated")]


@pytest.mark.parametrize("text,lang", [
    ("Maraming madalas na nagtatrabaho sa call center at ang manager ay nagbibigay ng coaching sa staff "
     "sa pamamagitan ng email, fax, internet at online chat.", "tl"),
    ("Il manager del call center coordina lo staff e il marketing del servizio clienti.", "it"),
    ("Manager zákaznického servisu řídí marketing a komunikaci se zákazníky.", "cs"),
    ("Ang mga kinatawan ay mahusay. Si Mary at si Tom ay tumingin sa mga gawa ni Picasso kahapon.", "tl"),
    ("Maaaring kailanganin ng kinatawan na mag-upgrade ng isang produkto o pag-record ng mga order.", "tl"),
])
def test_loanwords_and_names_not_untranslated(text, lang):
    assert flags_for(text, lang, "untranslated") == []


def test_untranslated_extra_loanwords_setting():
    text = "Ang pakikitungo sa mga customer ng irate ay isang pangkaraniwang kinakailangan."
    assert flags_for(text, "tl", "untranslated", settings={"extra_loanwords": ["irate"]}) == []


@pytest.mark.parametrize("text,lang,evidence", [
    ("Ang coordinator ng serbisyo sa customer ay may pananagutan. Mayroong iba't ibang mga pamamaraan na "
     "ginagamit ng Coordinator ng Serbisyo ng Customer sa trabaho.", "tl", "Coordinator ng Serbisyo ng Customer"),
    ("I clienti sono importanti per il servizio. Trattare con i Clienti arrabbiati è un requisito comune.",
     "it", "Clienti"),
])
def test_mid_sentence_capital_caught(text, lang, evidence):
    assert [f.text for f in flags_for(text, lang, "mid-sentence-capital")] == [evidence]


@pytest.mark.parametrize("text,lang", [
    ("Tinatantiya ng U.S. Bureau of Labor Statistics na humigit kumulang 2.2 milyong tao ang naghawak.", "tl"),
    ("Ano ang Gagawin ng isang Kinatawan ng Serbisyo sa Customer?\n\nAng customer ay mahalaga sa kinatawan.", "tl"),
    ("Il presidente Mattarella ha visitato Roma. Il presidente parla: Domani si vota.", "it"),
    ("Řekl jsem to Tomovi a Tom mluví o tom. Včera Tom řekl, že Tom přijde.", "cs"),
])
def test_mid_sentence_capital_not_on_names_headings(text, lang):
    assert flags_for(text, lang, "mid-sentence-capital") == []


@pytest.mark.parametrize("text,lang", [
    ("Ang mga kinatawan ng serbisyo sa customer ay may iba't ibang uri ng mga gawain. ", "tl"),
    ("Il responsabile del servizio clienti forma il personale in buone tecniche di servizio. ", "it"),
    ("Vedoucí zákaznických služeb musí formulovat zásady a vyvinout dlouhodobou filozofii. ", "cs"),
])
def test_wrong_language_caught_and_not_on_native_text(text, lang):
    english = "The customer service representative answers questions from customers every single day."
    assert [f.text for f in flags_for(text + english, lang, "wrong-language")] == [english]
    assert flags_for(text.strip(), lang, "wrong-language") == []


class _Lexicon:
    """Word lists and language identifier under the test's control."""

    languages = ("tl", "en")

    def __init__(self, zipf, confidences):
        self._zipf, self._conf = zipf, confidences

    def knows(self, lang):
        return lang in ("tl", "en")

    def why_unknown(self, lang):
        return None if self.knows(lang) else "unknown"

    def zipf(self, word, lang):
        return self._zipf.get((word.lower(), lang), 0.0)

    def confidences(self, text):
        return self._conf(text)


@pytest.mark.parametrize("identifier,flagged", [({"en": 0.8, "tl": 0.2}, True), ({"en": 0.3, "tl": 0.7}, False),
                                                ({"en": 0.5, "tl": 0.5}, False)])
def test_untranslated_needs_the_language_identifier_to_confirm(identifier, flagged):
    """The word lists say 'irate' is English (Zipf 5 vs 1); the finding is made only when the identifier,
    asked about the phrase, also prefers English (the confirmation branch, found untested by a mutation check)."""
    from aligner.checks import run_checks
    from aligner.config import Config
    from checkhelp import make_doc

    d = make_doc("Ang mga customer ay irate ngayong umaga sa opisina.", "tl")
    lex = _Lexicon({("irate", "en"): 5.0, ("irate", "tl"): 1.0},
                   lambda text: identifier if text == "irate" else {"tl": 1.0})
    flags = run_checks([d], [], encoder=None, embeddings={}, config=Config(), select=["untranslated"], lexicon=lex)
    assert [f.text for f in flags] == (["irate"] if flagged else [])
