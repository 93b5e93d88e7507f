"""The role (job) each article describes, in canonical English lower case.

The multilingual encoder compares the document's title (or first sentence) with
every name of every role in a vocabulary (aligner/data/roles.toml, optionally
extended by a user file): English names, aliases and translations. The body
supports the title (roles the body talks about gain a little over those it does
not) and takes over when the title names no role. A vocabulary name appearing
verbatim in the title adds a small bonus. A manifest role always wins. When the
best role does not clear `PairConfig.role_threshold`, the role is left empty
(None) with its score instead of guessing.

See docs/pairing.md for the scores measured on the bundled corpus.
"""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Mapping

from aligner.config import PairConfig, read_toml
from aligner.errors import ConfigError
from aligner.model import Document

log = logging.getLogger("aligner.roles")

_LANG_KEY = re.compile(r"^[a-z]{2,3}$")
_RESERVED = {"aliases", "family"}

TITLE_KIND = "query"  # e5 convention: short texts compared symmetrically are both "query:"
BODY_WEIGHT = 0.5  # how far the body's preference moves the title's similarities
LEXICAL_BONUS = 0.02  # a vocabulary name written in the title, as a whole phrase
MAX_BODY_SENTENCES = 40  # the body's support needs its opening, not every sentence of a long article
MAX_TITLE_CHARS = 2000  # a page's <title> or og:title can be a whole blob; the encoder pays for every character


def canonical(name: str) -> str:
    """Lower case, single spaces, NFC: the form roles are compared and written in."""
    return " ".join(unicodedata.normalize("NFC", name).lower().split())


@dataclass
class Role:
    name: str
    names: dict[str, list[str]] = field(default_factory=dict)  # "en" (name + aliases) and language codes
    family: str | None = None

    def forms(self) -> dict[str, set[str]]:
        """Each distinct name and the languages it is listed under."""
        seen: dict[str, set[str]] = {}
        for lang, values in self.names.items():
            for v in values:
                seen.setdefault(v, set()).add(lang)
        return seen


@dataclass
class RoleVocabulary:
    roles: dict[str, Role] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def forms(self, languages: set[str] | None = None) -> tuple[list[str], list[str], list[set[str]]]:
        """Names (English ones and those of `languages`, all if None), the role each belongs to, its languages."""
        texts, owners, langs = [], [], []
        for role in self.roles.values():
            for form, form_langs in role.forms().items():
                if languages is not None and not (form_langs & (languages | {"en"})):
                    continue
                texts.append(form)
                owners.append(role.name)
                langs.append(form_langs)
        return texts, owners, langs

    def merge(self, data: Mapping[str, Any], source: str) -> None:
        """Add the roles of a parsed vocabulary file (validated; names of known roles are appended)."""
        if not isinstance(data, Mapping):
            raise ConfigError(f"{source}: expected a table")
        unknown = set(data) - {"version", "roles"}
        if unknown:
            raise ConfigError(f"{source}: unknown key(s) {', '.join(sorted(unknown))} (expected 'version' and [roles.*])")
        roles = data.get("roles")
        if not isinstance(roles, Mapping) or not roles:
            raise ConfigError(f"{source}: no [roles.\"<canonical name>\"] tables")
        for raw_name, entry in roles.items():
            where = f"{source}: roles.{raw_name!r}"
            name = canonical(str(raw_name))
            if not name:
                raise ConfigError(f"{where}: empty role name")
            if not isinstance(entry, Mapping):
                raise ConfigError(f"{where}: expected a table of names, got {type(entry).__name__}")
            role = self.roles.setdefault(name, Role(name, {"en": [name]}))
            for key, value in entry.items():
                if key == "family":
                    if not isinstance(value, str):
                        raise ConfigError(f"{where}.family: expected a string")
                    role.family = value
                    continue
                lang = "en" if key == "aliases" else key
                if key not in _RESERVED and not _LANG_KEY.match(key):
                    raise ConfigError(f"{where}: unknown key {key!r} (expected aliases, family or a language code)")
                if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                    raise ConfigError(f"{where}.{key}: expected a list of non-empty strings")
                bucket = role.names.setdefault(lang, [])
                for v in value:
                    v = " ".join(v.split())
                    if v not in bucket:
                        bucket.append(v)
        self.sources.append(source)


def _read(path: Path) -> dict[str, Any]:
    return read_toml(path, "role vocabulary")


def shipped_vocabulary_path() -> Path:
    from importlib.resources import files

    return Path(str(files("aligner") / "data" / "roles.toml"))


def load_vocabulary(extra: str | Path | Mapping[str, Any] | None = None) -> RoleVocabulary:
    """The shipped vocabulary, with a user file (path) or parsed mapping merged over it."""
    vocab = RoleVocabulary()
    shipped = shipped_vocabulary_path()
    vocab.merge(_read(shipped), "aligner/data/roles.toml")
    if extra is None:
        return vocab
    if isinstance(extra, Mapping):
        vocab.merge(extra, "role vocabulary")
    else:
        path = Path(extra)
        if not path.is_file():
            raise ConfigError(f"role vocabulary file not found: {path}")
        vocab.merge(_read(path), str(path))
    return vocab


SHIPPED_VECTORS = "role_vectors.npz"  # the shipped vocabulary's names, encoded by the default encoder
# ... and by the other bundled engine of the same model (its vectors differ in the fourth decimal)
SHIPPED_VECTORS_BY_ENCODER = {"e5-small": SHIPPED_VECTORS, "e5-small-onnx": "role_vectors-e5-small-onnx.npz"}


def shipped_vectors_path(encoder_name: str) -> Path:
    """Where the shipped table of `encoder_name` lives (the default encoder's for any other name)."""
    name = SHIPPED_VECTORS_BY_ENCODER.get(encoder_name, SHIPPED_VECTORS)
    return Path(str(files("aligner") / "data" / name))


@lru_cache(maxsize=4)
def _shipped_table(path: str, digest: str) -> dict[str, Any]:
    """name -> vector from a table written by `write_shipped_vectors`, {} when it was made by another encoder."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["signature"]) != digest or str(data["kind"]) != TITLE_KIND:
                return {}
            return dict(zip(data["names"].tolist(), np.asarray(data["vectors"], dtype=np.float32)))
    except (OSError, KeyError, ValueError):
        return {}


def form_vectors(forms: list[str], encoder) -> Any:
    """The encoder's vectors of vocabulary names (kind TITLE_KIND), from the shipped table where it holds them.

    The shipped vocabulary's names were encoded once by the default encoder (aligner/data/role_vectors.npz,
    written by bench/make_role_vectors.py); the table is used only when the run's encoder has the very
    signature it was made with (model, weights' sha256), so its vectors are the ones the encoder returns.
    Names it lacks (a user vocabulary, an edited roles.toml) are encoded as before.
    """
    import numpy as np

    from aligner.embed.cache import signature_digest

    try:
        signature = encoder.signature()
        digest = signature_digest(signature)
    except Exception:  # noqa: BLE001 - an encoder without a usable signature: encode everything
        signature, digest = {}, ""
    path = shipped_vectors_path(str(signature.get("name", "")))
    table = _shipped_table(str(path), digest) if digest else {}
    missing = [f for f in dict.fromkeys(forms) if f not in table]
    if missing:
        table = {**table, **dict(zip(missing, encoder.encode(missing, kind=TITLE_KIND)))}
    if not forms:
        return encoder.encode([], kind=TITLE_KIND)
    return np.stack([np.asarray(table[f], dtype=np.float32) for f in forms])


def write_shipped_vectors(encoder, path: str | Path | None = None) -> Path:
    """Encode every name of the shipped vocabulary (one call) and write the table `form_vectors` reads."""
    import numpy as np

    from aligner.embed.cache import signature_digest

    forms, _, _ = load_vocabulary().forms(None)
    forms = list(dict.fromkeys(forms))
    vectors = np.asarray(encoder.encode(forms, kind=TITLE_KIND), dtype=np.float32)
    path = Path(path) if path else shipped_vectors_path(str(encoder.signature().get("name", "")))
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(tmp, names=np.array(forms), vectors=vectors, kind=np.array(TITLE_KIND),
             signature=np.array(signature_digest(encoder.signature())))
    tmp.replace(path)
    _shipped_table.cache_clear()
    return path


@lru_cache(maxsize=8192)
def _norm_phrase(s: str) -> str:
    return " ".join(re.sub(r"\s*-\s*", "-", canonical(s)).split())


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what `\w` matches in a str pattern


def _phrase_in(text: str, phrase: str) -> bool:
    r"""Whole-phrase, case-insensitive containment (tolerant of whitespace and of 'pag -iwas' hyphen spacing):
    the phrase, neither preceded nor followed by a word character (as `(?<!\w)phrase(?!\w)`, without
    compiling a pattern per vocabulary name)."""
    return _normalised_phrase_in(_norm_phrase(text), _norm_phrase(phrase))


def _normalised_phrase_in(hay: str, needle: str) -> bool:
    """`_phrase_in` of a text and a phrase already through `_norm_phrase`."""
    start = hay.find(needle)
    while start >= 0:
        end = start + len(needle)
        if (start == 0 or not _is_word_char(hay[start - 1])) and (end == len(hay) or not _is_word_char(hay[end])):
            return True
        start = hay.find(needle, start + 1)
    return False


@dataclass
class RoleDecision:
    """Why a document got its role: for logs, reports and tests."""

    role: str | None
    score: float | None
    source: str  # manifest | title | body | none
    best: str | None = None
    similarity: float | None = None
    runner_up: str | None = None
    margin: float | None = None
    encoder_only_best: str | None = None
    encoder_only_margin: float | None = None
    lexical: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def r(x):
            return None if x is None else round(float(x), 4)

        return {"role": self.role, "score": r(self.score), "source": self.source, "best": self.best,
                "similarity": r(self.similarity), "runner_up": self.runner_up, "margin": r(self.margin),
                "encoder_only_best": self.encoder_only_best, "encoder_only_margin": r(self.encoder_only_margin),
                "lexical": self.lexical}


def _calibrate(similarity: float, config: PairConfig) -> float:
    span = config.role_ceiling - config.role_floor
    if span <= 0:
        return float(similarity >= config.role_floor)
    return min(1.0, max(0.0, (similarity - config.role_floor) / span))


def _manifest_role(doc: Document) -> str | None:
    role = doc.manifest.get("role") if isinstance(doc.manifest, Mapping) else None
    return role if isinstance(role, str) and role.strip() else None


def needs_labelling(doc: Document) -> bool:
    """Whether `label_roles` compares this document with the vocabulary (no manifest role, some text)."""
    return not _manifest_role(doc) and bool((doc.title or "").strip() or any(s.text.strip() for s in doc.sentences))


class _Names:
    """The vocabulary's names compared in a run: their vectors, roles and phrase patterns, computed once.

    A sharded run labels one shard at a time with the same vocabulary and corpus languages: the
    names are encoded and their patterns compiled once per process (`label_roles(cache=...)`),
    not once per shard.
    """

    def __init__(self, vocab: RoleVocabulary, languages: set | None, encoder):
        import numpy as np

        self.vocab, self.encoder = vocab, encoder  # kept alive: the cache's key holds their ids
        self.names = list(vocab.roles)
        self.index = {n: k for k, n in enumerate(self.names)}
        self.forms, self.owners, self.form_langs = vocab.forms(languages)
        self.owner_idx = owner_idx = np.array([self.index[o] for o in self.owners], dtype=np.int64)
        self.vectors = form_vectors(self.forms, encoder)  # the shipped vectors when the encoder matches
        # the names grouped by role, for one maximum per role (np.maximum.reduceat over the groups)
        self.order = np.argsort(owner_idx, kind="stable")
        self._columns: dict[Any, Any] = {}
        # each distinct phrase the names make (`_norm_phrase`) and the roles that write it, for `lexical`
        self.phrases: dict[str, set[str]] = {}
        for form, owner in zip(self.forms, self.owners):
            self.phrases.setdefault(_norm_phrase(form), set()).add(owner)

    def per_role(self, vectors, lang: str | None):
        """(texts, roles): each text's best similarity to any English or `lang` name of each role."""
        import numpy as np

        columns = self._columns.get(lang)
        if columns is None:
            columns = self._columns[lang] = self._usable_columns(lang)
        order, starts, present = columns
        out = np.full((len(vectors), len(self.names)), -np.inf, dtype=np.float64)
        if not len(order) or not len(vectors):
            return out
        # a role's maximum over its usable names only (the others would count as -inf)
        out[:, present] = np.maximum.reduceat((vectors @ self.vectors.T)[:, order], starts, axis=1)
        return out

    def _usable_columns(self, lang: str | None):
        """The names a text in `lang` is compared with (English ones and `lang`'s), grouped by role:
        (their columns, where each role's group starts, the roles that have one)."""
        import numpy as np

        usable = np.array([lang is None or "en" in fl or lang in fl for fl in self.form_langs], dtype=bool)
        order = self.order[usable[self.order]]  # still grouped by role, in the same order
        owner = self.owner_idx[order]
        starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if len(order) else order
        return order, starts, owner[starts] if len(order) else order

    def lexical(self, title: str) -> list[str]:
        """The roles with a name written in `title` as a whole phrase (as `_phrase_in`): the title normalised
        once, and a plain substring test first (most names are nowhere in it), for every name of every role."""
        hay = _norm_phrase(title)
        found: set[str] = set()
        for needle, owners in self.phrases.items():
            if needle in hay and not owners <= found and _normalised_phrase_in(hay, needle):
                found |= owners
        return sorted(found)


def label_roles(documents: list[Document], encoder, vocabulary=None, *, config: PairConfig | None = None,
                details: dict[str, RoleDecision] | None = None, embeddings: Mapping[str, Any] | None = None,
                languages: set | None = None, cache: dict | None = None) -> None:
    """Set doc.role and doc.role_score from the title first, then the body.

    `vocabulary`: None (the shipped one, plus `config.roles_file` if set), a path to a user
    file or a parsed mapping merged over the shipped one, or a RoleVocabulary. `details`,
    when given, receives a RoleDecision per document id. `languages`: the languages of the whole
    corpus (None among them for a document of unknown language), when `documents` is one shard of it:
    the vocabulary names compared are then those of the corpus, whatever the shard. `embeddings` (document id -> one
    vector per sentence, as the pipeline's embed stage computed them): the body's support
    reuses them instead of encoding the bodies a second time, so labelling costs three encoder
    calls (the vocabulary's names, the titles, the bodies of documents without embeddings).
    `cache` (a dict kept by the caller across calls with the same encoder and settings, as a
    sharded run's worker does): the vocabulary and its encoded names are reused from it.
    With `config.roles` false nothing is encoded: manifest roles are kept, other documents get
    no role (source "off").
    """
    import numpy as np

    config = config or PairConfig()
    if not config.roles:
        for doc in documents:
            manifest_role = doc.manifest.get("role") if isinstance(doc.manifest, Mapping) else None
            if isinstance(manifest_role, str) and manifest_role.strip():
                doc.role, doc.role_score = canonical(manifest_role), 1.0
                source = "manifest"
            else:
                doc.role, doc.role_score, source = None, None, "off"
            if details is not None:
                details[doc.doc] = RoleDecision(doc.role, doc.role_score, source, best=doc.role)
        return
    cache = {} if cache is None else cache
    if isinstance(vocabulary, RoleVocabulary):
        vocab = vocabulary
    else:
        source_key = ("vocabulary", vocabulary if vocabulary is None or isinstance(vocabulary, (str, Path))
                      else id(vocabulary), config.roles_file)
        if source_key not in cache:
            cache[source_key] = load_vocabulary(vocabulary if vocabulary is not None else config.roles_file)
        vocab = cache[source_key]

    todo: list[tuple[Document, str, list[str]]] = []
    for doc in documents:
        manifest_role = _manifest_role(doc)
        if manifest_role:
            doc.role, doc.role_score = canonical(manifest_role), 1.0
            if details is not None:
                details[doc.doc] = RoleDecision(doc.role, 1.0, "manifest", best=doc.role)
            continue
        title = ((doc.title or "").strip() or next((s.text for s in doc.sentences if s.text.strip()), ""))[:MAX_TITLE_CHARS]
        if not title:
            doc.role, doc.role_score = None, None
            if details is not None:
                details[doc.doc] = RoleDecision(None, None, "none")
            continue
        # the body's first MAX_BODY_SENTENCES sentences (a long article's others are not read)
        body = list(itertools.islice((k for k, s in enumerate(doc.sentences) if s.text.strip() and s.text != title),
                                     MAX_BODY_SENTENCES))
        todo.append((doc, title, body))
    if not todo:
        return

    # English names and those of the documents' languages (all names when a language is unknown)
    doc_langs = set(languages) if languages is not None else {d.lang for d, _, _ in todo}
    form_languages = None if None in doc_langs else {str(x) for x in doc_langs}
    names_key = ("names", id(vocab), id(encoder), None if form_languages is None else frozenset(form_languages))
    if names_key not in cache:
        cache[names_key] = _Names(vocab, form_languages, encoder)
    table: _Names = cache[names_key]
    names, index, per_role = table.names, table.index, table.per_role

    title_vecs = encoder.encode([t for _, t, _ in todo], kind=TITLE_KIND)
    given = embeddings or {}
    usable = {d.doc for d, _, _ in todo if d.doc in given and len(given[d.doc]) == len(d.sentences)}
    flat = [d.sentences[k].text for d, _, b in todo if d.doc not in usable for k in b]
    encoded = iter(encoder.encode(flat, kind=TITLE_KIND)) if flat else iter(())
    body_vecs = {}
    for d, _, b in todo:
        if d.doc in usable:
            body_vecs[d.doc] = np.asarray(given[d.doc])[b] if b else None
        else:
            body_vecs[d.doc] = np.stack([next(encoded) for _ in b]) if b else None

    for (doc, title, body), t_vec in zip(todo, title_vecs):
        t_sims = per_role(t_vec[None, :], doc.lang)[0]
        b_sims = per_role(body_vecs[doc.doc], doc.lang) if body else np.zeros((0, len(names)))
        lexical = table.lexical(title)
        encoder_only = t_sims.copy()
        if len(b_sims):
            body_mean = b_sims.mean(axis=0)
            encoder_only += BODY_WEIGHT * (body_mean - body_mean.max())
        combined = encoder_only.copy()
        for name in lexical:
            combined[index[name]] += LEXICAL_BONUS
        order = np.argsort(-combined)
        best, second = int(order[0]), int(order[1]) if len(order) > 1 else int(order[0])
        similarity = float(min(1.0, combined[best]))
        score = _calibrate(similarity, config)
        source = "title"
        if score < config.role_threshold and len(b_sims):
            # the title names no role the vocabulary knows: let the body's strongest sentences decide
            k = max(3, len(b_sims) // 4)
            top = -np.sort(-b_sims, axis=0)[:k].mean(axis=0)
            b_order = np.argsort(-top)
            b_score = _calibrate(float(top[b_order[0]]), config)
            if b_score >= config.role_threshold:
                best, second = int(b_order[0]), int(b_order[1]) if len(b_order) > 1 else int(b_order[0])
                similarity, score, source, combined = float(top[best]), b_score, "body", top
        enc_order = np.argsort(-encoder_only)
        decision = RoleDecision(
            role=names[best] if score >= config.role_threshold else None,
            score=round(score, 4), source=source if score >= config.role_threshold else "none",
            best=names[best], similarity=similarity, runner_up=names[second],
            margin=float(combined[best] - combined[second]),
            encoder_only_best=names[int(enc_order[0])],
            encoder_only_margin=float(encoder_only[enc_order[0]] - encoder_only[enc_order[1]]) if len(names) > 1 else None,
            lexical=lexical,
        )
        doc.role, doc.role_score = decision.role, decision.score
        log.info("role %s: %s (score %.3f, margin %.4f over %s, from %s)", doc.doc, decision.role,
                 decision.score, decision.margin, decision.runner_up, decision.source)
        if details is not None:
            details[doc.doc] = decision
