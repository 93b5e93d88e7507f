"""A realistic generated corpus of N web articles, with its gold, from the Tatoeba data.

    python bench/make_corpus.py 1000 /tmp/corpus1k            # 1,000 documents + gold.json
    python bench/make_corpus.py 10000 /tmp/corpus10k --seed 7

Documents hold 10-60 sentences in tl, it, cs, en, de or fr, in paragraphs, under a title line and
between lines of site chrome in the document's language (navigation, sharing, copyright). About a
third of the source documents are translated into one or two other languages: the translation
drops sentences (gold 1-0), merges neighbours into one sentence (2-1), and breaks paragraphs
elsewhere. Other documents are comparable (a share of another document's sentences, translated,
among unrelated ones) or unrelated. Some documents carry injected artifacts: glued sentences
("word.Word"), a doubled word, a broken affix hyphen.

Sentences come from LASER's Tatoeba test sets (X-eng, 1,000 pairs each for tgl, ita, ces, deu,
fra), the de-fr pairs that share their English sentence, and Tatoeba-Challenge's direct cs-it and
it-tl pairs (`../shared/data`, see its README). With ~10,000 distinct sentences per side a large
corpus reuses sentences across documents, as crawls of one site do with boilerplate; the
embedding cache then makes encoding cheaper than on a real crawl (say so with any figure).

Gold (`DIR/gold.json`, not read by the aligner: it is not .txt): per document its language and
kind; the parallel pairs with their sentence links (indices into the generated sentence lists,
which are the article's sentences in order, title first); the comparable pairs; `meanings`, each
sentence's Tatoeba row (translations share it), for a deterministic test encoder that knows them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from _shared import read_lines, shared_dir  # noqa: E402

ISO = {"tgl": "tl", "ita": "it", "ces": "cs", "deu": "de", "fra": "fr", "eng": "en"}

CHROME = {
    "en": (["Skip to main content", "Home | News | Careers | Contact"], ["Share this article", "Was this helpful? Yes No",
                                                                          "© 2024 Example Media. All rights reserved."]),
    "tl": (["Lumaktaw sa pangunahing nilalaman", "Tahanan | Balita | Karera"], ["Ibahagi ang artikulong ito",
                                                                            "Nakatulong ba ito? Oo Hindi"]),
    "it": (["Vai al contenuto principale", "Home | Notizie | Carriere | Contatti"], ["Condividi questo articolo",
                                                                                 "© 2024 Esempio Media. Tutti i diritti riservati."]),
    "cs": (["Přejít na hlavní obsah", "Domů | Zprávy | Kariéra | Kontakt"], ["Sdílet tento článek",
                                                                         "Pomohl vám tento článek? Ano Ne"]),
    "de": (["Zum Hauptinhalt springen", "Start | Nachrichten | Karriere | Kontakt"], ["Diesen Artikel teilen",
                                                                                  "© 2024 Beispiel Medien. Alle Rechte vorbehalten."]),
    "fr": (["Aller au contenu principal", "Accueil | Actualités | Carrières | Contact"], ["Partager cet article",
                                                                                      "© 2024 Exemple Média. Tous droits réservés."]),
}


def load_bitexts() -> list[dict]:
    """Sentence-aligned sets: each a dict lang -> list of sentences (row k of every list are translations)."""
    base = shared_dir() / "data"
    sets = []
    eng = {}
    for code in ("tgl", "ita", "ces", "deu", "fra"):
        src = read_lines(base / "tatoeba" / f"tatoeba.{code}-eng.{code}")
        en = read_lines(base / "tatoeba" / f"tatoeba.{code}-eng.eng")
        eng[code] = dict(zip(en, src))
        sets.append({ISO[code]: src, "en": en})
    shared = sorted(set(eng["deu"]) & set(eng["fra"]))
    sets.append({"de": [eng["deu"][e] for e in shared], "fr": [eng["fra"][e] for e in shared], "en": shared})
    for fname, a, b in (("ces-ita.tsv", "cs", "it"), ("ita-tgl.tsv", "it", "tl")):
        rows = [ln.split("\t") for ln in read_lines(base / "tatoeba-challenge" / fname) if ln.strip()]
        rows = [r for r in rows if len(r) >= 4]
        sets.append({a: [r[2] for r in rows], b: [r[3] for r in rows]})
    return sets


def _doc_id(seed: int, k: int) -> str:
    return f"{hashlib.sha1(f'{seed}:{k}'.encode()).hexdigest()[:16]}"


def _paragraphs(n: int, rng: random.Random) -> list[int]:
    """Paragraph number of each of n sentences (paragraphs of 2-6 sentences)."""
    out, par = [], 0
    while len(out) < n:
        out += [par] * rng.randint(2, 6)
        par += 1
    return out[:n]


def _glue(a: str, b: str) -> str:
    """Two sentences glued without a space after the full stop (a common scraping artifact)."""
    return a.rstrip() + b.lstrip()


def render(title: str, sentences: list[str], paragraphs: list[int], lang: str, rng: random.Random,
           artifacts: bool) -> tuple[str, list[str]]:
    """The article text and the artifacts injected into it."""
    head, foot = CHROME[lang]
    injected = []
    body = list(sentences)
    if artifacts and len(body) > 4:
        k = rng.randrange(1, len(body) - 1)
        if paragraphs[k] == paragraphs[k + 1] and body[k].rstrip().endswith("."):
            body[k] = _glue(body[k], body[k + 1])
            body[k + 1] = ""
            injected.append(f"glued-sentence:{k}")
        k = rng.randrange(len(body))
        words = body[k].split()
        if len(words) >= 3:
            w = rng.randrange(1, len(words) - 1)
            if words[w].isalpha():
                words.insert(w, words[w])
                body[k] = " ".join(words)
                injected.append(f"repeated-word:{k}")
    lines = [rng.choice(head), "", title, ""]
    cur, para = [], paragraphs[0] if paragraphs else 0
    for text, p in zip(body, paragraphs):
        if p != para and cur:
            lines += [" ".join(cur), ""]
            cur = []
        para = p
        if text:
            cur.append(text)
    if cur:
        lines += [" ".join(cur), ""]
    lines += foot[: rng.randint(1, len(foot))]
    return "\n".join(lines) + "\n", injected


def translate(src_rows: list[int], rng: random.Random, rate: float) -> tuple[list[list[int]], list[tuple[list[int], list[int]]]]:
    """Edits of a translation: a list of row groups (one group = one target sentence) and the links.

    Links are (source positions, target positions); a dropped sentence links to nothing (1-0).
    """
    groups: list[list[int]] = []
    links = []
    i = 0
    while i < len(src_rows):
        r = rng.random()
        if r < rate and i > 0:  # deleted in the translation
            links.append(([i], []))
            i += 1
            continue
        if r < 2 * rate and i + 1 < len(src_rows):  # two sentences merged into one
            groups.append([src_rows[i], src_rows[i + 1]])
            links.append(([i, i + 1], [len(groups) - 1]))
            i += 2
            continue
        groups.append([src_rows[i]])
        links.append(([i], [len(groups) - 1]))
        i += 1
    return groups, links


def _merge(texts: list[str]) -> str:
    return " ".join(t.strip() for t in texts)


def _meanings(sets: list[dict]) -> dict[str, str]:
    """text -> one "set:row" key shared by all its translations, across sets.

    An English sentence can be a row of several X-eng sets (and a German one of de-en and de-fr):
    its translations in all of them are translations of each other, so they get one key (the
    connected rows' first), not whichever set named the text first.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for s_, bitext in enumerate(sets):
        langs = list(bitext)
        for k in range(len(bitext[langs[0]])):
            key = f"{s_}:{k}"
            parent.setdefault(key, key)
            for lang in langs:
                text = "\0" + bitext[lang][k]  # texts and keys in one forest
                parent.setdefault(text, text)
                a, b = find(key), find(text)
                if a != b:
                    parent[b] = a
    return {x[1:]: find(x) for x in parent if x.startswith("\0")}


def generate(n: int, out: Path, seed: int = 13, rate: float = 0.05) -> dict:
    rng = random.Random(seed)
    sets = load_bitexts()
    weights = [len(next(iter(s.values()))) for s in sets]
    out.mkdir(parents=True, exist_ok=True)
    docs: dict[str, dict] = {}
    parallel, comparable = [], []
    made = 0
    history: list[tuple[int, list[int], str, str]] = []  # (set index, rows, lang, doc id) of source documents
    meanings: dict[str, str] = {}  # sentence text -> "set:row" (translations share it), for test encoders
    meaning_of = _meanings(sets)

    def said(s_: int, lang: str, rows_: list[int]) -> list[str]:
        for k in rows_:
            text = sets[s_][lang][k]
            meanings[text] = meaning_of[text]
        return [sets[s_][lang][k] for k in rows_]

    def write(lang: str, sentences: list[str], kind: str, artifacts: bool) -> str:
        nonlocal made
        doc = _doc_id(seed, made)
        made += 1
        pars = _paragraphs(len(sentences) - 1, rng)
        text, injected = render(sentences[0], sentences[1:], pars, lang, rng, artifacts)
        (out / f"{doc}.txt").write_text(text, encoding="utf-8")
        docs[doc] = {"lang": lang, "kind": kind, "sentences": sentences, "artifacts": injected}
        return doc

    while made < n:
        s = rng.choices(range(len(sets)), weights)[0]
        langs = list(sets[s])
        size = rng.randint(10, 60)
        rows = rng.sample(range(len(sets[s][langs[0]])), min(size, len(sets[s][langs[0]])))
        # every X-eng set has English: without this, half the corpus would be English
        src_lang = rng.choice([x for x in langs if x != "en"] if rng.random() < 0.8 else langs)
        r = rng.random()
        artifacts = rng.random() < 0.2
        if r < 0.33 and n - made >= 2:  # a source document and one or two translations
            src_doc = write(src_lang, said(s, src_lang, rows), "source", artifacts)
            others = [x for x in langs if x != src_lang]
            rng.shuffle(others)
            for tgt_lang in others[: min(len(others), rng.choice((1, 1, 2)), n - made)]:
                groups, links = translate(rows, rng, rate)
                tgt_doc = write(tgt_lang, [_merge(said(s, tgt_lang, g)) for g in groups],
                                "translation", rng.random() < 0.2)
                a, b = sorted((src_doc, tgt_doc))
                links = links if a == src_doc else [(t, s_) for s_, t in links]
                parallel.append({"src": a, "tgt": b, "links": links})
            history.append((s, rows, src_lang, src_doc))
        elif r < 0.45 and history:  # comparable: part of an earlier document's content, among other sentences
            hs, hrows, hlang, hdoc = rng.choice(history)
            other_langs = [x for x in sets[hs] if x != hlang]
            lang = rng.choice(other_langs)
            share = rng.sample(hrows, max(3, len(hrows) // 3))
            extra = rng.sample(range(len(sets[hs][lang])), rng.randint(5, 30))
            picked = share + [k for k in extra if k not in hrows]
            rng.shuffle(picked)
            doc = write(lang, said(hs, lang, picked), "comparable", artifacts)
            a, b = sorted((doc, hdoc))
            comparable.append({"src": a, "tgt": b})
        else:  # unrelated
            doc = write(src_lang, said(s, src_lang, rows), "unrelated", artifacts)
    gold = {"seed": seed, "documents": docs, "parallel": parallel, "comparable": comparable, "meanings": meanings}
    (out / "gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return gold


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, help="number of documents")
    ap.add_argument("dir", type=Path, help="output folder (documents as .txt, and gold.json)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--rate", type=float, default=0.05, help="share of deletions and of merges in translations")
    args = ap.parse_args(argv)
    gold = generate(args.n, args.dir, args.seed, args.rate)
    langs: dict[str, int] = {}
    for d in gold["documents"].values():
        langs[d["lang"]] = langs.get(d["lang"], 0) + 1
    n_sent = sum(len(d["sentences"]) for d in gold["documents"].values())
    print(f"{len(gold['documents'])} documents ({n_sent} sentences) in {args.dir}: "
          f"{len(gold['parallel'])} parallel pairs, {len(gold['comparable'])} comparable; "
          f"languages {dict(sorted(langs.items()))}")


if __name__ == "__main__":
    main()
