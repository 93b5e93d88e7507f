"""The records of the output files: schema stamp, run id, flag positions, summary counts.

Every JSONL record carries `"schema": SCHEMA` and `"run": <run id>`; the run id is
a short stable hash of the run's signature (tool, version, encoder and revision,
thresholds, config), so records of different runs can be told apart after files are
concatenated, and summary.json maps the id back to the full signature.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections import Counter
from typing import Any, Iterable

SCHEMA = 1

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def signature_id(signature: dict[str, Any]) -> str:
    """12 hex digits of SHA-256 over the canonical JSON of the signature (key order ignored)."""
    canon = json.dumps(signature, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()[:12]


def stamp(record: dict[str, Any], run_id: str) -> dict[str, Any]:
    """`record` with `schema` and `run` first (a record's own values of those keys are replaced)."""
    out: dict[str, Any] = {"schema": SCHEMA, "run": run_id}
    out.update(record)  # a key already there keeps its place (first), its value is set again below
    out["schema"], out["run"] = SCHEMA, run_id
    return out


class LineIndex:
    """Raw code-point offsets -> 1-based (line, column); CR, LF and CRLF end a line."""

    def __init__(self, text: str):
        self.length = len(text)
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(int(offset), self.length))
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1


def flag_record(flag: Any, index: LineIndex | None) -> dict[str, Any]:
    """One flags.jsonl record: Flag.to_dict() plus `line`, `column`, `end_line`, `end_column`.

    The positions are 1-based and the end is exclusive (the character after the span),
    as SARIF and editors expect; they let `aligner check` point into the document
    without re-reading it.
    """
    d = flag.to_dict() if hasattr(flag, "to_dict") else dict(flag)
    if index is not None and d.get("start") is not None:
        end = d.get("end") if d.get("end") is not None else d["start"]
        d["line"], d["column"] = index.position(d["start"])
        d["end_line"], d["end_column"] = index.position(end)
    return d


def aligned_record(ap, b, flags_by_doc, clean) -> dict[str, Any]:
    """One aligned.jsonl record (unstamped) for bead `b` of the aligned pair `ap`.

    `flags_by_doc`: doc id -> its flags after cleaning (`fixed` set); `clean`: the `[clean]` settings,
    which decide `keep` and `drop_reason` (aligner.checks.clean.drop_reason).
    """
    from aligner.checks.base import bead_id_of_spans
    from aligner.checks.clean import bead_flags, drop_reason

    src, tgt = ap.src, ap.tgt
    # the bead's sentences looked up once (they were read anew for the id, the texts, the raw text and the spans)
    s_sents = [src.sentences[i] for i in b.src]
    t_sents = [tgt.sentences[i] for i in b.tgt]
    s_spans = [[s.raw_start, s.raw_end] for s in s_sents]
    t_spans = [[s.raw_start, s.raw_end] for s in t_sents]
    bid = bead_id_of_spans(src.doc, tgt.doc, s_spans, t_spans)
    concerned = bead_flags(ap, b, flags_by_doc, bid)
    codes: list[str] = []
    for f in concerned:
        if f.code not in codes:
            codes.append(f.code)
    s_text = " ".join([s.text for s in s_sents])
    t_text = " ".join([s.text for s in t_sents])
    drop = drop_reason(b, concerned, s_text, t_text, clean)
    role = src.role if src.role == tgt.role or not tgt.role else (src.role or tgt.role)
    return {
        "id": bid,
        "src_doc": src.doc,
        "tgt_doc": tgt.doc,
        "src_lang": src.lang,
        "tgt_lang": tgt.lang,
        "role": role,
        "src": s_text,
        "tgt": t_text,
        "src_raw": src.raw[s_spans[0][0]:s_spans[-1][1]] if s_spans else "",
        "tgt_raw": tgt.raw[t_spans[0][0]:t_spans[-1][1]] if t_spans else "",
        "src_sents": list(b.src),
        "tgt_sents": list(b.tgt),
        "src_spans": s_spans,
        "tgt_spans": t_spans,
        "type": b.type,
        "score": round(float(b.score), 4),
        "similarity": round(float(b.similarity), 4),
        "flags": codes,
        "keep": drop is None,
        "drop_reason": drop,
        "translation": {src.lang or "src": s_text, tgt.lang or "tgt": t_text},
        "schema": 1,
    }


def _by(items: Iterable[Any], key) -> dict[str, int]:
    return _ranked(Counter(key(x) for x in items))


def _ranked(counter: Counter) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0]))))


class SummaryCounts:
    """summary.json's counts, accumulated one document, pair, record and flag at a time.

    The output stage streams every file once and feeds this as it goes, so the summary of a
    corpus of any size is computed without holding its records.
    """

    def __init__(self) -> None:
        self.documents = 0
        self.ok = 0
        self.by_language: Counter = Counter()
        self.problems: list[dict[str, Any]] = []
        self.sentences = 0
        self.removed = 0
        self.removed_by_reason: Counter = Counter()
        self.pairs = 0
        self.by_relation = {"parallel": 0, "comparable": 0, "unrelated": 0}
        self.beads = 0
        self.bead_types: Counter = Counter()
        self.kept = 0
        self.dropped_by_reason: Counter = Counter()
        self.lang_pairs: dict[str, dict[str, int]] = {}
        self.flags = 0
        self.fixed = 0
        self.by_severity = {"error": 0, "warning": 0, "info": 0}
        self.by_category: Counter = Counter()
        self.by_code: Counter = Counter()

    def add_document(self, d: Any) -> None:
        self.documents += 1
        if d.ok:
            self.ok += 1
            self.by_language[d.lang] += 1
        else:
            self.problems.append({"doc": d.doc, "path": d.path, "problem": d.problem})
        self.sentences += len(d.sentences)
        self.removed += len(d.removed)
        self.removed_by_reason.update(r.reason for r in d.removed)

    def add_pair(self, p: Any) -> None:
        self.pairs += 1
        if p.relation in self.by_relation:
            self.by_relation[p.relation] += 1

    def add_record(self, r: dict[str, Any]) -> None:
        self.beads += 1
        self.bead_types[r.get("type")] += 1
        if r.get("keep"):
            self.kept += 1
        else:
            self.dropped_by_reason[r.get("drop_reason") or "unspecified"] += 1
        entry = self.lang_pairs.setdefault(f"{r.get('src_lang')}-{r.get('tgt_lang')}", {"beads": 0, "kept": 0})
        entry["beads"] += 1
        entry["kept"] += bool(r.get("keep"))

    def add_flag(self, f: dict[str, Any]) -> None:
        self.flags += 1
        self.fixed += bool(f.get("fixed"))
        if f.get("severity") in self.by_severity:
            self.by_severity[f["severity"]] += 1
        self.by_category[f.get("category")] += 1
        self.by_code[f.get("code")] += 1

    def summary(self, run_id: str, signature: dict[str, Any], timings: dict[str, float],
                pair_stats: dict[str, Any] | None = None) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "run": run_id,
            "signature": {"id": run_id, **signature},
            "counts": {
                "documents": {
                    "total": self.documents,
                    "ok": self.ok,
                    "error": self.documents - self.ok,
                    "by_language": _ranked(self.by_language),
                    "problems": list(self.problems),
                },
                "sentences": self.sentences,
                "removed_spans": self.removed,
                "removed_by_reason": _ranked(self.removed_by_reason),
                "pairs": {
                    "total": self.pairs,
                    "by_relation": dict(self.by_relation),
                    **{k: v for k, v in (pair_stats or {}).items()
                       if k not in ("parallel", "comparable", "unrelated")},  # counted in by_relation
                },
                "beads": {
                    "total": self.beads,
                    "by_type": _ranked(self.bead_types),
                    "kept": self.kept,
                    "dropped": self.beads - self.kept,
                    "dropped_by_reason": _ranked(self.dropped_by_reason),
                    "by_language_pair": self.lang_pairs,
                },
                "flags": {
                    "total": self.flags,
                    "fixed": self.fixed,
                    "by_severity": dict(self.by_severity),
                    "by_category": _ranked(self.by_category),
                    "by_code": _ranked(self.by_code),
                },
            },
            "timings": dict(timings),
        }


def summarise(result: Any, run_id: str) -> dict[str, Any]:
    """summary.json of a RunResult held in memory: counts, flag counts per category/code/severity, timings, the signature."""
    counts = SummaryCounts()
    for d in result.documents:
        counts.add_document(d)
    for p in result.pairs:
        counts.add_pair(p)
    for r in result.records:
        counts.add_record(r)
    for f in result.flags:
        counts.add_flag(f.to_dict() if hasattr(f, "to_dict") else f)
    return counts.summary(run_id, result.signature, result.timings, getattr(result, "stats", {}).get("pair", {}))
