"""aligned.tmx: valid TMX 1.4b that translate-toolkit reads back unchanged."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest

from aligner.output.tmx import write_tmx, xml_attr, xml_safe, xml_text
from output_samples import SIGNATURE, sample_result

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
REQUIRED_HEADER = ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype")


def _tmx(records, signature=SIGNATURE) -> str:
    buf = io.StringIO()
    write_tmx(buf, records, signature=signature)
    return buf.getvalue()


def _kept():
    return [r for r in sample_result().records if r["keep"]]


def test_header_has_every_required_attribute_and_the_signature():
    root = ET.fromstring(_tmx(_kept()))
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert all(header.get(a) for a in REQUIRED_HEADER)
    assert header.get("segtype") == "sentence"
    props = {p.get("type"): p.text for p in header.findall("prop")}
    assert props["x-aligner-encoder"] == "fake" and props["x-aligner-encoder-revision"] == "test"
    assert "x-aligner-run" in props and "min_score" in props["x-aligner-signature"]


@pytest.mark.parametrize("langs, expected", [([("de", "fr")], "de"), ([("de", "fr"), ("tl", "it")], "*all*")])
def test_srclang_is_the_pair_source_or_all(langs, expected):
    records = [r for r in _kept() if (r["src_lang"], r["tgt_lang"]) in langs]
    root = ET.fromstring(_tmx(records))
    assert root.find("header").get("srclang") == expected
    assert all(tu.get("srclang") == tu.findall("tuv")[0].get(XML_LANG) for tu in root.iter("tu"))


def test_unit_props():
    root = ET.fromstring(_tmx(_kept()))
    tus = root.findall("body/tu")
    assert [tu.get("tuid") for tu in tus] == [r["id"] for r in _kept()]
    props = {p.get("type"): p.text for p in tus[1].findall("prop")}
    assert props == {"x-score": "0.6200", "x-similarity": "0.5700", "x-type": "1-1", "x-role": "tester",
                     "x-src-doc": "000_de", "x-tgt-doc": "001_fr", "x-flags": "glued-sentences"}


def test_translate_toolkit_reads_it_back_unchanged():
    """The reference TMX reader sees the same units, texts and languages."""
    from translate.storage import tmx

    records = _kept()
    store = tmx.tmxfile.parsestring(_tmx(records).encode("utf-8"))
    units = [u for u in store.units if u.istranslatable()]
    assert len(units) == len(records)
    for unit, rec in zip(units, records):
        assert unit.source == rec["src"] and unit.target == rec["tgt"]
        assert unit.getid() == rec["id"]
        langs = [node.get(XML_LANG) for node in unit.getlanguageNodes()]
        assert langs == [rec["src_lang"], rec["tgt_lang"]]


@pytest.mark.parametrize("text", [
    "Tom & Jerry <b>bold</b> > less",
    "quotes \" and ' apostrophes",
    "]]> CDATA end",
    "tab\tand\nnewline and\r\ncarriage return",
    "emoji 🙂 and combining é",
])
def test_escaping_round_trips_through_translate_toolkit(text):
    from translate.storage import tmx

    rec = {**_kept()[0], "src": text, "tgt": text[::-1], "id": f'id "{text}"'}
    store = tmx.tmxfile.parsestring(_tmx([rec]).encode("utf-8"))
    unit = store.units[0]
    assert unit.source == text and unit.target == text[::-1] and unit.getid() == rec["id"]


def test_control_characters_are_replaced_so_the_xml_stays_well_formed():
    """XML 1.0 forbids most C0 controls even as references; they become U+FFFD in the TMX."""
    rec = {**_kept()[0], "src": "bell\x07 null\x00 esc\x1b ok\tok", "tgt": "\ufffe\uffff end"}
    root = ET.fromstring(_tmx([rec]))
    segs = [seg.text for seg in root.iter("seg")]
    assert segs == ["bell\ufffd null\ufffd esc\ufffd ok\tok", "\ufffd\ufffd end"]


@pytest.mark.parametrize("fn, raw, expected", [
    (xml_text, "a<b&c>d", "a&lt;b&amp;c&gt;d"),
    (xml_text, "x\ry", "x&#13;y"),
    (xml_attr, 'say "hi"\n', "say &quot;hi&quot;&#10;"),
    (xml_safe, "a\x01b", "a\ufffdb"),
    (xml_text, None, ""),
])
def test_escape_functions(fn, raw, expected):
    assert fn(raw) == expected


def test_dropped_bead_in_an_export_carries_its_drop_reason():
    dropped = [r for r in sample_result().records if not r["keep"]]
    root = ET.fromstring(_tmx(dropped))
    reasons = [p.text for p in root.iter("prop") if p.get("type") == "x-drop-reason"]
    assert reasons == ["one-sided", "low-score"]
