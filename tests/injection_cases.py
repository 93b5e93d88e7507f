"""Builders of injected-artifact cases on Tatoeba text (tl, it, cs), shared by
tests/test_checks_injection.py (thresholds) and bench/bench_injection.py (the recall table).

Each builder returns a list of (text, (start, end) of the artifact in text); the code checked is in CATEGORIES.
"""

import random
import re

LANGS = {"tl": "tgl", "it": "ita", "cs": "ces"}


def sentences(lang, side=None):
    from test_checks_false_positives import _shared

    side = side or LANGS[lang]
    path = _shared() / "data" / "tatoeba" / f"tatoeba.{LANGS[lang]}-eng.{side}"
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


def docs(lang, n_docs=40, size=20, seed=7):
    sents = sentences(lang)
    rng = random.Random(seed)
    for _ in range(n_docs):
        k = rng.randrange(0, len(sents) - size)
        yield rng, sents[k:k + size]


def glued_sentences(lang):
    cases = []
    for rng, sents in docs(lang):
        ok = [i for i in range(len(sents) - 1) if re.search(r"[^\W\d_A-Z]{2}[.!?]$", sents[i]) and sents[i + 1][:1].isupper()]
        if not ok:
            continue
        i = rng.choice(ok)
        before = " ".join(sents[:i + 1])
        text = before + sents[i + 1] + " " + " ".join(sents[i + 2:])  # no space after sentence i
        cases.append((text, (len(before) - 1, len(before) + 1)))
    return cases


def lost_sentence_break(lang):
    """'word' + 'Next' with the full stop and the space lost."""
    cases = []
    for rng, sents in docs(lang):
        ok = [i for i in range(len(sents) - 1) if re.search(r"[^\W\d_]{4}\.$", sents[i]) and sents[i][-5:-1].islower()
              and re.match(r"[^\W\d_][^\W\d_A-Z]{2,}\b", sents[i + 1]) and sents[i + 1][0].isupper()]
        if not ok:
            continue
        i = rng.choice(ok)
        before = " ".join(sents[:i]) + (" " if i else "") + sents[i][:-1]
        text = before + sents[i + 1] + " " + " ".join(sents[i + 2:])
        cases.append((text, (len(before) - 1, len(before) + 1)))
    return cases


def lost_word_space(lang):
    """Two frequent lower-case words written together."""
    from aligner.checks.lexicon import get_lexicon

    lex = get_lexicon()
    cases = []
    for rng, sents in docs(lang):
        text = " ".join(sents)
        pairs = [m for m in re.finditer(r"(?<![\w'’-])([^\W\d_A-Z]{3,}) ([^\W\d_A-Z]{3,})(?![\w'’-])", text)
                 if min(lex.zipf(m.group(1), lang), lex.zipf(m.group(2), lang)) >= 5.0
                 and lex.zipf(m.group(1) + m.group(2), lang) == 0 and len(m.group(1) + m.group(2)) >= 7]
        if not pairs:
            continue
        m = rng.choice(pairs)
        cases.append((text[:m.start(2) - 1] + text[m.start(2):], (m.start(1), m.end(2) - 1)))
    return cases


def doubled_word(lang):
    from aligner.checks.lang import resources

    res = resources(lang)
    cases = []
    for rng, sents in docs(lang):
        text = " ".join(sents)
        words = [m for m in re.finditer(r"(?<![\w'’-])[^\W\d_]{2,}(?![\w'’-])", text)
                 if m.group().lower() not in res.reduplicated_ok
                 and (res.reduplication != "free" or m.group().lower() in res.function_words)]
        if not words:
            continue
        m = rng.choice(words)
        cases.append((text[:m.end()] + " " + m.group() + text[m.end():], (m.start(), m.end() * 2 - m.start() + 1)))
    return cases


def spaced_affix_hyphen(lang):
    """Tagalog only: 'mag-aral' written 'mag -aral'."""
    from aligner.checks.lang import resources

    text = " ".join(sentences(lang))
    prefixes = resources(lang).hyphen_prefixes
    found = [m for m in re.finditer(r"\b([^\W\d_]+)-([^\W\d_]+)", text) if m.group(1).lower() in prefixes]
    cases = []
    for m in found:
        s = max(0, m.start() - 120)
        chunk = text[s:m.start(2) - 1] + " -" + text[m.start(2):m.end() + 80]
        cases.append((chunk, (m.start() - s, m.end() - s + 1)))
    return cases


def english_word(lang):
    """A frequent English content word (not a loanword of the language) inserted into correct text."""
    from aligner.checks.lang import resources
    from aligner.checks.lexicon import get_lexicon

    lex = get_lexicon()
    res, en = resources(lang), resources("en")
    eng = sentences(lang, side="eng")
    cases = []
    for rng, sents in docs(lang):
        text = " ".join(sents)
        cand = [w for w in re.findall(r"\b[a-z]{4,}\b", " ".join(rng.sample(eng, 5)))
                if (lex.zipf(w, "en") or 0) >= 3.5 and w not in res.loanwords and w not in en.function_words]
        if not cand:
            continue
        word = rng.choice(cand)
        p = rng.choice([m.start() for m in re.finditer(r" (?=[^\W\d_A-Z])", text)])
        cases.append((text[:p] + " " + word + text[p:], (p + 1, p + 1 + len(word))))
    return cases


def capitalised_common_word(lang):
    """A lower-case word after another word capitalised (as English title case leaks into a translation)."""
    cases = []
    for rng, sents in docs(lang):
        text = " ".join(sents)
        words = list(re.finditer(r"(?<=[^\W\d_] )[^\W\d_A-Z]{4,}(?![\w'’-])", text))
        if not words:
            continue
        m = rng.choice(words)
        cases.append((text[:m.start()] + m.group()[0].upper() + text[m.start() + 1:], (m.start(), m.end())))
    return cases


# category -> (builder, flag code the check raises, languages)
CATEGORIES = {
    "glued sentences": (glued_sentences, "glued-sentence", list(LANGS)),
    "lost sentence break": (lost_sentence_break, "glued-word-case", list(LANGS)),
    "lost word space": (lost_word_space, "glued-word", list(LANGS)),
    "doubled word": (doubled_word, "repeated-word", list(LANGS)),
    "spaced affix hyphen": (spaced_affix_hyphen, "affix-hyphen-space", ["tl"]),
    "English word": (english_word, "untranslated", list(LANGS)),
    "capitalised common word": (capitalised_common_word, "mid-sentence-capital", list(LANGS)),
}
