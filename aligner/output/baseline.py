"""Baseline comparison for the gate: which findings are new since an earlier run.

A finding is identified without its offsets, so that edits elsewhere in a document do not
turn old findings into new ones: its *fingerprint* hashes the check code, the document id,
the flagged text and a few words of context on each side (what a reader sees: tags and
entities of HTML sources are left out). flags.jsonl carries it as `fingerprint`.

Matching (`compare`) runs in two passes, as code-scanning tools do: first by fingerprint,
then, for what is left, by (code, document, flagged text), so that a finding whose own
sentence was edited around it still matches as long as the same number of such findings
remains. What matches is `unchanged`; the rest of the current findings is `new`; baseline
findings left over are `absent` (fixed since). Each identity is a multiset: a finding that
occurs twice now and once in the baseline has one `new` occurrence.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Iterable

from aligner.errors import InputError

FINGERPRINT_VERSION = "aligner/v1"
CONTEXT_WORDS = 4
_TAG = re.compile(r"<[^>]*>|&#?\w+;")
_WORD = re.compile(r"\w+")
BASELINE_FILE = "aligner-baseline.jsonl"  # a corpus folder's accepted findings, found by `aligner check`


def _words(text: str) -> list[str]:
    return _WORD.findall(_TAG.sub(" ", text or "").lower())


def fingerprint(code: str, doc: str, text: str, left: str = "", right: str = "") -> str:
    """Stable identity of a finding: code, document, flagged words and CONTEXT_WORDS words either side."""
    parts = [FINGERPRINT_VERSION, str(code), str(doc), " ".join(_words(text)),
             " ".join(_words(left)[-CONTEXT_WORDS:]), " ".join(_words(right)[:CONTEXT_WORDS])]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def finding_fingerprint(record: dict[str, Any], raw: str | None) -> str:
    """The fingerprint of a flags.jsonl-shaped record, its context read from the document's raw text."""
    start, end = record.get("start"), record.get("end")
    left = right = ""
    if raw is not None and isinstance(start, int) and isinstance(end, int):
        left = raw[max(0, start - 200):start]
        right = raw[end:end + 200]
    return fingerprint(record.get("code", ""), record.get("doc", ""), record.get("text", ""), left, right)


def _weak_key(f: dict[str, Any]) -> tuple[str, str, str]:
    return (str(f.get("code")), str(f.get("doc")), " ".join(_words(f.get("text", ""))))


def compare(current: list[dict[str, Any]], baseline: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """(state of each current finding: "new" or "unchanged", the baseline findings that are absent now)."""
    states = ["new"] * len(current)
    left = list(range(len(baseline)))
    by_fp: dict[str, list[int]] = {}
    for k in left:
        fp = baseline[k].get("fingerprint")
        if fp:
            by_fp.setdefault(fp, []).append(k)
    used: set[int] = set()
    for i, f in enumerate(current):
        fp = f.get("fingerprint")
        if fp and by_fp.get(fp):
            used.add(by_fp[fp].pop(0))
            states[i] = "unchanged"
    by_weak: dict[tuple, list[int]] = {}
    for k in left:
        if k not in used:
            by_weak.setdefault(_weak_key(baseline[k]), []).append(k)
    for i, f in enumerate(current):
        if states[i] == "new" and by_weak.get(_weak_key(f)):
            used.add(by_weak[_weak_key(f)].pop(0))
            states[i] = "unchanged"
    absent = [baseline[k] for k in left if k not in used]
    return states, absent


def load_baseline(path: str | Path) -> list[dict[str, Any]]:
    """Findings of an earlier run: its output folder (flags.jsonl inside) or a flags.jsonl-shaped file."""
    from aligner.output.api import iter_jsonl

    p = Path(path)
    if p.is_dir():
        if not (p / "flags.jsonl").is_file():
            raise InputError(f"baseline {p}: no flags.jsonl in this folder (expected an output folder of `aligner run`)")
        p = p / "flags.jsonl"
    if not p.is_file():
        raise InputError(f"baseline {p}: no such file or folder")
    try:
        records = [r for _, r in iter_jsonl(p)]
    except (OSError, ValueError) as exc:
        raise InputError(f"baseline {p}: not a flags.jsonl file ({exc})") from None
    bad = [r for r in records if not isinstance(r, dict) or "code" not in r]
    if bad:
        raise InputError(f"baseline {p}: {len(bad)} record(s) without a `code` (expected flags.jsonl records)")
    return records


def fingerprints_for(records: Iterable[dict[str, Any]], raws: dict[str, str]) -> None:
    """Add `fingerprint` to records that lack one (in place), their context read from `raws` (doc -> raw)."""
    for r in records:
        if not r.get("fingerprint"):
            r["fingerprint"] = finding_fingerprint(r, raws.get(r.get("doc")))
