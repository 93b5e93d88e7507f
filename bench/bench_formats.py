"""Does reading from DOCX and PDF cost alignment quality? Text+Berg de-fr through `aligner align`'s loader.

    python bench/bench_formats.py              # the seven documents
    python bench/bench_formats.py --docs 005   # one document (quick)

For each Text+Berg document (real German/French translations, gold alignment by hand) the same
lines are written three ways and aligned by `aligner.align.files.align_files` (reader by
extension, segmentation, real encoder, alignment, checks):

- baseline: two .txt files, one gold line per paragraph (blank lines between);
- docx-pdf: the German as a DOCX written by python-docx (one paragraph per line, a running
  header), the French as a PDF written by reportlab (lines wrapped at 90 characters, words
  broken with a hyphen where a line would overflow, a running header and page numbers);
- pdf-pdf: both as such PDFs.

Each sentence is mapped back to its gold line through the readers' locators and offsets; the
figure is the link F1 (pairs of gold lines linked by a bead) against the gold. Needs the
`formats` and `test` extras (reportlab).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from bisect import bisect_right
from pathlib import Path

from _shared import parse_beads, read_lines, shared_dir

DOCS = ["001", "002", "003", "004", "005", "006", "007"]


def write_txt(path: Path, lines: list[str]) -> list[int]:
    text = "\n\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 2
    return starts


def write_docx(path: Path, lines: list[str]) -> None:
    import docx

    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    d.sections[0].header.paragraphs[0].text = "Die Alpen – Jahrbuch"
    d.save(str(path))


def write_pdf(path: Path, lines: list[str], header: str) -> dict[tuple[int, int], int]:
    """(page, line on page) -> gold line index, as the PDF reader numbers lines (header first)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    where: dict[tuple[int, int], int] = {}
    page, y, n_on_page = 1, height - 90, 1  # line 1 of each page is the running header

    def new_page():
        nonlocal page, y, n_on_page
        c.drawString(width / 2, 30, str(page))
        c.showPage()
        page, y, n_on_page = page + 1, height - 90, 1
        start_page()

    def start_page():
        c.setFont("Helvetica", 10)
        c.drawString(72, height - 40, header)

    start_page()
    for k, line in enumerate(lines):
        for part in wrap_hyphen(line, 90):
            if y < 60:
                new_page()
            c.drawString(72, y, part)
            n_on_page += 1
            where[(page, n_on_page)] = k
            y -= 13
        y -= 13
    c.drawString(width / 2, 30, str(page))
    c.showPage()
    c.save()
    return where


def wrap_hyphen(text: str, width: int) -> list[str]:
    out, cur = [], ""
    for word in text.split():
        if cur and len(cur) + 1 + len(word) > width:
            room = width - len(cur) - 2
            if room >= 3 and len(word) >= 8 and word.isalpha():  # break a long word with a hyphen
                out.append(f"{cur} {word[:room]}-")
                cur = word[room:]
                continue
            out.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    if cur:
        out.append(cur)
    return out


def line_of(doc, sentence, txt_starts=None, pdf_where=None) -> int | None:
    from aligner.load.extract import locate

    if txt_starts is not None:
        return bisect_right(txt_starts, sentence.raw_start) - 1
    where = locate(doc.extraction, sentence.raw_start) or {}
    if pdf_where is not None:
        return pdf_where.get((where.get("page"), where.get("line")))
    return where.get("paragraph")


def links(beads, src, tgt, src_line, tgt_line) -> set[tuple[int, int]]:
    out = set()
    for b in beads:
        ls = {src_line(src.sentences[i]) for i in b.src} - {None}
        lt = {tgt_line(tgt.sentences[j]) for j in b.tgt} - {None}
        out |= {(i, j) for i in ls for j in lt}
    return out


def f1(pred: set, gold: set) -> float:
    if not pred or not gold:
        return 0.0
    p = len(pred & gold) / len(pred)
    r = len(pred & gold) / len(gold)
    return 2 * p * r / (p + r) if p + r else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", nargs="*", default=DOCS)
    args = ap.parse_args()
    from aligner.align.files import align_files
    from aligner.config import Config
    from aligner.embed import get_encoder

    cfg = Config()
    enc = get_encoder(cfg.encoder.name, config=cfg.encoder)
    base = shared_dir() / "data" / "textberg"
    totals: dict[str, list[float]] = {"baseline": [], "docx-pdf": [], "pdf-pdf": []}
    print(f"{'doc':>4} {'lines':>9} {'txt-txt':>8} {'docx-pdf':>9} {'pdf-pdf':>8}")
    t0 = time.perf_counter()
    for doc in args.docs:
        de, fr = read_lines(base / "de" / doc), read_lines(base / "fr" / doc)
        gold_links = {(i, j) for s, t in parse_beads((base / "gold" / doc).read_text(encoding="utf-8"))
                      for i in s for j in t}
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            de_starts = write_txt(tmp / "de.txt", de)
            fr_starts = write_txt(tmp / "fr.txt", fr)
            write_docx(tmp / "de.docx", de)
            fr_where = write_pdf(tmp / "fr.pdf", fr, "Les Alpes – Annuaire")
            de_where = write_pdf(tmp / "de.pdf", de, "Die Alpen – Jahrbuch")
            row = {}
            for name, (sp, tp, sl, tl) in {
                "baseline": (tmp / "de.txt", tmp / "fr.txt", dict(txt_starts=de_starts), dict(txt_starts=fr_starts)),
                "docx-pdf": (tmp / "de.docx", tmp / "fr.pdf", {}, dict(pdf_where=fr_where)),
                "pdf-pdf": (tmp / "de.pdf", tmp / "fr.pdf", dict(pdf_where=de_where), dict(pdf_where=fr_where)),
            }.items():
                result = align_files(sp, tp, config=cfg, encoder=enc, src_lang="de", tgt_lang="fr")
                a = result.aligned[0]
                pred = links(a.beads, a.src, a.tgt, lambda s, kw=sl, d=a.src: line_of(d, s, **kw),
                             lambda s, kw=tl, d=a.tgt: line_of(d, s, **kw))
                row[name] = f1(pred, gold_links)
                totals[name].append(row[name] * len(gold_links))
        print(f"{doc:>4} {len(de):>4}/{len(fr):<4} {row['baseline']:8.3f} {row['docx-pdf']:9.3f} {row['pdf-pdf']:8.3f}",
              flush=True)
    n = sum(len({(i, j) for s, t in parse_beads((base / 'gold' / d).read_text(encoding='utf-8')) for i in s for j in t})
            for d in args.docs)
    agg = {k: sum(v) / n for k, v in totals.items()}
    print(f"link F1 weighted by gold links: txt-txt {agg['baseline']:.3f}, docx-pdf {agg['docx-pdf']:.3f} "
          f"(ratio {agg['docx-pdf'] / agg['baseline']:.3f}), pdf-pdf {agg['pdf-pdf']:.3f} "
          f"(ratio {agg['pdf-pdf'] / agg['baseline']:.3f}); {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
