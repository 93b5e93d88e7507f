"""Which seed artifacts do existing corpus cleaners catch, next to aligner's checks?

Runs bicleaner-hardrules and OpusFilter (in their own virtualenv: they pin versions that conflict with
ours; the bench creates it on first use in ~/.cache/aligner-bench/cleaners-venv and pip-installs the peers
there, or --venv / $ALIGNER_CLEANERS_VENV names one) and pofilter (translate-toolkit, in this environment)
on the sentence pairs of the parallel seed pair 000 (tl) <-> 001 (it), and prints, per artifact category,
how many artifacts each catches, in two groups reported separately:

  - hand-annotated: the 13 artifacts of bench/data/seed_pair_annotation.json, each found and written down by
    a person;
  - rule-matched glued junctions: every `lower-case letter pair + [.!?] + capital` with no space between,
    found by the regular expression `glued_rule` of that file. That rule is close to aligner's own
    glued-sentence rule, so aligner's score on this group is counted by construction: it says the rule and
    the check agree, not that the check is right.

  python bench/bench_cleaners.py [--quick] [--venv PATH] [--no-install]

A pair cleaner "catches" an artifact when it rejects (or, for pofilter, fails a test on) the sentence pair
that contains it; aligner catches it only with a flag of the same category overlapping the evidence. The
last row counts pairs without any annotated artifact that a tool rejects (its false alarms on this text).
A tool that is not installed is reported as such and skipped. --quick skips the cleaners' virtualenv.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CATEGORIES = ["boilerplate", "glued", "hyphenation", "repetition", "untranslated", "casing", "omission",
              "number", "length", "language", "encoding", "misalignment"]

# ---------------------------------------------------------------------------- the seed pair

def build_pair():
    """Documents, the aligned 000<->001 pair and embeddings, with the real stages when available."""
    from aligner.config import Config

    cfg = Config()
    from aligner.embed import get_encoder

    encoder = get_encoder("e5-small", config=cfg.encoder)
    from aligner.load import load_corpus
    from aligner.segment import segment_corpus

    docs = load_corpus(ROOT / "corpus", config=cfg)
    segment_corpus(docs, config=cfg)
    src = next(d for d in docs if d.doc.startswith("000"))
    tgt = next(d for d in docs if d.doc.startswith("001"))
    emb = {d.doc: encoder.encode([s.text for s in d.sentences]) for d in (src, tgt)}
    from aligner.align import align_documents

    beads = align_documents(src, tgt, emb[src.doc], emb[tgt.doc], encoder=encoder, config=cfg.align)
    from aligner.model import DocPair
    from aligner.pipeline import AlignedPair

    ap = AlignedPair(DocPair(src.doc, tgt.doc, src.lang, tgt.lang, "parallel", 1.0), src, tgt, beads)
    return docs, ap, emb, encoder, cfg


def annotated_spans(docs, ann):
    """(category, doc id, start, end, group) of every artifact: group "hand" (annotated by a person) or
    "rule" (a glued junction matched by the annotation file's regular expression)."""
    out = []
    by_prefix = {d.doc[:3]: d for d in docs}
    for a in ann["artifacts"]:
        d = by_prefix[a["doc"]]
        starts = [m.start() for m in re.finditer(re.escape(a["evidence"]), d.raw)]
        s = starts[a["occurrence"]]
        out.append((a["category"], d.doc, s, s + len(a["evidence"]), "hand"))
    for prefix in ("000", "001"):
        d = by_prefix[prefix]
        for m in re.finditer(ann["glued_rule"], d.raw):
            out.append(("glued", d.doc, m.start() + 1, m.end() - 1, "rule"))
    return out


def units(ap, spans):
    """Sentence pairs shown to the pair cleaners: every bead (raw text of each side), plus, for an artifact
    that straddles beads (a glued junction), the run of beads covering it; chrome is shown as its own pair."""
    src, tgt = ap.src, ap.tgt

    def side_raw(doc, idx):
        return doc.raw[doc.sentences[idx[0]].raw_start:doc.sentences[idx[-1]].raw_end] if idx else ""

    def bead_range(doc, b, side):
        idx = b.src if side == "src" else b.tgt
        return (doc.sentences[idx[0]].raw_start, doc.sentences[idx[-1]].raw_end) if idx else None

    beads = ap.beads
    out = [(side_raw(src, b.src), side_raw(tgt, b.tgt)) for b in beads]
    artifact_unit = []
    for cat, doc_id, s, e, _group in spans:
        doc, side = (src, "src") if doc_id == src.doc else (tgt, "tgt")
        hit = [k for k, b in enumerate(beads) if (r := bead_range(doc, b, side)) and r[0] < e and s < r[1]]
        if not hit:  # removed chrome: shown to the tools as it is, paired with the same line of the other page
            other = tgt if doc is src else src
            text = doc.raw[s:e]
            pair = (text, text if text in other.raw else "") if doc is src else (text if text in other.raw else "", text)
            out.append(pair)
            artifact_unit.append(len(out) - 1)
        elif len(hit) == 1:
            artifact_unit.append(hit[0])
        else:
            b0, b1 = beads[hit[0]], beads[hit[-1]]
            s_idx = [i for b in beads[hit[0]:hit[-1] + 1] for i in b.src]
            t_idx = [i for b in beads[hit[0]:hit[-1] + 1] for i in b.tgt]
            out.append((side_raw(src, s_idx), side_raw(tgt, t_idx)))
            artifact_unit.append(len(out) - 1)
    clean_beads = [k for k in range(len(beads)) if k not in set(artifact_unit)]
    return out, artifact_unit, clean_beads


# ---------------------------------------------------------------------------- the tools

_VENV_DRIVER = r'''
import json, sys, types, tempfile, os
units = json.load(sys.stdin)
out = {}
try:
    # fastspell (language id) and kenlm (LM filter) need models or native builds that are not available offline;
    # both are disabled by the flags below, so empty stand-ins satisfy the imports.
    fs = types.ModuleType("fastspell"); fs.FastSpell = type("FastSpell", (), {}); sys.modules.setdefault("fastspell", fs)
    sys.modules.setdefault("kenlm", types.ModuleType("kenlm"))
    ft = types.ModuleType("fasttext"); ft.FastText = type("FastText", (), {"eprint": staticmethod(lambda *a, **k: None)})
    sys.modules.setdefault("fasttext", ft)  # only the language id and LM rules use it (turned off below)
    from hardrules.bicleaner_hardrules import main as hr_main
    with tempfile.TemporaryDirectory() as tmp:
        inp, outp = os.path.join(tmp, "in.tsv"), os.path.join(tmp, "out.tsv")
        with open(inp, "w") as fh:
            for s, t in units:
                fh.write(s.replace("\t", " ").replace("\n", " ") + "\t" + t.replace("\t", " ").replace("\n", " ") + "\n")
        sys.argv = ["bicleaner-hardrules", inp, outp, "-s", "tl", "-t", "it", "--scol", "1", "--tcol", "2",
                    "--disable_lang_ident", "--disable_porn_removal", "--disable_lm_filter", "--annotated_output",
                    "--quiet", "-p", "1"]
        hr_main()
        rows = [ln.rstrip("\n").split("\t") for ln in open(outp)]
        out["bicleaner-hardrules"] = [[r[2] == "0", [] if r[3] == "keep" else [r[3]]] for r in rows]
        out["bicleaner-hardrules:note"] = "language id, porn and LM rules off (fastspell/kenlm models not available offline)"
except Exception as exc:
    out["bicleaner-hardrules:error"] = f"{type(exc).__name__}: {exc}"
try:
    import opusfilter.filters as F
    filters = {
        "LengthRatio": F.LengthRatioFilter(threshold=2.5, unit="char"),
        "Length": F.LengthFilter(min_length=1, max_length=150, unit="word"),
        "LongWord": F.LongWordFilter(threshold=40),
        "AverageWordLength": F.AverageWordLengthFilter(min_length=2, max_length=20),
        "AlphabetRatio": F.AlphabetRatioFilter(threshold=0.75),
        "CharacterScore": F.CharacterScoreFilter(scripts=["Latin", "Latin"], thresholds=[1, 1]),
        "NonZeroNumerals": F.NonZeroNumeralsFilter(threshold=0.5),
        "Repetition": F.RepetitionFilter(threshold=2, min_length=3),
        "TerminalPunctuation": F.TerminalPunctuationFilter(threshold=-2),
        "LanguageID(lingua)": F.LanguageIDFilter(languages=["tl", "it"], id_method="lingua", thresholds=[0.3, 0.3]),
    }
    res = [[False, []] for _ in units]
    for name, flt in filters.items():
        scores = list(flt.score([list(u) for u in units]))
        for k, sc in enumerate(scores):
            if not flt.accept(sc):
                res[k][0] = True
                res[k][1].append(name)
    out["OpusFilter"] = res
except Exception as exc:
    out["OpusFilter:error"] = f"{type(exc).__name__}: {exc}"
json.dump(out, sys.stdout)
'''


PEERS = ["bicleaner-hardrules", "opusfilter"]
# Their declared dependencies include native builds (fasttext, kenlm, pycld2) that need compilers and models; the
# rules run here need none of them (the driver stubs fastspell/kenlm and turns those rules off), so the peers
# are installed without dependencies and with the pure-Python ones they import.
PEER_DEPS = ["regex", "pyyaml", "toolwrapper", "joblib", "sacremoses", "numpy", "pandas", "tqdm",
             "lingua-language-detector", "beautifulsoup4", "graphviz", "morfessor", "rapidfuzz", "scikit-learn",
             "iso639-lang", "ruamel.yaml", "subword-nmt", "xxhash"]


def default_venv() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "aligner-bench" / "cleaners-venv"


def ensure_venv(venv: Path) -> str | None:
    """Create the peers' virtualenv and pip-install them there when it does not exist; a note, or None."""
    py = venv / "bin" / "python"
    if py.exists():
        return None
    print(f"creating the peer cleaners' virtualenv in {venv} (pip install {' '.join(PEERS)}) ...", file=sys.stderr)
    venv.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True)
    if proc.returncode != 0:
        return f"could not create {venv}: {proc.stderr.strip()[-200:]}"
    for args in (["--no-deps", *PEERS], PEER_DEPS):
        proc = subprocess.run([str(py), "-m", "pip", "install", "-q", *args], capture_output=True, text=True,
                              timeout=3600)
        if proc.returncode != 0:
            return f"pip install {' '.join(args)} failed: {(proc.stderr.strip().splitlines() or ['?'])[-1]}"
    return f"created {venv}"


def run_venv_tools(venv: Path, unit_list):
    py = venv / "bin" / "python"
    if not py.exists():
        return {"bicleaner-hardrules:error": f"no virtualenv at {venv}", "OpusFilter:error": f"no virtualenv at {venv}"}
    proc = subprocess.run([str(py), "-c", _VENV_DRIVER], input=json.dumps(unit_list), capture_output=True,
                          text=True, timeout=900)
    if proc.returncode != 0:
        err = proc.stderr.strip().splitlines()[-1:] or ["failed"]
        return {"bicleaner-hardrules:error": err[0], "OpusFilter:error": err[0]}
    return json.loads(proc.stdout)


def run_pofilter(unit_list):
    try:
        from translate.filters import checks
        from translate.storage import pypo
    except ImportError:
        return None
    checker = checks.StandardChecker()
    out = []
    for s, t in unit_list:
        u = pypo.pounit(s or " ")
        u.target = t
        failures = checker.run_filters(u) if s.strip() else {"blank": "empty source"}
        out.append([bool(failures), sorted(failures)])
    return out


# ---------------------------------------------------------------------------- main

def main(argv=None):
    ap_ = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap_.add_argument("--quick", action="store_true", help="skip the cleaners' virtualenv (only pofilter and ours)")
    ap_.add_argument("--venv", default=os.environ.get("ALIGNER_CLEANERS_VENV") or str(default_venv()))
    ap_.add_argument("--no-install", action="store_true", help="do not create the peers' virtualenv when missing")
    args = ap_.parse_args(argv)

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from aligner.checks import run_checks
    from aligner.checks.clean import apply_cleaning

    ann = json.loads((ROOT / "bench" / "data" / "seed_pair_annotation.json").read_text(encoding="utf-8"))
    docs, ap, emb, encoder, cfg = build_pair()
    spans = annotated_spans(docs, ann)
    flags = run_checks(docs, [ap], encoder=encoder, embeddings=emb, config=cfg)
    records = apply_cleaning(docs, [ap], flags, config=cfg)
    unit_list, artifact_unit, clean_beads = units(ap, spans)

    results: dict[str, list | None] = {}
    notes: dict[str, str] = {}
    if args.quick:
        notes["bicleaner-hardrules"] = notes["OpusFilter"] = "skipped (--quick)"
    else:
        made = None if args.no_install else ensure_venv(Path(args.venv))
        if made:
            notes["virtualenv"] = made
        venv_out = run_venv_tools(Path(args.venv), unit_list)
        for tool in ("bicleaner-hardrules", "OpusFilter"):
            results[tool] = venv_out.get(tool)
            if f"{tool}:error" in venv_out:
                notes[tool] = "not run: " + venv_out[f"{tool}:error"]
            elif f"{tool}:note" in venv_out:
                notes[tool] = venv_out[f"{tool}:note"]
    po = run_pofilter(unit_list)
    results["pofilter"] = po
    if po is None:
        notes["pofilter"] = "not installed (pip install translate-toolkit)"

    # ours: a flag of the same category overlapping the evidence
    def ours_caught(cat, doc_id, s, e):
        return any(f.doc == doc_id and f.category == cat and f.start < e and s < f.end for f in flags)

    tools = ["aligner", "bicleaner-hardrules", "OpusFilter", "pofilter"]
    rows: dict[tuple[str, str], dict] = {}
    fired: dict[str, dict[str, set]] = {t: {} for t in tools}
    for (cat, doc_id, s, e, group), k in zip(spans, artifact_unit):
        row = rows.setdefault((group, cat), {t: 0 for t in tools} | {"n": 0})
        row["n"] += 1
        if ours_caught(cat, doc_id, s, e):
            row["aligner"] += 1
        for t in tools[1:]:
            r = results.get(t)
            if r is not None and r[k][0]:
                row[t] += 1
                fired[t].setdefault(cat, set()).update(r[k][1])
    clean_rejected = {"aligner": sum(1 for k in clean_beads if not records[k]["keep"])}
    for t in tools[1:]:
        r = results.get(t)
        clean_rejected[t] = None if r is None else sum(1 for k in clean_beads if r[k][0])

    def cell(t, v):
        return "n/a" if results.get(t) is None and t != "aligner" else str(v)

    header = f"{'category':<14}{'artifacts':>10}" + "".join(f"{t:>21}" for t in tools)
    n_hand = sum(1 for x in spans if x[4] == "hand")
    print(f"Seed pair 000 (tl) <-> 001 (it): {len(ap.beads)} beads; {n_hand} hand-annotated artifacts, "
          f"{len(spans) - n_hand} rule-matched glued junctions (reported separately)")
    titles = {"hand": "hand-annotated artifacts (found and written down by a person)",
              "rule": "rule-matched glued junctions (regular expression close to aligner's glued-sentence rule: "
                      "aligner's count is by construction)"}
    for group in ("hand", "rule"):
        grows = {cat: r for (g, cat), r in rows.items() if g == group}
        if not grows:
            continue
        print()
        print(titles[group])
        print(header)
        print("-" * len(header))
        for cat in CATEGORIES:
            if cat in grows:
                r = grows[cat]
                print(f"{cat:<14}{r['n']:>10}" + "".join(f"{cell(t, r[t]):>21}" for t in tools))
        total = {t: sum(r[t] for r in grows.values()) for t in tools}
        print("-" * len(header))
        print(f"{'total':<14}{sum(r['n'] for r in grows.values()):>10}"
              + "".join(f"{cell(t, total[t]):>21}" for t in tools))
    print()
    print(f"{'clean rejected':<14}{len(clean_beads):>10}" + "".join(
        f"{('n/a' if clean_rejected[t] is None else clean_rejected[t]):>21}" for t in tools))
    print()
    for t in tools[1:]:
        if fired[t]:
            print(f"{t} rules that fired on artifacts: " + "; ".join(f"{c}: {', '.join(sorted(v))}" for c, v in fired[t].items()))
    for t, n in notes.items():
        print(f"note: {t}: {n}")
    counts: dict[str, dict[str, int]] = {}
    for f in flags:
        counts.setdefault(f.code, {}).setdefault(f.doc[:3], 0)
        counts[f.code][f.doc[:3]] += 1
    ids = sorted({d.doc[:3] for d in docs})
    print()
    print("aligner flags per code on the five seeds (document checks on all, pair checks on 000<->001):")
    print(f"{'code':<24}" + "".join(f"{i:>6}" for i in ids) + f"{'total':>7}{'fixed':>7}")
    from aligner.checks import registry

    for code in registry():
        if code in counts:
            row = counts[code]
            fixed = sum(1 for f in flags if f.code == code and f.fixed)
            print(f"{code:<24}" + "".join(f"{row.get(i, 0):>6}" for i in ids) + f"{sum(row.values()):>7}{fixed:>7}")
    kept = sum(r["keep"] for r in records)
    print(f"beads kept {kept}/{len(records)}; dropped: " + ", ".join(
        f"{r}={sum(1 for x in records if x['drop_reason'] == r)}" for r in sorted({x['drop_reason'] for x in records if x['drop_reason']})))


if __name__ == "__main__":
    main()
