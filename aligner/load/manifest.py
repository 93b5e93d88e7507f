"""The optional corpus manifest: `manifest.toml` and/or `manifest.jsonl` at the corpus root.

manifest.toml::

    [documents."000_572c31cb3efa376d"]
    lang = "tl"
    role = "customer service manager"
    source_url = "https://example.org/a"
    title = "Ano ang isang tagapamahala ng serbisyo sa customer?"
    translation_of = "001_other_doc"   # declares the pair parallel (aligner.pair.priors)

manifest.jsonl: one JSON object per line, naming its document by "doc" (id) or "path"
(relative to the corpus root) and setting the same keys. A malformed file, an unknown key,
a bad language code, a document that is not in the corpus or two conflicting values
raise ConfigError naming the file (and line).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from aligner.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

KEYS = ("lang", "role", "source_url", "title", "translation_of")  # translation_of: a doc id (aligner.pair.priors)
_LANG = re.compile(r"^[a-z]{2}$")


def _check_entry(where: str, entry: Any) -> dict[str, str]:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a table of document settings, got {entry!r}")
    out: dict[str, str] = {}
    for key, value in entry.items():
        if key not in KEYS:
            raise ConfigError(f"{where}: unknown manifest key '{key}' (known: {', '.join(KEYS)})")
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where}.{key}: expected a non-empty string, got {value!r}")
        if key == "lang":
            if not _LANG.match(value):
                raise ConfigError(f"{where}.lang: expected an ISO 639-1 code such as 'tl' or 'cs', got {value!r}")
            from aligner.config import check_language

            check_language(f"{where}.lang", value)
        out[key] = value.strip()
    return out


def read_manifest(root: Path, ids_by_path: dict[str, str]) -> dict[str, dict[str, str]]:
    """doc id -> settings, from the manifest files at `root` (empty when there are none)."""
    known_ids = set(ids_by_path.values())
    settings: dict[str, dict[str, str]] = {}
    origin: dict[tuple[str, str], str] = {}

    def add(where: str, doc: str, entry: dict[str, str]) -> None:
        if doc not in known_ids:
            raise ConfigError(f"{where}: document '{doc}' is not in the corpus")
        other = entry.get("translation_of")
        if other is not None and (other not in known_ids or other == doc):
            raise ConfigError(f"{where}.translation_of: '{other}' is not another document of the corpus")
        for key, value in entry.items():
            old = settings.setdefault(doc, {}).get(key)
            if old is not None and old != value:
                raise ConfigError(f"{where}: {doc}.{key} = {value!r} conflicts with {old!r} set in {origin[(doc, key)]}")
            settings[doc][key] = value
            origin[(doc, key)] = where

    toml_path = root / "manifest.toml"
    if toml_path.is_file():
        try:
            data = tomllib.loads(toml_path.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{toml_path}: not valid TOML: {exc}") from None
        for key in data:
            if key != "documents":
                raise ConfigError(f"{toml_path}: unknown top-level key '{key}' (expected [documents.<id>] tables)")
        docs = data.get("documents", {})
        if not isinstance(docs, dict):
            raise ConfigError(f"{toml_path}: 'documents' must be a table of [documents.<id>] tables")
        for doc, entry in docs.items():
            where = f"{toml_path}: documents.{doc}"
            add(where, doc, _check_entry(where, entry))

    jsonl_path = root / "manifest.jsonl"
    if jsonl_path.is_file():
        try:
            lines = jsonl_path.read_text(encoding="utf-8-sig").splitlines()
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{jsonl_path}: not UTF-8: {exc}") from None
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{jsonl_path}:{n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{where}: not valid JSON: {exc.msg}") from None
            if not isinstance(obj, dict):
                raise ConfigError(f"{where}: expected a JSON object")
            obj = dict(obj)
            doc = obj.pop("doc", None)
            path = obj.pop("path", None)
            if path is not None:
                pid = ids_by_path.get(str(path).replace("\\", "/"))
                if pid is None:
                    raise ConfigError(f"{where}: path '{path}' is not a document of the corpus")
                if doc is not None and doc != pid:
                    raise ConfigError(f"{where}: doc '{doc}' and path '{path}' name different documents")
                doc = pid
            if not isinstance(doc, str):
                raise ConfigError(f"{where}: each line needs a \"doc\" (document id) or \"path\"")
            add(where, doc, _check_entry(where, obj))
    return settings
