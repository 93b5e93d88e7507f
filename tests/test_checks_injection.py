"""Recall on artifacts injected into correct text (Tatoeba sentences in tl, it, cs), so the checks are
measured on material they were not written against. Each case injects one artifact per document of
20 sentences, at a position drawn by a seeded generator; the check must find it at the right place.

Uses ../shared/data/tatoeba (skipped when absent).
"""

import random
import re

import pytest

from aligner.checks import run_checks
from aligner.config import Config
from aligner.model import Document

LANGS = {"tl": "tgl", "it": "ita", "cs": "ces"}


def _sentences(lang):
    from test_checks_false_positives import _shared

    path = _shared() / "data" / "tatoeba" / f"tatoeba.{LANGS[lang]}-eng.{LANGS[lang]}"
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


def _run(texts, lang, code):
    from aligner.segment import segment_corpus

    docs = [Document(doc=f"d{k}", path="", raw="Pamagat\n\n" + t, lang=lang, manifest={"lang": lang})
            for k, t in enumerate(texts)]
    segment_corpus(docs, config=Config())
    flags = run_checks(docs, [], encoder=None, embeddings={}, config=Config(), select=[code])
    return docs, flags


def _recall(cases, lang, code):
    """cases: (text, (start, end) of the artifact in text) -> fraction whose artifact is overlapped by a flag."""
    docs, flags = _run([t for t, _ in cases], lang, code)
    hit = 0
    for d, (_, (s, e)) in zip(docs, cases):
        off = len("Pamagat\n\n")
        if any(f.doc == d.doc and f.start < e + off and s + off < f.end for f in flags):
            hit += 1
    return hit / len(cases)


def _docs(lang, n_docs=40, size=20, seed=7):
    sents = _sentences(lang)
    rng = random.Random(seed)
    for _ in range(n_docs):
        k = rng.randrange(0, len(sents) - size)
        yield rng, sents[k:k + size]


@pytest.mark.parametrize("lang", list(LANGS))
def test_glued_sentences_injected(lang):
    cases = []
    for rng, sents in _docs(lang):
        ok = [i for i in range(len(sents) - 1) if re.search(r"[^\W\d_A-Z]{2}[.!?]$", sents[i]) and sents[i + 1][:1].isupper()]
        if not ok:
            continue
        i = rng.choice(ok)
        before = " ".join(sents[:i + 1])
        text = before + sents[i + 1] + " " + " ".join(sents[i + 2:])  # no space after sentence i
        cases.append((text, (len(before) - 1, len(before) + 1)))
    assert len(cases) >= 20 and _recall(cases, lang, "glued-sentence") >= 0.95


@pytest.mark.parametrize("lang", list(LANGS))
def test_lost_sentence_break_injected(lang):
    """'word' + 'Next' with the full stop and the space lost: glued-word-case."""
    cases = []
    for rng, sents in _docs(lang):
        ok = [i for i in range(len(sents) - 1) if re.search(r"[^\W\d_]{4}\.$", sents[i]) and sents[i][-5:-1].islower()
              and re.match(r"[^\W\d_][^\W\d_A-Z]{2,}\b", sents[i + 1]) and sents[i + 1][0].isupper()]
        if not ok:
            continue
        i = rng.choice(ok)
        before = " ".join(sents[:i]) + (" " if i else "") + sents[i][:-1]
        text = before + sents[i + 1] + " " + " ".join(sents[i + 2:])
        cases.append((text, (len(before) - 1, len(before) + 1)))
    assert len(cases) >= 15 and _recall(cases, lang, "glued-word-case") >= 0.9


@pytest.mark.parametrize("lang,min_recall", [("tl", 0.8), ("it", 0.7), ("cs", 0.65)])  # measured 0.85 0.78 0.70
def test_lost_word_space_injected(lang, min_recall):
    """Two frequent lower-case words written together: glued-word (lexicon)."""
    from aligner.checks.lexicon import get_lexicon

    lex = get_lexicon()
    cases = []
    for rng, sents in _docs(lang):
        text = " ".join(sents)
        pairs = [m for m in re.finditer(r"(?<![\w'’-])([^\W\d_A-Z]{3,}) ([^\W\d_A-Z]{3,})(?![\w'’-])", text)
                 if min(lex.zipf(m.group(1), lang), lex.zipf(m.group(2), lang)) >= 5.0
                 and lex.zipf(m.group(1) + m.group(2), lang) == 0 and len(m.group(1) + m.group(2)) >= 7]
        if not pairs:
            continue
        m = rng.choice(pairs)
        cases.append((text[:m.start(2) - 1] + text[m.start(2):], (m.start(1), m.end(2) - 1)))
    assert len(cases) >= 20 and _recall(cases, lang, "glued-word") >= min_recall


@pytest.mark.parametrize("lang", list(LANGS))
def test_doubled_word_injected(lang):
    from aligner.checks.lang import resources

    res = resources(lang)
    cases = []
    for rng, sents in _docs(lang):
        text = " ".join(sents)
        words = [m for m in re.finditer(r"(?<![\w'’-])[^\W\d_]{2,}(?![\w'’-])", text)
                 if m.group().lower() not in res.reduplicated_ok
                 and (res.reduplication != "free" or m.group().lower() in res.function_words)]
        if not words:
            continue
        m = rng.choice(words)
        cases.append((text[:m.end()] + " " + m.group() + text[m.end():], (m.start(), m.end() * 2 - m.start() + 1)))
    assert len(cases) >= 20 and _recall(cases, lang, "repeated-word") >= 0.95


def test_spaced_affix_hyphen_injected():
    sents = _sentences("tl")
    text = " ".join(sents)
    from aligner.checks.lang import resources

    prefixes = resources("tl").hyphen_prefixes
    found = [m for m in re.finditer(r"\b([^\W\d_]+)-([^\W\d_]+)", text) if m.group(1).lower() in prefixes]
    assert len(found) >= 10
    cases = []
    for m in found:
        s = max(0, m.start() - 120)
        chunk = text[s:m.start(2) - 1] + " -" + text[m.start(2):m.end() + 80]
        cases.append((chunk, (m.start() - s, m.end() - s + 1)))
    assert _recall(cases, "tl", "affix-hyphen-space") >= 0.95


@pytest.mark.parametrize("lang,min_recall", [("tl", 0.55), ("it", 0.8), ("cs", 0.9)])  # measured 0.60 0.88 0.95
def test_english_word_injected(lang, min_recall):
    """A frequent English content word (not a loanword of the language) inserted into correct text. Tagalog is
    lowest: its word list comes from code-switched media and knows much English, and Taglish is real usage."""
    from aligner.checks.lang import resources
    from aligner.checks.lexicon import get_lexicon

    from test_checks_false_positives import _shared

    lex = get_lexicon()
    res, en = resources(lang), resources("en")
    eng_path = _shared() / "data" / "tatoeba" / f"tatoeba.{LANGS[lang]}-eng.eng"
    eng = [ln.strip() for ln in eng_path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    cases = []
    for rng, sents in _docs(lang):
        text = " ".join(sents)
        cand = [w for w in re.findall(r"\b[a-z]{4,}\b", " ".join(rng.sample(eng, 5)))
                if (lex.zipf(w, "en") or 0) >= 3.5 and w not in res.loanwords and w not in en.function_words]
        if not cand:
            continue
        word = rng.choice(cand)
        p = rng.choice([m.start() for m in re.finditer(r" (?=[^\W\d_A-Z])", text)])
        cases.append((text[:p] + " " + word + text[p:], (p + 1, p + 1 + len(word))))
    assert len(cases) >= 30 and _recall(cases, lang, "untranslated") >= min_recall


@pytest.mark.parametrize("lang,min_recall", [("tl", 0.7), ("it", 0.75), ("cs", 0.65)])  # measured 0.78 0.83 0.73
def test_capitalised_common_word_injected(lang, min_recall):
    """A lower-case word after another word capitalised (as English title case leaks into a translation).
    Missed: words the corpus never writes in lower case elsewhere, and capitals next to a name."""
    cases = []
    for rng, sents in _docs(lang):
        text = " ".join(sents)
        words = list(re.finditer(r"(?<=[^\W\d_] )[^\W\d_A-Z]{4,}(?![\w'’-])", text))
        if not words:
            continue
        m = rng.choice(words)
        cases.append((text[:m.start()] + m.group()[0].upper() + text[m.start() + 1:], (m.start(), m.end())))
    assert len(cases) >= 30 and _recall(cases, lang, "mid-sentence-capital") >= min_recall
