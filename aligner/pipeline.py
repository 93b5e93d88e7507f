"""`aligner run`: the whole pipeline, stage by stage.

load -> segment -> embed -> pair documents -> label roles -> align parallel pairs
-> checks -> clean -> write. Each stage lives in its own subpackage; this module
only wires them and times them. The encoder is injected so tests can pass a fake.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aligner.config import Config
from aligner.errors import InputError
from aligner.model import Bead, DocPair, Document, Flag

log = logging.getLogger("aligner")


@dataclass
class AlignedPair:
    """A parallel document pair with its beads."""

    pair: DocPair
    src: Document
    tgt: Document
    beads: list[Bead]


@dataclass
class RunResult:
    documents: list[Document]
    pairs: list[DocPair]
    aligned: list[AlignedPair]
    flags: list[Flag]
    signature: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)  # aligned.jsonl records
    stats: dict[str, Any] = field(default_factory=dict)  # per-stage counters for summary.json


class _Timer:
    def __init__(self, timings: dict[str, float]):
        self.timings = timings

    def __call__(self, name: str):
        timer = self

        class _Ctx:
            def __enter__(self):
                self.t0 = time.perf_counter()
                log.info("%s ...", name)

            def __exit__(self, *exc):
                timer.timings[name] = round(time.perf_counter() - self.t0, 4)

        return _Ctx()


def signature(config: Config, encoder) -> dict[str, Any]:
    """What produced an output: tool version, encoder and its revision, thresholds."""
    from aligner import __version__

    return {
        "tool": "aligner",
        "version": __version__,
        "schema": 1,
        "encoder": encoder.signature() if encoder is not None else None,
        "thresholds": config.thresholds(),
        "config": config.source,
    }


def embed_documents(documents: list[Document], encoder) -> dict[str, Any]:
    """Sentence embeddings per document, from ONE encoder call: the engine batches by length across the corpus."""
    texts = [s.text for d in documents for s in d.sentences]
    vectors = encoder.encode(texts)
    out, start = {}, 0
    for d in documents:
        out[d.doc] = vectors[start:start + len(d.sentences)]
        start += len(d.sentences)
    return out


def run(corpus: str | Path, out: str | Path | None = None, *, config: Config | None = None,
        encoder=None, write: bool = True) -> RunResult:
    """Run the pipeline on a corpus folder; write the contract's files into `out` when `write`.

    `out` is locked before any work, so a second run into the same folder stops at once
    (OutputLocked) instead of racing this one; the files are moved into place together at
    the end (aligner.output.staging).
    """
    if not (write and out is not None):
        return _run(corpus, out, config=config, encoder=encoder, write=write)
    from aligner.output.staging import OutputLock

    check_output_folder(out)
    with OutputLock(out) as lock:
        return _run(corpus, out, config=config, encoder=encoder, write=write, lock=lock)


def _run(corpus: str | Path, out: str | Path | None = None, *, config: Config | None = None,
         encoder=None, write: bool = True, lock=None) -> RunResult:
    from aligner.align import try_align_documents
    from aligner.checks import run_checks
    from aligner.checks.clean import apply_cleaning
    from aligner.embed import get_encoder
    from aligner.load import load_corpus
    from aligner.pair import pair_documents
    from aligner.pair.roles import label_roles
    from aligner.segment import segment_corpus

    config = config or Config()
    timings: dict[str, float] = {}
    timed = _Timer(timings)
    if write and out is not None:
        check_output_folder(out)  # before the work, not after it

    with timed("load"):
        documents = load_corpus(corpus, config=config)
    if not documents:
        raise InputError(f"{corpus}: no documents found in the corpus folder (.txt, .html, .htm, .docx, .odt, .md, .pdf, .srt, .xlf, .xliff, .po; hidden files are skipped)")
    with timed("segment"):
        segment_corpus(documents, config=config)
    ok_docs = [d for d in documents if d.ok]

    if encoder is None:
        with timed("load_encoder"):
            encoder = get_encoder(config.encoder.name, config=config.encoder)
    with timed("embed"):
        embeddings = embed_documents(ok_docs, encoder)
    with timed("roles"):
        label_roles(ok_docs, encoder, config=config.pair, embeddings=embeddings)
    with timed("pair"):
        pair_stats: dict[str, Any] = {}
        from aligner.pair.priors import apply_priors, split_bilingual  # bilingual files, names, manifest

        mono, bilingual = split_bilingual(ok_docs)
        pairs = apply_priors(pair_documents(mono, embeddings, config=config.pair, stats=pair_stats), mono,
                             config=config) + bilingual
    aligned: list[AlignedPair] = []
    problems: list[tuple[Document, str, str]] = []  # a pair whose alignment failed: reported, the run goes on
    by_id = {d.doc: d for d in ok_docs}
    with timed("align"):
        for p in pairs:
            if p.relation != "parallel":
                continue
            src, tgt = by_id[p.src_doc], by_id[p.tgt_doc]
            from aligner.pair.priors import prior_beads  # a bilingual file's units, subtitles in sync

            beads = prior_beads(p, src, tgt, embeddings[src.doc], embeddings[tgt.doc], config=config.align)
            problem = None
            if beads is None:
                beads, problem = try_align_documents(src, tgt, embeddings[src.doc], embeddings[tgt.doc],
                                                     encoder=encoder, config=config.align)
            if problem:
                p.evidence["error"] = problem
                problems.append((src, "alignment", problem))
                continue
            aligned.append(AlignedPair(p, src, tgt, beads))
    with timed("checks"):
        flags = run_checks(documents, aligned, encoder=encoder, embeddings=embeddings, config=config,
                           problems=problems)
    with timed("clean"):
        records = apply_cleaning(documents, aligned, flags, config=config)

    result = RunResult(documents, pairs, aligned, flags, signature(config, encoder), timings, records,
                       stats={"pair": pair_stats})
    if write and out is not None:
        from aligner.output import write_outputs

        with timed("write"):
            try:
                write_outputs(result, Path(out), lock=lock)
            except OSError as exc:
                raise InputError(f"cannot write {out}: {exc.strerror or exc}") from exc
    return result


def check_output_folder(out: str | Path) -> None:
    """Raise InputError when `out` cannot become the output folder (it, or a parent, is a file)."""
    import os

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
