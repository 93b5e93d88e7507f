"""The on-disk memo of lingua's answers (aligner.memo): a second run loads no model, answers stay lingua's."""

from __future__ import annotations

import pytest

from aligner import langid, memo
from aligner.checks.lexicon import Lexicon

LANGS = ["tl", "it", "cs", "en"]
TEXTS = ["Ang isang tagapamahala ng serbisyo sa customer.", "Il responsabile del servizio clienti.",
         "Vedoucí zákaznických služeb.", "Hi"]


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """An empty cache folder, no memo opened yet, no answer remembered in this process."""
    monkeypatch.setenv("ALIGNER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ALIGNER_NO_MEMO", raising=False)
    monkeypatch.setattr(memo, "_memos", {})
    monkeypatch.setattr(memo, "_by_env", {})
    langid._cache.clear()
    yield tmp_path / "cache"
    langid._cache.clear()


def _no_lingua(*args, **kwargs):
    raise AssertionError("lingua was asked although the memo holds the answer")


def test_second_run_reads_lingua_answers_from_the_memo(fresh, monkeypatch):
    first = langid.detect_languages(TEXTS, LANGS)
    assert [c for c, _ in first[:3]] == ["tl", "it", "cs"]
    assert list((fresh / "memo").glob("lingua-*-detect-*.sqlite"))
    langid._cache.clear()  # a new process: only the disk remembers
    monkeypatch.setattr(langid, "get_detector", _no_lingua)
    assert langid.detect_languages(TEXTS, LANGS) == first


def test_memo_is_per_language_set(fresh, monkeypatch):
    langid.detect_languages(TEXTS[:1], LANGS)
    langid._cache.clear()
    calls = []
    real = langid.get_detector

    def counting(langs):
        calls.append(langs)
        return real(langs)

    monkeypatch.setattr(langid, "get_detector", counting)
    code, _ = langid.detect_languages(TEXTS[:1], ["it", "cs"])[0]
    assert calls == [("cs", "it")] and code in ("it", "cs")  # another set: asked afresh, restricted to it


def test_guess_outside_and_check_confidences_are_remembered(fresh, monkeypatch):
    text = "Suomi on tasavalta Pohjois-Euroopassa ja sen pääkaupunki on Helsinki."
    wide = langid.guess_outside(text, LANGS)
    conf = Lexicon(LANGS)._confidences(TEXTS[1])
    assert wide[0] == "fi" and max(conf, key=conf.get) == "it"
    monkeypatch.setattr(langid, "_wide_detector", _no_lingua)
    lex = Lexicon(LANGS)
    monkeypatch.setattr(lex, "detector", _no_lingua)
    assert langid.guess_outside(text, LANGS) == wide
    assert lex._confidences(TEXTS[1]) == conf


def test_unusable_cache_folder_costs_speed_not_the_answer(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ALIGNER_CACHE_DIR", str(blocker))
    monkeypatch.setattr(memo, "_memos", {})
    monkeypatch.setattr(memo, "_by_env", {})
    langid._cache.clear()
    try:
        assert langid.detect_languages(TEXTS[:1], LANGS)[0][0] == "tl"
        assert langid.detect_languages(TEXTS[1:2], LANGS)[0][0] == "it"
    finally:
        langid._cache.clear()


def test_memo_can_be_switched_off(fresh, monkeypatch):
    monkeypatch.setenv("ALIGNER_NO_MEMO", "1")
    langid.detect_languages(TEXTS[:1], LANGS)
    assert not (fresh / "memo").exists()


def test_word_frequencies_are_remembered_and_exactly_wordfreqs(fresh, monkeypatch):
    import wordfreq

    from aligner.checks import lexicon

    words = ["serbisyo", "customer", "xqzvw", "Manager"]
    lex = Lexicon(LANGS)
    first = [lex._zipf(w.lower(), "fil") for w in words] + [lex._zipf("servizio", "it")]
    assert first == [wordfreq.zipf_frequency(w.lower(), "fil") for w in words] + [wordfreq.zipf_frequency("servizio", "it")]
    top = lex.top_words("it", 20)
    assert top == frozenset(wordfreq.top_n_list("it", 20))
    assert lex.knows("tl") and lex.knows("it")
    lexicon.flush_memo()

    class NoWordfreq:  # a second process that must not touch wordfreq
        __name__ = "wordfreq"

        def __getattr__(self, name):
            raise AssertionError(f"wordfreq.{name} was asked although the memo holds the answer")

    lex2 = Lexicon(LANGS)
    lex2._wf = NoWordfreq()
    assert lex2.knows("tl") and lex2.knows("it")
    assert [lex2._zipf(w.lower(), "fil") for w in words] + [lex2._zipf("servizio", "it")] == first
    assert lex2.top_words("it", 20) == top


def test_cli_cache_options_move_or_switch_off_the_memo(tmp_path, monkeypatch):
    import os

    from aligner.cli.common import _cache_follows
    from aligner.config import Config, override

    monkeypatch.setenv("ALIGNER_NO_MEMO", "")  # recorded, so the test's setting is undone afterwards
    monkeypatch.setenv("ALIGNER_CACHE_DIR", str(tmp_path / "default"))
    _cache_follows(override(Config(), encoder__cache_dir=str(tmp_path / "mine")))
    assert memo.cache_root() == tmp_path / "mine" and memo.get_memo("x") is not None
    _cache_follows(override(Config(), encoder__cache=False))
    assert os.environ["ALIGNER_NO_MEMO"] == "1" and memo.get_memo("x") is None
