"""Cleaning: safe fixes applied with the original recorded; aligned.jsonl records with keep/drop_reason."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from checkhelp import make_doc

from aligner.checks import run_checks
from aligner.checks.clean import apply_cleaning
from aligner.config import Config, from_mapping
from aligner.model import Bead, DocPair
from aligner.pipeline import AlignedPair

CONTRACT_FIELDS = {"id", "src_doc", "tgt_doc", "src_lang", "tgt_lang", "role", "src", "tgt", "src_raw", "tgt_raw",
                   "src_sents", "tgt_sents", "src_spans", "tgt_spans", "type", "score", "similarity", "flags",
                   "keep", "drop_reason", "translation", "schema"}


def _pair(config=None):
    src = make_doc("Ang manager ay nagtuturo sa mga kawani.Ang kawani ay nakikinig sa pag -iwas ng mga reklamo.\n\n"
                   "Ang presyo ay 12 piso.", "tl", "src")
    tgt = make_doc("Il manager forma il personale. Il personale ascolta la prevenzione prevenzione dei reclami.\n\n"
                   "Il prezzo è 15 pesos. Una frase in più.", "it", "tgt")
    beads = [Bead((0,), (0,), 0.9, 0.9), Bead((1,), (1,), 0.8, 0.85), Bead((2,), (2,), 0.7, 0.8),
             Bead((), (3,), 0.0, 0.0)]
    ap = AlignedPair(DocPair("src", "tgt", "tl", "it", "parallel", 0.9), src, tgt, beads)
    cfg = config or Config()
    flags = run_checks([src, tgt], [ap], encoder=None, embeddings={}, config=cfg)
    return src, tgt, ap, flags, apply_cleaning([src, tgt], [ap], flags, config=cfg)


def test_fixes_applied_with_original_recorded():
    src, tgt, ap, flags, records = _pair()
    assert src.sentences[1].text == "Ang kawani ay nakikinig sa pag-iwas ng mga reklamo."
    assert tgt.sentences[1].text == "Il personale ascolta la prevenzione dei reclami."
    fix = tgt.sentences[1].fixes[0]
    assert fix["original"] == "prevenzione prevenzione" and fix["fix"] == "prevenzione"
    assert all(f.fixed for f in flags if f.code in ("affix-hyphen-space", "repeated-word", "glued-sentence"))
    # raw spans still point at the original text
    s = src.sentences[1]
    assert src.raw[s.raw_start:s.raw_end].startswith("Ang kawani") and "pag -iwas" in src.raw[s.raw_start:s.raw_end]


def test_records_have_every_contract_field_and_decisions():
    src, tgt, ap, flags, records = _pair()
    assert all(set(r) >= CONTRACT_FIELDS for r in records)
    by_type = [(r["type"], r["keep"], r["drop_reason"]) for r in records]
    assert by_type == [("1-1", True, None), ("1-1", True, None), ("1-1", False, "flag:number-mismatch"),
                       ("0-1", False, "one-sided")]
    r = records[1]
    assert r["src"] == src.sentences[1].text and r["src_raw"] == src.raw[r["src_spans"][0][0]:r["src_spans"][0][1]]
    assert r["translation"] == {"tl": r["src"], "it": r["tgt"]} and r["schema"] == 1
    assert "affix-hyphen-space" in r["flags"] and "repeated-word" in r["flags"]


def test_ids_are_stable_across_runs():
    assert [r["id"] for r in _pair()[4]] == [r["id"] for r in _pair()[4]]
    assert len({r["id"] for r in _pair()[4]}) == 4


@pytest.mark.parametrize("clean,expected", [
    ({"min_score": 0.75}, [True, True, False, False]),
    ({"drop_one_sided": False, "drop_severity": "error"}, [True, True, False, True]),
])
def test_thresholds_decide(clean, expected):
    cfg = from_mapping({"clean": clean, "checks": {"number-mismatch": {"severity": "warning"}}}
                       if "min_score" in clean else {"clean": clean})
    records = _pair(cfg)[4]
    assert [r["keep"] for r in records] == expected


def test_autofix_off_leaves_text_and_flag_unfixed():
    cfg = from_mapping({"checks": {"affix-hyphen-space": {"autofix": False}}})
    src, tgt, ap, flags, records = _pair(cfg)
    assert "pag -iwas" in src.sentences[1].text
    assert not any(f.fixed for f in flags if f.code == "affix-hyphen-space")


def test_fix_inside_one_sentence_maps_raw_offsets_through_collapsed_whitespace():
    """A junction the segmenter did not split, in a sentence whose raw text has a line break and double spaces."""
    from aligner.checks.clean import apply_fixes
    from aligner.model import Document, Flag, Sentence

    raw = "Il servizio  è\nbuono.Il manager è contento."
    d = Document(doc="x", path="x.txt", raw=raw, lang="it")
    d.sentences = [Sentence(0, 0, len(raw), 0, " ".join(raw.split()), raw)]
    start = raw.index("buono.Il")
    f = Flag("x", "it", 0, "glued-sentence", "glued", "warning", start, start + 8, "buono.Il", "m", fix="buono. Il")
    assert apply_fixes([d], [f], config=Config()) == 1
    assert d.sentences[0].text == "Il servizio è buono. Il manager è contento."
    assert f.fixed and d.sentences[0].fixes[0]["original"] == "buono.Il"


@given(st.lists(st.sampled_from(["a", "b", "é", " ", "  ", "\n", "\t", ".", "x"]), max_size=40))
def test_raw_to_text_mapping_is_monotonic_and_exact_on_letters(pieces):
    from aligner.checks.clean import _raw_to_text

    raw = "".join(pieces)
    text = " ".join(raw.split())
    m = _raw_to_text(raw, text)
    assert m is not None and m == sorted(m) and m[-1] == len(text)
    assert all(text[m[i]] == ch for i, ch in enumerate(raw) if not ch.isspace())
