"""Hand-made RunResults for the output tests: no pipeline, no encoder, full control.

`sample_result()` has a de-fr parallel pair (with a hostile HTML/XML payload, a flag
inside a sentence, a dropped bead, a zero-width flag) and a tl-it pair, a document
in error, a comparable pair and removed boilerplate.
"""

from __future__ import annotations

from aligner.model import DocPair, Document, Flag, Removed, Sentence
from aligner.pipeline import AlignedPair, RunResult
from aligner.model import Bead

SIGNATURE = {
    "tool": "aligner", "version": "0.1.0", "schema": 1,
    "encoder": {"name": "fake", "revision": "test", "dim": 64},
    "thresholds": {"clean": {"min_score": 0.3}, "gate": {"fail_on": "error"}},
    "config": None,
}


def make_doc(doc: str, lang: str, parts: list[str], *, removed: list[tuple[str, str]] = (), path=None) -> Document:
    """A document whose raw text is the removed chunks, then the sentences, one per line."""
    raw, sentences, rem = "", [], []
    for text, reason in removed:
        rem.append(Removed(len(raw), len(raw) + len(text), text, reason))
        raw += text + "\n"
    for i, text in enumerate(parts):
        sentences.append(Sentence(i=i, raw_start=len(raw), raw_end=len(raw) + len(text), paragraph=0,
                                  text=" ".join(text.split()), raw_text=text, lang=lang))
        raw += text + "\n"
    return Document(doc=doc, path=path or f"corpus/{doc}.txt", raw=raw, lang=lang, lang_confidence=0.99,
                    title=parts[0], role="tester", sentences=sentences, removed=rem)


def make_record(src: Document, tgt: Document, si: list[int], ti: list[int], score: float, *, keep=True,
                drop_reason=None, flags=()) -> dict:
    s_txt = " ".join(src.sentences[i].text for i in si)
    t_txt = " ".join(tgt.sentences[i].text for i in ti)
    return {
        "id": f"{src.doc}:{','.join(map(str, si))}|{tgt.doc}:{','.join(map(str, ti))}",
        "src_doc": src.doc, "tgt_doc": tgt.doc, "src_lang": src.lang, "tgt_lang": tgt.lang, "role": "tester",
        "src": s_txt, "tgt": t_txt,
        "src_raw": " ".join(src.sentences[i].raw_text for i in si),
        "tgt_raw": " ".join(tgt.sentences[i].raw_text for i in ti),
        "src_sents": si, "tgt_sents": ti,
        "src_spans": [[src.sentences[i].raw_start, src.sentences[i].raw_end] for i in si],
        "tgt_spans": [[tgt.sentences[i].raw_start, tgt.sentences[i].raw_end] for i in ti],
        "type": f"{len(si)}-{len(ti)}", "score": score, "similarity": score - 0.05,
        "flags": list(flags), "keep": keep, "drop_reason": drop_reason,
        "translation": {src.lang: s_txt, tgt.lang: t_txt},
    }


def flag_at(doc: Document, needle: str, code: str, category: str, severity: str, message: str, *,
            sentence: int | None = None, fix=None, fixed=False, bead=None, width: int | None = None) -> Flag:
    start = doc.raw.index(needle)
    end = start + (len(needle) if width is None else width)
    if sentence is None:
        sentence = next((s.i for s in doc.sentences if s.raw_start <= start < s.raw_end), None)
    return Flag(doc=doc.doc, lang=doc.lang, sentence=sentence, code=code, category=category, severity=severity,
                start=start, end=end, text=doc.raw[start:end], message=message, fix=fix, fixed=fixed, bead=bead)


HOSTILE = ("<script>window.__pwned=1;document.title='PWNED'</script> \"Tom & Jerry\" "
           "<img src=x onerror=\"window.__pwned=2;document.body.dataset.pwned=1\">")


def sample_result() -> RunResult:
    de = make_doc("000_de", "de", [
        "Der Kundenservice-Manager leitet das Team.",
        "Er löst Probleme schnell.Dann schreibt er Berichte.",
        HOSTILE,
        "Ein Satz ohne Entsprechung.",
    ], removed=[("Startseite | Kontakt", "navigation")])
    fr = make_doc("001_fr", "fr", [
        "Le responsable du service client dirige l'équipe.",
        "Il résout les problèmes rapidement. Puis il écrit des rapports.",
        HOSTILE,
    ], removed=[("Accueil | Contact", "navigation"), ("{{cookie_banner}}", "placeholder")])
    tl = make_doc("002_tl", "tl", ["Ang manager ay namumuno sa koponan.", "Siya ay mabilis."])
    it = make_doc("003_it", "it", ["Il manager guida la squadra.", "Lui è veloce."])
    broken = Document(doc="004_bad", path="corpus/004_bad.txt", status="error",
                      problem="not UTF-8 text (binary file?)")
    records = [
        make_record(de, fr, [0], [0], 0.91),
        make_record(de, fr, [1], [1], 0.62, flags=["glued-sentences"]),
        make_record(de, fr, [2], [2], 0.88),
        make_record(de, fr, [3], [], 0.0, keep=False, drop_reason="one-sided"),
        make_record(tl, it, [0], [0], 0.83),
        make_record(tl, it, [1], [1], 0.21, keep=False, drop_reason="low-score"),
    ]
    flags = [
        flag_at(de, "schnell.Dann", "glued-sentences", "glued", "warning", "No space after the full stop",
                fix="schnell. Dann", fixed=True, bead=records[1]["id"]),
        flag_at(de, "Kundenservice-Manager", "untranslated", "untranslated", "error",
                "English word left in the German text"),
        flag_at(de, "Startseite", "site-chrome", "boilerplate", "info", "Navigation menu removed"),
        flag_at(fr, "{{cookie_banner}}", "template-placeholder", "boilerplate", "error",
                "Unfilled template placeholder <{{cookie_banner}}>"),
        flag_at(de, "Ein Satz", "omission", "omission", "warning", "Sentence has no counterpart in fr",
                bead=records[3]["id"]),
        flag_at(it, "veloce", "length-ratio", "length", "info", "Length ratio 0.4 & unusual", width=0),
    ]
    docs = [de, fr, tl, it, broken]
    counts = {}
    for f in flags:
        counts[f.doc] = counts.get(f.doc, 0) + 1
    for d in docs:
        d.n_flags = counts.get(d.doc, 0)
    pairs = [
        DocPair(de.doc, fr.doc, "de", "fr", "parallel", 0.93, {"centroid": 0.93}),
        DocPair(tl.doc, it.doc, "tl", "it", "parallel", 0.81, {"centroid": 0.81}),
        DocPair(de.doc, it.doc, "de", "it", "comparable", 0.35, {"centroid": 0.35}),
    ]
    aligned = [
        AlignedPair(pairs[0], de, fr, [Bead((0,), (0,), 0.91, 0.86)]),
        AlignedPair(pairs[1], tl, it, [Bead((0,), (0,), 0.83, 0.78)]),
    ]
    return RunResult(documents=docs, pairs=pairs, aligned=aligned, flags=flags, signature=dict(SIGNATURE),
                     timings={"load": 0.01, "align": 0.2}, records=records)
