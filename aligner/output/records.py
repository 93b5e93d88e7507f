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
    for key, value in record.items():
        if key not in out:
            out[key] = value
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


def _by(items: Iterable[Any], key) -> dict[str, int]:
    return dict(sorted(Counter(key(x) for x in items).items(), key=lambda kv: (-kv[1], str(kv[0]))))


def summarise(result: Any, run_id: str) -> dict[str, Any]:
    """summary.json: counts, flag counts per category/code/severity, timings, the signature."""
    docs = result.documents
    records = result.records
    flags = [f.to_dict() if hasattr(f, "to_dict") else f for f in result.flags]
    kept = [r for r in records if r.get("keep")]
    dropped = [r for r in records if not r.get("keep")]
    lang_pairs: dict[str, dict[str, int]] = {}
    for r in records:
        key = f"{r.get('src_lang')}-{r.get('tgt_lang')}"
        entry = lang_pairs.setdefault(key, {"beads": 0, "kept": 0})
        entry["beads"] += 1
        entry["kept"] += bool(r.get("keep"))
    ok_docs = [d for d in docs if d.ok]
    return {
        "schema": SCHEMA,
        "run": run_id,
        "signature": {"id": run_id, **result.signature},
        "counts": {
            "documents": {
                "total": len(docs),
                "ok": len(ok_docs),
                "error": len(docs) - len(ok_docs),
                "by_language": _by(ok_docs, lambda d: d.lang),
                "problems": [{"doc": d.doc, "path": d.path, "problem": d.problem} for d in docs if not d.ok],
            },
            "sentences": sum(len(d.sentences) for d in docs),
            "removed_spans": sum(len(d.removed) for d in docs),
            "removed_by_reason": _by((r for d in docs for r in d.removed), lambda r: r.reason),
            "pairs": {
                "total": len(result.pairs),
                "by_relation": {rel: sum(p.relation == rel for p in result.pairs)
                                for rel in ("parallel", "comparable", "unrelated")},
                **{k: v for k, v in getattr(result, "stats", {}).get("pair", {}).items()
                   if k not in ("parallel", "comparable", "unrelated")},  # counted in by_relation
            },
            "beads": {
                "total": len(records),
                "by_type": _by(records, lambda r: r.get("type")),
                "kept": len(kept),
                "dropped": len(dropped),
                "dropped_by_reason": _by(dropped, lambda r: r.get("drop_reason") or "unspecified"),
                "by_language_pair": lang_pairs,
            },
            "flags": {
                "total": len(flags),
                "fixed": sum(bool(f.get("fixed")) for f in flags),
                "by_severity": {s: sum(f.get("severity") == s for f in flags) for s in ("error", "warning", "info")},
                "by_category": _by(flags, lambda f: f.get("category")),
                "by_code": _by(flags, lambda f: f.get("code")),
            },
        },
        "timings": dict(result.timings),
    }
