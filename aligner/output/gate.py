"""The quality gate of `aligner check`, and its report formats.

A finding counts against the gate when its severity is at or above `fail_on` and its
category is among `categories` (all when empty); the gate fails when more than
`max_findings` findings count. Findings at or above `report_on` (and in the
categories) are listed in the report; the others are only totalled. A document the
loader could not read is a finding of code `document-error` (severity error). With a
baseline (an earlier run's flags.jsonl or output folder; `aligner.output.baseline`), only
findings not in it count: each finding gets `baseline_state` "new" or "unchanged", and
baseline findings gone since are "absent".

Formats: text (people), json (machines), sarif (SARIF 2.1.0, code scanning), junit
(JUnit XML, CI test dashboards), github (GitHub Actions workflow commands, which
become annotations on the pull request).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable
from xml.sax.saxutils import quoteattr

from aligner.config import GateConfig
from aligner.errors import ConfigError, GateFailed, InputError
from aligner.model import SEVERITIES, severity_rank

FORMATS = ("text", "json", "sarif", "junit", "github")
DOC_ERROR_CODE = "document-error"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
HELP_BASE = "docs/checks.md"


@dataclass
class GateResult:
    """What the gate decided and on which findings."""

    passed: bool
    fail_on: str
    max_findings: int
    categories: list[str]
    report_on: str
    counted: list[dict[str, Any]]  # the findings that count against the gate
    reported: list[dict[str, Any]]  # the findings listed in reports (counted ones included)
    totals: dict[str, int]  # every finding, by severity
    not_counted: dict[str, int] = field(default_factory=dict)  # findings below the bar or out of scope
    documents: list[dict[str, Any]] = field(default_factory=list)
    signature: dict[str, Any] | None = None
    source: str = ""
    baseline: str | None = None  # where the baseline came from (None: no baseline)
    absent: list[dict[str, Any]] = field(default_factory=list)  # baseline findings not found any more
    unchanged: int = 0  # findings at or above the bar that the baseline already had (not counted)

    def counts(self, finding: dict[str, Any]) -> bool:
        return _counts(finding, self.fail_on, self.categories)

    @property
    def verdict(self) -> str:
        return "passed" if self.passed else "FAILED"

    @property
    def summary(self) -> str:
        scope = f" in {', '.join(self.categories)}" if self.categories else ""
        others = ", ".join(f"{n} {s}" for s, n in self.not_counted.items() if n)
        tail = f" (not counted: {others})" if others else ""
        new = " new" if self.baseline is not None else ""
        base = (f"; baseline {self.baseline}: {self.unchanged} unchanged, {len(self.absent)} absent"
                if self.baseline is not None else "")
        return (f"{len(self.counted)}{new} finding(s) at or above '{self.fail_on}'{scope}, "
                f"{self.max_findings} tolerated, in {len(self.documents)} document(s){tail}{base}")

    def raise_for_status(self) -> None:
        """Raise GateFailed (exit 1 in the CLI) when the gate did not pass."""
        if not self.passed:
            raise GateFailed(self.summary)

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "fail_on": self.fail_on,
            "max_findings": self.max_findings,
            "categories": self.categories,
            "report_on": self.report_on,
            "counted": len(self.counted),
            "totals": self.totals,
            "by_code": dict(Counter(f.get("code") for f in self.counted)),
            "source": self.source,
            "baseline": None if self.baseline is None else {
                "source": self.baseline, "new": len(self.counted), "unchanged": self.unchanged,
                "absent": len(self.absent)},
            "run": (self.signature or {}).get("id"),
            "signature": self.signature,
            "findings": [{**_public(f), "counts": self.counts(f)} for f in self.reported],
        }


def _public(f: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in f.items() if not k.startswith("_")}


def _counts(f: dict[str, Any], fail_on: str, categories: list[str]) -> bool:
    if f.get("baseline_state") == "unchanged":
        return False
    return _at_or_above(f, fail_on, categories)


def _at_or_above(f: dict[str, Any], level: str, categories: list[str]) -> bool:
    sev = f.get("severity") if f.get("severity") in SEVERITIES else "error"
    return severity_rank(sev) >= severity_rank(level) and (not categories or f.get("category") in categories)


def _validate(config: GateConfig) -> None:
    from aligner.model import CATEGORIES

    for name in ("fail_on", "report_on"):
        value = getattr(config, name)
        if value not in SEVERITIES:
            raise ConfigError(f"gate.{name}: expected one of {', '.join(SEVERITIES)}, got {value!r}")
    if not isinstance(config.max_findings, int) or config.max_findings < 0:
        raise ConfigError(f"gate.max_findings: expected a whole number >= 0, got {config.max_findings!r}")
    unknown = [c for c in config.categories if c not in CATEGORIES]
    if unknown:
        raise ConfigError(f"gate.categories: unknown categor{'y' if len(unknown) == 1 else 'ies'} "
                          f"{', '.join(map(repr, unknown))} (known: {', '.join(CATEGORIES)})")


def evaluate(flags: Iterable[dict[str, Any]], *, config: GateConfig | None = None,
             documents: Iterable[dict[str, Any]] = (), signature: dict[str, Any] | None = None,
             source: str = "", baseline: list[dict[str, Any]] | None = None,
             baseline_source: str | None = None) -> GateResult:
    """Decide the gate over flags.jsonl-shaped records (and documents.jsonl-shaped documents).

    With `baseline` (flags.jsonl records of an earlier run), only findings not in it count."""
    config = config or GateConfig()
    _validate(config)
    documents = [dict(d) for d in documents]
    paths = {d.get("doc"): d.get("path") for d in documents}
    findings = []
    for f in flags:
        f = dict(f)
        f.setdefault("path", paths.get(f.get("doc")))
        findings.append(f)
    for d in documents:
        if d.get("status", "ok") != "ok":
            findings.append({"doc": d.get("doc"), "path": d.get("path"), "lang": d.get("lang"), "sentence": None,
                             "code": DOC_ERROR_CODE, "category": "other", "severity": "error", "start": 0, "end": 0,
                             "text": "", "message": f"document not processed: {d.get('problem') or 'unknown problem'}",
                             "fix": None, "fixed": False, "line": 1, "column": 1, "end_line": 1, "end_column": 1})
    if getattr(config, "ignore_fixed", False):
        findings = [f for f in findings if not f.get("fixed")]
    absent: list[dict[str, Any]] = []
    if baseline is not None:
        from aligner.output.baseline import compare

        base = [b for b in baseline if not (getattr(config, "ignore_fixed", False) and b.get("fixed"))]
        states, absent = compare(findings, base)
        for f, state in zip(findings, states):
            f["baseline_state"] = state
    findings.sort(key=lambda f: (str(f.get("path") or f.get("doc")), f.get("start") or 0, f.get("code") or ""))
    counted = [f for f in findings if _counts(f, config.fail_on, config.categories)]
    reported = [f for f in findings if _at_or_above(f, config.report_on, config.categories)
                or _at_or_above(f, config.fail_on, config.categories)]
    totals = {s: sum(f.get("severity") == s for f in findings) for s in reversed(SEVERITIES)}
    counted_ids = {id(f) for f in counted}
    not_counted = {s: sum(f.get("severity") == s and id(f) not in counted_ids for f in findings)
                   for s in reversed(SEVERITIES)}
    return GateResult(passed=len(counted) <= config.max_findings, fail_on=config.fail_on,
                      max_findings=config.max_findings, categories=list(config.categories),
                      report_on=config.report_on, counted=counted, reported=reported, totals=totals,
                      not_counted=not_counted,
                      documents=documents, signature=signature, source=source,
                      baseline=None if baseline is None else (baseline_source or "given"),
                      absent=[a for a in absent if _at_or_above(a, config.report_on, config.categories)],
                      unchanged=sum(f.get("baseline_state") == "unchanged"
                                    and _at_or_above(f, config.fail_on, config.categories) for f in findings))


def is_output_folder(path: Path) -> bool:
    from aligner.output.staging import interrupted

    return path.is_dir() and ((path / "flags.jsonl").is_file() or (path / "summary.json").is_file()
                              or interrupted(path))


def load_output(out: str | Path, *, verify: str = "full") -> tuple[list[dict], list[dict], dict | None]:
    """(flags, documents, signature) from an `aligner run` output folder.

    The folder is verified first (aligner.output.staging.verify_output; "full" hashes every
    file): a folder a run was interrupted in, or holding files of two runs, is an
    IncompleteOutput error, not a gate verdict on half the data.
    """
    from aligner.output.api import iter_jsonl
    from aligner.output.staging import verify_output

    out = Path(out)
    summary = verify_output(out, mode=verify)
    if not (out / "flags.jsonl").is_file():
        raise InputError(f"{out}: no flags.jsonl (is it a complete output folder of `aligner run`?)")
    flags = [r for _, r in iter_jsonl(out / "flags.jsonl")]
    documents = [r for _, r in iter_jsonl(out / "documents.jsonl")] if (out / "documents.jsonl").is_file() else []
    signature = summary.get("signature") if isinstance(summary, dict) else None
    return flags, documents, signature


def resolve_baseline(target: Path, config, baseline: str | Path | None) -> Path | None:
    """The baseline to compare with: `baseline` if given ("" = none), else `gate.baseline` (relative to
    the config file), else `aligner-baseline.jsonl` inside a corpus folder TARGET, else none."""
    from aligner.output.baseline import BASELINE_FILE

    if baseline is not None:
        return Path(baseline) if str(baseline) else None
    configured = getattr(getattr(config, "gate", None), "baseline", "") or ""
    if configured:
        p = Path(configured)
        source = getattr(config, "source", None)
        if not p.is_absolute() and source:
            p = Path(source).parent / p
        return p
    corpus = target if not is_output_folder(target) else _corpus_of_output(target)
    if corpus is not None and (corpus / BASELINE_FILE).is_file():
        return corpus / BASELINE_FILE
    return None


def _corpus_of_output(out: Path) -> Path | None:
    """The corpus folder an output folder was made from: the common folder of its documents' paths."""
    import os

    from aligner.output.api import iter_jsonl

    if not (out / "documents.jsonl").is_file():
        return None
    try:
        paths = [str(r["path"]) for _, r in iter_jsonl(out / "documents.jsonl") if r.get("path")]
    except (InputError, KeyError, TypeError):
        return None
    if not paths or not all(Path(p).is_file() for p in paths):
        return None  # not made from files that are here (moved, or a synthetic run)
    try:
        root = Path(os.path.commonpath([os.path.dirname(p) or "." for p in paths]))
    except ValueError:  # mixed absolute and relative paths
        return None
    return root if root.is_dir() else None


def read_baseline(target: str | Path, config, baseline: str | Path | None) -> tuple[list | None, str | None]:
    """(records, where they came from) of the baseline `resolve_baseline` picks for TARGET, or (None, None).
    Read before a long run, so that a bad baseline fails first."""
    path = resolve_baseline(Path(target), config, baseline)
    if path is None:
        return None, None
    from aligner.output.baseline import load_baseline

    return load_baseline(path), str(path)


def check(target: str | Path, *, config=None, verify: str = "full", baseline: str | Path | None = None) -> GateResult:
    """Gate an output folder of `aligner run` (`config` is a full `aligner.config.Config`; its `gate` section decides).

    `verify` ("full", "quick", "none"): how the folder is checked to hold one whole run before it
    is gated. `baseline`: an earlier output folder or flags.jsonl whose findings do not count ("" for
    none; default: `gate.baseline`, else the corpus folder's own `aligner-baseline.jsonl`). A corpus
    folder is gated by running the pipeline first, which is the caller's business (the CLI does it,
    then calls `check_run`): the output stage does not reach back into the pipeline.
    """
    from aligner.config import Config

    config = config or Config()
    target = Path(target)
    if not target.exists():
        raise InputError(f"{target}: no such file or folder")
    if not target.is_dir():
        raise InputError(f"{target}: expected a corpus folder or an output folder of `aligner run`")
    if not is_output_folder(target):
        raise InputError(f"{target}: not an output folder of `aligner run` (no flags.jsonl); "
                         f"run the pipeline first, or give the corpus to `aligner check`")
    base_records, base_source = read_baseline(target, config, baseline)
    flags, documents, signature = load_output(target, verify=verify)
    return evaluate(flags, config=config.gate, documents=documents, signature=signature, source=str(target),
                    baseline=base_records, baseline_source=base_source)


def check_run(result: Any, *, config=None, source: str = "", baseline: tuple[list | None, str | None] | None = None
              ) -> GateResult:
    """Gate the RunResult of `aligner.run` (what `aligner check CORPUS` does after running the pipeline).

    `baseline`: (records, source) as `read_baseline` returns them; default: the one `read_baseline` finds for
    the corpus folder `source` (its own `aligner-baseline.jsonl`, or `gate.baseline`)."""
    from aligner.config import Config
    from aligner.output import flag_records
    from aligner.output.records import signature_id

    config = config or Config()
    flags = flag_records(result)
    documents = [{"doc": d.doc, "path": d.path, "lang": d.lang, "status": d.status, "problem": d.problem}
                 for d in result.documents]
    signature = {"id": signature_id(result.signature), **result.signature}
    if baseline is None:
        baseline = read_baseline(source, config, None) if source else (None, None)
    base_records, base_source = baseline
    return evaluate(flags, config=config.gate, documents=documents, signature=signature, source=source,
                    baseline=base_records, baseline_source=base_source)


# ---------------------------------------------------------------- formats

def artifact_uri(path: Any, cwd: Path | None = None) -> str:
    """The document's path as a URI reference relative to `cwd` when inside it (POSIX separators)."""
    if not path:
        return ""
    p = Path(str(path))
    cwd = cwd or Path.cwd()
    if p.is_absolute():
        try:
            return p.resolve().relative_to(cwd.resolve()).as_posix()
        except ValueError:
            return p.resolve().as_uri()
    return p.as_posix()


def _where(f: dict[str, Any], cwd: Path | None = None) -> str:
    return artifact_uri(f.get("path"), cwd) or str(f.get("doc"))


def _registered_check(code: str) -> Any:
    """The check class of `code` from the registry, or None (unknown code, registry unavailable)."""
    try:
        import aligner.checks as checks_mod

        getter = getattr(checks_mod, "get_check", None)
        if getter is not None:
            return getter(code)
        reg = getattr(checks_mod, "registry", None)
        reg = reg() if callable(reg) else reg
        return reg.get(code) if isinstance(reg, dict) else None
    except Exception:  # synthetic codes (document-error) or a registry that is not there yet
        return None


def _rule_descriptions(codes: Iterable[str], findings: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """code -> {description, help, category, severity}: the check registry's words, else the findings'."""
    rules: dict[str, dict[str, Any]] = {}
    for code in codes:
        check_obj = _registered_check(code)
        sample = next((f for f in findings if f.get("code") == code), {})
        text = ""
        if check_obj is not None:
            text = (getattr(check_obj, "summary", "") or getattr(check_obj, "description", "")
                    or (getattr(check_obj, "__doc__", None) or "").strip().split("\n")[0])
        if code == DOC_ERROR_CODE:
            text = "A corpus document could not be read or decoded."
        rules[code] = {
            "description": text or f"{sample.get('category', 'other')} check: {sample.get('message', code)}",
            "help": (getattr(check_obj, "help", "") or "") if check_obj is not None else "",
            "category": getattr(check_obj, "category", None) or sample.get("category", "other"),
            "severity": getattr(check_obj, "severity", None) or sample.get("severity", "warning"),
        }
    return rules


def format_text(result: GateResult, cwd: Path | None = None) -> str:
    lines = []
    unchanged = 0
    for f in result.reported:
        if f.get("baseline_state") == "unchanged":
            unchanged += 1
            continue
        mark = "" if result.counts(f) else " (not counted)"
        fixed = " [fixed in cleaned text]" if f.get("fixed") else ""
        evidence = f' "{_one_line(f.get("text"))}"' if f.get("text") else ""
        lines.append(f"{_where(f, cwd)}:{f.get('line', 1)}:{f.get('column', 1)}: {f.get('severity')} "
                     f"{f.get('code')} [{f.get('category')}] {_one_line(f.get('message'))}{evidence}{fixed}{mark}"
                     + (f" ({f['where']})" if f.get("where") else ""))
    if unchanged:
        lines.append(f"({unchanged} finding(s) unchanged since the baseline not listed)")
    lines.append(f"aligner check: {result.verdict}: {result.summary}")
    return "\n".join(lines) + "\n"


def _one_line(text: Any, limit: int = 160) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_json(result: GateResult, cwd: Path | None = None) -> str:
    from aligner.output.atomic import json_dumps

    return json_dumps(result.to_dict(), indent=2) + "\n"


def format_sarif(result: GateResult, cwd: Path | None = None) -> str:
    from aligner import __version__
    from aligner.output.atomic import json_dumps

    listed = result.reported + [{**a, "baseline_state": "absent"} for a in result.absent]
    codes = sorted({f.get("code") for f in listed})
    info = _rule_descriptions(codes, listed)
    rules = []
    for code in codes:
        rule = {
            "id": code,
            "name": "".join(part.capitalize() for part in str(code).replace("_", "-").split("-")),
            "shortDescription": {"text": info[code]["description"]},
            "helpUri": f"{HELP_BASE}#{code}",
            "defaultConfiguration": {"level": SARIF_LEVELS.get(info[code]["severity"], "warning")},
            "properties": {"category": info[code]["category"]},
        }
        if info[code]["help"]:
            rule["fullDescription"] = {"text": info[code]["help"]}
            rule["help"] = {"text": info[code]["help"]}
        rules.append(rule)
    index = {code: i for i, code in enumerate(codes)}
    results = []
    for f in listed:
        region: dict[str, Any] = {
            "startLine": int(f.get("line") or 1), "startColumn": int(f.get("column") or 1),
            "endLine": int(f.get("end_line") or f.get("line") or 1),
            "endColumn": int(f.get("end_column") or f.get("column") or 1),
        }
        if f.get("start") is not None:
            region["charOffset"] = int(f["start"])
            region["charLength"] = max(0, int((f.get("end") if f.get("end") is not None else f["start"]) - f["start"]))
        if f.get("text"):
            region["snippet"] = {"text": str(f["text"])}
        res: dict[str, Any] = {
            "ruleId": f.get("code"),
            "ruleIndex": index[f.get("code")],
            "level": SARIF_LEVELS.get(f.get("severity"), "warning"),
            "message": {"text": str(f.get("message") or f.get("code"))},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": _where(f, cwd), "uriBaseId": "%SRCROOT%"} if not str(
                    _where(f, cwd)).startswith("file:") else {"uri": _where(f, cwd)},
                "region": region,
            }}],
            "properties": {"category": f.get("category"), "doc": f.get("doc"),
                           "counts": f.get("baseline_state") != "absent" and result.counts(f),
                           "fixed": bool(f.get("fixed"))},
        }
        if f.get("fingerprint"):
            res["partialFingerprints"] = {"alignerFinding/v1": str(f["fingerprint"])}
        if result.baseline is not None:
            res["baselineState"] = f.get("baseline_state") or "new"
        if f.get("fix") is not None and f.get("start") is not None:
            res["fixes"] = [{"description": {"text": f"replace with {f['fix']!r}"}, "artifactChanges": [{
                "artifactLocation": res["locations"][0]["physicalLocation"]["artifactLocation"],
                "replacements": [{"deletedRegion": {"charOffset": region["charOffset"],
                                                    "charLength": region["charLength"]},
                                  "insertedContent": {"text": str(f["fix"])}}]}]}]
        results.append(res)
    sarif = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "aligner", "version": __version__, "semanticVersion": __version__,
                                "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {"%SRCROOT%": {"uri": (cwd or Path.cwd()).resolve().as_uri() + "/"}},
            "results": results,
            "invocations": [{"executionSuccessful": True,
                             "properties": {"gate": {k: v for k, v in result.to_dict().items()
                                                     if k not in ("findings", "signature")}}}],
            "properties": {"signature": result.signature},
        }],
    }
    return json_dumps(sarif, indent=2) + "\n"


def format_junit(result: GateResult, cwd: Path | None = None) -> str:
    """One <testsuite> per document; one failing <testcase> per counted finding, a passing one per clean document."""
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for f in result.counted:
        by_doc.setdefault(str(f.get("doc")), []).append(f)
    docs = [str(d.get("doc")) for d in result.documents] or []
    for doc in by_doc:
        if doc not in docs:
            docs.append(doc)
    paths = {str(d.get("doc")): d.get("path") for d in result.documents}
    total = sum(max(1, len(by_doc.get(doc, []))) for doc in docs)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites name="aligner check" tests="{total}" failures="{len(result.counted)}" errors="0" '
           f'skipped="0" time="0">']
    import datetime
    import socket

    from aligner.output.tmx import xml_safe, xml_text

    stamp = datetime.datetime.now().replace(microsecond=0).isoformat()
    host = socket.gethostname() or "localhost"

    for doc in docs:
        findings = by_doc.get(doc, [])
        file = artifact_uri(paths.get(doc), cwd) or doc
        out.append(f'  <testsuite name={quoteattr(xml_safe(doc))} tests="{max(1, len(findings))}" '
                   f'failures="{len(findings)}" errors="0" skipped="0" time="0" timestamp="{stamp}" '
                   f'hostname={quoteattr(xml_safe(host))}>')
        out.append(f'    <properties><property name="file" value={quoteattr(xml_safe(file))}/>'
                   f'<property name="fail_on" value={quoteattr(result.fail_on)}/></properties>')
        if not findings:
            out.append(f'    <testcase classname={quoteattr(xml_safe("aligner.check." + doc))} '
                       f'name={quoteattr(f"no findings at or above {result.fail_on}")} time="0"/>')
        for f in findings:
            where = f"{file}:{f.get('line', 1)}:{f.get('column', 1)}"
            name = f"{f.get('code')} at {f.get('line', 1)}:{f.get('column', 1)}"
            body = (f"{where}: {f.get('severity')} {f.get('code')} [{f.get('category')}]\n{f.get('message')}\n"
                    f"text: {f.get('text')!r}" + (f"\nfix: {f.get('fix')!r}" if f.get("fix") is not None else ""))
            out.append(f'    <testcase classname={quoteattr(xml_safe("aligner.check." + doc))} '
                       f'name={quoteattr(xml_safe(name))} file={quoteattr(xml_safe(file))} '
                       f'line="{int(f.get("line") or 1)}" time="0">')
            out.append(f'      <failure message={quoteattr(xml_safe(_one_line(f.get("message"))))} '
                       f'type={quoteattr(xml_safe(f.get("code")))}>{xml_text(body)}</failure>')
            out.append("    </testcase>")
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


def github_escape_data(text: Any) -> str:
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_escape_property(text: Any) -> str:
    return github_escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(result: GateResult, cwd: Path | None = None) -> str:
    lines = []
    for f in result.reported:
        if f.get("baseline_state") == "unchanged":
            continue  # with a baseline, only what is new is annotated
        props = [("file", _where(f, cwd)), ("line", f.get("line", 1)), ("endLine", f.get("end_line") or f.get("line", 1)),
                 ("col", f.get("column", 1)), ("endColumn", f.get("end_column") or f.get("column", 1)),
                 ("title", f"{f.get('code')} ({f.get('category')})")]
        if props[2][1] != props[1][1]:  # GitHub ignores col/endColumn on multi-line annotations
            props = [p for p in props if p[0] not in ("col", "endColumn")]
        message = str(f.get("message") or "")
        if f.get("text"):
            message += f'\n"{f.get("text")}"'
        if f.get("fix") is not None:
            message += f"\nsuggested fix: {f.get('fix')!r}"
        attrs = ",".join(f"{k}={github_escape_property(v)}" for k, v in props)
        lines.append(f"::{GITHUB_COMMANDS.get(f.get('severity'), 'warning')} {attrs}::{github_escape_data(message)}")
    verdict = "error" if not result.passed else "notice"
    lines.append(f"::{verdict} title=aligner check {result.verdict}::{github_escape_data(result.summary)}")
    return "\n".join(lines) + "\n"


FORMATTERS = {"text": format_text, "json": format_json, "sarif": format_sarif, "junit": format_junit,
              "github": format_github}


def render(result: GateResult, fmt: str = "text", cwd: Path | None = None) -> str:
    if fmt not in FORMATTERS:
        raise ConfigError(f"unknown report format {fmt!r} (known: {', '.join(FORMATS)})")
    return FORMATTERS[fmt](result, cwd)
