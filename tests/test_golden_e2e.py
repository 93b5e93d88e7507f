"""Golden end-to-end test: `aligner run` on the bundled corpus, every output file checked
against ../shared/output-contract.md, plus the corpus facts the product promises.

It runs the real CLI in a subprocess with the real default encoder, once per session.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = {"boilerplate", "glued", "hyphenation", "repetition", "untranslated", "casing", "omission",
              "number", "length", "language", "encoding", "misalignment", "other"}
CHROME = ["Skip to main content", "$config[code] not found", "Talaan ng mga Nilalaman", "Video ng Araw",
          "Nagdala sa iyo ni Sapling", "JINÉ JAZYKY", "Pomohl vám tento článek", "Jak můžeme pomoci"]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("golden") / "out"
    env = dict(os.environ, HF_HUB_OFFLINE="1", ALIGNER_CACHE_DIR=str(out.parent / "cache"))
    proc = subprocess.run([sys.executable, "-m", "aligner", "run", str(ROOT / "corpus"), "--out", str(out)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=1800)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""  # data goes to files, logs to stderr
    return out


def _jsonl(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines, f"{path.name} is empty"
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def docs(run_dir):
    return {d["doc"]: d for d in _jsonl(run_dir / "documents.jsonl")}


@pytest.fixture(scope="module")
def raws():
    return {p.stem: p.read_text(encoding="utf-8").lstrip("\ufeff") for p in (ROOT / "corpus").glob("*.txt")}


def test_every_contract_file_is_written(run_dir):
    for name in ["documents.jsonl", "pairs.jsonl", "aligned.jsonl", "flags.jsonl", "aligned.tmx",
                 "aligned.tsv", "report.html", "summary.json"]:
        assert (run_dir / name).is_file() and (run_dir / name).stat().st_size > 0, name
    # nothing half-written; the work folder (.work) holds the units a re-run reuses
    assert not [p.name for p in run_dir.iterdir() if (p.name.startswith(".") and p.name != ".work") or p.suffix == ".tmp"]


def test_documents_jsonl(docs, raws):
    assert set(docs) == set(raws)
    langs = {d: docs[d]["lang"] for d in docs}
    assert langs == {"000_572c31cb3efa376d": "tl", "001_a1e898745819e5b5": "it", "002_c55a54971b778b8b": "cs",
                     "003_fdd13d5067869da6": "tl", "004_afb71bbc9e42fbd2": "tl"}
    for doc_id, d in docs.items():
        raw = raws[doc_id]
        assert d["schema"] == 1
        for key in ["doc", "path", "lang", "lang_confidence", "title", "role", "sentences", "removed", "flags"]:
            assert key in d, key
        assert 0.5 <= d["lang_confidence"] <= 1.0
        covered = [False] * len(raw)
        for s in d["sentences"]:
            assert set(s) >= {"i", "text", "raw_start", "raw_end", "paragraph"}
            assert s["text"].strip() and raw[s["raw_start"]:s["raw_end"]].strip()
            for k in range(s["raw_start"], s["raw_end"]):
                assert not covered[k], f"{doc_id}: overlapping spans at {k}"
                covered[k] = True
        for r in d["removed"]:
            assert set(r) >= {"start", "end", "text", "reason"} and r["reason"]
            assert raw[r["start"]:r["end"]] == r["text"]
            for k in range(r["start"], r["end"]):
                assert not covered[k]
                covered[k] = True
        lost = [k for k, c in enumerate(covered) if not c and not raw[k].isspace()]
        assert not lost, f"{doc_id}: characters in no span: {raw[lost[0]:lost[0] + 20]!r}"
        sentence_text = " ".join(s["text"] for s in d["sentences"])
        for chrome in CHROME:
            assert chrome not in sentence_text, (doc_id, chrome)
        assert [s["i"] for s in d["sentences"]] == list(range(len(d["sentences"])))


def test_no_boundary_inside_abbreviations_and_numbers(docs):
    texts = [s["text"] for s in docs["004_afb71bbc9e42fbd2"]["sentences"]]
    assert any("U.S. Bureau of Labor Statistics" in t and "2.2 milyong" in t for t in texts)


def test_roles(docs):
    assert {d: docs[d]["role"] for d in docs} == {
        "000_572c31cb3efa376d": "customer service manager",
        "001_a1e898745819e5b5": "customer service manager",
        "002_c55a54971b778b8b": "customer service supervisor",
        "003_fdd13d5067869da6": "customer service coordinator",
        "004_afb71bbc9e42fbd2": "customer service representative",
    }


def test_pairs_jsonl(run_dir, docs):
    pairs = _jsonl(run_dir / "pairs.jsonl")
    cross = {(a, b) for a in docs for b in docs if a < b and docs[a]["lang"] != docs[b]["lang"]}
    assert {(p["src_doc"], p["tgt_doc"]) for p in pairs} == cross
    for p in pairs:
        assert p["relation"] in {"parallel", "comparable", "unrelated"}
        assert 0.0 <= p["score"] <= 1.0
        assert {p["src_lang"], p["tgt_lang"]} == {docs[p["src_doc"]]["lang"], docs[p["tgt_doc"]]["lang"]}
    parallel = {(p["src_doc"], p["tgt_doc"]) for p in pairs if p["relation"] == "parallel"}
    assert parallel == {("000_572c31cb3efa376d", "001_a1e898745819e5b5")}
    # the other articles are about related roles: comparable, not unrelated
    assert all(p["relation"] == "comparable" for p in pairs if (p["src_doc"], p["tgt_doc"]) not in parallel)


def test_aligned_jsonl(run_dir, docs, raws):
    beads = _jsonl(run_dir / "aligned.jsonl")
    src_id, tgt_id = "000_572c31cb3efa376d", "001_a1e898745819e5b5"
    assert {(b["src_doc"], b["tgt_doc"]) for b in beads} == {(src_id, tgt_id)}
    ids = [b["id"] for b in beads]
    assert len(set(ids)) == len(ids)
    for b in beads:
        for key in ["id", "src_doc", "tgt_doc", "src_lang", "tgt_lang", "role", "src", "tgt", "src_raw", "tgt_raw",
                    "src_sents", "tgt_sents", "src_spans", "tgt_spans", "type", "score", "similarity", "flags",
                    "keep", "translation"]:
            assert key in b, key
        assert b["type"] == f"{len(b['src_sents'])}-{len(b['tgt_sents'])}"
        assert 0.0 <= b["score"] <= 1.0
        assert b["translation"] == {b["src_lang"]: b["src"], b["tgt_lang"]: b["tgt"]}
        assert b["keep"] or b.get("drop_reason")
        for side, doc_id in (("src", src_id), ("tgt", tgt_id)):
            sents = docs[doc_id]["sentences"]
            spans = [[sents[i]["raw_start"], sents[i]["raw_end"]] for i in b[f"{side}_sents"]]
            assert b[f"{side}_spans"] == spans
            assert b[side] == " ".join(sents[i]["text"] for i in b[f"{side}_sents"])
            assert b[f"{side}_raw"].split() == " ".join(raws[doc_id][s:e] for s, e in spans).split()
        for chrome in CHROME:
            assert chrome not in b["src"] and chrome not in b["tgt"]
    # every sentence of both documents is in exactly one bead, in order
    for side, doc_id in (("src", src_id), ("tgt", tgt_id)):
        order = [i for b in beads for i in b[f"{side}_sents"]]
        assert order == list(range(len(docs[doc_id]["sentences"])))
    # every Tagalog sentence has an Italian counterpart; two Italian sentences are one-sided 0-1 beads
    assert not [b for b in beads if b["type"] == "1-0"]
    one_sided = [b for b in beads if b["type"] == "0-1"]
    assert len(one_sided) == 2
    assert {b["tgt"].split()[0] for b in one_sided} == {"Per", "In"}
    assert all(not b["keep"] for b in one_sided)
    kept = [b for b in beads if b["keep"]]
    assert kept, "the cleaned dataset is empty"
    for b in kept:  # cleaned text: no glued sentences, no broken affix hyphens
        assert " -" not in b["src"].replace(" - ", "")
        assert not any(c.islower() and n.isupper() for t in (b["src"], b["tgt"]) for c, n in zip(t, t[1:]))


def test_flags_jsonl(run_dir, docs, raws):
    flags = _jsonl(run_dir / "flags.jsonl")
    for f in flags:
        assert f["category"] in CATEGORIES
        assert f["severity"] in {"error", "warning", "info"}
        assert raws[f["doc"]][f["start"]:f["end"]] == f["text"]
        assert f["message"] and "fix" in f and isinstance(f["fixed"], bool)
        assert f["lang"] == docs[f["doc"]]["lang"]
    counts = {}
    for f in flags:
        counts[f["doc"]] = counts.get(f["doc"], 0) + 1
    assert {d: docs[d]["flags"] for d in docs} == {d: counts.get(d, 0) for d in docs}
    by_cat = {f["category"] for f in flags}
    assert {"boilerplate", "glued", "hyphenation", "repetition", "untranslated", "casing", "omission"} <= by_cat
    assert any(f["category"] == "glued" and "nito.Ang" in raws[f["doc"]][f["start"] - 4:f["end"] + 4] for f in flags)
    assert any(f["category"] == "hyphenation" and "pag -iwas" in f["text"] for f in flags)


def test_tmx_tsv_report_summary(run_dir):
    beads = [b for b in _jsonl(run_dir / "aligned.jsonl") if b["keep"]]
    root = ET.parse(run_dir / "aligned.tmx").getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    for attr in ["creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype"]:
        assert header.get(attr), attr
    tus = root.find("body").findall("tu")
    assert len(tus) == len(beads)
    from translate.storage import tmx

    store = tmx.tmxfile.parsefile(str(run_dir / "aligned.tmx"))
    assert [u.source for u in store.units] == [b["src"] for b in beads]
    assert [u.target for u in store.units] == [b["tgt"] for b in beads]
    tsv = (run_dir / "aligned.tsv").read_text(encoding="utf-8").splitlines()
    assert len([line for line in tsv if line and not line.startswith("src_lang\t")]) == len(beads)
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "<script src=\"http" not in html and "<link" not in html.replace("<link rel=\"icon\"", "")
    summary = json.loads((run_dir / "summary.json").read_text())
    sig = summary["signature"]
    assert sig["version"] and sig["encoder"]["name"] == "e5-small" and sig["encoder"].get("revision")
    assert "thresholds" in sig
    assert sig["thresholds"]["align"]["scoring"] == "contrast"  # the aligner's settings are part of it
