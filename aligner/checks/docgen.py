"""Generate docs/checks.md from the registry: `python -m aligner.checks.docgen > docs/checks.md`.

The table, severities, scopes and settings come from the check classes, so the docs cannot drift;
the examples below are written for people (a test checks the file is up to date).
"""

from __future__ import annotations

EXAMPLES = {
    "boilerplate": ("`Skip to main content`, `$config[code] not found`, `JINÉ JAZYKY` (removed by the segmenter)",
                    "article text (this check only reports what the segmenter removed)"),
    "glued-sentence": ("`nito.Ang` → `nito. Ang`; `priorità.È` → `priorità. È`; `grande.L'ambito`",
                       "`U.S. Bureau`, `Ph.D.`, `3.50`, `www.YouTube.com`, `report.PDF`"),
    "glued-word-case": ("`propagovatDobrá` → `propagovat Dobrá`; `servisuVypořádejte` → `servisu Vypořádejte`",
                        "`iPhone`, `eBay`, `YouTube`, `McDonald`, `WordPress`, `getElementById`, e-mail addresses"),
    "glued-word": ("`silamaging` → `sila maging` (tl)",
                   "`pinakadakilang`, `pakikipagkamayan`, `mamamadali` (Tagalog derivations), `overhead` (English)"),
    "mojibake": ("`Ã¨` → `è`; `zákaznickÃ½ch` → `zákaznických`", "`Cos'è`, `žluťoučký`, typographic quotes"),
    "control-character": ("zero-width space, BEL, stray BOM, soft hyphen", "ordinary spaces and line breaks"),
    "replacement-character": ("`servizio \ufffd buono`", "any text without U+FFFD"),
    "affix-hyphen-space": ("`pag -iwas` → `pag-iwas`; `mai -promote`; `magkakaiba -iba`; `makipag -usap`; "
                           "`pang -promosyon`",
                           "`makipag-ugnayan`, `post-pangalawang`, `pag-upgrade`, `nagbibigay-daan`, a dash ` - ` or "
                           "` – `, Italian and Czech text"),
    "repeated-word": ("`zpracování zpracování` → `zpracování`; `sa sa`; `del del`",
                      "tl `araw araw`, `unti unti`, `iba't iba`, `araw-araw`; it `piano piano`, `via via`; cs `více a "
                      "více`, `ano ano`; numbers"),
    "repeated-phrase": ("`Děkuji za zpětnou vazbu Děkuji za zpětnou vazbu`; `Jak můžeme pomoci? Jak můžeme pomoci?`",
                        "a phrase repeated with other words between"),
    "coordinated-duplicate": ("`affrontare i clienti o i clienti arrabbiati` (customers or clients)",
                              "cs `více a více`, it `più e più volte`, en `more and more`, tl `iba't iba`"),
    "untranslated": ("`mga customer ng irate` → `irate`; heading `Record Keepers`; `Mga Espesyalista sa Resolution` → "
                     "`Resolution`",
                     "adopted loanwords (tl customer, call center, manager, staff, email, fax, coaching, online; it "
                     "manager, staff, marketing; cs manager, marketing), names (Mary, Picasso), loan roots after an "
                     "affix hyphen (`pag-record`, `mag-upgrade`)"),
    "mid-sentence-capital": ("`i clienti Irati` (its Tagalog translation has no capital there); `ginagamit ng "
                             "Coordinator ng Serbisyo ng Customer` (the document writes coordinator, serbisyo, customer "
                             "in lower case)",
                             "`U.S. Bureau of Labor Statistics`, `il presidente Mattarella`, headings in title case, a "
                             "word after a colon, a name the document keeps capitalised (`Tom`). Known limit: a name "
                             "that is also a common word and appears once (cs `Tom` / `o tom`) can be flagged"),
    "wrong-language": ("an English sentence of 5+ words in a Tagalog article",
                       "short headings, sentences with a few English loanwords"),
    "omission": ("the Italian sentences `Per mantenere felici i clienti…` and `In un contesto al dettaglio…` that the "
                 "Tagalog translation lacks (0-1 beads)", "1-1, 1-2, 2-1 beads"),
    "partial-omission": ("a 1-2 bead whose second sentence is unrelated to the other side",
                         "a 1-2 bead where the two sentences split one translated sentence"),
    "number-mismatch": ("`12 piso` ↔ `15 pesos`", "`2.2 milyong` ↔ `2,2 milioni`, `1 000` ↔ `1.000`, `tatlo` ↔ `3`"),
    "length-ratio": ("a target sentence with a whole extra clause (2× longer than the pair usually is)",
                     "Italian naturally longer than Tagalog: the ratio is calibrated per pair"),
    "low-similarity": ("a bead pairing a sentence with an unrelated one",
                       "translations with different word order or paraphrase"),
    "check-error": ("a check that raised on one document: `The check 'glued-word' failed (ValueError: …)`; a pair "
                    "whose alignment failed: `The alignment stage failed: …`",
                    "documents every check finished on"),
    "check-skipped": ("a Japanese page: `Skipped for this ja document: repeated-word, … ('ja' is written without "
                      "spaces between words …); glued-word, untranslated (wordfreq cannot split 'ja' text into words "
                      "here …)`",
                      "documents in a language every check can handle (one record per document, not per check)"),
}

NEEDS = {"words": "a language written with spaces between words",
         "wordlist": "a usable word-frequency list of the document's language",
         "langid": "the document's language among `segment.languages`"}

INTRO = """# Checks

Every finding has a code. The code is the registry key (`aligner.checks.get_check(code)`), the settings table
(`[checks.<code>]` in aligner.toml, `[tool.aligner.checks.<code>]` in pyproject.toml), the `code` of
flags.jsonl records, the SARIF `ruleId`, and the heading below. A check *scores* what it finds; its settings
(thresholds) decide. Every check accepts `enabled` (true/false) and `severity` (info/warning/error) besides its
own settings; checks that propose fixes accept `autofix` (apply the fix to the cleaned text; the original is
recorded in the sentence's `fixes` in documents.jsonl). `aligner lint --select/--ignore` take codes or categories.

Severity decides what leaves the dataset (`clean.drop_severity`, default `error`: a bead with an unfixed finding
at or above it gets `keep: false`, `drop_reason: "flag:<code>"`; one-sided beads get `"one-sided"`, beads below
`clean.min_score` get `"low-score"`) and what fails the gate (`gate.fail_on`).

Document checks read the raw text of the sentences (removed chrome is left out, except that the repetition checks
report repeats inside it as already fixed) so a junction is found even where the segmenter split it. Pair checks
run on the beads of parallel pairs and carry the bead id (`bead`) of aligned.jsonl.

## Languages

Language knowledge lives in `aligner/checks/lang/<iso 639-1>.py` (shipped: `tl`, `it`, `cs`, `en`). To add a
language, copy `it.py` to `<code>.py` and fill what applies: `LOANWORDS` (English words the language has
adopted), `FUNCTION_WORDS` (never legitimately doubled), `REDUPLICATION` (`free` or `listed`) and
`REDUPLICATED_OK`, `HYPHEN_PREFIXES` (prefixes joined by a hyphen; enables `affix-hyphen-space`),
`BOUND_PREFIXES`/`BOUND_SUFFIXES` (affixes a `glued-word` split must not produce, and derivations it must
recognise), `RESPELL` (how English words are respelled: `tion` → `syon`), `NUMBER_WORDS`. Everything is
optional; a language without a module gets the language-independent checks and conservative behaviour. Word
frequencies come from the `wordfreq` package (tl via `fil`, it, cs and about forty more), language
identification from lingua restricted to `segment.languages`. Users extend lists without touching the package
through settings (`extra_loanwords`, `allow`, `extra_prefixes`).

## When a check cannot run

One bad document never stops a run. A check that raises on a document (or a pair) costs only its own findings
there: the runner records a `check-error` finding on that document naming the check and the error, logs it, and
goes on; a pair whose alignment fails gets no beads, an `error` in its pairs.jsonl evidence and a `check-error`
finding. A check whose needs (listed under each check as **Needs**) the document's language cannot meet is
skipped for that document, and one `check-skipped` record (severity info) per document lists the checks skipped
and why: Japanese, Chinese, Thai and other languages written without spaces have no word segmenter here;
wordfreq has no list for Thai and needs optional tokenizers for Japanese and Chinese (mecab-python3 and ipadic,
jieba) and Korean; `wrong-language` compares only the configured languages. Both records are ordinary findings
(`[checks.check-error] severity`, `enabled`, `aligner lint --ignore check-skipped`); `--select` does not hide
them.

## Cost

Segmentation and every check take time linear in a document's size (no scan over all words, sentences, phrases or
offsets per word or finding, no regular expression that re-scans a long run of letters from every position), so a
10 MB page on one line is checked like ten 1 MB pages. `python bench/bench_docsize.py` measures it (CPU time of a
fresh process per page, this project's 2-core machine, Tagalog pages on one line): `aligner lint` 5.2 s / 12.1 s
/ 77 s for 0.1 / 1 / 10 MB with a peak of 380 / 405 / 549 MB; the same 10 MB page had not finished its checks
after 8 minutes at 1.6 GB before. Most of what remains is the language identifier (lingua) once per sentence in
the segmenter and for candidate words and phrases in `untranslated`.

Headings and titles are exempt from `mid-sentence-capital`: English-style title case is common in translated
headings and is a matter of style. `untranslated` does look at headings (`Record Keepers`).

Regenerate this file with `python -m aligner.checks.docgen > docs/checks.md`.
"""


def render() -> str:
    from aligner.checks import registry

    reg = registry()
    out = [INTRO, "| code | category | severity | scope | fix |", "|---|---|---|---|---|"]
    for code, c in reg.items():
        out.append(f"| [`{code}`](#{code}) | {c.category} | {c.severity} | {c.scope} | {'yes' if c.fixable else 'no'} |")
    out.append("")
    for code, c in reg.items():
        scope = " (needs aligned pairs; not run by `aligner lint`)" if c.scope == "pair" else ""
        out += [f"## {code}", "", f"**Category** `{c.category}` · **severity** `{c.severity}` · **scope** {c.scope}{scope}",
                "", c.summary, "", c.help, ""]
        caught, ok = EXAMPLES.get(code, ("", ""))
        if caught:
            out += [f"- Caught: {caught}", f"- Not flagged: {ok}", ""]
        if c.needs:
            out += [f"**Needs** {'; '.join(NEEDS[n] for n in sorted(c.needs))} (else skipped, see `check-skipped`)", ""]
        params = {"enabled": True, "severity": c.severity, **c.all_params()}
        settings = ", ".join(f"`{k}` = `{_toml(v)}`" for k, v in params.items())
        out += [f"Settings: {settings}", ""]
    return "\n".join(out)


def _toml(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    return repr(v)


if __name__ == "__main__":
    import sys

    sys.stdout.write(render())
