"""Run configuration: defaults, `[tool.aligner]` in pyproject.toml or `aligner.toml`, CLI overrides.

One schema for all three so a key means the same thing everywhere; an unknown key
is a `ConfigError` naming it (a typo must not silently fall back to a default).
Per-check settings live under `checks.<code>` and are validated against the
check registry, so config key = registry key = flag code.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from aligner.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass
class EncoderConfig:
    name: str = "e5-small"  # registry name, or "st:<model id or local path>"
    cache_dir: str | None = None  # None: $ALIGNER_CACHE_DIR or ~/.cache/aligner
    cache: bool = True
    threads: int = 0  # 0: let the engine decide
    batch_size: int = 32
    progress: str = "auto"  # progress bar on stderr: auto (long jobs on a terminal), always, never
    allow_download: bool = False  # st: models may be fetched from the hub (default: local files only)


@dataclass
class SegmentConfig:
    languages: list[str] = field(default_factory=lambda: ["tl", "it", "cs", "en", "de", "fr", "es", "pt"])
    min_lang_confidence: float = 0.5
    max_file_mb: float = 50.0
    # per-sentence language id: "auto" (lingua only where the function words do not confirm the
    # document's language), "all" (lingua on every sentence), "off" (sentences inherit it)
    sentence_lang: str = "auto"


@dataclass
class PairConfig:
    parallel_threshold: float = 0.5
    comparable_threshold: float = 0.2
    ann_neighbours: int = 10
    # Sentence evidence (docs/pairing.md): ratio margin over the k nearest sentences of the other side.
    margin_k: int = 4
    margin_threshold: float = 1.02  # measured on multilingual-e5-small; LaBSE/LASER-style spaces use ~1.05
    order_slack: int = 3  # a matched neighbour may skip this many one-sided sentences and still count as "in order"
    min_length_ratio: float = 0.5  # char length ratio below which translation evidence is scaled down
    # Topic similarity: mean best-match cosine mapped linearly from floor (0) to ceiling (1); encoder specific.
    topic_floor: float = 0.80
    topic_ceiling: float = 0.86
    topic_weight: float = 0.3  # score = (1 - topic_weight) * translation evidence + topic_weight * topic
    # Scale: up to this many documents every cross-language pair is scored; above it an ANN index proposes candidates.
    exhaustive_max_docs: int = 100
    max_pair_records: int = 50_000  # above this many cross-language pairs only candidates are reported
    # Roles (aligner.pair.roles): a user vocabulary merged over the shipped one, and the acceptance threshold.
    roles_file: str | None = None
    role_threshold: float = 0.5  # on the calibrated role score below
    role_floor: float = 0.85  # title-to-role-name similarity mapped to score 0 (e5-small "query:" space) ...
    role_ceiling: float = 1.0  # ... and to score 1


@dataclass
class AlignConfig:
    max_beads: list[str] = field(default_factory=lambda: ["1-1", "1-2", "2-1", "1-0", "0-1", "1-3", "3-1", "2-2", "1-4", "4-1"])
    scoring: str = "contrast"  # "contrast" (bead cosine against adjacent sentences x length agreement) or "knn" (margin)
    skip_cost: float | None = None  # per one-sided sentence; None: 0.02 (contrast) or derived from the margins (knn)
    band: int = 0  # 0: automatic band width around the coarse path
    paragraph_penalty: float = 0.05
    refine_spans: bool = True  # encode the few sentence concatenations near the first path for real


@dataclass
class CleanConfig:
    min_score: float = 0.3  # beads below this alignment score are dropped
    drop_severity: str = "error"  # beads with a flag of this severity or worse are dropped
    drop_one_sided: bool = True  # 1-0 / 0-1 beads are not translation units


@dataclass
class GateConfig:
    fail_on: str = "error"  # findings at or above this severity fail `aligner check`
    max_findings: int = 0  # how many such findings are tolerated
    categories: list[str] = field(default_factory=list)  # empty: all categories count
    report_on: str = "warning"  # findings at or above this severity are listed in the report
    ignore_fixed: bool = False  # findings the cleaning stage fixed do not count
    baseline: str = ""  # earlier flags.jsonl / output folder: only findings not in it count ("" = none)


@dataclass
class Config:
    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    segment: SegmentConfig = field(default_factory=SegmentConfig)
    pair: PairConfig = field(default_factory=PairConfig)
    align: AlignConfig = field(default_factory=AlignConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)
    gate: GateConfig = field(default_factory=GateConfig)
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)
    source: str | None = None  # where the file settings came from, for the signature

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def thresholds(self) -> dict[str, Any]:
        """The settings that decide what is aligned, kept or failed: part of every output's signature."""
        return {
            "pair": dataclasses.asdict(self.pair),
            "align": dataclasses.asdict(self.align),
            "clean": dataclasses.asdict(self.clean),
            "gate": dataclasses.asdict(self.gate),
            "checks": self.checks,
        }


_SECTIONS = {f.name: f for f in dataclasses.fields(Config) if f.name not in ("checks", "source")}


def _check_type(where: str, value: Any, default: Any) -> Any:
    if default is None or value is None:
        return value
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if isinstance(default, (int, float)) and not isinstance(default, bool):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        return type(default)(value) if isinstance(default, float) else value
    if isinstance(default, str) and not isinstance(value, str):
        raise ConfigError(f"{where}: expected a string, got {value!r}")
    if isinstance(default, list) and not isinstance(value, list):
        raise ConfigError(f"{where}: expected a list, got {value!r}")
    return value


def from_mapping(data: Mapping[str, Any], *, source: str | None = None, base: Config | None = None) -> Config:
    """Build a Config from nested mappings, rejecting unknown keys with their full name."""
    cfg = dataclasses.replace(base) if base is not None else Config()
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source or 'configuration'}: expected a table, got {type(data).__name__}")
    prefix = "tool.aligner." if source and source.endswith("pyproject.toml") else ""
    for key, value in data.items():
        if key == "checks":
            if not isinstance(value, Mapping):
                raise ConfigError(f"{prefix}checks: expected a table of check settings")
            from aligner.checks import validate_check_settings  # late: registry import

            checks = {k: dict(v) for k, v in cfg.checks.items()}
            for code, settings in value.items():
                validate_check_settings(code, settings, where=f"{prefix}checks.{code}")
                checks.setdefault(code, {}).update(settings)
            cfg.checks = checks
            continue
        if key not in _SECTIONS:
            raise ConfigError(
                f"unknown configuration key '{prefix}{key}' in {source or 'configuration'} "
                f"(known: {', '.join(sorted([*_SECTIONS, 'checks']))})"
            )
        if not isinstance(value, Mapping):
            raise ConfigError(f"{prefix}{key}: expected a table, got {value!r}")
        section = dataclasses.replace(getattr(cfg, key))
        known = {f.name: f for f in dataclasses.fields(section)}
        for k, v in value.items():
            if k not in known:
                raise ConfigError(
                    f"unknown configuration key '{prefix}{key}.{k}' in {source or 'configuration'} "
                    f"(known in [{key}]: {', '.join(sorted(known))})"
                )
            setattr(section, k, _check_type(f"{prefix}{key}.{k}", v, getattr(section, k)))
        setattr(cfg, key, section)
    cfg.source = source or cfg.source
    _validate(cfg)
    return cfg


def _validate(cfg: Config) -> None:
    from aligner.model import SEVERITIES

    import re

    bad = [x for x in cfg.segment.languages if not isinstance(x, str) or not re.fullmatch(r"[a-z]{2}", x)]
    if bad or not cfg.segment.languages:
        raise ConfigError(f"segment.languages: expected ISO 639-1 codes such as 'tl', 'it', 'cs', got {cfg.segment.languages!r}")
    if cfg.segment.sentence_lang not in ("auto", "all", "off"):
        raise ConfigError(f"segment.sentence_lang: expected one of auto, all, off, got {cfg.segment.sentence_lang!r}")
    if cfg.align.scoring not in ("contrast", "knn"):
        raise ConfigError(f"align.scoring: expected one of contrast, knn, got {cfg.align.scoring!r}")

    for where, sev in (("clean.drop_severity", cfg.clean.drop_severity), ("gate.fail_on", cfg.gate.fail_on)):
        if sev not in SEVERITIES:
            raise ConfigError(f"{where}: expected one of {', '.join(SEVERITIES)}, got {sev!r}")


def read_toml(path: Path, what: str = "") -> dict[str, Any]:
    """A TOML file as a dict; unreadable or malformed -> ConfigError naming the file (and `what` it is)."""
    label = f"{what} {path}" if what else str(path)
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{label}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{label}: cannot read: {exc.strerror}") from None


def find_config_file(start: Path) -> Path | None:
    """The nearest aligner.toml, or pyproject.toml with a [tool.aligner] table, from `start` upwards."""
    start = start.resolve()
    for folder in [start, *start.parents]:
        candidate = folder / "aligner.toml"
        if candidate.is_file():
            return candidate
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and "aligner" in read_toml(candidate).get("tool", {}):
            return candidate
    return None


def load_config(path: str | Path | None = None, *, search_from: str | Path | None = None) -> Config:
    """Load `path` (aligner.toml or pyproject.toml), or the nearest one found from `search_from`."""
    if path is None:
        found = find_config_file(Path(search_from or "."))
        if found is None:
            return Config()
        path = found
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"configuration file not found: {path}")
    data = read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("aligner", {})
    try:
        return from_mapping(data, source=str(path))
    except ConfigError as exc:  # every message names the file, so the user knows where to look
        if str(path) in str(exc):
            raise
        raise ConfigError(f"{path}: {exc}") from None


def override(cfg: Config, **dotted: Any) -> Config:
    """Apply CLI options given as `section__key=value`; None means "not given"."""
    nested: dict[str, dict[str, Any]] = {}
    for name, value in dotted.items():
        if value is None:
            continue
        section, _, key = name.partition("__")
        nested.setdefault(section, {})[key] = value
    return from_mapping(nested, source=cfg.source, base=cfg) if nested else cfg
