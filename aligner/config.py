"""Run configuration: defaults, `[tool.aligner]` in pyproject.toml or `aligner.toml`, CLI overrides.

One schema for all three so a key means the same thing everywhere; an unknown key
is a `ConfigError` naming it (a typo must not silently fall back to a default).
Per-check settings live under `checks.<code>` and are validated against the
check registry, so config key = registry key = flag code.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from aligner.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


PROGRESS_MODES = ("auto", "always", "never")  # = aligner.embed.progress.PROGRESS_MODES (kept light here)
SEVERITY_NAMES = ("info", "warning", "error")  # = aligner.model.SEVERITIES
# Bead types the aligner can search: a-b with 0..4 sentences a side, not 0-0 (aligner.align.core).
BEAD_TYPES = tuple(f"{a}-{b}" for a in range(5) for b in range(5) if (a, b) != (0, 0))


@dataclass(frozen=True)
class Spec:
    """What a setting accepts: its kind, and optionally a range, a choice or the items of a list.

    Kinds: "bool", "int", "float", "str", "path" (a string or none), "list" (of strings).
    `choices`: allowed values (of the setting, or of each item of a list); `lo`/`hi`: inclusive
    bounds (`lo_open`: lo excluded); `nullable`: None is allowed (TOML has no null: only as default);
    `check`: name of an extra validator in `_EXTRA` (languages, bead types, encoder names).
    """

    kind: str
    choices: tuple[Any, ...] | None = None
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    nullable: bool = False
    nonempty: bool = False
    check: str | None = None


def setting(default: Any = dataclasses.MISSING, *, factory: Any = dataclasses.MISSING, **spec: Any) -> Any:
    """A dataclass field carrying its `Spec`: the one place a setting's type and range are declared."""
    if "kind" not in spec:
        sample = default if default is not dataclasses.MISSING else factory()
        spec["kind"] = ("bool" if isinstance(sample, bool) else "int" if isinstance(sample, int)
                        else "float" if isinstance(sample, float) else "list" if isinstance(sample, list) else "str")
    meta = {"spec": Spec(**spec)}
    if factory is not dataclasses.MISSING:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass
class EncoderConfig:
    name: str = setting("e5-small", nonempty=True, check="encoder")  # registry name, or "st:<model id or local path>"
    cache_dir: str | None = setting(None, kind="path", nullable=True)  # None: $ALIGNER_CACHE_DIR or ~/.cache/aligner
    cache: bool = setting(True)
    threads: int = setting(0, lo=0, hi=1024)  # 0: let the engine decide
    batch_size: int = setting(32, lo=1, hi=65536)
    progress: str = setting("auto", choices=PROGRESS_MODES)  # progress bar on stderr: auto (long jobs on a terminal), always, never
    allow_download: bool = setting(False)  # st: models may be fetched from the hub (default: local files only)
    device: str = setting("auto", check="device")  # st: models: auto (CUDA where torch sees a GPU, else CPU), cpu, cuda, cuda:N, mps


@dataclass
class SegmentConfig:
    languages: list[str] = setting(factory=lambda: ["tl", "it", "cs", "en", "de", "fr", "es", "pt"],
                                   nonempty=True, check="languages")
    min_lang_confidence: float = setting(0.5, lo=0.0, hi=1.0)
    max_file_mb: float = setting(50.0, lo=0.0, lo_open=True)
    # a longer "sentence" (a table, list or blob without final punctuation) is cut into pieces of at most this many
    # characters, at spaces where it can be (aligner.segment.sentences.cap_length); every character is kept
    max_sentence_chars: int = setting(2000, lo=100)
    # per-sentence language id: "auto" (lingua only where the function words do not confirm the
    # document's language), "all" (lingua on every sentence), "off" (sentences inherit it)
    sentence_lang: str = setting("auto", choices=("auto", "all", "off"))


@dataclass
class PairConfig:
    parallel_threshold: float = setting(0.5, lo=0.0, hi=1.0)
    comparable_threshold: float = setting(0.2, lo=0.0, hi=1.0)
    ann_neighbours: int = setting(5, lo=1)  # per document and language, over language-centred document vectors
    # Sentence evidence (docs/pairing.md): ratio margin over the k nearest sentences of the other side.
    margin_k: int = setting(4, lo=1)
    margin_threshold: float = setting(1.02, lo=0.0, lo_open=True)  # measured on multilingual-e5-small; LaBSE/LASER-style spaces use ~1.05
    order_slack: int = setting(3, lo=0)  # a matched neighbour may skip this many one-sided sentences and still count as "in order"
    min_length_ratio: float = setting(0.5, lo=0.0, hi=1.0)  # char length ratio below which translation evidence is scaled down
    # Topic similarity: mean best-match cosine mapped linearly from floor (0) to ceiling (1); encoder specific.
    topic_floor: float = setting(0.80, lo=-1.0, hi=1.0)
    topic_ceiling: float = setting(0.86, lo=-1.0, hi=1.0)
    topic_weight: float = setting(0.3, lo=0.0, hi=1.0)  # score = (1 - topic_weight) * translation evidence + topic_weight * topic
    # auto: move the topic range to the encoder's scale measured on the corpus (aligner.pair.calibrated) unless the
    # encoder is e5-small, on which it was set; on: always; off: never
    calibration: str = setting("auto", choices=("auto", "on", "off"))
    # Scale: up to this many documents every cross-language pair is scored; above it an ANN index proposes candidates.
    exhaustive_max_docs: int = setting(100, lo=0)
    max_pair_records: int = setting(50_000, lo=0)  # above this many cross-language pairs only candidates are reported
    # Roles (aligner.pair.roles): a user vocabulary merged over the shipped one, and the acceptance threshold.
    roles: bool = setting(True)  # label each document's job role; false for a corpus that is not about job roles
    roles_file: str | None = setting(None, kind="path", nullable=True)
    role_threshold: float = setting(0.5, lo=0.0, hi=1.0)  # on the calibrated role score below
    role_floor: float = setting(0.85, lo=-1.0, hi=1.0)  # title-to-role-name similarity mapped to score 0 (e5-small "query:" space) ...
    role_ceiling: float = setting(1.0, lo=-1.0, hi=1.0)  # ... and to score 1


@dataclass
class AlignConfig:
    max_beads: list[str] = setting(factory=lambda: ["1-1", "1-2", "2-1", "1-0", "0-1", "1-3", "3-1", "2-2", "1-4", "4-1"],
                                   choices=BEAD_TYPES)
    scoring: str = setting("contrast", choices=("contrast", "knn"))  # "contrast" (bead cosine against adjacent sentences x length agreement) or "knn" (margin)
    skip_cost: float | None = setting(None, kind="float", nullable=True, lo=0.0)  # per one-sided sentence; None: 0.02 (contrast) or derived from the margins (knn)
    band: int = setting(0, lo=0)  # 0: automatic band width around the coarse path
    paragraph_penalty: float = setting(0.05, lo=0.0)
    refine_spans: bool = setting(True)  # encode the few sentence concatenations near the first path for real
    # The two edge tests after the DP (docs/alignment.md, "Edge tests"): a sentence at the edge of a merged side
    # leaves its bead when the bead's cosine without it rises by `split_one_sided`; an edge sentence whose membership
    # (aligner.align.onesided) is below `onesided_member` leaves it where the DP's choice was within
    # `onesided_close`; a 1-1 bead whose mean membership is below `onesided_pair` splits. Lists of independent
    # sentences (FAQ, UI strings, Tatoeba-like text) gain more with member 0.5 (0.1 / 0.02); running prose loses.
    onesided_edges: bool = setting(True)  # false: neither edge test
    split_one_sided: float = setting(0.03, lo=0.0)  # cosine rise that takes an edge sentence out of a merged side
    onesided_member: float = setting(-0.3)  # edge sentence leaves its bead below this membership
    onesided_pair: float = setting(0.1)  # a 1-1 bead splits below this mean membership
    onesided_close: float = setting(0.02, lo=0.0)  # only when the DP's choice was this close
    # The core of each bead with a side of 4 re-chosen after the DP (aligner.align.bead_cores; docs/alignment.md): on.
    onesided_cores: bool = setting(True)  # false: keep the DP's large beads as they are
    # Options of that pass, off by default (docs/alignment.md, "The core of a large bead re-chosen"): on Text+Berg
    # -0.05 / 1.0 / 3 / -0.05 / "both" together find 46 of 58 one-sided sentences (33 by default) at strict F1
    # 0.920 (0.921), but lose on its held-out documents (0.905 against 0.913): for a team that wants omissions seen.
    onesided_core_knn: float | None = setting(None, kind="float", nullable=True)  # cost of a sentence the knn scoring leaves one-sided
    onesided_core_distinct: float | None = setting(None, kind="float", nullable=True, lo=0.0)  # ... unless its best match stands out this much
    onesided_core_gaps: int | None = setting(None, kind="int", nullable=True, lo=3, hi=4)  # a side this long may leave out an inner run
    onesided_gap_skip: float | None = setting(None, kind="float", nullable=True)  # ... at this cost per sentence left out
    onesided_gap_need: str = setting("any", choices=("any", "alien", "knn", "both"))  # ... only sentences with these marks


@dataclass
class CleanConfig:
    min_score: float = setting(0.3, lo=0.0, hi=1.0)  # beads below this alignment score are dropped
    drop_severity: str = setting("error", choices=SEVERITY_NAMES)  # beads with a flag of this severity or worse are dropped
    drop_one_sided: bool = setting(True)  # 1-0 / 0-1 beads are not translation units


@dataclass
class GateConfig:
    fail_on: str = setting("error", choices=SEVERITY_NAMES)  # findings at or above this severity fail `aligner check`
    max_findings: int = setting(0, lo=0)  # how many such findings are tolerated
    categories: list[str] = setting(factory=list, check="categories")  # empty: all categories count
    report_on: str = setting("warning", choices=SEVERITY_NAMES)  # findings at or above this severity are listed in the report
    ignore_fixed: bool = setting(False)  # findings the cleaning stage fixed do not count
    baseline: str = setting("")  # earlier flags.jsonl / output folder: only findings not in it count ("" = none)


@dataclass
class EngineConfig:
    """Where and in what units the pipeline runs (aligner.engine); never changes the output."""

    name: str = setting("local", choices=("local", "ray"))  # "local" (a process pool on this machine) or "ray"
    workers: int = setting(1, lo=0, hi=4096)  # local: worker processes, 0 = one per core; ray: parallel tasks, 0 = the cluster's CPUs
    address: str = setting("")  # ray: "auto" (a running cluster), "ray://host:10001", "" (a local Ray started for the run)
    shard_size: int = setting(64, lo=1)  # documents per unit of per-document work
    batch_size: int = setting(32, lo=1)  # parallel pairs per unit of per-pair work
    work_dir: str = setting("")  # "": OUT/.work


@dataclass
class Config:
    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    segment: SegmentConfig = field(default_factory=SegmentConfig)
    pair: PairConfig = field(default_factory=PairConfig)
    align: AlignConfig = field(default_factory=AlignConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)
    gate: GateConfig = field(default_factory=GateConfig)
    engine: EngineConfig = field(default_factory=EngineConfig)
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


def _fmt(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _range_text(spec: Spec) -> str:
    if spec.lo is not None and spec.hi is not None:
        return f"between {_fmt(spec.lo)} and {_fmt(spec.hi)}"
    if spec.lo is not None:
        return f"{'>' if spec.lo_open else '>='} {_fmt(spec.lo)}"
    return f"<= {_fmt(spec.hi)}"


def check_value(where: str, value: Any, spec: Spec) -> Any:
    """`value` checked against `spec` (ints become floats for float settings); ConfigError naming `where`."""
    if value is None:
        if spec.nullable:
            return None
        raise ConfigError(f"{where}: a value is required")
    kind = spec.kind
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if kind in ("int", "float"):
        given = value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: expected a {'whole ' if kind == 'int' else ''}number, got {value!r}")
        if kind == "int" and not isinstance(value, int):
            if not (isinstance(value, float) and value.is_integer()):
                raise ConfigError(f"{where}: expected a whole number, got {value!r}")
            value = int(value)
        if kind == "float":
            value = float(value)
            if value != value or value in (float("inf"), float("-inf")):
                raise ConfigError(f"{where}: expected a finite number, got {value!r}")
        too_low = spec.lo is not None and (value <= spec.lo if spec.lo_open else value < spec.lo)
        too_high = spec.hi is not None and value > spec.hi
        if too_low or too_high:
            raise ConfigError(f"{where}: expected a {'whole ' if kind == 'int' else ''}number "
                              f"{_range_text(spec)}, got {given!r}")
        return value
    if kind in ("str", "path"):
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {value!r}")
        if spec.nonempty and not value.strip():
            raise ConfigError(f"{where}: expected a non-empty string, got {value!r}")
        if spec.choices is not None and value not in spec.choices:
            raise ConfigError(f"{where}: expected one of {', '.join(spec.choices)}, got {value!r}")
        if kind == "path" and "\0" in value:
            raise ConfigError(f"{where}: not a usable path, got {value!r}")
        return value
    if kind == "list":
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
        value = list(value)
        if spec.nonempty and not value:
            raise ConfigError(f"{where}: expected at least one item")
        if spec.choices is not None:
            bad = [v for v in value if v not in spec.choices]
            if bad:
                raise ConfigError(f"{where}: {', '.join(map(repr, bad))} not allowed "
                                  f"(allowed: {', '.join(spec.choices)})")
        return value
    raise AssertionError(f"unknown setting kind {kind!r}")  # a bug in the schema, not user input


def _known_languages() -> tuple[str, ...]:
    from aligner.segment.langid import SENTINEL_LANGUAGES  # late: aligner.segment imports this module

    return SENTINEL_LANGUAGES


def check_language(where: str, code: Any) -> str:
    """An ISO 639-1 code the language identifier knows; ConfigError naming the supported codes otherwise."""
    known = _known_languages()
    if not isinstance(code, str) or code not in known:
        raise ConfigError(f"{where}: {code!r} is not a supported language code "
                          f"(ISO 639-1, one of: {', '.join(known)})")
    return code


def _check_languages(where: str, value: list[str]) -> None:
    for code in value:
        check_language(where, code)


def _check_categories(where: str, value: list[str]) -> None:
    from aligner.model import CATEGORIES

    bad = [c for c in value if c not in CATEGORIES]
    if bad:
        raise ConfigError(f"{where}: {', '.join(map(repr, bad))} not allowed (allowed: {', '.join(CATEGORIES)})")


def _check_encoder(where: str, value: str) -> None:
    name = value.strip()
    if name.startswith("st:"):
        if not name[3:].strip():
            raise ConfigError(f"{where}: 'st:' needs a model id or local path, e.g. st:sentence-transformers/LaBSE")
        return
    if name == EncoderConfig.__dataclass_fields__["name"].default:
        return
    from aligner.embed import ENCODERS  # late: only for a name that is not the default

    known = [n for n in ENCODERS if not n.endswith(":")]
    if name not in known:
        hint = " (did you mean st:" + name + "?)" if "/" in name else ""
        raise ConfigError(f"{where}: unknown encoder {value!r}{hint} (allowed: {', '.join(known)}, "
                          "or st:<model id or local path>)")


def _check_device(where: str, value: str) -> None:
    """encoder.device: auto, cpu, cuda, cuda:N or mps (whether torch can use it is checked when the encoder loads)."""
    import re

    if not re.fullmatch(r"auto|cpu|mps|cuda(:\d+)?", value.strip().lower()):
        raise ConfigError(f"{where}: expected auto, cpu, cuda, cuda:N or mps, got {value!r}")


_EXTRA = {"languages": _check_languages, "categories": _check_categories, "encoder": _check_encoder,
          "device": _check_device}


def _check_setting(where: str, value: Any, f: dataclasses.Field) -> Any:
    spec: Spec | None = f.metadata.get("spec")
    if spec is None:  # pragma: no cover - every setting declares one (tested)
        return value
    value = check_value(where, value, spec)
    if spec.check and value is not None:
        _EXTRA[spec.check](where, value)
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
            setattr(section, k, _check_setting(f"{prefix}{key}.{k}", v, known[k]))
        setattr(cfg, key, section)
    cfg.source = source or cfg.source
    _validate(cfg, prefix)
    return cfg


def _validate(cfg: Config, prefix: str = "") -> None:
    """Whole-config rules: every value against its Spec (defaults and CLI overrides included), then
    the relations between settings."""
    for name in _SECTIONS:
        section = getattr(cfg, name)
        for f in dataclasses.fields(section):
            _check_setting(f"{prefix}{name}.{f.name}", getattr(section, f.name), f)
    pairs = [("pair.comparable_threshold", cfg.pair.comparable_threshold, "pair.parallel_threshold",
              cfg.pair.parallel_threshold, False),
             ("pair.topic_floor", cfg.pair.topic_floor, "pair.topic_ceiling", cfg.pair.topic_ceiling, True),
             ("pair.role_floor", cfg.pair.role_floor, "pair.role_ceiling", cfg.pair.role_ceiling, True)]
    for low_name, low, high_name, high, strict in pairs:
        if low > high or (strict and low == high):
            raise ConfigError(f"{prefix}{low_name} = {low:g} must be {'below' if strict else 'at most'} "
                              f"{prefix}{high_name} = {high:g}")
    address = cfg.engine.address
    if address and cfg.engine.name != "ray":
        raise ConfigError(f"{prefix}engine.address: only the ray engine connects to a cluster (set engine.name = \"ray\")")
    if address and address != "auto" and not re.fullmatch(r"(ray://)?[\w.\-]+:\d{1,5}", address):
        raise ConfigError(f"{prefix}engine.address: expected \"auto\", \"ray://host:10001\" or \"host:6379\", got {address!r}")


def read_toml(path: Path, what: str = "") -> dict[str, Any]:
    """A TOML file as a dict; unreadable or malformed -> ConfigError naming the file (and `what` it is)."""
    label = f"{what} {path}" if what else str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{label}: cannot read: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{label}: not a TOML file (not UTF-8 text: byte {exc.start} is "
                          f"0x{data[exc.start]:02x})") from None
    if "\x00" in text:
        raise ConfigError(f"{label}: not a TOML file (binary data: a NUL byte at {text.index(chr(0))})")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{label}: not valid TOML: {exc}") from None


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
