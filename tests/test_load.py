"""Loading a corpus folder (aligner.load): files, ids, encodings, bad inputs, manifest."""

from __future__ import annotations

import json
import os

import pytest

from aligner.config import Config, from_mapping
from aligner.errors import ConfigError, InputError
from aligner.load import assign_ids, load_corpus
from aligner.load.decode import decode_bytes, UndecodableError
from pathlib import Path

CS = "Vedoucí zákaznických služeb odpovídá za správu zákaznického servisu pro společnost. Příchod recenzí učinil tuto pozici ještě kritičtější, protože společnosti si mohou rychle získat pověst špatných služeb."
IT = "Un gestore del servizio clienti è la persona responsabile. La soddisfazione dei clienti è la massima priorità, perché società e città ne dipendono."


def load(tmp_path, files: dict[str, bytes | str], config: Config | None = None):
    for name, content in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return {d.doc: d for d in load_corpus(tmp_path, config=config or Config())}


def test_seed_corpus_loads(corpus_dir):
    """The bundled corpus: five UTF-8 text documents, sorted, ids = file names without extension."""
    docs = load_corpus(corpus_dir, config=Config())
    assert [d.doc for d in docs] == sorted(d.doc for d in docs) and len(docs) == 5
    assert all(d.ok and d.encoding == "utf-8" and d.repairs == [] and d.format == "text" for d in docs)
    assert docs[0].raw == (corpus_dir / "000_572c31cb3efa376d.txt").read_text(encoding="utf-8")


def test_recursive_sorted_and_filtered(tmp_path):
    """Known formats (any case) recursively; hidden files, other extensions, the manifest and README.md are skipped."""
    docs = load(tmp_path, {"b.txt": "Bee.", "a.HTML": "<p>Ay.</p>", "sub/c.htm": "<p>Ci.</p>", "notes.rtf": "x",
                               "README.md": "# About this corpus",
                           ".hidden.txt": "x", ".git/d.txt": "x", "manifest.jsonl": ""})
    assert list(docs) == ["a", "b", "c"]
    assert docs["a"].format == "html" and docs["b"].format == "text"


@pytest.mark.parametrize("paths,expected", [
    (["a/x.txt", "b/x.txt", "y.txt"], {"a/x.txt": "a/x", "b/x.txt": "b/x", "y.txt": "y"}),
    (["x.txt", "x.html"], {"x.txt": "x.txt", "x.html": "x.html"}),
    (["x.txt", "sub/x.html", "z.txt"], {"x.txt": "x", "sub/x.html": "sub/x", "z.txt": "z"}),
])
def test_id_collisions_are_resolved_deterministically(paths, expected):
    """Colliding stems get their relative path (without, then with, extension), whatever the order."""
    assert assign_ids([Path(p) for p in paths]) == expected
    assert assign_ids([Path(p) for p in reversed(paths)]) == expected


# -- encodings ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("data,text,encoding,repaired", [
    (CS.encode("utf-8"), CS, "utf-8", False),
    (b"\xef\xbb\xbf" + CS.encode("utf-8"), CS, "utf-8-sig", False),
    (CS.encode("utf-16"), CS, "utf-16", False),
    (b"\xfe\xff" + IT.encode("utf-16-be"), IT, "utf-16", False),
    (CS.encode("cp1250"), CS, "cp1250", True),
    (IT.encode("cp1252"), IT, "cp1252", True),
    (CS.encode("iso-8859-2"), CS, None, True),
    (IT.encode("utf-16-le"), IT, "utf-16", True),  # no BOM: recognised by its NUL bytes, not called binary
    (CS.encode("utf-16-be"), CS, "utf-16", True),
])
def test_encodings_detected(data, text, encoding, repaired):
    """BOMs, UTF-16, and legacy code pages chosen by the letters of the language (cp1250 for Czech)."""
    got, enc, repairs = decode_bytes(data, languages=["tl", "it", "cs", "en"])
    assert got == text
    if encoding:
        assert enc == encoding
    assert bool(repairs) == repaired


def test_cp1250_versus_cp1252_for_czech():
    """Czech bytes read as cp1252 would give 'spoleènost'; the Czech-aware choice gives 'společnost'."""
    got, enc, _ = decode_bytes("Společnost řeší úkoly, ale ne vždy dobře. Děkujeme všem.".encode("cp1250"),
                               languages=["it", "cs", "en"])
    assert enc == "cp1250" and "Společnost řeší" in got


@pytest.mark.parametrize("text,encoding", [
    ("Děti něco dělají, čas běží a nůž leží.", "cp1250"),  # only č ě ň ů: cp1252 would give è ì ò ù, Italian letters
    ("Perchè così più può, là giù.", "cp1252"),           # ...and the other way round
    ("Żółć gęślą jaźń.", "cp1250"),                        # Polish, not configured: still the plausible code page
])
def test_code_page_ties_decided_by_language(text, encoding):
    got, enc, _ = decode_bytes(text.encode(encoding), languages=["tl", "it", "cs", "en"])
    assert (got, enc) == (text, encoding)


def test_mojibake_repaired_and_recorded():
    """UTF-8 read as cp1252 ('cittÃ ', 'perchÃ©') is repaired by ftfy and the repair is recorded."""
    broken = IT.encode("utf-8").decode("cp1252", errors="replace")
    got, enc, repairs = decode_bytes(broken.encode("utf-8"), languages=["it"])
    assert got == IT and enc == "utf-8"
    assert repairs and "ftfy" in repairs[0]


def test_clean_text_is_not_touched_by_repair():
    """Legitimate letters that look like mojibake pieces (Portuguese 'NÃO') stay as they are."""
    text = "NÃO é possível. A Âncora e o Ônibus chegaram."
    assert decode_bytes(text.encode("utf-8"), languages=["pt"]) == (text, "utf-8", [])


@pytest.mark.parametrize("data,message", [
    (b"", "empty file"),
    (b"   \n\n\t ", "only whitespace"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3 binary", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
    (bytes(range(256)) * 4, "binary"),
    (b"abc\x00def\x00" * 100, "NUL"),
    (b"\x00\xff" * 40, "NUL"),  # NUL every other byte, yet not UTF-16 text ("ÿÿÿ…")
])
def test_undecodable_inputs(data, message):
    with pytest.raises(UndecodableError, match=message):
        decode_bytes(data)


# -- bad files become documents in error, bad paths raise ---------------------------------------------

def test_bad_files_become_error_documents(tmp_path):
    """Binary, empty and too-large files are kept as status=error with a clear problem; the run goes on."""
    cfg = from_mapping({"segment": {"max_file_mb": 0.001}})  # ~1 kB
    docs = load(tmp_path, {"bin.txt": b"\x00\x01\x02" * 10, "empty.txt": b"", "big.txt": "x" * 5000,
                           "good.txt": "Ang tagapamahala ay nagtatrabaho."}, cfg)
    assert docs["good"].ok
    assert docs["bin"].status == "error" and "binary" in docs["bin"].problem
    assert docs["empty"].status == "error" and "empty" in docs["empty"].problem
    assert docs["big"].status == "error" and "too large" in docs["big"].problem and "max_file_mb" in docs["big"].problem


def test_unreadable_file_is_an_error_document(tmp_path, monkeypatch):
    """A file the OS refuses to read is an error document, not a traceback."""
    (tmp_path / "locked.txt").write_text("Ciao.", encoding="utf-8")
    real = Path.read_bytes

    def refuse(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    (doc,) = load_corpus(tmp_path, config=Config())
    assert doc.status == "error" and "Permission denied" in doc.problem


@pytest.mark.parametrize("make, problem", [
    (lambda p: p.symlink_to(p.parent / "gone.txt"), "symbolic link to a missing target"),
    (lambda p: p.mkdir(), "it is a folder"),
    (lambda p: os.mkfifo(p), "named pipe"),  # reading it would block forever
])
def test_entries_named_like_documents_that_are_not_files_are_error_documents(tmp_path, make, problem):
    """A dangling link, an empty folder or a pipe named x.txt is reported, neither dropped nor read."""
    make(tmp_path / "x.txt")
    (doc,) = load_corpus(tmp_path, config=Config())
    assert doc.doc == "x" and doc.status == "error" and problem in doc.problem


def test_folder_named_like_a_document_holding_documents_is_a_folder(tmp_path):
    """notes.txt/a.txt is a document inside a folder, and the folder is not a document itself."""
    docs = load(tmp_path, {"notes.txt/a.txt": "Ciao a tutti."})
    assert list(docs) == ["a"] and docs["a"].ok


def test_missing_corpus_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_corpus(tmp_path / "nope", config=Config())


def test_file_instead_of_folder_is_an_input_error(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("x")
    with pytest.raises(InputError, match="folder"):
        load_corpus(f, config=Config())


def test_html_raw_is_the_decoded_source(tmp_path):
    """For HTML, raw is the decoded source (entities untouched); segmentation extracts the text."""
    src = "<html><body><p>Caf&eacute; &amp; t&#233;.</p></body></html>"
    docs = load(tmp_path, {"p.html": src.encode("utf-8")})
    assert docs["p"].raw == src and docs["p"].format == "html"


# -- manifest ----------------------------------------------------------------------------------------

def test_manifest_toml_and_jsonl(tmp_path):
    """manifest.toml and manifest.jsonl set lang, role, source_url and title of named documents."""
    files = {"a.txt": "Uno.", "sub/b.txt": "Dva.",
             "manifest.toml": '[documents.a]\nlang = "it"\nrole = "customer service manager"\n',
             "manifest.jsonl": json.dumps({"path": "sub/b.txt", "lang": "cs", "source_url": "https://x.cz/b",
                                           "title": "Dva"}) + "\n\n" + json.dumps({"doc": "a", "title": "Uno"}) + "\n"}
    docs = load(tmp_path, files)
    a, b = docs["a"], docs["b"]
    assert (a.lang, a.role, a.title) == ("it", "customer service manager", "Uno")
    assert (b.lang, b.source_url, b.title) == ("cs", "https://x.cz/b", "Dva")
    assert a.manifest == {"lang": "it", "role": "customer service manager", "title": "Uno"}


@pytest.mark.parametrize("name,content,message", [
    ("manifest.toml", "[documents.a]\nlanguage = 'it'\n", "unknown manifest key 'language'"),
    ("manifest.toml", "[documents.a\n", "not valid TOML"),
    ("manifest.toml", "[docs.a]\nlang = 'it'\n", "unknown top-level key 'docs'"),
    ("manifest.toml", "[documents.zz]\nlang = 'it'\n", "'zz' is not in the corpus"),
    ("manifest.toml", "[documents.a]\nlang = 'Italian'\n", "ISO 639-1"),
    ("manifest.toml", "[documents.a]\nlang = 3\n", "expected a non-empty string"),
    ("manifest.jsonl", '{"doc": "a", "lang": "it"\n', "manifest.jsonl:1: not valid JSON"),
    ("manifest.jsonl", '\n{"doc": "a", "colour": "red"}\n', "manifest.jsonl:2: unknown manifest key 'colour'"),
    ("manifest.jsonl", '{"lang": "it"}\n', "needs a \"doc\""),
    ("manifest.jsonl", '{"path": "x/y.txt", "lang": "it"}\n', "not a document of the corpus"),
    ("manifest.jsonl", '[1, 2]\n', "expected a JSON object"),
])
def test_bad_manifest_is_a_config_error(tmp_path, name, content, message):
    """A malformed manifest, an unknown key or a bad value stops the run with a clear ConfigError."""
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("[", r"\[")):
        load(tmp_path, {"a.txt": "Uno.", name: content})


@pytest.mark.parametrize("languages", [["it", "Czech"], [], ["ita"]])
def test_bad_configured_languages_are_a_config_error(languages):
    with pytest.raises(ConfigError, match="segment.languages"):
        from_mapping({"segment": {"languages": languages}})


def test_conflicting_manifests_are_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="conflicts"):
        load(tmp_path, {"a.txt": "Uno.", "manifest.toml": "[documents.a]\nlang = 'it'\n",
                        "manifest.jsonl": '{"doc": "a", "lang": "cs"}\n'})


def test_manifest_language_wins_with_a_warning_when_text_disagrees(tmp_path):
    """A manifest language is used as given; a clear disagreement with the text is a warning."""
    from aligner.segment import segment_corpus

    docs = load(tmp_path, {"a.txt": CS, "manifest.toml": "[documents.a]\nlang = 'it'\n"})
    segment_corpus(list(docs.values()), config=Config())
    a = docs["a"]
    assert a.lang == "it" and a.lang_confidence == 1.0
    assert any("manifest says 'it'" in w for w in a.warnings)
