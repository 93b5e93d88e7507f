"""One bad document never stops a run: a failing check, tokenizer, segmenter step or alignment costs that
document's (or pair's) results and becomes a record on it; languages a check cannot handle are skipped with
a `check-skipped` record saying why."""

from __future__ import annotations

import pytest

from aligner.checks import get_check, run_checks
from aligner.checks.base import writes_words_apart
from aligner.config import Config, from_mapping
from aligner.model import Document
from checkhelp import make_doc
from scripts_samples import AR, JA, KO, TH, ZH

TL = ("Ang serbisyo sa customer ay mahalaga sa bawat kumpanya. Ang mga empleyado ay tumutulong sa mga "
      "kliyente araw-araw.\n\nMaraming trabaho ang naghihintay sa kanila ngayong linggo.\n")
IT = ("Il servizio clienti è importante per ogni azienda. I dipendenti aiutano i clienti ogni giorno.\n\n"
      "Molto lavoro li aspetta questa settimana.\n")


def _codes(flags, doc=None):
    return [f.code for f in flags if doc is None or f.doc == doc]


@pytest.fixture
def boom(monkeypatch):
    """Make the check `code` raise on documents whose text contains 'BOOM' (returns the setter)."""

    def install(code: str, method: str = "find"):
        cls = get_check(code)
        original = getattr(cls, method)

        def broken(self, ctx, doc_or_pair):
            doc = getattr(doc_or_pair, "src", doc_or_pair)
            if "BOOM" in doc.raw:
                raise ValueError("synthetic failure")
            return original(self, ctx, doc_or_pair)

        monkeypatch.setattr(cls, method, broken)

    return install


def test_a_failing_check_becomes_a_check_error_on_that_document_only(boom):
    boom("repeated-word")
    bad = make_doc("BOOM sa sa bahay. Ang ang aso ay tumakbo.", "tl", "bad")
    good = make_doc("Pumunta sila sa sa bahay kahapon ng umaga.", "tl", "good")
    flags = run_checks([bad, good], [], encoder=None, embeddings={}, config=Config())
    errors = [f for f in flags if f.code == "check-error"]
    assert [(f.doc, f.severity, f.category) for f in errors] == [("bad", "error", "other")]
    assert "'repeated-word'" in errors[0].message and "ValueError: synthetic failure" in errors[0].message
    assert errors[0].sentence is None and errors[0].start == errors[0].end == 0
    assert "repeated-word" in _codes(flags, "good")  # the same check still ran on the other document
    assert "repeated-word" not in _codes(flags, "bad")
    assert bad.n_flags == len([f for f in flags if f.doc == "bad"])


def test_findings_yielded_before_the_failure_are_kept(monkeypatch):
    cls = get_check("repeated-word")
    original = cls.find

    def half(self, ctx, doc):
        gen = original(self, ctx, doc)
        yield next(gen)
        raise RuntimeError("after one finding")

    monkeypatch.setattr(cls, "find", half)
    d = make_doc("Ang ang aso. Sa sa bahay.", "tl")
    flags = run_checks([d], [], encoder=None, embeddings={}, config=Config(), select=["repeated-word"])
    assert _codes(flags) == ["check-error", "repeated-word"]


def test_a_failing_requirement_test_is_isolated_too(monkeypatch):
    monkeypatch.setattr(get_check("glued-word"), "unavailable", lambda self, ctx, doc: 1 / 0)
    d = make_doc(TL, "tl")
    flags = run_checks([d], [], encoder=None, embeddings={}, config=Config(), select=["glued-word", "repeated-word"])
    assert _codes(flags) == ["check-error"]
    assert "'glued-word'" in flags[0].message and "ZeroDivisionError" in flags[0].message


def test_check_error_severity_is_a_setting_and_it_can_be_ignored(boom):
    boom("repeated-word")
    d = make_doc("BOOM ang ang aso.", "tl")
    cfg = from_mapping({"checks": {"check-error": {"severity": "warning"}}})
    flags = run_checks([d], [], encoder=None, embeddings={}, config=cfg, select=["repeated-word"])
    assert [(f.code, f.severity) for f in flags] == [("check-error", "warning")]
    flags = run_checks([d], [], encoder=None, embeddings={}, config=Config(), select=["repeated-word"],
                       ignore=["check-error"])
    assert flags == []


def test_keyboard_interrupt_is_not_swallowed(monkeypatch):
    def interrupted(self, ctx, doc):
        raise KeyboardInterrupt

    monkeypatch.setattr(get_check("repeated-word"), "find", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_checks([make_doc(TL, "tl")], [], encoder=None, embeddings={}, config=Config())


# -- languages without what a check needs ---------------------------------------------------------------

@pytest.mark.parametrize("text,lang,unspaced", [(JA, "ja", True), (ZH, "zh", True), (TH, "th", True),
                                                (AR, "ar", False), (KO, "ko", False), (TL, "tl", False)])
def test_writes_words_apart_by_code_and_by_script(text, lang, unspaced):
    d = make_doc(text, lang)
    assert writes_words_apart(d) is not unspaced
    d.lang = None  # the script alone decides when the language is not known
    assert writes_words_apart(d) is not unspaced


@pytest.mark.parametrize("text,lang,skipped,reason", [
    (JA, "ja", {"repeated-word", "glued-word", "untranslated", "wrong-language"}, "without spaces"),
    (ZH, "zh", {"repeated-phrase", "glued-word", "untranslated", "mid-sentence-capital"}, "without spaces"),
    (TH, "th", {"coordinated-duplicate", "glued-word", "untranslated"}, "no word list for 'th'"),
    (AR, "ar", {"wrong-language"}, "not among segment.languages"),
])
def test_unsupported_languages_get_one_info_record_naming_the_skipped_checks(text, lang, skipped, reason):
    d = make_doc(text, lang)
    flags = run_checks([d], [], encoder=None, embeddings={}, config=Config())
    records = [f for f in flags if f.code == "check-skipped"]
    assert len(records) == 1
    rec = records[0]
    assert rec.severity == "info" and rec.category == "other" and rec.sentence is None
    for code in skipped:
        assert code in rec.message
    assert reason in rec.message
    assert "check-error" not in _codes(flags)


def test_a_word_list_whose_tokenizer_is_missing_is_unknown_with_the_reason():
    """wordfreq lists ja/zh/ko but raises ModuleNotFoundError without MeCab/jieba: that is 'unknown', not a crash."""
    from aligner.checks.lexicon import Lexicon

    class WordfreqWithoutTokenizer:
        @staticmethod
        def zipf_frequency(word, code):
            if code == "ja":
                raise ModuleNotFoundError("No module named 'MeCab'")
            return 3.0

    lex = Lexicon(("tl", "en"))
    lex._wf, lex._wf_langs = WordfreqWithoutTokenizer, {"ja", "en", "fil"}
    assert lex.knows("en") and lex.knows("tl") and not lex.knows("ja") and not lex.knows("xx")
    assert lex.zipf("word", "ja") is None and lex.zipf("word", "en") == 3.0
    why = lex.why_unknown("ja")
    assert "ModuleNotFoundError" in why and "mecab-python3" in why
    assert "no word list for 'xx'" in lex.why_unknown("xx")
    assert "not identified" in lex.why_unknown(None)


def test_supported_languages_get_no_skip_record():
    flags = run_checks([make_doc(TL, "tl"), make_doc(IT, "it", "it")], [], encoder=None, embeddings={},
                       config=Config())
    assert "check-skipped" not in _codes(flags)


def test_skip_record_lists_only_selected_checks_and_can_be_ignored():
    d = make_doc(JA, "ja")
    flags = run_checks([d], [], encoder=None, embeddings={}, config=Config(), select=["repeated-word"])
    assert _codes(flags) == ["check-skipped"] and "glued-word" not in flags[0].message
    ignored = run_checks([d], [], encoder=None, embeddings={}, config=Config(), ignore=["check-skipped"])
    assert "check-skipped" not in _codes(ignored)


def test_caseless_short_lines_are_not_all_caps_chrome():
    from aligner.segment.boilerplate import is_all_caps

    assert not is_all_caps("وظيفة مدير خدمة العملاء")
    assert not is_all_caps("客户服务经理的工作")
    assert is_all_caps("JINÉ JAZYKY")
    d = make_doc(AR, "ar")
    assert d.sentences[0].text == "وظيفة مدير خدمة العملاء"  # the title is kept, not removed as chrome
    assert not [r for r in d.removed if r.reason == "chrome"]


# -- stages of the pipeline ---------------------------------------------------------------------------

def test_a_failing_batched_segmenter_step_costs_only_the_document_it_fails_on(monkeypatch):
    from aligner.segment import langid, segment_corpus

    original = langid.detect_languages

    def picky(texts, languages=None):
        if any("BOOM" in t for t in texts):
            raise RuntimeError("lingua failed")
        return original(texts, languages)

    monkeypatch.setattr(langid, "detect_languages", picky)
    docs = [Document(doc="a", path="a.txt", raw=TL), Document(doc="b", path="b.txt", raw="BOOM " + IT),
            Document(doc="c", path="c.txt", raw=IT)]
    segment_corpus(docs, config=Config())
    assert [d.status for d in docs] == ["ok", "error", "ok"]
    assert "RuntimeError: lingua failed" in docs[1].problem
    assert docs[0].lang == "tl" and docs[2].lang == "it" and docs[0].sentences and docs[2].sentences


def test_a_missing_package_in_the_segmenter_stops_the_run(monkeypatch):
    from aligner.segment import langid, segment_corpus

    def missing(texts, languages=None):
        raise ModuleNotFoundError("No module named 'lingua'")

    monkeypatch.setattr(langid, "detect_languages", missing)
    with pytest.raises(ModuleNotFoundError):
        segment_corpus([Document(doc="a", path="a.txt", raw=TL)], config=Config())


def test_a_failing_alignment_costs_one_pair(monkeypatch, tmp_path):
    """Three documents, two parallel pairs; aligning one pair raises: the other pair is aligned and written,
    the failed pair carries the error in its evidence and a check-error finding names it."""
    from fakes import FakeEncoder

    import aligner.align.core as core
    from aligner.pipeline import run

    en = ["The weather was cold this morning.", "Anna walked to the station with her dog.",
          "The train was late again.", "She read a book while she waited for it."]
    de = ["Das Wetter war heute Morgen kalt.", "Anna ging mit ihrem Hund zum Bahnhof.",
          "Der Zug hatte wieder Verspätung.", "Sie las ein Buch, während sie auf ihn wartete."]
    fr = ["Le temps était froid ce matin.", "Anna est allée à la gare avec son chien.",
          "Le train était encore en retard.", "Elle a lu un livre en l'attendant."]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, sents in (("a_en", en), ("b_de", de), ("c_fr", fr)):
        (corpus / f"{name}.txt").write_text(" ".join(sents[:2]) + "\n\n" + " ".join(sents[2:]) + "\n", encoding="utf-8")
    encoder = FakeEncoder(translations={**{t: e for t, e in zip(de, en)}, **{t: e for t, e in zip(fr, en)}})
    original = core.align
    failing = {"n": 0}

    def flaky(src_emb, tgt_emb, **kw):
        failing["n"] += 1
        if failing["n"] == 1:
            raise IndexError("synthetic alignment failure")
        return original(src_emb, tgt_emb, **kw)

    monkeypatch.setattr(core, "align", flaky)
    result = run(corpus, tmp_path / "out", encoder=encoder)
    parallel = [p for p in result.pairs if p.relation == "parallel"]
    assert len(parallel) == 3
    failed = [p for p in parallel if "error" in p.evidence]
    assert len(failed) == 1 and "IndexError: synthetic alignment failure" in failed[0].evidence["error"]
    assert len(result.aligned) == 2 and all(ap.beads for ap in result.aligned)
    errors = [f for f in result.flags if f.code == "check-error"]
    assert len(errors) == 1 and errors[0].doc == failed[0].src_doc and "alignment" in errors[0].message
    assert {d.status for d in result.documents} == {"ok"}
    written = (tmp_path / "out" / "pairs.jsonl").read_text(encoding="utf-8")
    assert "synthetic alignment failure" in written
