"""Fuzzing the per-document stages: documents in every language lingua and wordfreq know, random Unicode, mixed
scripts, huge tokens, control characters and lone surrogates, through the real segmenter and checks (and the
real pipeline with the fake encoder). Whatever the input: no internal error (no exception, no `check-error`),
no lost document (every input is in the output, ok or error with its problem) and no lost character (every
non-blank character of an ok document is in a sentence or a removed span)."""

from __future__ import annotations

import json
import random
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aligner.checks import run_checks
from aligner.config import Config
from aligner.model import Document
from aligner.segment import coverage_problems, segment_corpus
from scripts_samples import PAGES

# A few frequent words of the languages lingua identifies and wordfreq has no list for (written for this test;
# wordfreq's own top words are used for the others).
EXTRA_WORDS = {
    "af": "die en van is in het nie dat met vir op hulle sal", "az": "və bir bu ilə üçün da o çox olan",
    "be": "і ў на не што з як гэта было", "bs": "je i u se na da za su od kao", "cy": "y yn a mae ar i o ei bod",
    "eo": "la kaj de en estas al ne por kun", "et": "ja on ei et see ka kui oma aga", "eu": "eta da ez du bat ere dira",
    "ga": "agus an is ar na ag go le bhí", "gu": "અને છે માં તે આ પણ એક", "hr": "je i u se na da za su što",
    "hy": "և է որ այդ մեջ համար են", "ka": "და არის რომ ეს იყო მისი", "kk": "және бір бұл деп мен үшін",
    "la": "et in est non ad cum quod sed", "lg": "mu era nga ku oba kino bwe", "mi": "te me ki ka ko he nga",
    "mn": "нь бол энэ ба гэж байна", "mr": "आणि आहे हे या की ते", "nn": "og er ikkje som på det til",
    "pa": "ਅਤੇ ਹੈ ਦੇ ਵਿੱਚ ਨੂੰ ਇਸ", "sn": "uye kuti ne ari aive iyi", "so": "iyo waa oo ka ku in ay",
    "sq": "dhe të në një është për me", "sr": "и је у да на се за", "st": "le ho ya ka a sa ba",
    "sw": "na ya kwa ni wa katika hii", "te": "మరియు ఒక ఈ అని కూడా ఆ", "th": "และ ที่ ของ ใน เป็น ได้ มี",
    "tn": "le go ya ka mo a ba", "ts": "na ku ka hi ni swa leswi", "xh": "ukuba kwi nge kunye le",
    "yo": "ati ni ti o si fun awọn", "zu": "futhi uma kanye noma ukuthi",
}
UNSPACED = {"ja", "zh", "th"}


@lru_cache(maxsize=1)
def all_languages() -> dict[str, list[str]]:
    """ISO code -> some words, for every language lingua or wordfreq knows."""
    import wordfreq
    from lingua import Language

    codes = {lang.iso_code_639_1.name.lower() for lang in Language.all()}
    wf = set(wordfreq.available_languages(wordlist="best"))
    codes |= {c for c in wf if len(c) == 2}  # "fil" is tl, "sh" Serbo-Croatian
    out = {}
    for code in sorted(codes | {"sh"} & wf):
        wf_code = "fil" if code == "tl" else code
        if wf_code in wf:
            words = [w for w in wordfreq.top_n_list(wf_code, 80) if any(ch.isalpha() for ch in w)]
        else:
            words = EXTRA_WORDS[code].split()
        out[code] = words
    return out


def text_in(lang: str, words: list[str], rng: random.Random, paragraphs: int = 3) -> str:
    """Sentences of random frequent words of `lang`, in paragraphs, with the punctuation the script uses."""
    join = "" if lang in UNSPACED else " "
    stop = "。" if lang in ("ja", "zh") else "."
    out = []
    for _ in range(paragraphs):
        sents = []
        for _ in range(rng.randint(1, 4)):
            s = join.join(rng.choice(words) for _ in range(rng.randint(3, 12)))
            sents.append(s[:1].upper() + s[1:] + rng.choice([stop, stop, "?", "!"]))
        out.append(join.join(sents))
    return "\n\n".join(out) + "\n"


def assert_sound(docs: list[Document], flags) -> None:
    """No internal error, nothing lost: the invariants every input must keep."""
    assert [f.message for f in flags if f.code == "check-error"] == []
    for d in docs:
        assert d.status in ("ok", "error")
        if d.ok:
            assert coverage_problems(d) == [], d.doc
        else:
            assert d.problem
    for f in flags:
        d = next(d for d in docs if d.doc == f.doc)
        assert 0 <= f.start <= f.end <= len(d.raw) and f.text == d.raw[f.start:f.end]


def test_every_language_lingua_and_wordfreq_know():
    """One corpus: a document per language, identified from its text, plus the same text with its language given
    by the manifest (so every language code reaches the checks, configured or not)."""
    rng = random.Random(13)
    langs = all_languages()
    assert len(langs) >= 75
    docs = []
    for code, words in langs.items():
        docs.append(Document(doc=f"{code}-detected", path=f"{code}.txt", raw=text_in(code, words, rng)))
        docs.append(Document(doc=f"{code}-given", path=f"{code}-given.txt", raw=text_in(code, words, rng),
                             manifest={"lang": code}))
    for code, page in PAGES.items():
        docs.append(Document(doc=f"page-{code}", path=f"page-{code}.txt", raw=page))
    segment_corpus(docs, config=Config())
    flags = run_checks(docs, [], encoder=None, embeddings={}, config=Config())
    assert_sound(docs, flags)
    assert [d.doc for d in docs if not (d.ok and d.sentences)] == []
    given = {d.doc.split("-")[0]: d.lang for d in docs if d.doc.endswith("-given")}
    assert given == {code: code for code in langs}
    skipped = {f.doc for f in flags if f.code == "check-skipped"}
    assert {"ja-given", "zh-given", "th-given", "page-ja", "page-zh", "page-th"} <= skipped
    assert "it-given" not in skipped and "cs-given" not in skipped


# -- random documents ------------------------------------------------------------------------------------

_ANY_CHAR = st.characters(codec=None)  # every code point, lone surrogates and controls included
_PIECES = st.one_of(
    st.text(_ANY_CHAR, max_size=60),
    st.sampled_from([".", "...", "?!", "。", "\n", "\n\n", "\r\n", " ", "\t", "\u2028", "\x00", "\ufeff", "\ufffd",
                     "\u200b", "-", " - ", "U.S.", "e.g.", "No. 5", "2.2", "www.example.com", "a@b.cz", "«", "»",
                     "<p>", "</p>", "&amp;", "$config[code] not found", "Skip to main content"]),
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "A", "ы", "語", "ก", ".", " ", "-", "\ufffd", "aB"]),
              st.integers(1, 20_000)),  # huge tokens and runs
    st.builds(lambda code, seed: text_in(code, all_languages()[code], random.Random(seed), 1),
              st.sampled_from(sorted(all_languages())), st.integers(0, 10_000)),  # mixed scripts
)
_TEXTS = st.lists(_PIECES, min_size=1, max_size=12).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])
@given(texts=st.lists(_TEXTS, min_size=1, max_size=3), lang=st.sampled_from([None, "tl", "it", "cs", "en", "ja", "th", "ar", "xx"]),
       html=st.booleans())
def test_random_documents_never_break_segmentation_or_checks(texts, lang, html):
    docs = [Document(doc=f"d{k}", path=f"d{k}.{'html' if html else 'txt'}", raw=t, format="html" if html else "text",
                     manifest={"lang": lang} if lang else {}) for k, t in enumerate(texts)]
    segment_corpus(docs, config=Config())
    flags = run_checks(docs, [], encoder=None, embeddings={}, config=Config())
    assert_sound(docs, flags)


# -- the real pipeline, files on disk, fake encoder ------------------------------------------------------

_FILE_BYTES = st.one_of(
    st.binary(min_size=0, max_size=3000),  # random bytes
    _TEXTS.map(lambda t: t.encode("utf-8", "replace")),
    _TEXTS.map(lambda t: t.encode("utf-16", "surrogatepass")),
    st.builds(lambda code, seed: text_in(code, all_languages()[code], random.Random(seed)).encode(),
              st.sampled_from(sorted(all_languages())), st.integers(0, 1000)),
)


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.large_base_example])
@given(files=st.lists(st.tuples(st.sampled_from(["txt", "html"]), _FILE_BYTES), min_size=1, max_size=5))
def test_random_corpora_through_the_pipeline_lose_no_document(files, tmp_path_factory):
    from fakes import FakeEncoder

    from aligner.pipeline import run

    root = tmp_path_factory.mktemp("fuzz")
    corpus, out = root / "corpus", root / "out"
    corpus.mkdir()
    names = []
    for k, (ext, data) in enumerate(files):
        (corpus / f"f{k}.{ext}").write_bytes(data)
        names.append(f"f{k}")
    run(corpus, out, encoder=FakeEncoder())
    # split on "\n" only: JSON text may hold U+2028 or U+0085 as they are, which str.splitlines would cut at
    records = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").split("\n") if line]
    assert sorted(r["doc"] for r in records) == sorted(names)
    assert all(r["status"] == "ok" or (r["status"] == "error" and r["problem"]) for r in records)
    flags = [json.loads(line) for line in (out / "flags.jsonl").read_text(encoding="utf-8").split("\n") if line]
    assert [f["message"] for f in flags if f["code"] == "check-error"] == []
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"]["documents"]["total"] == len(names)
