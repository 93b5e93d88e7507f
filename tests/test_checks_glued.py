"""Glued sentences and words: caught at the junction, fix inserts the space; correct text untouched."""

import pytest
from checkhelp import flags_for


@pytest.mark.parametrize("text,lang,evidence,fix", [
    ("Ang mga tauhan na nagbibigay nito.Ang mga propesyonal na ito ay mahusay.", "tl", "nito.Ang", "nito. Ang"),
    ("Ang mga tauhan na nagbibigay nito.Sa mga propesyonal ito ay mahusay.", "tl", "nito.Sa", "nito. Sa"),
    ("Il cliente è soddisfatto del servizio.Il personale lo sa bene.", "it", "servizio.Il", "servizio. Il"),
    ("Il personale lavora nel servizio.It is not clear why.", "it", "servizio.It", "servizio. It"),
    ("Il manager disse «basta».Poi il personale uscì.", "it", "basta».Poi", "basta». Poi"),
    ("Il manager disse: «Basta così.»Poi il personale uscì.", "it", "così.»Poi", "così.» Poi"),
    ("Ang sabi niya ay (hindi ngayon).Bukas na lang.", "tl", "ngayon).Bukas", "ngayon). Bukas"),
    ("La soddisfazione è la massima priorità.È spesso chiamato a risolvere.", "it", "priorità.È", "priorità. È"),
    ("Il tono dei reclami è grande.L'ambito è normale.", "it", "grande.L'ambito", "grande. L'ambito"),
    ("Vedoucí odpovídá za správu.Zákaznický servis je důležitý.", "cs", "správu.Zákaznický", "správu. Zákaznický"),
])
def test_glued_sentence_caught(text, lang, evidence, fix):
    """The junction is flagged even though the segmenter split the two sentences."""
    flags = flags_for(text, lang, "glued-sentence")
    assert [(f.text, f.fix) for f in flags] == [(evidence, fix)]


@pytest.mark.parametrize("text,lang", [
    ("Tinatantiya ng U.S. Bureau of Labor Statistics na humigit kumulang 2.2 milyong tao ang naghawak.", "tl"),
    ("Visita www.YouTube.com oppure scrivi a info@Example.it per sapere di più.", "it"),
    ("Il dott. Rossi ha un Ph.D. in economia e costa 3.50 euro.", "it"),
    ("Soubor report.PDF je na webu example.Com a stojí 2,5 milionu.", "cs"),
    ("Ang kinatawan ay nagsasalita. Ang customer ay nakikinig.", "tl"),
])
def test_glued_sentence_not_on_correct_text(text, lang):
    assert flags_for(text, lang, "glued-sentence") == []


@pytest.mark.parametrize("text,lang,evidence,fix", [
    ("Naučí je dobrým návykům, které budou propagovatDobrá pověst pro společnost.", "cs", "propagovatDobrá",
     "propagovat Dobrá"),
    ("Supervizory zákaznického servisuVypořádejte se s problémy, jako jsou zákazníci.", "cs",
     "servisuVypořádejte", "servisu Vypořádejte"),
    ("Il responsabile del servizioNormalmente forma il personale.", "it", "servizioNormalmente",
     "servizio Normalmente"),
])
def test_glued_word_case_caught(text, lang, evidence, fix):
    flags = flags_for(text, lang, "glued-word-case")
    assert [(f.text, f.fix) for f in flags] == [(evidence, fix)]


@pytest.mark.parametrize("text,lang", [
    ("Bumili siya ng iPhone at nanood sa YouTube habang kumakain sa McDonald.", "tl"),
    ("Ho comprato un iPad su eBay e ho guardato un video su YouTube con PowerPoint aperto.", "it"),
    ("Funkce getElementById a soubor macOS fungují; napište na jan.novak@seznam.cz.", "cs"),
    ("Ang JavaScript at WordPress ay ginagamit ng LinkedIn.", "tl"),
])
def test_glued_word_case_not_on_names(text, lang):
    assert flags_for(text, lang, "glued-word-case") == []


@pytest.mark.parametrize("text,lang,evidence,fix", [
    ("Maraming tao ang kumukuha ng diploma upang maging kwalipikado kapag silamaging magagamit.", "tl",
     "silamaging", "sila maging"),
    ("Il gestore forma il personaleche lavora nel negozio.", "it", "personaleche", "personale che"),
    ("Molti lavoropresso un call center centralizzato.", "it", "lavoropresso", "lavoro presso"),
    ("Zákazníci společnostmohou rychle získat pověst.", "cs", "společnostmohou", "společnost mohou"),
])
def test_glued_word_lexicon_caught(text, lang, evidence, fix):
    flags = flags_for(text, lang, "glued-word")
    assert [(f.text, f.fix) for f in flags] == [(evidence, fix)]


@pytest.mark.parametrize("text,lang", [
    ("Ang pinakadakilang kasiyahan ay ang pagdodokumento at pagpoproseso ng mga order.", "tl"),
    ("Ang pakikipagkamayan ay nagbibigay-daan sa kinatawan na mamamadali sa trabaho.", "tl"),
    ("Nabawasan na overhead at mga nasasabik na customer sa isang propesyonal na paraan.", "tl"),
    ("Gli addetti all'assistenza clienti normalmente richiedono un diploma equivalente.", "it"),
    ("Nejkritičtější zaměstnanci zákaznického servisu absolvují školení.", "cs"),
])
def test_glued_word_lexicon_not_on_correct_text(text, lang):
    assert flags_for(text, lang, "glued-word") == []
