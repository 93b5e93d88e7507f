"""Stage 7: apply safe fixes and decide which beads are kept.

Fixes come from flags (`Flag.fix`, a replacement for `raw[start:end]`). A fix is applied to the
cleaned sentence text (`Sentence.text`) when its check has `autofix` on and the flag lies inside
one sentence; each applied fix is recorded in `Sentence.fixes` with the original text, so nothing
is lost. A junction flag across two sentences that the segmenter already split (glued sentences)
counts as fixed when its fix only adds whitespace. `drop_reason` decides, by `config.clean`, which
beads are kept; the output stage builds the aligned.jsonl record (aligner.output.records).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from aligner.checks.base import bead_id
from aligner.model import severity_rank


def _raw_to_text(raw: str, text: str) -> list[int] | None:
    """Offsets in `text` for each offset in `raw` (len(raw)+1 entries), when `text` is `raw` with its
    whitespace collapsed or trimmed; None when the two differ otherwise."""
    out = [0] * (len(raw) + 1)
    i = j = 0
    while i < len(raw):
        if j < len(text) and raw[i] == text[j]:
            out[i] = j
            i += 1
            j += 1
        elif raw[i].isspace():
            out[i] = j
            i += 1
        elif j < len(text) and text[j].isspace():
            j += 1
        else:
            return None
    out[len(raw)] = len(text)
    return out


def _squash(s: str) -> str:
    return re.sub(r"\s+", " ", s)


def _autofix_codes(config) -> dict[str, bool]:
    from aligner.checks import build_checks

    return {c.code: bool(c.settings.get("autofix", False)) for c in build_checks(config)}


def apply_fixes(documents, flags, *, config=None) -> int:
    """Apply the fixable flags to the sentences' texts; returns how many were applied."""
    autofix = _autofix_codes(config)
    by_doc = {d.doc: d for d in documents}
    index = {}
    per_sentence: dict[tuple[str, int], list] = {}
    applied = 0
    for f in flags:
        if f.fix is None or f.fixed or not autofix.get(f.code, False):
            continue
        doc = by_doc.get(f.doc)
        if doc is None:
            continue
        if doc.doc not in index:
            index[doc.doc] = _SentenceIndex(doc)
        inside = index[doc.doc].overlapping(f.start, f.end)
        if len(inside) == 1 and inside[0].raw_start <= f.start and f.end <= inside[0].raw_end:
            per_sentence.setdefault((f.doc, inside[0].i), []).append(f)
        elif len(inside) > 1 and _squash(f.fix).replace(" ", "") == f.text.replace(" ", "").replace("\n", "") \
                and all(not doc.raw[a.raw_end:b.raw_start].strip() for a, b in zip(inside, inside[1:])):
            # the segmenter split the junction already: the cleaned sentences are separate
            inside[0].fixes.append({"code": f.code, "start": f.start, "end": f.end, "original": f.text,
                                    "fix": f.fix, "applied": "split into sentences"})
            f.fixed = True
            applied += 1
    for (doc_id, i), fl in per_sentence.items():
        doc = by_doc[doc_id]
        s = doc.sentences[i]
        raw = doc.raw[s.raw_start:s.raw_end]
        mapping = _raw_to_text(raw, s.text)
        chosen, last_end = [], -1
        for f in sorted(fl, key=lambda f: (f.start, -(f.end - f.start))):
            if f.start >= last_end:
                chosen.append(f)
                last_end = f.end
        text = s.text
        for f in sorted(chosen, key=lambda f: f.start, reverse=True):
            if mapping is not None:
                a, b = mapping[f.start - s.raw_start], mapping[f.end - s.raw_start]
            else:  # the segmenter normalised more than whitespace: find the evidence itself
                needle = _squash(f.text).strip()
                if text.count(needle) != 1:
                    continue
                a = text.index(needle)
                b = a + len(needle)
            replacement = _squash(f.fix)
            text = text[:a] + replacement + text[b:]
            s.fixes.append({"code": f.code, "start": f.start, "end": f.end, "original": f.text, "fix": f.fix})
            f.fixed = True
            applied += 1
        s.text = re.sub(r" {2,}", " ", text).strip()
    return applied


class _SentenceIndex:
    """Which sentences of a document a raw span overlaps, by binary search (sentences are in order and do not
    overlap; a document whose sentences are not falls back to a scan)."""

    def __init__(self, doc):
        self.sentences = doc.sentences
        self.starts = [s.raw_start for s in doc.sentences]
        self.ends = [s.raw_end for s in doc.sentences]
        self.ordered = all(a.raw_end <= b.raw_start for a, b in zip(doc.sentences, doc.sentences[1:]))

    def overlapping(self, start: int, end: int) -> list:
        if not self.ordered:
            return [s for s in self.sentences if s.raw_start < end and start < s.raw_end]
        lo, hi = bisect_right(self.ends, start), bisect_left(self.starts, end)
        return [s for s in self.sentences[lo:hi] if s.raw_start < end and start < s.raw_end]


class _FlagIndex:
    """The flags of each sentence and of each bead id, so that a bead finds its flags without scanning all the
    document's flags (which made cleaning quadratic in the document's size). Keeps the flags' order."""

    def __init__(self, documents, flags):
        self.order = {id(f): k for k, f in enumerate(flags)}
        self.by_sentence: dict[tuple[str, int], list] = {}
        self.by_bead: dict[tuple[str, str], list] = {}
        index = {d.doc: _SentenceIndex(d) for d in documents}
        for f in flags:
            if f.bead is not None:
                self.by_bead.setdefault((f.doc, f.bead), []).append(f)
            elif f.doc in index:
                for s in index[f.doc].overlapping(f.start, f.end):
                    self.by_sentence.setdefault((f.doc, s.i), []).append(f)

    def of_bead(self, doc, idx, bid) -> list:
        found = {id(f): f for f in self.by_bead.get((doc.doc, bid), ())}
        for i in idx:
            for f in self.by_sentence.get((doc.doc, doc.sentences[i].i), ()):
                found[id(f)] = f
        return sorted(found.values(), key=lambda f: self.order[id(f)])


def _flags_of_bead(flags_by_doc, doc, idx, bid):
    if isinstance(flags_by_doc, _FlagIndex):
        return flags_by_doc.of_bead(doc, idx, bid)
    spans = [(doc.sentences[i].raw_start, doc.sentences[i].raw_end) for i in idx]
    out = []
    for f in flags_by_doc.get(doc.doc, ()):
        if f.bead is not None:
            if f.bead == bid:
                out.append(f)
        elif any(f.start < e and s < f.end for s, e in spans):
            out.append(f)
    return out


def bead_flags(ap, b, flags_by_doc, bid: str | None = None) -> list:
    """The flags concerning a bead: its own (bead id: `bid` when the caller has it) and those whose span meets
    its sentences, each once."""
    src, tgt = ap.src, ap.tgt
    bid = bead_id(src, tgt, b) if bid is None else bid
    concerned = _flags_of_bead(flags_by_doc, src, b.src, bid) + [
        f for f in _flags_of_bead(flags_by_doc, tgt, b.tgt, bid) if f.bead is None or f.doc == tgt.doc]
    seen, out = set(), []
    for f in concerned:
        if id(f) not in seen:
            seen.add(id(f))
            out.append(f)
    return out


def drop_reason(b, concerned, s_text: str, t_text: str, clean) -> str | None:
    """Why a bead is left out of the dataset (None: kept), by the `[clean]` settings."""
    drop = None
    if not b.src or not b.tgt:
        drop = "one-sided" if clean.drop_one_sided else None
    if drop is None and b.src and b.tgt and b.score < clean.min_score:
        drop = "low-score"
    if drop is None:
        blocking = [f for f in concerned
                    if not f.fixed and severity_rank(f.severity) >= severity_rank(clean.drop_severity)]
        if blocking:
            drop = f"flag:{blocking[0].code}"
    if drop is None and b.src and b.tgt and (not s_text.strip() or not t_text.strip()):
        drop = "empty"
    return drop


def apply_cleaning(documents, aligned, flags, *, config):
    """Fixes, then the aligned.jsonl records of every bead, for a caller holding a whole (small) corpus.

    The pipeline runs the two steps unit by unit: `apply_fixes` per shard of documents, and
    `aligner.output.records.aligned_record` per batch of pairs.
    """
    from aligner.config import Config
    from aligner.output.records import aligned_record

    config = config or Config()
    apply_fixes(documents, flags, config=config)
    flags_by_doc = _FlagIndex([d for ap in aligned for d in (ap.src, ap.tgt)], flags)
    records = []
    for ap in aligned:
        for b in ap.beads:
            records.append(aligned_record(ap, b, flags_by_doc, config.clean))
    return records
