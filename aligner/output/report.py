"""report.html: one self-contained review page (inline CSS and JS, no network).

For every parallel pair, the beads side by side: each sentence in its raw form with
the flags highlighted at their raw offsets (tooltip + a note under the bead), a
left border and score badge coloured by alignment confidence, dropped beads struck
through with their drop reason. A sticky toolbar filters flags by severity and
category and beads by kept/dropped/flagged. The header carries the run signature
and the counts; one section per document lists its removed spans (boilerplate,
site chrome) and the findings outside aligned beads.

All corpus text is untrusted web text: everything goes through `html.escape`, the
embedded JSON escapes `<`, `>` and `&`, only http(s) source URLs become links, and a
Content-Security-Policy forbids any network access from the page.
"""

from __future__ import annotations

import bisect
import functools
import html
import json
import re
from collections import Counter, defaultdict
from importlib import resources
from typing import IO, Any, Iterable

from aligner.model import CATEGORIES, SEVERITIES, severity_rank

_CONF_EDGES = (0.3, 0.5, 0.7, 0.85)  # score bucket edges -> classes c0..c4
SHOWN_PER_CHECK = 200  # a document's findings of one check shown in the page; flags.jsonl has every one
_CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'")
_HTML_SPECIAL = re.compile("[&<>\"']")  # what html.escape(quote=True) changes


def esc(value: Any) -> str:
    text = "" if value is None else str(value)
    return html.escape(text, quote=True) if _HTML_SPECIAL.search(text) else text  # most text has none


@functools.lru_cache(maxsize=None)
def _asset(name: str) -> str:
    """A packaged asset's text, read once per process (every page of a paged report inlines it)."""
    return resources.files("aligner.output").joinpath("assets", name).read_text(encoding="utf-8")


def _script_json(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def confidence_class(score: Any) -> str:
    if not isinstance(score, (int, float)) or score != score:
        return "c0"
    return f"c{bisect.bisect_right(_CONF_EDGES, score)}"  # the number of edges at or below the score


def _fmt(x: Any, digits: int = 3) -> str:
    return f"{x:.{digits}f}" if isinstance(x, (int, float)) and x == x else "–"


class _Flags:
    """The run's flags, indexed per document and per sentence, with stable ids (their order).

    Only the first `per_check` findings of one check in one document are indexed (shown); `hidden` counts
    the others per document and check. A degenerate page yields tens of thousands of correct findings of
    one kind (a page of 'Ciao.Mondo' 20,000 glued sentences, of 'fooBar' 40,000 glued words): shown
    whole they made a 12-document report 26 MB; the page says how many more flags.jsonl lists."""

    def __init__(self, flags: list[dict[str, Any]], per_check: int = SHOWN_PER_CHECK):
        self.flags = flags
        self.by_doc_sentence: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.doc_level: dict[str, list[int]] = defaultdict(list)
        self.by_bead: dict[str, list[int]] = defaultdict(list)
        self.by_doc: dict[str, list[int]] = defaultdict(list)
        self.hidden: dict[str, Counter] = defaultdict(Counter)
        seen: Counter = Counter()
        for i, f in enumerate(flags):
            doc, code = f.get("doc"), f.get("code")
            seen[doc, code] += 1
            if seen[doc, code] > per_check:
                self.hidden[doc][code] += 1
                continue
            self.by_doc[f.get("doc")].append(i)
            if f.get("sentence") is not None:
                self.by_doc_sentence[(f.get("doc"), f["sentence"])].append(i)
            else:
                self.doc_level[f.get("doc")].append(i)
            if f.get("bead"):
                self.by_bead[f["bead"]].append(i)
        self.per_check = per_check
        self.placed: set[int] = set()
        self._spans: dict[tuple[str, int | None], list[tuple[int, Any, Any]]] = {}

    def overlapping(self, doc: str, sentence: int | None, start: int, end: int) -> list[int]:
        """Flags of `doc` whose span meets [start, end) (a zero-width flag inside it counts)."""
        pool = self._spans_of(doc, None)
        if sentence is not None:
            pool = pool + self._spans_of(doc, sentence)
        if not pool:  # most sentences
            return []
        out = {i for i, fs, fe in pool if (fs < end and fe > start) or (fs == fe and start <= fs <= end)}
        return sorted(out)

    def _spans_of(self, doc: str, sentence: int | None) -> list[tuple[int, Any, Any]]:
        """(id, start, end) of the flags of `doc` (its document-level ones when `sentence` is None), those
        without a start left out: read from the flag records once, not once per sentence of the document."""
        key = (doc, sentence)
        spans = self._spans.get(key)
        if spans is None:
            ids = self.doc_level.get(doc, ()) if sentence is None else self.by_doc_sentence.get(key, ())
            spans = []
            for i in ids:
                f = self.flags[i]
                fs, fe = f.get("start"), f.get("end")
                if fs is not None:
                    spans.append((i, fs, fs if fe is None else fe))
            self._spans[key] = spans
        return spans

    def meta(self) -> dict[str, list[str]]:
        """Severity and category of each shown flag, by id (what the page's filters read)."""
        shown = sorted(i for ids in self.by_doc.values() for i in ids)
        return {str(i): [self.flags[i].get("severity") or "info", self.flags[i].get("category") or "other"]
                for i in shown}


def _worst(flags: list[dict[str, Any]]) -> str:
    sevs = [f.get("severity") for f in flags if f.get("severity") in SEVERITIES]
    return max(sevs, key=severity_rank) if sevs else "info"


def highlight(text: str, offset: int, ids: Iterable[int], flags: list[dict[str, Any]]) -> str:
    """Escaped `text` (which starts at raw offset `offset`) with <mark>s over the flagged spans.

    Overlapping flags split the text at every span boundary; each piece lists all the
    flags covering it in data-f, so filtering can re-colour it. A zero-width flag
    becomes a small caret marker at its position.
    """
    if not ids:  # most sentences: no flag, nothing to split
        return esc(text)
    n = len(text)
    spans = []
    for i in ids:
        f = flags[i]
        s = min(max(f["start"] - offset, 0), n)
        e = min(max((f.get("end") if f.get("end") is not None else f["start"]) - offset, 0), n)
        spans.append((s, e, i))
    cuts = sorted({0, n, *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    for a in cuts:
        carets = [i for s, e, i in spans if s == e == a]
        if carets:
            out.append(_caret(carets, flags))
        nxt = next((c for c in cuts if c > a), None)
        if nxt is None:
            break
        piece = text[a:nxt]
        cover = [i for s, e, i in spans if s <= a and e >= nxt and s < e]
        if cover:
            out.append(_mark("mark", "fl", cover, flags, esc(piece)))
        else:
            out.append(esc(piece))
    return "".join(out)


def _title(ids: list[int], flags: list[dict[str, Any]]) -> str:
    return "\n".join(f"{flags[i].get('severity')} {flags[i].get('code')}: {flags[i].get('message')}" for i in ids)


def _mark(tag: str, cls: str, ids: list[int], flags: list[dict[str, Any]], inner: str) -> str:
    worst = _worst([flags[i] for i in ids])
    return (f'<{tag} class="{cls} on sev-{esc(worst)}" data-f="{" ".join(map(str, ids))}" '
            f'title="{esc(_title(ids, flags))}">{inner}</{tag}>')


def _caret(ids: list[int], flags: list[dict[str, Any]]) -> str:
    return _mark("span", "zw", ids, flags, "\u2038")


def _note(i: int, f: dict[str, Any]) -> str:
    sev, cat = f.get("severity") or "info", f.get("category") or "other"
    fix = ""
    if f.get("fix") is not None:
        fix = f' <span class="fix">fix: “{esc(f.get("fix"))}”</span>'
    fixed = ' <span class="fixed">✓ fixed in cleaned text</span>' if f.get("fixed") else ""
    evidence = f' <span class="cat">“{esc(_clip(f.get("text")))}”</span>' if f.get("text") else ""
    return (f'<li class="note sev-{esc(sev)} cat-{esc(cat)}" data-f="{i}"><span class="sev">{esc(sev)}</span>'
            f'<code>{esc(f.get("code"))}</code> <span class="cat">{esc(cat)}</span> '
            f'{esc(f.get("message"))}{evidence}{fix}{fixed}</li>')


def _clip(text: Any, limit: int = 120) -> str:
    text = "" if text is None else str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _side(doc: Any, sents: list[int], spans: list[list[int]], index: _Flags, lang: str | None,
          found: set[int], cleaned: str) -> str:
    if not spans:
        return f'<div class="side" lang="{esc(lang)}" dir="auto"><span class="empty">(nothing on this side)</span></div>'
    parts = []
    raw = doc.raw if doc is not None else ""
    flagged = doc is not None and doc.doc in index.by_doc  # a document without flags: no span to look up
    sentences = doc.sentences if doc is not None else ()
    n_sents = len(sents)
    for k, (start, end) in enumerate(spans):
        sent_i = sents[k] if k < n_sents else None
        piece = raw[start:end]
        if flagged:
            ids = index.overlapping(doc.doc, sent_i, start, end)
            found.update(ids)
            text = highlight(piece, start, ids, index.flags)
        else:  # most sentences: nothing to highlight
            text = esc(piece)
        if sent_i is None:
            parts.append(f'<p class="sent">{text}</p>')
            continue
        label = sent_i if type(sent_i) is int else esc(sent_i)  # an int needs no escaping
        parts.append(f'<p class="sent"><span class="idx">{label}</span>{text}</p>')
        if 0 <= sent_i < len(sentences):
            sentence_text = sentences[sent_i].text
            if sentence_text.strip() != " ".join(piece.split()):
                parts.append(f'<div class="clean">{esc(sentence_text)}</div>')
    if not parts:
        parts.append(f'<p class="sent">{esc(cleaned)}</p>')
    return f'<div class="side" lang="{esc(lang)}" dir="auto">{"".join(parts)}</div>'


def _bead(rec: dict[str, Any], docs: dict[str, Any], index: _Flags) -> str:
    found: set[int] = set()
    get = rec.get
    src = _side(docs.get(get("src_doc")), get("src_sents") or [], get("src_spans") or [],
                index, get("src_lang"), found, get("src") or "")
    tgt = _side(docs.get(get("tgt_doc")), get("tgt_sents") or [], get("tgt_spans") or [],
                index, get("tgt_lang"), found, get("tgt") or "")
    bid = get("id")
    own = index.by_bead.get(bid)
    if own:
        found.update(own)
    score = get("score")
    if found:
        index.placed.update(found)
    kept = bool(get("keep"))
    classes = "bead " + confidence_class(score)
    if not kept:
        classes += " dropped"
    if found:
        classes += " flagged"
    meta = (f'<span class="score" title="alignment score">{_fmt(score, 2)}</span>'
            f'<span title="bead type">{esc(get("type"))}</span>'
            f'<span title="cosine similarity">sim {_fmt(get("similarity"), 2)}</span>')
    if not kept:
        meta += f'<span class="drop" title="dropped from the dataset">{esc(get("drop_reason") or "dropped")}</span>'
    notes = ""
    if found:
        notes = '<ul class="notes">' + "".join(_note(i, index.flags[i]) for i in sorted(found)) + "</ul>"
    return (f'<div class="{classes}" id="b-{esc(bid)}" data-score="{esc(score)}">'
            f'<div class="meta">{meta}</div>{src}{tgt}{notes}</div>')


def _cards(summary: dict[str, Any]) -> str:
    c = summary.get("counts", {})
    d, p, b, f = c.get("documents", {}), c.get("pairs", {}), c.get("beads", {}), c.get("flags", {})
    rel = p.get("by_relation", {})
    sev = f.get("by_severity", {})
    cards = [
        ("Documents ok", d.get("ok", 0), f'{d.get("error", 0)} in error · {c.get("sentences", 0)} sentences'),
        ("Document pairs", rel.get("parallel", 0), f'parallel · {rel.get("comparable", 0)} comparable · '
                                                   f'{rel.get("unrelated", 0)} unrelated'),
        ("Beads kept", f'{b.get("kept", 0)} / {b.get("total", 0)}',
         " · ".join(f"{k}: {v}" for k, v in (b.get("dropped_by_reason") or {}).items()) or "none dropped"),
        ("Flags", f.get("total", 0), f'{sev.get("error", 0)} errors · {sev.get("warning", 0)} warnings · '
                                     f'{sev.get("info", 0)} info'),
    ]
    return '<div class="cards">' + "".join(
        f'<div class="card"><div class="k">{esc(k)}</div><div class="v">{esc(v)}</div><div class="s">{esc(s)}</div></div>'
        for k, v, s in cards) + "</div>"


def _toolbar(flags: list[dict[str, Any]]) -> str:
    cats = [c for c in CATEGORIES if any(f.get("category") == c for f in flags)]
    cats += sorted({f.get("category") for f in flags if f.get("category") not in CATEGORIES} - {None})
    sev_counts = {s: sum(f.get("severity") == s for f in flags) for s in SEVERITIES}
    sev_boxes = "".join(
        f'<label><input type="checkbox" checked data-filter="hide-sev-{esc(s)}" data-when="unchecked" '
        f'name="sev" value="{esc(s)}"> {esc(s)} <span class="count">({sev_counts[s]})</span></label>'
        for s in reversed(SEVERITIES))
    cat_boxes = "".join(
        f'<label><input type="checkbox" checked data-filter="hide-cat-{esc(c)}" data-when="unchecked" '
        f'name="cat" value="{esc(c)}"> {esc(c)} <span class="count">({sum(f.get("category") == c for f in flags)})'
        f'</span></label>' for c in cats) or '<span class="count">no flags</span>'
    legend = "".join(f'<i style="background:var(--c{k})" title="{t}"></i>' for k, t in enumerate(
        ("< 0.3", "0.3–0.5", "0.5–0.7", "0.7–0.85", "≥ 0.85")))
    return (
        '<div class="toolbar" role="toolbar" aria-label="Filters">'
        f'<fieldset><legend>Severity</legend>{sev_boxes}</fieldset>'
        f'<fieldset><legend>Category</legend>{cat_boxes}</fieldset>'
        '<fieldset><legend>Beads</legend>'
        '<label><input type="checkbox" checked data-filter="hide-dropped" data-when="unchecked" name="dropped">'
        ' show dropped</label>'
        '<label><input type="checkbox" data-filter="only-flagged" data-when="checked" name="flagged">'
        ' only flagged</label></fieldset>'
        f'<span class="legend">confidence {legend}</span>'
        '<span class="count">showing <b id="shown-beads">–</b> beads, <b id="shown-flags">–</b> flags</span>'
        "</div>")


def _filter_css(flags: list[dict[str, Any]]) -> str:
    cats = sorted({str(f.get("category")) for f in flags} | set(CATEGORIES))
    rules = [f"body.hide-sev-{s} .note.sev-{s},body.hide-sev-{s} tr.sev-{s}" for s in SEVERITIES]
    rules += [f"body.hide-cat-{esc(c)} .note.cat-{esc(c)},body.hide-cat-{esc(c)} tr.cat-{esc(c)}" for c in cats
              if c.replace("-", "").replace("_", "").isalnum()]
    return (",".join(rules) + "{display:none}\n"
            "body.hide-dropped .bead.dropped{display:none}\nbody.only-flagged .bead:not(.flagged){display:none}\n")


def _sentences(doc: Any, index: _Flags) -> str:
    """A collapsed list of the document's sentences with their flags highlighted (for unaligned documents)."""
    items = []
    for sent in doc.sentences:
        ids = index.overlapping(doc.doc, sent.i, sent.raw_start, sent.raw_end)
        items.append(f'<p class="sent"><span class="idx">{sent.i}</span>'
                     f'{highlight(doc.raw[sent.raw_start:sent.raw_end], sent.raw_start, ids, index.flags)}</p>')
    return (f'<details><summary>Sentences ({len(doc.sentences)}; not in any parallel pair)</summary>'
            f'<div class="side" lang="{esc(doc.lang)}" dir="auto">{"".join(items)}</div></details>')


def _doc_section(doc: Any, index: _Flags, aligned: bool = True) -> str:
    rows = []
    info = [("language", f"{doc.lang or '?'} ({_fmt(doc.lang_confidence, 2)})"), ("path", doc.path),
            ("title", doc.title), ("role", doc.role), ("sentences", len(doc.sentences)),
            ("encoding", doc.encoding + (f" — repaired: {', '.join(doc.repairs)}" if doc.repairs else ""))]
    if doc.source_url:
        url = str(doc.source_url)
        link = (f'<a href="{esc(url)}" rel="noopener noreferrer nofollow">{esc(url)}</a>'
                if url.lower().startswith(("http://", "https://")) else esc(url))
        info.append(("source", None, link))  # type: ignore[arg-type]
    if not doc.ok:
        info.insert(0, ("problem", doc.problem))
    for item in info:
        if len(item) == 3:
            rows.append(f"<dt>{esc(item[0])}</dt><dd>{item[2]}</dd>")
        elif item[1] not in (None, ""):
            rows.append(f"<dt>{esc(item[0])}</dt><dd>{esc(item[1])}</dd>")
    removed_items = []
    for r in doc.removed:
        ids = index.overlapping(doc.doc, None, r.start, r.end)
        text = doc.raw[r.start:r.end] if doc.raw else r.text
        removed_items.append(f'<li><span class="why">{esc(r.reason)}</span><span class="txt">'
                             f'{highlight(text, r.start, ids, index.flags)}</span></li>')
    opened = " open" if len(doc.removed) <= 30 else ""
    removed = (f'<details{opened}><summary>Removed text ({len(doc.removed)} spans, '
               f'{sum(r.end - r.start for r in doc.removed)} characters)</summary>'
               f'<ul class="removed">{"".join(removed_items)}</ul></details>') if doc.removed else \
        '<p class="count">Nothing removed.</p>'
    outside = [i for i in index.by_doc.get(doc.doc, ()) if i not in index.placed]
    table = ""
    if outside:
        trs = "".join(
            f'<tr class="sev-{esc(index.flags[i].get("severity"))} cat-{esc(index.flags[i].get("category"))}" '
            f'data-f="{i}"><td>{esc(index.flags[i].get("line"))}:{esc(index.flags[i].get("column"))}</td>'
            f'<td><code>{esc(index.flags[i].get("code"))}</code></td><td>{esc(index.flags[i].get("severity"))}</td>'
            f'<td>{esc(index.flags[i].get("message"))}</td><td>“{esc(_clip(index.flags[i].get("text")))}”</td></tr>'
            for i in outside)
        table = (f'<details open><summary>Findings outside the aligned beads ({len(outside)})</summary>'
                 '<table class="flagtable"><thead><tr><th>at</th><th>check</th><th>severity</th><th>message</th>'
                 f'<th>text</th></tr></thead><tbody>{trs}</tbody></table></details>')
    hidden = index.hidden.get(doc.doc)
    if hidden:
        table += ('<p class="count hidden-flags">Not shown here: ' + ", ".join(
            f'{n} more <code>{esc(code)}</code>' for code, n in sorted(hidden.items()))
            + f' (the first {index.per_check} of each check are shown; flags.jsonl lists every finding).</p>')
    listing = _sentences(doc, index) if not aligned and doc.sentences else ""
    status = "" if doc.ok else " error"
    return (f'<section class="doc{status}" id="d-{esc(doc.doc)}"><h3>{esc(doc.doc)} '
            f'<span class="count">({esc(doc.lang or "?")}{", error" if not doc.ok else ""})</span></h3>'
            f'<div class="body"><dl>{"".join(rows)}</dl>{removed}{listing}{table}</div></section>')


def render_report(result: Any, *, summary: dict[str, Any], flags: list[dict[str, Any]]) -> str:
    """The whole page as a string (see `write_report`)."""
    index = _Flags(flags)
    docs = {d.doc: d for d in result.documents}
    by_pair: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for rec in result.records:
        by_pair[(rec.get("src_doc"), rec.get("tgt_doc"))].append(rec)
    order = [(ap.pair.src_doc, ap.pair.tgt_doc) for ap in result.aligned]
    order += [k for k in by_pair if k not in order]
    pairs = {(p.src_doc, p.tgt_doc): p for p in result.pairs}

    sections, toc = [], []
    for n, key in enumerate(order, 1):
        recs = by_pair.get(key, [])
        p = pairs.get(key)
        src, tgt = docs.get(key[0]), docs.get(key[1])
        src_lang = p.src_lang if p else (src.lang if src else "?")
        tgt_lang = p.tgt_lang if p else (tgt.lang if tgt else "?")
        kept = sum(bool(r.get("keep")) for r in recs)
        role = next((r.get("role") for r in recs if r.get("role")), None) or (src.role if src else None)
        title = f"{key[0]} ({src_lang}) ↔ {key[1]} ({tgt_lang})"
        toc.append(f'<li><a href="#p-{n}">{esc(title)}</a> <span class="count">— {kept}/{len(recs)} beads kept'
                   f'{", " + esc(role) if role else ""}</span></li>')
        pmeta = [f"relation: {esc(p.relation)} (score {_fmt(p.score, 2)})" if p else "",
                 f"role: {esc(role)}" if role else "", f"{kept} of {len(recs)} beads kept"]
        beads = "".join(_bead(r, docs, index) for r in recs) or '<p class="pairmeta">No beads.</p>'
        sections.append(f'<section class="pair" id="p-{n}"><h2>{esc(title)}</h2>'
                        f'<div class="pairmeta">{" · ".join(x for x in pmeta if x)}</div>{beads}</section>')
    in_beads = {r.get("src_doc") for r in result.records} | {r.get("tgt_doc") for r in result.records}
    doc_sections = "".join(_doc_section(d, index, d.doc in in_beads) for d in result.documents)

    sig = summary.get("signature", {})
    enc = sig.get("encoder") or {}
    enc_text = f'{enc.get("name")} @ {enc.get("revision")}' if isinstance(enc, dict) and enc else "none"
    problems = summary.get("counts", {}).get("documents", {}).get("problems") or []
    problem_html = ""
    if problems:
        problem_html = ('<div class="problems"><b>Documents in error</b><ul>' + "".join(
            f'<li><a href="#d-{esc(x["doc"])}">{esc(x["doc"])}</a>: {esc(x["problem"])}</li>' for x in problems)
            + "</ul></div>")
    timings = summary.get("timings") or {}
    total_time = sum(v for v in timings.values() if isinstance(v, (int, float)))
    head = (f'<header class="top"><h1>aligner review report</h1><div class="sig">run <code>{esc(sig.get("id"))}</code>'
            f' · {esc(sig.get("tool", "aligner"))} {esc(sig.get("version"))} · schema {esc(sig.get("schema"))}'
            f' · encoder <code>{esc(enc_text)}</code> · config {esc(sig.get("config") or "defaults")}'
            f'{f" · {total_time:.1f} s" if timings else ""}</div>'
            f'<details><summary>Signature and thresholds</summary><pre>{esc(json.dumps(sig, indent=2, ensure_ascii=False, default=str))}'
            f'</pre></details></header>')
    toc_html = f'<nav class="toc"><b>Parallel pairs</b><ol>{"".join(toc)}</ol></nav>' if toc else \
        '<nav class="toc">No parallel pairs were found.</nav>'
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{esc(_CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>aligner report — run {esc(sig.get('id'))}</title>"
        f"<style>{_asset('report.css')}{_filter_css(flags)}</style></head><body>"
        f"{head}<main>{_cards(summary)}{problem_html}{_toolbar(flags)}{toc_html}{''.join(sections)}"
        f'<h2>Documents</h2>{doc_sections}</main>'
        f'<footer>Generated by aligner {esc(sig.get("version"))} — run {esc(sig.get("id"))}. '
        'Self-contained page: no network access.</footer>'
        f'<script type="application/json" id="flag-meta">{_script_json(index.meta())}</script>'
        f"<script>{_asset('report.js')}</script></body></html>\n")


def write_report(fh: IO[str], result: Any, *, summary: dict[str, Any], flags: list[dict[str, Any]]) -> None:
    fh.write(render_report(result, summary=summary, flags=flags))
