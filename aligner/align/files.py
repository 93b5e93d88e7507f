"""Align two files directly (`aligner align SRC TGT`) with the pipeline's own stages.

Each file is read by the reader of its extension (aligner.load: .txt, .html, .docx, .odt, .md,
.pdf, .srt), segmented, embedded, aligned as a parallel pair (no pairing stage: the user says
they are translations), checked and cleaned exactly as `aligner run` would, so `align` and `run`
give the same beads for the same two files. Two subtitle files in sync are aligned by the time
overlap of their cues (aligner.pair.priors.subtitle_beads). A file that cannot be used raises InputError with
its problem (the CLI exits 2); so does a file without sentences.
"""

from __future__ import annotations

from pathlib import Path

from aligner.config import Config
from aligner.errors import InputError
from aligner.model import DocPair, Document, Sentence


def _ids(src: Path, tgt: Path) -> tuple[str, str]:
    """Document ids: the file names without extension, the names or the paths when those are equal."""
    for a, b in ((src.stem, tgt.stem), (src.name, tgt.name), (src.as_posix(), tgt.as_posix())):
        if a != b:
            return a, b
    return f"{src.as_posix()}#1", f"{tgt.as_posix()}#2"


def load_pair(src: str | Path, tgt: str | Path, *, config: Config, src_lang: str | None = None,
              tgt_lang: str | None = None) -> tuple[Document, Document]:
    """Read both files (reader by extension); InputError for a file that cannot be used."""
    from aligner.load import apply_manifest, file_format, load_documents

    src, tgt = Path(src), Path(tgt)
    out = []
    for path, doc_id, lang in ((src, _ids(src, tgt)[0], src_lang), (tgt, _ids(src, tgt)[1], tgt_lang)):
        docs = load_documents(path, doc_id, config=config, display_path=str(path))
        if len(docs) != 1:
            raise InputError(f"{path}: a bilingual {file_format(path)} file is aligned already: "
                             "put it in a folder and run `aligner check FOLDER` or `aligner run FOLDER`")
        doc = docs[0]
        if not doc.ok:
            raise InputError(f"{path}: {doc.problem}")
        if lang:
            apply_manifest(doc, {"lang": lang})
        out.append(doc)
    return out[0], out[1]


def lines_as_sentences(doc: Document) -> None:
    """`-l`: every non-blank line is one sentence; a blank line starts a new paragraph."""
    import re

    raw = doc.raw
    sentences, par, blank = [], 0, False
    for m in re.finditer(r"[^\r\n]+", raw):
        s, e = m.start(), m.end()
        text = raw[s:e]
        lead = len(text) - len(text.lstrip())
        s, e = s + lead, s + len(text.rstrip())
        if e <= s:
            blank = True
            continue
        gap = raw[sentences[-1].raw_end:m.start()] if sentences else ""
        if sentences and (blank or gap.count("\n") > 1 or "\n\n" in gap.replace("\r", "")):
            par += 1
        blank = False
        sentences.append(Sentence(i=len(sentences), raw_start=s, raw_end=e, paragraph=par,
                                  text=" ".join(raw[s:e].split()), raw_text=raw[s:e],
                                  lang=doc.lang, lang_confidence=doc.lang_confidence))
    doc.sentences, doc.removed = sentences, []


def align_files(src: str | Path, tgt: str | Path, *, config: Config | None = None, encoder=None,
                one_per_line: bool = False, src_lang: str | None = None, tgt_lang: str | None = None):
    """Read, segment, embed, align, check and clean two files; returns the pipeline's RunResult."""
    from aligner.align import align_documents
    from aligner.checks import run_checks
    from aligner.checks.clean import apply_cleaning
    from aligner.embed import get_encoder
    from aligner.pipeline import AlignedPair, RunResult, embed_documents, signature
    from aligner.segment import segment_corpus

    config = config or Config()
    a, b = load_pair(src, tgt, config=config, src_lang=src_lang, tgt_lang=tgt_lang)
    if one_per_line and (a.pieces or b.pieces or a.format == "html" or b.format == "html"):
        raise InputError("--one-per-line (-l) reads plain-text files only")
    segment_corpus([a, b], config=config)
    for doc in (a, b):
        if not doc.ok:
            raise InputError(f"{doc.path}: {doc.problem}")
        if one_per_line:
            lines_as_sentences(doc)
        if not doc.sentences:
            raise InputError(f"{doc.path}: no sentences to align (the text is empty or was all removed: "
                             f"{', '.join(sorted({r.reason for r in doc.removed})) or 'nothing left'})")
    if encoder is None:
        encoder = get_encoder(config.encoder.name, config=config.encoder)
    embeddings = embed_documents([a, b], encoder)
    from aligner.pair.priors import prior_beads

    stats: dict = {}
    pair = DocPair(a.doc, b.doc, a.lang, b.lang, "parallel", 1.0, {"given": "aligner align: the files are translations"})
    beads = None if one_per_line else prior_beads(pair, a, b, embeddings[a.doc], embeddings[b.doc], config=config.align)
    if beads is None:  # no structure to follow (or subtitles out of sync): align by content
        beads = align_documents(a, b, embeddings[a.doc], embeddings[b.doc], encoder=encoder, config=config.align,
                                stats=stats)
    aligned = [AlignedPair(pair, a, b, beads)]
    flags = run_checks([a, b], aligned, encoder=encoder, embeddings=embeddings, config=config)
    records = apply_cleaning([a, b], aligned, flags, config=config)
    return RunResult([a, b], [pair], aligned, flags, signature(config, encoder), {}, records,
                     stats={"align": stats})
