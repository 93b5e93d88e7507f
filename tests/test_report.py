"""report.html as a document: escaping, self-containment, every bead and flag placed."""

from __future__ import annotations

import html
import json
import re

import pytest

from aligner.output.records import signature_id, summarise
from aligner.output.report import confidence_class, highlight, render_report
from aligner.output import flag_records
from output_samples import HOSTILE, sample_result


def _render(result=None):
    result = result or sample_result()
    return render_report(result, summary=summarise(result, signature_id(result.signature)),
                         flags=flag_records(result))


def _flag(start, end, sev="warning", code="c", msg="m"):
    return {"start": start, "end": end, "severity": sev, "category": "other", "code": code, "message": msg}


@pytest.mark.parametrize("text, offset, flags, expected", [
    ("a<b", 0, [], "a&lt;b"),
    ("hello world", 100, [_flag(106, 111)], 'hello <mark class="fl on sev-warning" data-f="0" title="warning c: m">world</mark>'),
    # overlapping spans split at every boundary; the middle piece carries both flags, coloured by the worst
    ("abcdef", 0, [_flag(0, 4), _flag(2, 6, "error")],
     '<mark class="fl on sev-warning" data-f="0" title="warning c: m">ab</mark>'
     '<mark class="fl on sev-error" data-f="0 1" title="warning c: m\nerror c: m">cd</mark>'
     '<mark class="fl on sev-error" data-f="1" title="error c: m">ef</mark>'),
    # a zero-width flag becomes a caret at its position
    ("ab", 0, [_flag(1, 1, "info")], 'a<span class="zw on sev-info" data-f="0" title="info c: m">\u2038</span>b'),
    # spans reaching outside the sentence are clipped to it
    ("xyz", 10, [_flag(5, 11)], '<mark class="fl on sev-warning" data-f="0" title="warning c: m">x</mark>yz'),
    ("<&>", 0, [_flag(0, 3, msg='<b>"hi"</b>')],
     '<mark class="fl on sev-warning" data-f="0" title="warning c: &lt;b&gt;&quot;hi&quot;&lt;/b&gt;">'
     '&lt;&amp;&gt;</mark>'),
])
def test_highlight(text, offset, flags, expected):
    assert highlight(text, offset, range(len(flags)), flags) == expected


@pytest.mark.parametrize("score, cls", [(0.95, "c4"), (0.85, "c4"), (0.8, "c3"), (0.6, "c2"), (0.4, "c1"),
                                        (0.1, "c0"), (None, "c0"), (float("nan"), "c0")])
def test_confidence_class(score, cls):
    assert confidence_class(score) == cls


def test_untrusted_text_is_escaped():
    page = _render()
    assert HOSTILE not in page and "<script>window.__pwned" not in page
    assert "&lt;script&gt;window.__pwned=1;document.title=&#x27;PWNED&#x27;&lt;/script&gt;" in page
    assert page.count("<script") == 2  # the flag metadata and the page's own script, nothing else


def test_page_is_self_contained():
    page = _render()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert csp and "default-src 'none'" in html.unescape(csp.group(1))
    assert not re.search(r"<(link|iframe|object|embed)\b", page)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page


def test_every_bead_is_rendered_and_dropped_ones_say_why():
    result = sample_result()
    page = _render(result)
    assert len(re.findall(r'<div class="bead ', page)) == len(result.records)
    assert len(re.findall(r'<div class="bead [^"]*dropped', page)) == 2
    assert '<span class="drop" title="dropped from the dataset">one-sided</span>' in page
    assert '<span class="drop" title="dropped from the dataset">low-score</span>' in page


def test_every_flag_is_shown_somewhere():
    """Each flag appears as a note under a bead or as a row of its document's table."""
    result = sample_result()
    page = _render(result)
    shown = set(re.findall(r'class="note [^"]*" data-f="(\d+)"', page)) | set(re.findall(r'<tr [^>]*data-f="(\d+)"', page))
    assert shown == {str(i) for i in range(len(result.flags))}


def test_removed_boilerplate_is_listed_per_document():
    page = _render()
    assert page.count('<span class="why">navigation</span>') == 2
    assert '<span class="why">placeholder</span>' in page
    # the placeholder flag is highlighted inside the removed text
    assert re.search(r'<mark class="fl on sev-error" data-f="3"[^>]*>\{\{cookie_banner\}\}</mark>', page)


def test_source_url_link_only_for_http():
    result = sample_result()
    result.documents[0].source_url = "javascript:alert(1)"
    result.documents[1].source_url = "https://example.org/a?b=1&c=2"
    page = _render(result)
    assert 'href="javascript' not in page and "javascript:alert(1)" in page
    assert 'href="https://example.org/a?b=1&amp;c=2"' in page


def test_signature_in_the_header():
    result = sample_result()
    page = _render(result)
    assert signature_id(result.signature) in page and "fake @ test" in page


def test_empty_run_renders():
    result = sample_result()
    result.records, result.aligned, result.flags, result.pairs = [], [], [], []
    page = _render(result)
    assert "No parallel pairs were found." in page and "no flags" in page


def test_unaligned_document_lists_its_sentences_with_highlights():
    """A document in no parallel pair still shows its findings in context."""
    result = sample_result()
    result.records = [r for r in result.records if r["src_doc"] != "000_de"]
    page = _render(result)
    section = page[page.index('id="d-000_de"'):page.index('id="d-001_fr"')]
    assert "Sentences (4; not in any parallel pair)" in section
    assert re.search(r'<mark class="fl on sev-error" data-f="1"[^>]*>Kundenservice-Manager</mark>', section)
    assert "not in any parallel pair" not in page[page.index('id="d-002_tl"'):]


def test_partial_records_still_render():
    """Records pointing at unknown documents, out-of-range sentences or odd flags must not break the page."""
    from aligner.model import Flag

    result = sample_result()
    result.records.append({"id": "ghost", "src_doc": "nope", "tgt_doc": "001_fr", "src_lang": "xx", "tgt_lang": "fr",
                           "src": "ghost text", "tgt": "", "src_sents": [7], "tgt_sents": [99],
                           "src_spans": [[0, 5]], "tgt_spans": [[10**6, 10**6 + 3]], "type": "1-1",
                           "score": None, "keep": False})
    result.flags.append(Flag(doc="001_fr", lang="fr", sentence=42, code="odd", category="not-a-category",
                             severity="fatal", start=5, end=2, text="", message="odd"))
    page = _render(result)
    assert 'id="b-ghost"' in page and page.count('<div class="bead ') == len(result.records)


def test_a_flood_of_one_check_is_shown_up_to_its_cap_and_counted():
    """Tens of thousands of findings of one kind in a degenerate page: the page shows the first SHOWN_PER_CHECK
    of each check per document and says how many more flags.jsonl lists; other checks are unaffected."""
    from aligner.output.report import SHOWN_PER_CHECK

    result = sample_result()
    doc = result.documents[0]
    base = flag_records(result)
    flood = [{"doc": doc.doc, "code": "glued-sentence", "severity": "info", "category": "glued", "start": 0, "end": 1,
              "message": f"flood {k}", "line": 1, "column": 1, "text": "x"} for k in range(SHOWN_PER_CHECK + 57)]
    flags = base + flood
    page = render_report(result, summary=summarise(result, signature_id(result.signature)), flags=flags)
    shown = set(re.findall(r'data-f="(\d+)"', page))
    flood_ids = {str(len(base) + k) for k in range(len(flood))}
    assert len(shown & flood_ids) == SHOWN_PER_CHECK
    assert {str(i) for i in range(len(base))} <= shown  # the other findings are all still there
    assert "57 more <code>glued-sentence</code>" in page
    meta = json.loads(re.search(r'<script type="application/json" id="flag-meta">(.*?)</script>', page, re.S).group(1))
    assert len(set(meta) & flood_ids) == SHOWN_PER_CHECK
