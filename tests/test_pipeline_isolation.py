"""Issue 13's "done when": the bundled articles plus Japanese, Chinese, Thai and Arabic pages, a huge single-line
page and random bytes run to the end with every document accounted for.

The pipeline runs for real (load, segment, embed, pair, align, checks, clean, write) with the deterministic
fake encoder; the huge page is 1 MB here (bench/bench_docsize.py runs the 10 MB one). The bundled corpus'
own results with the real encoder are tests/test_golden_e2e.py's business.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from aligner.segment import coverage_problems
from scripts_samples import PAGES, html_page

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
HUGE_MB = 1.0


def _huge_single_line_page() -> str:
    """~1 MB of the bundled articles' prose (tl, it, cs), sentences shuffled, on one line."""
    sents = []
    for p in sorted((ROOT / "corpus").glob("*.txt")):
        sents += [s.strip() + "." for s in p.read_text(encoding="utf-8").replace("\n", " ").split(". ") if len(s) > 40]
    rng = random.Random(13)
    out, n = [], 0
    while n < HUGE_MB * 1_000_000:
        s = rng.choice(sents)
        out.append(s)
        n += len(s.encode("utf-8")) + 1
    return " ".join(out)


@pytest.fixture(scope="module")
def done_when_run(tmp_path_factory):
    from fakes import FakeEncoder

    from aligner.pipeline import run

    root = tmp_path_factory.mktemp("done_when")
    corpus = root / "corpus"
    corpus.mkdir()
    bundled = sorted(p.stem for p in (ROOT / "corpus").glob("*.txt"))
    for p in (ROOT / "corpus").glob("*.txt"):
        shutil.copy(p, corpus / p.name)
    for lang in ("ja", "zh", "th", "ar"):
        (corpus / f"page_{lang}.txt").write_text(PAGES[lang], encoding="utf-8")
        (corpus / f"web_{lang}.html").write_text(html_page(PAGES[lang], lang), encoding="utf-8")
    (corpus / "huge_single_line.txt").write_text(_huge_single_line_page(), encoding="utf-8")
    rng = random.Random(7)
    (corpus / "random_bytes.txt").write_bytes(bytes(rng.randrange(256) for _ in range(5000)))
    (corpus / "random_bytes.html").write_bytes(bytes(rng.randrange(256) for _ in range(5000)))
    out = root / "out"
    result = run(corpus, out, encoder=FakeEncoder())
    return result, out, bundled


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def test_every_document_is_accounted_for(done_when_run):
    result, out, bundled = done_when_run
    docs = {d["doc"]: d for d in _jsonl(out / "documents.jsonl")}
    expected = {*bundled, *(f"page_{x}" for x in ("ja", "zh", "th", "ar")), *(f"web_{x}" for x in ("ja", "zh", "th", "ar")),
                "huge_single_line", "random_bytes"}
    # the two random-bytes files share an id stem: the loader gives them distinct ids; both must be there
    assert expected - {"random_bytes"} <= set(docs)
    assert len(docs) == len(bundled) + 8 + 1 + 2
    errors = {k: d for k, d in docs.items() if d["status"] != "ok"}
    assert len(errors) == 2 and all(k.startswith("random_bytes") and d["problem"] for k, d in errors.items())
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"]["documents"]["total"] == len(docs)
    assert summary["counts"]["documents"]["error"] == 2


def test_nothing_is_lost_in_the_documents_that_were_read(done_when_run):
    result, _, _ = done_when_run
    for d in result.documents:
        if d.ok:
            assert coverage_problems(d) == [], d.doc
            assert d.sentences, d.doc
    huge = next(d for d in result.documents if d.doc == "huge_single_line")
    assert huge.ok and len(huge.sentences) > 5000 and huge.lang in ("tl", "it", "cs")


def test_no_internal_error_and_unsupported_languages_say_what_was_skipped(done_when_run):
    result, out, _ = done_when_run
    flags = _jsonl(out / "flags.jsonl")
    assert [f["message"] for f in flags if f["code"] == "check-error"] == []
    skipped = {f["doc"]: f["message"] for f in flags if f["code"] == "check-skipped"}
    for doc in ("page_ja", "page_zh", "page_th", "web_ja", "web_zh", "web_th"):
        assert "written without spaces" in skipped[doc]
    assert "wrong-language" in skipped["page_ar"]
    assert not set(skipped) & {d.doc for d in result.documents if d.lang in ("tl", "it", "cs")}


def test_the_bundled_articles_are_segmented_as_on_their_own(done_when_run, tmp_path):
    """The other documents do not change how the bundled ones are read (language, sentences, removed chrome)."""
    from fakes import FakeEncoder

    from aligner.pipeline import run

    result, _, bundled = done_when_run
    alone = run(ROOT / "corpus", tmp_path / "out", encoder=FakeEncoder(), write=False)
    together = {d.doc: d for d in result.documents}
    for d in alone.documents:
        other = together[d.doc]
        assert (other.lang, [s.to_dict() for s in other.sentences], [r.to_dict() for r in other.removed]) == \
            (d.lang, [s.to_dict() for s in d.sentences], [r.to_dict() for r in d.removed])
