"""read_aligned: typed records, filters, clear errors; the JSONL loads as a Hugging Face dataset."""

from __future__ import annotations

import dataclasses
import json

import pytest

import aligner
from aligner.errors import InputError
from aligner.output import write_outputs
from aligner.output.api import AlignedRecord, parse_lang_pair, read_aligned
from output_samples import sample_result


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("out")
    write_outputs(sample_result(), folder)
    return folder


def test_public_lazy_attribute_is_this_function():
    assert aligner.read_aligned is read_aligned


def test_records_are_typed_and_frozen(out):
    recs = list(read_aligned(out))
    assert all(isinstance(r, AlignedRecord) for r in recs)
    r = recs[0]
    assert r.src_spans and isinstance(r.src_spans[0], tuple) and r.schema == 1 and r.run
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.score = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        r.translation["de"] = "x"  # type: ignore[index]
    assert hash(r) == hash(AlignedRecord.from_dict(r.to_dict()))


@pytest.mark.parametrize("kwargs, expected_ids", [
    ({}, ["000_de:0|001_fr:0", "000_de:1|001_fr:1", "000_de:2|001_fr:2", "002_tl:0|003_it:0"]),
    ({"kept_only": False}, ["000_de:0|001_fr:0", "000_de:1|001_fr:1", "000_de:2|001_fr:2", "000_de:3|001_fr:",
                            "002_tl:0|003_it:0", "002_tl:1|003_it:1"]),
    ({"min_score": 0.85}, ["000_de:0|001_fr:0", "000_de:2|001_fr:2"]),
    ({"min_score": 0.1, "kept_only": False, "lang_pair": "tl-it"}, ["002_tl:0|003_it:0", "002_tl:1|003_it:1"]),
    ({"lang_pair": ("de", "fr")}, ["000_de:0|001_fr:0", "000_de:1|001_fr:1", "000_de:2|001_fr:2"]),
    ({"lang_pair": "de-it"}, []),
])
def test_filters(out, kwargs, expected_ids):
    assert [r.id for r in read_aligned(out, **kwargs)] == expected_ids


def test_reverse_lang_pair_swaps_the_sides(out):
    """Asking for it-tl yields Italian as the source, whatever direction the pipeline chose."""
    (rec,) = read_aligned(out, lang_pair="IT-TL")
    assert (rec.src_lang, rec.tgt_lang) == ("it", "tl")
    assert rec.src == "Il manager guida la squadra." and rec.src_doc == "003_it"
    assert rec.translation == {"tl": "Ang manager ay namumuno sa koponan.", "it": "Il manager guida la squadra."}


def test_swapped_bead_type_is_mirrored():
    rec = AlignedRecord.from_dict({"id": "x", "src_doc": "a", "tgt_doc": "b", "src_lang": "de", "tgt_lang": "fr",
                                   "src": "A B", "tgt": "C", "type": "2-1", "score": 0.5,
                                   "src_sents": [0, 1], "tgt_sents": [4]})
    s = rec.swapped()
    assert (s.type, s.src_sents, s.tgt_sents, s.src, s.tgt) == ("1-2", (4,), (0, 1), "C", "A B")
    assert s.swapped() == rec


def test_file_path_and_folder_read_the_same(out):
    assert list(read_aligned(out / "aligned.jsonl")) == list(read_aligned(out))


def test_unknown_fields_are_kept_in_extra(tmp_path, out):
    line = json.loads((out / "aligned.jsonl").read_text().splitlines()[0])
    (tmp_path / "a.jsonl").write_text(json.dumps({**line, "lm_score": -3.2}) + "\n")
    (rec,) = read_aligned(tmp_path / "a.jsonl")
    assert rec.extra == {"lm_score": -3.2} and rec.to_dict()["lm_score"] == -3.2


@pytest.mark.parametrize("bad_line, message", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"id": "x"}', "missing field"),
    ('{"schema": 99, "id": "x"}', "newer"),
])
def test_malformed_line_names_file_and_line(tmp_path, out, bad_line, message):
    good = (out / "aligned.jsonl").read_text().splitlines()[0]
    path = tmp_path / "aligned.jsonl"
    path.write_text(good + "\n\n" + bad_line + "\n")
    with pytest.raises(InputError, match=message) as exc:
        list(read_aligned(path))
    assert f"{path}:3" in str(exc.value)


@pytest.mark.parametrize("make", [lambda p: p / "missing.jsonl", lambda p: p])
def test_missing_file_or_folder_without_aligned_jsonl(tmp_path, make):
    with pytest.raises(InputError):
        read_aligned(make(tmp_path))  # raised at call time, before iteration


@pytest.mark.parametrize("value", ["de", "de-fr-it", "", ("de",), 42])
def test_bad_lang_pair(value):
    with pytest.raises(InputError, match="xx-yy"):
        parse_lang_pair(value)


def test_hugging_face_datasets_loads_aligned_jsonl(out, tmp_path, monkeypatch):
    """`datasets.load_dataset("json")` reads the file as is and exposes the translation column."""
    pytest.importorskip("datasets", reason="the `datasets` package is not installed")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf" / "datasets"))
    import datasets

    try:
        ds = datasets.load_dataset("json", data_files=str(out / "aligned.jsonl"), split="train",
                                   cache_dir=str(tmp_path / "hf" / "datasets"))
    except Exception as exc:  # pragma: no cover - depends on the environment
        pytest.skip(f"datasets cannot load offline here: {exc}")
    assert ds.num_rows == 6
    assert "translation" in ds.column_names
    first = ds[0]
    assert first["translation"]["de"] == "Der Kundenservice-Manager leitet das Team."
    assert first["translation"]["fr"].startswith("Le responsable")
    assert ds.filter(lambda r: r["keep"]).num_rows == 4

    # one language pair (as `aligner export -f jsonl --lang-pair` writes it): a typed two-language struct
    from aligner.output.export import export

    export(out, "jsonl", tmp_path / "de-fr.jsonl", lang_pair="de-fr")
    pair = datasets.load_dataset("json", data_files=str(tmp_path / "de-fr.jsonl"), split="train",
                                 cache_dir=str(tmp_path / "hf" / "datasets"))
    assert sorted(pair.features["translation"]) == ["de", "fr"]
    assert pair[1]["translation"]["fr"].startswith("Il résout")
