"""Stage 2: language id, boilerplate removal and sentence segmentation with raw offsets.

For every ok document, in place: `lang`, `lang_confidence`, `title`, `sentences` (spans into
`raw`, kind "sentence" or "heading", each with its language) and `removed` (every other
non-blank character, with a reason). The invariant the tests hold it to: every non-whitespace
character of `raw` is inside exactly one sentence span or removed span.

Steps (see docs/segmentation.md):
1. text view: the raw text itself, or for HTML the visible text with a map to source offsets;
2. lines and blocks (blank-line separated); line-level chrome signals (UI phrases, placeholders,
   doubled lines, copyright);
3. document language, on the lines that are not chrome, weighted by length; a document whose
   language is not configured keeps a best guess and a warning;
4. corpus-wide: lines repeated verbatim in documents of different languages are chrome;
   all-caps lines outside the article's prose too;
5. lines -> units (headings, prose runs, list items) -> sentences (`split_sentences`);
6. sentence languages (function words first, lingua where they do not confirm).

Removal reasons: "interface", "placeholder", "doubled", "repeated", "chrome", "copyright",
and for HTML markup "markup", "script", "style", "navigation", "form", "metadata".
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from aligner.config import Config
from aligner.model import Document, Removed, Sentence

log = logging.getLogger("aligner.segment")

DOUBTFUL_LANG_CONFIDENCE = 0.9  # below this a document's language is checked against unconfigured ones
MAX_CHROME_LINE = 300  # longer lines are prose: line-level chrome tests are skipped
MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 120
MAX_REPEATED_WORDS = 15
SAMPLE_LINES = 3  # document language: slices of the longest content lines...
SAMPLE_CHUNK = 200  # ...of this many characters each
_NEWLINE = re.compile("\r\n?|\n|\u2028|\u2029")  # CRLF, old-Mac CR, LF, Unicode line/paragraph separators
_BULLET = re.compile(r"^(?:[-•*·▪◦–—]\s+|\d{1,3}[.)]\s+|[a-z][.)]\s+)")


@dataclass
class _Line:
    start: int  # view offsets, trimmed
    end: int
    block: int
    text: str
    words: int
    reason: str | None = None  # chrome reason when removed


@dataclass
class _DocWork:
    doc: Document
    view: str
    html: object | None = None  # aligner.load.html.HtmlText: view -> raw map; None: identity
    regions: list[tuple[int, int, str]] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)
    html_lang: str | None = None
    keep_all: bool = False  # a side of a bilingual file: every unit is content, none is chrome

    def raw_span(self, s: int, e: int) -> tuple[int, int]:
        if self.html is None:
            return s, e
        return self.html.raw_span(s, e)


def _view(doc: Document) -> _DocWork:
    if doc.format == "html":
        from aligner.load.html import extract_text

        h = extract_text(doc.raw)
        return _DocWork(doc, h.text, h, h.regions, html_lang=h.lang)
    if doc.pieces:  # DOCX, PDF, Markdown, XLIFF...: the reader's content pieces (aligner.load.extract)
        from aligner.load.extract import View

        v = View(doc.raw, doc.pieces)
        return _DocWork(doc, v.text, v, list(doc.pre_removed),
                        keep_all=bool((doc.extraction or {}).get("bilingual")))
    return _DocWork(doc, doc.raw)


def _lines(work: _DocWork) -> None:
    from aligner.segment.boilerplate import is_copyright, is_doubled, placeholder, ui_phrase_cover

    text = work.view
    block = 0
    prev_blank = False
    bounds = [0]
    for m in _NEWLINE.finditer(text):
        bounds += [m.start(), m.end()]
    bounds.append(len(text))
    for k in range(0, len(bounds), 2):
        s, e = bounds[k], bounds[k + 1]
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            if prev_blank and work.lines:
                block += 1
            prev_blank = False
            line_text = text[s:e] if e - s <= MAX_CHROME_LINE else ""
            line = _Line(s, e, block, line_text, len(line_text.split()) if line_text else 999)
            if line_text:
                if ui_phrase_cover(line_text):
                    line.reason = "interface"
                elif line.words <= MAX_HEADING_WORDS and placeholder(line_text):
                    line.reason = "placeholder"
                elif is_doubled(line_text):
                    line.reason = "doubled"
                elif is_copyright(line_text) and line.words <= MAX_HEADING_WORDS:
                    line.reason = "copyright"
            work.lines.append(line)
        else:
            prev_blank = True
    _list_items_are_content(work.lines)


def _list_items_are_content(lines: list[_Line]) -> None:
    """A one-word UI string between two short content lines is a list item ("Phone / Email / Chat")."""
    for i in range(1, len(lines) - 1):
        ln = lines[i]
        if ln.reason == "interface" and ln.words == 1:
            prev, nxt = lines[i - 1], lines[i + 1]
            if prev.reason is None and nxt.reason is None and _heading_like(prev) and _heading_like(nxt):
                ln.reason = None


def _sample(work: _DocWork) -> list[tuple[str, int]]:
    """(chunk, weight) pairs for the document language: slices of the longest content lines.

    Chrome lines are left out; each chunk stands for the whole line it comes from (weight =
    line length), so a long paragraph outweighs short headings and untranslated UI words. A few
    hundred characters per document keep lingua's cost per document small and constant.
    """
    content = [ln for ln in work.lines if ln.reason is None]
    content.sort(key=lambda ln: ln.end - ln.start, reverse=True)
    chunks = []
    for ln in content[:SAMPLE_LINES]:
        length = ln.end - ln.start
        a = ln.start if length <= 2 * SAMPLE_CHUNK else ln.start + (length - SAMPLE_CHUNK) // 2
        chunks.append((work.view[a:a + SAMPLE_CHUNK], length))
    return chunks


def _content_words_sample(work: _DocWork, limit: int = 3000) -> str:
    parts, total = [], 0
    for ln in work.lines:
        if ln.reason is None:
            parts.append(work.view[ln.start:min(ln.end, ln.start + limit - total)])
            total += len(parts[-1])
            if total >= limit:
                break
    return " ".join(parts)


def _document_languages(works: list[_DocWork], languages: list[str], min_conf: float) -> None:
    """Language of every document, one batched lingua call for all of them."""
    from aligner import langid

    samples = [_sample(w) for w in works]
    flat = [chunk for sample in samples for chunk, _ in sample]
    answers = iter(langid.detect_languages(flat, languages))
    for w, sample in zip(works, samples):
        scores: dict[str, float] = {}
        weight = 0.0
        for (chunk, n), (code, conf) in zip(sample, answers):
            weight += n
            if code:
                scores[code] = scores.get(code, 0.0) + n * conf
        detected, conf = (None, 0.0)
        if scores:
            detected = max(scores, key=scores.get)
            conf = round(scores[detected] / weight, 4)
        _settle_language(w, detected, conf, languages, min_conf)


def _settle_language(work: _DocWork, detected: str | None, conf: float, languages: list[str], min_conf: float) -> None:
    """Check the detected language (function words, wider detector), record warnings, apply manifest."""
    from aligner import langid

    doc = work.doc
    doc.warnings = [x for x in doc.warnings if not x.startswith("language:")]
    words = _content_words_sample(work)
    words_ok = True
    if detected and langid.has_function_words(detected):
        hits, n_words = langid.function_word_vote(words, languages)
        words_ok = n_words < 20 or hits.get(detected, 0) >= 0.04 * n_words
    weak = detected is None or not words_ok or conf < min_conf
    if words.strip() and (weak or conf < DOUBTFUL_LANG_CONFIDENCE):
        # The configured languages fit badly, or only moderately: a language outside them may fit
        # far better (Welsh reads as English at ~0.6 when English is the nearest configured one).
        other, other_conf = langid.guess_outside(words, languages)
        if other and other not in languages and other_conf >= (0.5 if weak else DOUBTFUL_LANG_CONFIDENCE):
            doc.warnings.append(
                f"language: the text looks like '{other}' (confidence {other_conf:.2f}), which is not among "
                f"the configured languages ({', '.join(languages)}); add it to segment.languages to process it as such"
            )
            detected, conf = other, other_conf
    hint = work.html_lang
    if hint and hint in languages and (detected is None or conf < min_conf):
        doc.warnings.append(f"language: taken from <html lang=\"{hint}\"> (the text alone gave {detected} {conf:.2f})")
        detected, conf = hint, max(conf, min_conf)
    if detected is None:
        doc.warnings.append("language: could not identify the language of the text")
    elif conf < min_conf and detected in languages:
        doc.warnings.append(f"language: uncertain ({detected}, confidence {conf:.2f} < segment.min_lang_confidence {min_conf:g})")
    manifest_lang = doc.manifest.get("lang")
    if manifest_lang:
        if detected and detected != manifest_lang and conf >= 0.9:
            doc.warnings.append(f"language: the manifest says '{manifest_lang}' but the text looks like '{detected}' ({conf:.2f})")
        doc.lang, doc.lang_confidence = manifest_lang, 1.0
    else:
        doc.lang, doc.lang_confidence = detected, conf


def _prose(ln: _Line) -> bool:
    from aligner.segment.boilerplate import ends_with_final_punctuation

    return ln.end - ln.start >= 150 or (ln.words >= 8 and ends_with_final_punctuation(ln.text))


def _outside_chrome(work: _DocWork) -> None:
    """All-caps short lines before the first or after the last prose line are chrome."""
    from aligner.segment.boilerplate import is_all_caps

    prose = [i for i, ln in enumerate(work.lines) if ln.reason is None and _prose(ln)]
    if not prose:
        return
    first, last = prose[0], prose[-1]
    for i, ln in enumerate(work.lines):
        if ln.reason is None and (i < first or i > last) and ln.text and is_all_caps(ln.text):
            ln.reason = "chrome"


def _heading_like(ln: _Line) -> bool:
    from aligner.segment.boilerplate import ends_with_final_punctuation

    return (bool(ln.text) and ln.words <= MAX_HEADING_WORDS and len(ln.text) <= MAX_HEADING_CHARS
            and not ends_with_final_punctuation(ln.text) and any(ch.isalpha() for ch in ln.text))


def _starts_upper(text: str) -> bool:
    for ch in text:
        if ch.isalnum():
            return not ch.islower()
    return True


def _units(work: _DocWork):
    """(kind, start, end, block) for headings and prose runs, ("removed", ...) for chrome lines."""
    from aligner.segment.boilerplate import ends_with_final_punctuation

    lines = work.lines
    i, n = 0, len(lines)
    while i < n:
        j = i
        while j < n and lines[j].block == lines[i].block:
            j += 1
        block = lines[i:j]
        longest = max(ln.end - ln.start for ln in block)
        next_content: list[_Line | None] = [None] * len(block)  # the next line of the block that is not chrome
        for k in range(len(block) - 2, -1, -1):
            after = block[k + 1]
            next_content[k] = after if not after.reason else next_content[k + 1]
        cur: list[_Line] = []
        prev_closed = True

        def flush():
            if cur:
                yield ("prose", cur[0].start, cur[-1].end, cur[0].block)
                cur.clear()

        for k, ln in enumerate(block):
            if ln.reason:
                yield from flush()
                yield ("removed", ln.start, ln.end, ln.reason)
                prev_closed = True
                continue
            nxt = next_content[k]
            text = ln.text or work.view[ln.start:ln.start + 200]
            if _BULLET.match(text) and len(block) > 1:
                yield from flush()
                cur.append(ln)
            elif _heading_like(ln) and prev_closed and (nxt is None or _starts_upper(nxt.text or work.view[nxt.start:nxt.start + 50])) \
                    and (len(block) == 1 or (ln.end - ln.start) < 0.75 * longest):
                yield from flush()
                yield ("heading", ln.start, ln.end, ln.block)
                prev_closed = True
                continue
            else:
                cur.append(ln)
            prev_closed = ends_with_final_punctuation(text if ln.text else work.view[max(ln.start, ln.end - 20):ln.end])
        yield from flush()
        i = j


def _segment_document(work: _DocWork, config: Config) -> None:
    from aligner.segment.boilerplate import ui_phrase_cover
    from aligner.segment.sentences import split_sentences

    doc, view = work.doc, work.view
    sentences: list[Sentence] = []
    removed: list[tuple[int, int, str]] = []  # view spans
    para_of_block: dict[int, int] = {}

    def add_sentence(s: int, e: int, block: int, kind: str) -> None:
        para = para_of_block.setdefault(block, len(para_of_block))
        rs, re_ = work.raw_span(s, e)
        sentences.append(Sentence(i=len(sentences), raw_start=rs, raw_end=re_, paragraph=para,
                                  text=" ".join(view[s:e].split()), raw_text=doc.raw[rs:re_], kind=kind))

    for kind, s, e, extra in _units(work):
        if kind == "removed":
            removed.append((s, e, extra))
        elif kind == "heading":
            add_sentence(s, e, extra, "heading")
        else:
            spans = split_sentences(view, doc.lang, s, e, max_chars=config.segment.max_sentence_chars)
            for k, (a, b) in enumerate(spans):
                if (k == 0 or k == len(spans) - 1) and b - a <= 200 and len(spans) > 1 and not work.keep_all \
                        and ui_phrase_cover(view[a:b]):
                    removed.append((a, b, "interface"))
                else:
                    add_sentence(a, b, extra, "sentence")

    doc.sentences = sentences
    out = []
    for s, e, reason in removed:
        rs, re_ = work.raw_span(s, e)
        out.append(Removed(rs, re_, doc.raw[rs:re_], reason))
    if work.html is not None:  # HTML (or a reader's view): markup outside sentences and removed lines
        taken = sorted([(x.raw_start, x.raw_end) for x in sentences] + [(r.start, r.end) for r in out])
        out.extend(_uncovered_regions(doc.raw, work.regions, taken))
    out.sort(key=lambda r: r.start)
    doc.removed = out
    if not doc.manifest.get("title"):  # HTML: the page's own title (og:title, <h1>, <title>), never a body line
        html_title = getattr(work.html, "title", None) if work.html is not None else None
        doc.title = html_title or (sentences[0].text if sentences else doc.title)


def _uncovered_regions(raw: str, regions, taken) -> list[Removed]:
    """HTML regions not inside a sentence or removed span (regions never straddle one)."""
    from bisect import bisect_right

    starts = [s for s, _ in taken]
    out = []
    for s, e, reason in regions:
        k = bisect_right(starts, s) - 1
        if k >= 0 and taken[k][1] >= e:
            continue
        if raw[s:e].strip():
            out.append(Removed(s, e, raw[s:e], reason))
    return out


def _sentence_languages(works: list[_DocWork], config: Config) -> None:
    from aligner import langid

    mode = config.segment.sentence_lang
    languages = list(config.segment.languages)
    todo: dict[tuple[str, ...], list] = {}  # one batched lingua call per language set
    for w in works:
        doc = w.doc
        langs = tuple(languages if doc.lang in languages or doc.lang is None else [*languages, doc.lang])
        for s in doc.sentences:
            if mode == "off" or (mode == "auto" and doc.lang and langid.confirms(s.text, doc.lang, langs)):
                s.lang, s.lang_confidence = doc.lang, doc.lang_confidence
            else:
                todo.setdefault(langs, []).append(s)
    for langs, sentences in todo.items():
        for s, (code, conf) in zip(sentences, langid.detect_languages([s.text for s in sentences], list(langs))):
            s.lang, s.lang_confidence = code, conf


def segment_corpus(documents: list[Document], *, config: Config) -> None:
    """Fill lang, title, sentences and removed of every ok document, in place.

    Needs the whole corpus: lines repeated across documents in different languages are chrome.
    The three steps below are what a sharded run calls shard by shard (aligner.pipeline).
    """
    table, views = scan_shard(documents, config=config)
    finish_segmentation(documents, repeated_lines([table]), config=config, views=views)


@dataclass
class LineTable:
    """What the first pass learns about short lines, for the corpus-wide repeated-line rule.

    `lines`: line key -> [languages of the documents holding it, how many documents hold it];
    `documents`: how many documents were scanned. Tables of shards add up (`merge`).
    """

    lines: dict[str, list] = field(default_factory=dict)
    documents: int = 0

    def merge(self, other: "LineTable") -> None:
        for key, (langs, n) in other.lines.items():
            entry = self.lines.get(key)
            if entry is None:
                self.lines[key] = [set(langs), n]
            else:
                entry[0] |= langs
                entry[1] += n
        self.documents += other.documents


def _works(documents: list[Document], *, reset: bool, views: "ScannedViews | None" = None) -> list[_DocWork]:
    if views is not None and len(views.states) != len(documents):
        views = None  # not these documents' views: compute them again
    works = []
    for k, doc in enumerate(documents):
        if not doc.ok:
            continue
        if reset:
            doc.sentences, doc.removed = [], []
            doc.warnings = [x for x in doc.warnings if not x.startswith(("language:", "segment:"))]
        state = views.states[k] if views is not None else None
        if state is not None:
            works.append(_restore(doc, state))
            continue
        try:
            work = _view(doc)
            _lines(work)
        except Exception as exc:  # a bug must cost one document, not the run
            _fail(doc, exc)
            continue
        works.append(work)
    return works


@dataclass
class ScannedViews:
    """Each document's text view and classified lines as the scan pass left them, for the second pass.

    Building the view (HTML parsing for a web page) and classifying every line cost more than reading
    them back, so the scan pass hands them over instead of the second pass computing them again.
    `states[k]` belongs to document k of the shard (None: nothing scanned); lines are kept as tuples
    (start, end, block, words, reason) and the view only when it is not the document's raw text.
    """

    states: list[tuple | None] = field(default_factory=list)

    @classmethod
    def of(cls, documents: list[Document], works: list[_DocWork]) -> "ScannedViews":
        by_doc = {id(w.doc): w for w in works}
        states: list[tuple | None] = []
        for doc in documents:
            w = by_doc.get(id(doc))
            if w is None or not doc.ok:
                states.append(None)
                continue
            rows = [(ln.start, ln.end, ln.block, ln.words, ln.reason) for ln in w.lines]
            view = None if w.view is doc.raw else w.view
            states.append((view, w.html, w.regions, w.html_lang, w.keep_all, rows))
        return cls(states)


def _restore(doc: Document, state: tuple) -> _DocWork:
    view, html, regions, html_lang, keep_all, rows = state
    text = doc.raw if view is None else view
    lines = [_Line(s, e, block, text[s:e] if e - s <= MAX_CHROME_LINE else "", words, reason)
             for s, e, block, words, reason in rows]
    return _DocWork(doc, text, html, list(regions), lines, html_lang, keep_all)


def scan_documents(documents: list[Document], *, config: Config) -> LineTable:
    """First pass, per document: text view, lines, document language; returns the short lines seen."""
    return scan_shard(documents, config=config)[0]


def scan_shard(documents: list[Document], *, config: Config) -> tuple[LineTable, ScannedViews]:
    """`scan_documents`, plus the documents' views and lines for `finish_segmentation(views=...)`."""
    from aligner.segment.boilerplate import line_key

    languages, min_conf = list(config.segment.languages), config.segment.min_lang_confidence
    works = _isolated(_works(documents, reset=True), lambda ws: _document_languages(ws, languages, min_conf))
    views = ScannedViews.of(documents, works)
    table = LineTable(documents=len(works))
    for w in works:
        keys = {line_key(ln.text) for ln in w.lines
                if ln.reason is None and ln.text and ln.words <= MAX_REPEATED_WORDS}
        for key in keys:
            entry = table.lines.setdefault(key, [set(), 0])
            if w.doc.lang:
                entry[0].add(w.doc.lang)
            entry[1] += 1
    return table, views


def repeated_lines(tables) -> set[str]:
    """Line keys that are chrome corpus-wide: in documents of two languages, or in 80 % of >= 5 documents."""
    total = LineTable()
    for t in tables:
        total.merge(t)
    n_docs = total.documents
    return {key for key, (langs, n) in total.lines.items()
            if n >= 2 and (len(langs) >= 2 or (n >= 5 and n >= 0.8 * n_docs))}


def finish_segmentation(documents: list[Document], repeated: set[str], *, config: Config,
                        on_sentences=None, views: ScannedViews | None = None) -> None:
    """Second pass, per document (after `scan_documents` and `repeated_lines`): chrome, sentences, their languages.

    `views`: what `scan_shard` returned for these documents (else the views and lines are computed again).
    `on_sentences(documents)`, when given, is called once the sentences are cut, before their languages are
    identified (the pipeline starts encoding them there)."""
    from aligner.segment.boilerplate import line_key

    languages, min_conf = list(config.segment.languages), config.segment.min_lang_confidence
    works = _works(documents, reset=False, views=views)
    again = []
    for w in works:
        hit = False
        # A repeated line between the article's own prose lines is content (a heading, a command, a name, a
        # passage left untranslated in a translation), not chrome: only lines before or after it are removed,
        # so every language of a pair keeps the same structure lines.
        rep = [line_key(ln.text) in repeated if ln.reason is None and ln.text else False for ln in w.lines]
        prose = [i for i, ln in enumerate(w.lines) if ln.reason is None and not rep[i] and _prose(ln)]
        for i, ln in enumerate(w.lines):
            if rep[i] and not (prose and prose[0] < i < prose[-1]):
                ln.reason = "repeated"
                hit = True
        if hit:
            again.append(w)
    if again:  # the language is decided on content: redo it without the lines now known as chrome
        _isolated(again, lambda ws: _document_languages(ws, languages, min_conf))
        works = [w for w in works if w.doc.ok]
    for w in works:
        try:
            _outside_chrome(w)
            if w.keep_all:
                for ln in w.lines:
                    ln.reason = None
            _segment_document(w, config)
        except Exception as exc:  # a bug must cost one document, not the run
            _fail(w.doc, exc)
            continue
        if not w.doc.sentences:
            w.doc.warnings.append("segment: no sentences: the document holds nothing but chrome or markup")
    if on_sentences is not None:
        on_sentences([w.doc for w in works if w.doc.ok])
    _isolated([w for w in works if w.doc.ok], lambda ws: _sentence_languages(ws, config))
    for w in works:  # what a user must hear about, once per document, on stderr
        for note in w.doc.warnings:
            if note.startswith(_LOUD_WARNINGS):
                log.warning("%s: %s", w.doc.path, note)


# Warnings that change what happens to a document (it will not pair as expected, or has no content).
_LOUD_WARNINGS = ("language: the text looks like", "language: could not identify", "segment: no sentences")


def _isolated(works: list[_DocWork], step) -> list[_DocWork]:
    """Run a corpus-wide `step` (batched for speed) on `works`; if it raises, run it document by document so
    that only the documents it fails on are marked as errors. Returns the works still ok. A missing package
    (ImportError) is the environment's fault, not a document's: it stops the run."""
    try:
        step(works)
        return works
    except (KeyboardInterrupt, MemoryError, ImportError):
        raise
    except Exception as exc:
        if len(works) == 1:
            _fail(works[0].doc, exc)
            return []
    out = []
    for w in works:
        try:
            step([w])
            out.append(w)
        except (KeyboardInterrupt, MemoryError, ImportError):
            raise
        except Exception as exc:  # a bug must cost one document, not the run
            _fail(w.doc, exc)
    return out


def _fail(doc: Document, exc: Exception) -> None:
    log.error("%s: segmentation failed (%s: %s); the document is marked as an error", doc.path, type(exc).__name__, exc)
    log.debug("%s: segmentation traceback", doc.path, exc_info=exc)  # -vv shows it, for a bug report
    doc.status = "error"
    doc.problem = f"internal error while segmenting ({type(exc).__name__}: {exc}); please report it"
    doc.sentences, doc.removed = [], []


def coverage_problems(doc: Document) -> list[str]:
    """What breaks the invariant "every non-blank char of raw is in exactly one sentence or removed span".

    Empty list when the document is consistent; used by the tests and usable as a self-check.
    """
    raw = doc.raw
    spans = sorted([(s.raw_start, s.raw_end, f"sentence {s.i}") for s in doc.sentences]
                   + [(r.start, r.end, f"removed[{r.reason}]") for r in doc.removed])
    problems: list[str] = []
    pos, prev = 0, "start"
    for s, e, what in spans:
        if not 0 <= s < e <= len(raw):
            problems.append(f"{what}: bad span [{s}, {e})")
            continue
        if s < pos:
            problems.append(f"{what} [{s}, {e}) overlaps {prev}")
        elif raw[pos:s].strip():
            problems.append(f"not covered [{pos}, {s}): {raw[pos:s][:60]!r}")
        pos, prev = max(pos, e), what
    if raw[pos:].strip():
        problems.append(f"not covered [{pos}, {len(raw)}): {raw[pos:][:60]!r}")
    for s in doc.sentences:
        if s.raw_text != raw[s.raw_start:s.raw_end]:
            problems.append(f"sentence {s.i}: raw_text is not raw[raw_start:raw_end]")
        if s.raw_text[:1].isspace() or s.raw_text[-1:].isspace() or not s.text:
            problems.append(f"sentence {s.i}: not trimmed or empty")
    for r in doc.removed:
        if r.text != raw[r.start:r.end]:
            problems.append(f"removed [{r.start}, {r.end}): text is not raw[start:end]")
    if [s.i for s in doc.sentences] != list(range(len(doc.sentences))):
        problems.append("sentence indices are not 0..n-1 in order")
    return problems
