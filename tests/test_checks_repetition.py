"""Doubled words and phrases: reduced by the fix; reduplication the language uses on purpose untouched."""

import pytest
from checkhelp import flags_for


@pytest.mark.parametrize("text,lang,code,evidence,fix", [
    ("Mohou odpovídat na otázky, dotazy na zpracování zpracování a poskytnout pomoc.", "cs", "repeated-word",
     "zpracování zpracování", "zpracování"),
    ("Ang manager ay nagtuturo sa sa mga kawani.", "tl", "repeated-word", "sa sa", "sa"),
    ("Il responsabile del del servizio clienti forma il personale.", "it", "repeated-word", "del del", "del"),
    ("Pomohl vám tento článek? Děkuji za zpětnou vazbu Děkuji za zpětnou vazbu", "cs", "repeated-phrase",
     "Děkuji za zpětnou vazbu Děkuji za zpětnou vazbu", "Děkuji za zpětnou vazbu"),
    ("Nagdala sa iyo ni Sapling Nagdala sa iyo ni Sapling", "tl", "repeated-phrase",
     "Nagdala sa iyo ni Sapling Nagdala sa iyo ni Sapling", "Nagdala sa iyo ni Sapling"),
])
def test_repetition_caught(text, lang, code, evidence, fix):
    flags = flags_for(text, lang, code)
    assert [(f.text, f.fix) for f in flags] == [(evidence, fix)]


@pytest.mark.parametrize("text,lang", [
    ("May iba't iba silang gawain araw-araw sa sari-sari store at unti-unti silang natututo.", "tl"),
    ("Handa na na umuwi ang mga kawani.", "tl"),
    ("Piano piano il personale impara, e via via migliora.", "it"),
    ("Zákazníci chtějí více a více služeb, ano ano.", "cs"),
    ("Il 10 10 e il 2006 sono numeri.", "it"),
])
def test_legitimate_reduplication_unflagged(text, lang):
    assert flags_for(text, lang, "repeated-word") == [] and flags_for(text, lang, "repeated-phrase") == []


@pytest.mark.parametrize("text,evidence,fix", [
    ("Unti unti siyang natuto.", "Unti unti", "Unti-unti"),
    ("Araw araw siyang nagsasanay sa tindahan.", "Araw araw", "Araw-araw"),
    ("Isa isa nilang sinuri ang mga gawain.", "Isa isa", "Isa-isa"),
    ("Nagbebenta sila ng sari sari na produkto.", "sari sari", "sari-sari"),
])
def test_tagalog_space_separated_reduplication_caught_with_the_hyphen_as_fix(text, evidence, fix):
    """Tagalog writes full reduplication with a hyphen (KWF Ortograpiyang Pambansa): the space is the artifact."""
    assert [(f.text, f.fix) for f in flags_for(text, "tl", "repeated-word")] == [(evidence, fix)]


def test_reduplication_policy_configurable():
    """`allow` extends the list of words that may be doubled."""
    text = "Il cliente era contento contento del servizio."
    assert len(flags_for(text, "it", "repeated-word")) == 1
    assert flags_for(text, "it", "repeated-word", settings={"allow": ["contento"]}) == []


@pytest.mark.parametrize("text,lang,evidence", [
    ("Si allena il personale per affrontare i clienti o i clienti arrabbiati in modo calmo.", "it",
     "i clienti o i clienti"),
    ("Zástupci pomáhají zákazníkům a zákazníkům s dotazy.", "cs", "zákazníkům a zákazníkům"),
    ("Tinutulungan ng kinatawan ang mga customer at mga customer sa tindahan.", "tl", "mga customer at mga customer"),
])
def test_coordinated_duplicate_caught(text, lang, evidence):
    assert [f.text for f in flags_for(text, lang, "coordinated-duplicate")] == [evidence]


@pytest.mark.parametrize("text,lang", [
    ("Zákazníci chtějí více a více služeb.", "cs"),
    ("L'ho ripetuto più e più volte ai clienti e al personale.", "it"),
    ("May iba't ibang mga gawain ang mga kawani at mga customer.", "tl"),
    ("Ang mga tanong at katanungan ng customer o kliyente.", "tl"),
])
def test_coordinated_duplicate_not_on_idioms(text, lang):
    assert flags_for(text, lang, "coordinated-duplicate") == []


@pytest.mark.parametrize("text,lang", [
    ("Customer service\n\nCustomer service is the support a company gives to the people who buy from it.", "en"),
    ("Servizio clienti\n\nServizio clienti è il supporto che un'azienda offre a chi compra.", "it"),
])
def test_heading_and_the_next_sentence_are_not_a_doubled_phrase(text, lang):
    assert flags_for(text, lang, "repeated-phrase") == [] and flags_for(text, lang, "repeated-word") == []


@pytest.mark.parametrize("text,lang,code,evidence,fix", [
    # a run is one finding whose fix keeps one copy (a stuck generator, a page of one word)
    ("Il cliente chiede chiede chiede aiuto.", "it", "repeated-word", "chiede chiede chiede", "chiede"),
    ("Zákazník " + "volá " * 50 + "podporu.", "cs", "repeated-word", ("volá " * 50).strip(), "volá"),
    # a unit made of a shorter one repeated is that shorter one ('a b a b a b', not 'a b a b' twice)
    ("Grazie mille grazie mille grazie mille per l'aiuto.", "it", "repeated-phrase",
     "Grazie mille grazie mille grazie mille", "Grazie mille"),
    ("parola " * 40, "it", "repeated-word", ("parola " * 40).strip(), "parola"),
])
def test_a_run_of_copies_is_one_finding(text, lang, code, evidence, fix):
    other = "repeated-phrase" if code == "repeated-word" else "repeated-word"
    flags = flags_for(text, lang, code)
    assert [(f.text, f.fix) for f in flags] == [(evidence, fix)]
    assert flags_for(text, lang, other) == []  # and not reported again as the other kind


def test_a_run_message_counts_the_copies():
    (flag,) = flags_for("Il cliente chiede chiede chiede aiuto.", "it", "repeated-word")
    assert "3 times in a row" in flag.message
