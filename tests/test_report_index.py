"""report.html at scale: a paged index of the parallel pairs, one self-contained page per pair."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from aligner.errors import InputError
from fakes import FakeEncoder

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def big_run(tmp_path_factory):
    import aligner.output.report_index as report_index
    import aligner.output.stream as stream
    from aligner.config import from_mapping
    from aligner.pipeline import run

    sys.path.insert(0, str(ROOT / "bench"))
    from make_corpus import generate

    base = tmp_path_factory.mktemp("report_index")
    gold = generate(40, base / "corpus", seed=11)
    mp = pytest.MonkeyPatch()
    mp.setattr(stream, "REPORT_INLINE_MAX_PAIRS", 0)  # as if the run were too large for one page
    mp.setattr(report_index, "PAGE_SIZE", 3)
    try:
        config = from_mapping({"engine": {"shard_size": 5, "batch_size": 2}, "encoder": {"cache": False}})
        run(base / "corpus", base / "out", config=config, encoder=FakeEncoder(translations=gold["meanings"]))
    finally:
        mp.undo()
    return base / "out"


def _links(html: str) -> list[str]:
    return re.findall(r'href="([^"#]+\.html)"', html)


def test_index_pages_link_every_pair_page_once(big_run):
    aligned = [json.loads(x) for x in (big_run / "aligned.jsonl").read_text().splitlines()]
    pairs = list(dict.fromkeys((r["src_doc"], r["tgt_doc"]) for r in aligned))
    assert len(pairs) >= 4
    index_pages = [big_run / "report.html"] + sorted((big_run / "report").glob("index-*.html"))
    assert len(index_pages) == (len(pairs) + 2) // 3
    linked = []
    for page in index_pages:
        html = page.read_text()
        assert html.count("<tr><td>") <= 3  # a page lists at most PAGE_SIZE pairs
        for href in _links(html):
            assert (page.parent / href).resolve().is_file(), href
            if "pair-" in href:
                linked.append((page.parent / href).resolve())
    assert len(linked) == len(set(linked)) == len(pairs)


def test_each_pair_page_holds_its_own_beads_only(big_run):
    aligned = [json.loads(x) for x in (big_run / "aligned.jsonl").read_text().splitlines()]
    pages = sorted((big_run / "report").glob("pair-*.html"))
    by_pair: dict[tuple[str, str], list[str]] = {}
    for r in aligned:
        by_pair.setdefault((r["src_doc"], r["tgt_doc"]), []).append(r["id"])
    for page, (key, ids) in zip(pages, by_pair.items()):
        html = page.read_text()
        assert f"{key[0]} (" in html and f"{key[1]} (" in html
        found = set(re.findall(r'id="b-([0-9a-f]+)"', html))
        assert found == set(ids)
        assert "Content-Security-Policy" in html and 'href="../report.html"' in html


def test_index_rows_carry_scores_and_flag_counts(big_run):
    html = (big_run / "report.html").read_text()
    assert "<th>pairing score</th>" in html and "<th>errors</th>" in html
    row = re.search(r"<tr><td>1</td>(.*?)</tr>", html).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert re.fullmatch(r"0\.\d{3}|1\.000", cells[3]) and re.fullmatch(r"\d+ / \d+", cells[4])


def test_a_run_failing_half_way_through_the_pages_leaves_the_previous_pages(big_run, tmp_path, monkeypatch):
    """The pages are staged with the other files: a run that dies after writing some of them
    leaves the previous run's report.html and report/ exactly as they were."""
    import shutil

    import aligner.output.report_index as report_index
    import aligner.output.stream as stream
    from aligner.config import from_mapping
    from aligner.pipeline import run

    out = tmp_path / "out"
    shutil.copytree(big_run, out)
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.html"))}
    assert len([name for name in before if name.startswith("report/pair-")]) >= 4
    calls = []

    def render_then_fail(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    real = report_index.render_report
    monkeypatch.setattr(report_index, "render_report", render_then_fail)
    monkeypatch.setattr(stream, "REPORT_INLINE_MAX_PAIRS", 0)
    monkeypatch.setattr(report_index, "PAGE_SIZE", 3)
    gold = json.loads((big_run.parent / "corpus" / "gold.json").read_text())
    config = from_mapping({"engine": {"shard_size": 5, "batch_size": 2}, "encoder": {"cache": False}})
    with pytest.raises(InputError, match="No space left"):
        run(big_run.parent / "corpus", out, config=config, encoder=FakeEncoder(translations=gold["meanings"]))
    assert len(calls) == 3
    after = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.html"))}
    assert after == before
