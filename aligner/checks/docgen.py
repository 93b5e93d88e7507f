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

## What the checks read

Checks read the text a reader sees, at the offsets of the source (`aligner/checks/view.py`): HTML tags,
comments and attributes are blanked (a check never reads `class`, `span` or `strong` out of a tag) and
entities count as their character. Text that is not meant to be translated is masked and skipped by every
language check (untranslated, wrong-language, casing, glued words, repetition): inline code, commands, file
names, options and placeholders, from the markup (`code`, `tt`, `kbd`, `samp`, `var`, `pre`, `translate="no"`,
DocBook/Sphinx classes such as `literal`, `command`, `filename`, `option`, `replaceable`, `userinput`, `screen`,
`package`) and in any text (Markdown backticks, `/paths/like/this`, `--options`, `$VARIABLES`, `{name}`, `%s`,
`<placeholder>`, `snake_case`, `file.ext` names). The HTML loader removes tables of contents (`class="toc"`),
consent banners, ads, share and subscribe boxes by their markup in every language, and cookie/consent lines by
what they say (a 'cookie' word with a consent, refusal, settings or privacy word of any supported language:
`aligner/data/consent_stems.json`), so both sides of a pair lose the same structure lines.

## What fails the gate by default

`aligner check` fails on findings at or above `gate.fail_on` = `error`. The severities are chosen so that an
error is something a reviewer would reject in any translation, and a warning something worth a look that
correct text also shows now and then (measured below on clean text):

| finding | severity | why |
|---|---|---|
| `wrong-language`: a sentence of 5+ words in another language | error | lingua must be confident (>= 0.9) and the word lists must agree; on clean text it fires on quotations in another language, which a translation should not carry unmarked either |
| `untranslated` run of 4+ English words (`error_words`) | error | a clause left in English; a single English word is a warning, since terms are used as they are (input, root, display) |
| `omission` of a passage: 2+ consecutive sentences without counterpart (`passage_sentences`) | error | a paragraph missing from one side; a single sentence without counterpart is a warning (translations drop or add a sentence here and there) |
| `glued-word`, `glued-word-case` | error | a lost space inside a sentence; the split must give two frequent words of the language and the whole must be unknown, and compounding languages (German) are skipped |
| `number-mismatch`, `partial-omission`, `low-similarity` | error | content differs between the two sides of a bead |
| `mojibake`, `replacement-character` | error | characters lost or garbled |
| everything else | warning or info | stylistic, or fixed safely in the cleaned text (glued sentences, affix hyphens, doubled words) |

A new glued *sentence* stays a warning: the fix (a space) is always applied and the segmenter splits there anyway.

**Baseline.** A corpus that already has findings gates on what is new: `aligner check --baseline PREVIOUS`
(an earlier output folder or its flags.jsonl) counts only findings not in it. A finding's identity is its
check code, its document and a fingerprint of its words and four words of context on each side, read from the
reader's text (`fingerprint` in flags.jsonl); what does not match by fingerprint is matched by (code, document,
flagged text) while such findings remain, so an edit in the finding's own sentence does not make it new either.
Each identity is counted: one more occurrence of the same finding is new. A corpus folder's own
`aligner-baseline.jsonl` is used by default (the bundled corpus carries one: its artifacts are kept on purpose;
`--no-baseline` ignores it). SARIF output sets `baselineState` (`new`, `unchanged`, `absent`) and
`partialFingerprints`; `--format github` annotates new findings only. The end-to-end test
`tests/test_gate_regressions.py` adds real regressions to a copy of the bundled corpus (an English sentence, a
Spanish sentence, a missing paragraph, `formaabitualmente`, untranslated words): the copy fails by default on
each of them, the untouched copy passes, and with `--baseline` only the new findings count.

## Languages

Language knowledge lives in `aligner/checks/lang/<iso 639-1>.py` (shipped: `tl`, `it`, `cs`, `en`, `de`, `fr`). To add a
language, copy `it.py` to `<code>.py` and fill what applies: `LOANWORDS` (English words the language has
adopted), `FUNCTION_WORDS` (never legitimately doubled), `REDUPLICATION` (`free` or `listed`) and
`REDUPLICATED_OK`, `HYPHEN_PREFIXES` (prefixes joined by a hyphen; enables `affix-hyphen-space`),
`BOUND_PREFIXES`/`BOUND_SUFFIXES` (affixes a `glued-word` split must not produce, and derivations it must
recognise), `RESPELL` (how English words are respelled: `tion` → `syon`), `NUMBER_WORDS`, `CAPITALISES_NOUNS`
(German: `mid-sentence-capital` does not run), `COMPOUNDING` (German: `glued-word` does not run), `ADOPTED_GAP`. Everything is
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


MEASURED = """## Measured

Figures from the bench scripts, all in one run each on this project's machine; the commands print them.

### Clean text: false alarms per 1,000 sentences

`python bench/bench_clean_text.py` — the document checks with default settings on text written by people:
Tatoeba (1,000 sentences per language side, documents of 50), Text+Berg de/fr (seven documents each, an alpine
yearbook digitised from print) and the short HTML articles of bench/data/clean/ (headings, a list, names, days,
months, countries) in all eight supported languages.

| source | sentences | flags | per 1,000 | by code |
|---|---|---|---|---|
| Tatoeba cs | 1,013 | 1 | 1.0 | mid-sentence-capital 1 |
| Tatoeba de | 1,055 | 0 | 0.0 | |
| Tatoeba en | 5,143 | 18 | 3.5 | mid-sentence-capital 14, repeated-phrase 3, coordinated-duplicate 1 |
| Tatoeba fr | 1,035 | 7 | 6.8 | mid-sentence-capital 4, untranslated 2, repeated-phrase 1 |
| Tatoeba it | 1,006 | 2 | 2.0 | mid-sentence-capital 2 |
| Tatoeba tl | 1,026 | 5 | 4.9 | mid-sentence-capital 2, untranslated 2, repeated-word 1 |
| Text+Berg de | 907 | 14 | 15.4 | boilerplate 9, glued-word-case 3, untranslated 2 |
| Text+Berg fr | 907 | 44 | 48.5 | mid-sentence-capital 22, boilerplate 9, wrong-language 8, untranslated 4, glued-sentence 1 |
| written, 8 languages (HTML) | 104 | 1 | 9.6 | mid-sentence-capital 1 (fr `Claire`, a name that is also an adjective) |
| all | 12,196 | 92 | 7.5 | mid-sentence-capital 46, boilerplate 18, untranslated 10, wrong-language 8, repeated-phrase 4, glued-word-case 3, coordinated-duplicate 1, repeated-word 1, glued-sentence 1 |

Measured again after the real-document work (the table above): `pronounce "pronounce"` is no longer a repeated
phrase (a repeat must hold two words; one word with its quotes is `repeated-word`'s business), and the French
yearbook has one more German advertisement line found by `wrong-language` (`Einzeln oder kombiniert zu tragen`),
now that the word lists decide when names lower the identifier's confidence.

A first run of this bench during this work (300 sentences per Tatoeba side) gave 15.8 flags per 1,000, among them
`nous nous`, `V V`, `Oui, oui,`, `en|cordons`, `fier|ont`, `Claire`, `May`, `Earth`; fixed by French reflexive
pronouns and verb endings, single letters, comma-separated emphasis, other documents' lower case no longer
enough as casing evidence, English days and months.

Targets not met, and what the remaining flags are:
- glued / repetition / boilerplate (target 0): 28. Real artifacts of the digitised yearbook: `derTraversierung`,
  `Berg führerAspirant`, `mitTricounibe` (lost spaces), `calendrier?Départ`. Correct text flagged: `who is alone
  is alone` (en and fr Tatoeba), `anybody see you? Anybody see you?` (two Tatoeba
  sentences that are one after the other in the test set), `sleep and sleep`; the Tagalog `aga aga`, flagged
  because Tagalog writes `aga-aga` (KWF orthography; a spelling finding). 18 boilerplate (info, reported as
  removed): bylines (`Michel Piola , Vernier`) and titles that the German and the French yearbook print
  identically, which the segmenter removes as lines repeated across documents.
- other kinds (target <= 1 per 1,000): mid-sentence-capital 3.8, not met. With other documents' lower case no
  longer counted as evidence on its own it fell to 1.8, but the injected-capital test of
  tests/test_checks_injection.py (recall >= 0.7 on capitalised common words injected into Tatoeba) dropped to
  0.23; the default keeps that evidence when no other place of the corpus capitalises the word mid-sentence,
  and pays with `Father`, `Church`, `Earth` in Tatoeba en and sentence starts that Text+Berg's
  one-sentence-per-line source splits oddly (22 in fr); untranslated (`pretty`, `pronounce`, `cheeseburgers`, `marshmallow`: English words the
  sentences really contain, and `harp`, `ladder` in Tagalog; 0.8 per 1,000); wrong-language 0.7, all eight German
  advertisement lines printed inside the French yearbook (correct findings).

### Injected artifacts: recall per category and language, before/after

`python bench/bench_injection.py` — the cases of tests/test_checks_injection.py (built in tests/injection_cases.py):
40 seeded documents of 20 Tatoeba sentences per language (tl, it, cs), one artifact injected per document; each
category checked by the one check meant for it, default settings, no encoder. *found*: artifacts overlapped by a
flag of that code; *false alarms*: flags of that code elsewhere in the same (otherwise clean) documents.
*before*: main before the issue-15 work (`e6d2d05^1`, checked out into a temporary git worktree and run in a
subprocess); *after*: this tree; both in the same run (about 10 s).

| category | check | lang | injected | found before | found after | recall before | recall after | false alarms before | false alarms after |
|---|---|---|---:|---:|---:|---:|---:|---:|---:|
| glued sentences | `glued-sentence` | tl | 40 | 39 | 38 | 0.97 | 0.95 | 0 | 0 |
| glued sentences | `glued-sentence` | it | 40 | 39 | 40 | 0.97 | 1.00 | 0 | 0 |
| glued sentences | `glued-sentence` | cs | 40 | 40 | 40 | 1.00 | 1.00 | 0 | 0 |
| lost sentence break | `glued-word-case` | tl | 40 | 40 | 40 | 1.00 | 1.00 | 0 | 0 |
| lost sentence break | `glued-word-case` | it | 40 | 36 | 36 | 0.90 | 0.90 | 0 | 0 |
| lost sentence break | `glued-word-case` | cs | 40 | 39 | 39 | 0.97 | 0.97 | 0 | 0 |
| lost word space | `glued-word` | tl | 40 | 34 | 34 | 0.85 | 0.85 | 0 | 0 |
| lost word space | `glued-word` | it | 40 | 31 | 31 | 0.78 | 0.78 | 0 | 0 |
| lost word space | `glued-word` | cs | 40 | 28 | 28 | 0.70 | 0.70 | 0 | 0 |
| doubled word | `repeated-word` | tl | 40 | 10 | 40 | 0.25 | 1.00 | 0 | 0 |
| doubled word | `repeated-word` | it | 40 | 40 | 40 | 1.00 | 1.00 | 0 | 0 |
| doubled word | `repeated-word` | cs | 40 | 40 | 40 | 1.00 | 1.00 | 0 | 0 |
| spaced affix hyphen | `affix-hyphen-space` | tl | 30 | 30 | 30 | 1.00 | 1.00 | 0 | 0 |
| English word | `untranslated` | tl | 40 | 25 | 23 | 0.62 | 0.57 | 4 | 1 |
| English word | `untranslated` | it | 40 | 35 | 35 | 0.88 | 0.88 | 3 | 0 |
| English word | `untranslated` | cs | 40 | 38 | 36 | 0.95 | 0.90 | 1 | 1 |
| capitalised common word | `mid-sentence-capital` | tl | 40 | 31 | 31 | 0.78 | 0.78 | 0 | 0 |
| capitalised common word | `mid-sentence-capital` | it | 40 | 33 | 31 | 0.82 | 0.78 | 3 | 1 |
| capitalised common word | `mid-sentence-capital` | cs | 40 | 29 | 26 | 0.72 | 0.65 | 2 | 0 |
| **all** | | | 750 | 637 | 658 | 0.85 | 0.88 | | |

The gain is Tagalog doubled words (0.25 -> 1.00): the old check let every space-separated doubled word pass as
reduplication. Untranslated and mid-sentence-capital lose a few artifacts (untranslated 98 -> 94, capitals 93 -> 88 found) while
raising fewer false alarms on the clean sentences (untranslated 8 -> 2, capitals 5 -> 1 over the three languages):
the price of the changes made for real documents (frequency-derived loanword adoption, casing rules per language).

### Untranslated words: precision and recall on injected English words

`python bench/bench_untranslated.py` — in every other Tatoeba sentence (tl, it, cs; 1,000 each) one word is
replaced by a content word of the sentence's own English translation. *before*: the Tagalog loanword list as
it was (110 words of the customer-service register, 36 of them found in the bundled articles) and no
frequency-based adoption; *after*: the defaults (adoption derived from wordfreq's frequency lists, no hand list
for Tagalog, the language's own spelling preferred: rekord, resolusyon).

| lang | setting | injected | found | recall | flags | precision |
|---|---|---|---|---|---|---|
| tl | before | 441 | 258 | 0.585 | 261 | 0.989 |
| tl | after | 441 | 202 | 0.458 | 204 | 0.990 |
| it | before | 448 | 369 | 0.824 | 370 | 0.997 |
| it | after | 448 | 359 | 0.801 | 359 | 1.000 |
| cs | before | 445 | 388 | 0.872 | 388 | 1.000 |
| cs | after | 445 | 381 | 0.856 | 381 | 1.000 |

Replacing the hand list by frequency-derived adoption costs recall, most in Tagalog (0.585 -> 0.458): wordfreq's
Filipino list comes largely from code-switched media, so many everyday English words (table, window, homework)
pass as adopted there. A tighter Tagalog bar (`ADOPTED_GAP = 0.5`) recovered the recall (0.567 on the first 400
sentences) but made `customer`, `staff`, `call` untranslated, which Filipino text uses constantly; it is not
the default. The words the old list protected because they occur in the bundled articles (`overhead`,
`warranty`) are now found untranslated there, as they are.

### Real documents: Debian's reference manual (en, it, de, fr)

`python bench/bench_real_docs.py --sample 50 --seed 1` after
`apt-get install debian-reference-en debian-reference-it debian-reference-de debian-reference-fr` (the manual is
not in the repository): the 12 pages the issue names (preface, chapter 8, appendix A in en/it/de/fr), whole
pipeline, default settings. *Before*: main when this work started (the same command); *after*: this code. A
finding is "on markup" when it starts or ends strictly inside a tag or entity, or lies within one (a finding that
ends with a whole `&gt;` covers it and reads nothing out of it; the bench's earlier test counted that one).

| | before | after |
|---|---|---|
| sentences | 1,272 | 1,603 (lines repeated across languages inside the article are kept: headings, table cells, passages left in English) |
| same-page pairs found parallel | 18 of 18 | 18 of 18 |
| flags on markup | 1 (old test; 0 with the test above) | 0 |
| flags | 1,047 (439 info) | 270 (112 info: removed chrome reported) |
| warning or worse per 1,000 sentences | 478 | 98.6 |
| untranslated / wrong-language | 353 / 46 | 34 / 90 (one finding per English sentence) |
| omission | 112 | 8 |
| partial-omission / low-similarity / length-ratio | 22 / 22 / 17 | 7 / 7 / 9 |
| mid-sentence-capital | 18 | 3 |
| number-mismatch / glued-word | not listed | 0 / 0 (2 / 1 in the first round: credit lines, a placeholder) |

What changed, in general terms: a line repeated verbatim in documents of two languages was removed as chrome even
inside the article, so a heading or passage the French translator left in English vanished from en and fr but
not from de and it (96 of the 112 omissions); such lines are now chrome only before or after the article's prose.
A sentence in English is one `wrong-language` finding (the identifier's confidence drops with names, acronyms and
code, so the word lists decide when it is between 0.4 and 0.9) instead of a dozen `untranslated` fragments, and
`untranslated` and `mid-sentence-capital` leave it alone. A word another translation of the same bead (in a third
language) also keeps as it is is a term or name the translators agreed on (root, stable, Debian Reference).
Quoted titles are masked across line breaks and links; `(expansion, ACRONYM)` like `ACRONYM (expansion)`. The
pair's usual similarity and length ratio leave out beads whose two sides are the same text (the French chapter
copied so much English that its median similarity was 1.00 and every real translation looked dissimilar);
length ratios skip beads with a side under 20 characters. Casing knows menu paths (`Modifica → Preferenze`),
acronym and hyphenated name phrases (`GUI System`, `Jean-Luc`), labels with numbers (`Table 11.2`) and English
proper adjectives. `number-mismatch` reads the visible text (a number in a link's address is not in the text).

A second round removed the causes of the false alarms the first sample showed, each in a form that holds for any
document: a translation's *credit lines* (a sentence with the language's general vocabulary of translating or
reviewing, `übersetzt`, `traduit par`, `tradotto da`, `revisionato da`, ..., that also names someone or gives an
address; aligner/checks/credits.py) have no counterpart by convention, so `omission`, `number-mismatch` (the
edition the line credits) and `untranslated` (an address spelled out, `chez free point fr`) leave them; a
parenthesis right after a quotation in another language (`« This is UNIX... » (C'est UNIX...)`) is the
translator's rendering of it, content one translation has by design; in `untranslated`, a run of three or more
capitalised words is a name or title in any language (`The Linux Documentation Project`; in a heading only when
the run holds a name the language uses as much as English, `Debian`, so an English heading in Title Case stays
a finding), and a short parenthesis right after a term whose first word is no function word is the original
term given on purpose (`"tasto morto" (dead key)`, `einfach (Keep It Short and Simple, KISS)`; `(for zh_CN)` or
`(before the full security review)` stay findings); in `glued-word`, a word the aligned translation also writes
as two words in one (`nomeprogramma` opposite `programname`) is a placeholder glued on purpose. Every one of the 37 real findings of the first sample is
still reported; the findings that went away are the 5 false ones of that sample (25, 28, 29, 30, 37), the other
credit lines and glosses, the placeholder, and nothing else (the run's `--dump` before and after, compared finding by finding).
`python bench/bench_clean_text.py` is unchanged (92 flags in 12,196 sentences).

Left as they are: Italian computing terms (`output`, `prompt`, `file system`). wordfreq cannot tell them from English words
that are no Italian: its Italian and English Zipf values are `output` 3.36 / 4.43 and `prompt` 2.55 / 3.86, but
also `dead` 3.79 / 5.19 and `key` 3.62 / 5.12 (names, titles, songs); a bar that lets the first two through lets
the others through too, and no other translation of the manual keeps them (German `Ausgabe`, French `sortie`). The encoder's lower similarity on short correct translations (a legal
sentence, a table header) and the length of a gloss one translation adds (`RTFM - lesen Sie das tolle Handbuch
(read the fine manual)` opposite `LLSM (Lisez Le Super Manuel)`) are left to the thresholds of the similarity and
length checks, which this work did not raise.

The target of <= 10 warnings per 1,000 sentences is not met, and cannot be honestly: 123 of the 158 warnings or
worse are in the French pages, which keep whole English paragraphs (90 `wrong-language` errors, every one an
English sentence in a translation), and the Italian and German chapter 8 carry passages the current English no
longer has. **The sample of the final run (seed 1, printed by the command above), judged by hand, each by reading
the finding and its sentence in the pages: 43 real, 7 not; the 40 the issue asks for are met.** (The first
round's sample of the same command, before the changes above: 37 real, 13 not.)

| # | finding | verdict |
|---|---|---|
| 1 | fr wrong-language `These values are set by the desktop configuration GUI dialogue...` | real: English sentence left |
| 2 | fr wrong-language `Please don't expect the placeholder strings such as...` | real |
| 3 | de omission, passage `Sie können dies Problem jedoch umgehen:` (vs fr) | real: de carries a passage the English source (and fr) no longer has |
| 4 | fr wrong-language `Number punctuation are different for locales.` | real |
| 5 | fr wrong-language `They are internationalized by making them handle UTF-8 data...` | real |
| 6 | it wrong-language `additional widgets for Plasma 5 containing Keyboard Indicator` | real: table cell left in English |
| 7 | fr wrong-language `Linux console can only display limited characters.` | real |
| 8 | fr wrong-language `Under the East Asian locale, the box drawing...` | real |
| 9 | fr wrong-language `additional widgets for Plasma 5 containing Keyboard Indicator` | real: as 6 |
| 10 | fr wrong-language `Select all required locale data to be compiled into the binary form.` | real |
| 11 | fr wrong-language `The behavior of programs supporting internationalization...` | real |
| 12 | it untranslated `output` (output standard dei programmi) | not: Italian uses the word |
| 13 | fr wrong-language `To the extent Osamu Aoki considered within the fair use...` | real |
| 14 | fr untranslated `For` (For Emacs aficionados, "uim" may be an alternative.) | real: English sentence left |
| 15 | fr wrong-language `You can enter Japanese using "Japanese mozc (or anthy)"...` | real |
| 16 | de partial-omission `Diese wurden auch durch diejenigen... aktualisiert.` vs it | not: no content missing that I could find |
| 17 | fr untranslated `from` (Alternatively, execute "im-config" from user's shell.) | real |
| 18 | fr wrong-language `Each detail feature of "$LANG" environment variable may be overridden...` | real |
| 19 | fr untranslated `the` (Thus, the "LANG=en_US" is "LANG=en_US.ISO-8859-1".) | real |
| 20 | fr wrong-language `The locales package requires to be initialized properly.` | real |
| 21 | fr wrong-language `The package dependency of GNOME Desktop Environment recommends "ibus"...` | real |
| 22 | it length-ratio `Non cambiare i permessi dei file (prima di una completa revisione della sicurezza)` (82/36 characters) | real: the German drops `(before the full security review)` |
| 23 | fr wrong-language `obsoleted by the newer "Debian Reference (version 2)" in 2008.` | real |
| 24 | fr wrong-language `Many manual pages and info pages on the Debian system...` | real |
| 25 | fr wrong-language `I have updated "Debian Reference (version 2)" to address new topics...` | real |
| 26 | fr length-ratio `KISS (keep it simple stupid)` vs de | not: the German adds a German gloss |
| 27 | fr wrong-language `Set the system wide default locale value by creating "/etc/default/locale"...` | real |
| 28 | fr wrong-language `Setup each input source by right clicking the GUI toolbar icon.` | real |
| 29 | en low-similarity `All warranties are disclaimed.` vs de | not: a correct translation |
| 30 | fr wrong-language `The system wide default locale value set in "/etc/default/locale"...` | real |
| 31 | fr untranslated `entry for` (The GUI menu entry for im-config(8) is "Input method".) | real |
| 32 | fr length-ratio `LLSM (Lisez Le Super Manuel)` (28/58 characters) | not: a correct French rendering; the other side adds its own gloss |
| 33 | fr wrong-language `For more, see info gettext and read the section "The LANGUAGE variable"...` | real |
| 34 | fr untranslated `See` (See locale(7) manpage for the details.) | real |
| 35 | fr wrong-language `The modern software such as GNOME and KDE are multilingualized.` | real |
| 36 | fr wrong-language `Under UTF-8 locale with the compatible application program...` | real |
| 37 | it untranslated `system` (per il file system vfat) | not: Italian writes `file system` as it is |
| 38 | fr untranslated `For more` (For more, see Debian Wiki on keyboard.) | real |
| 39 | fr wrong-language `This behavior is the same way as "$LANG" is set by...` | real |
| 40 | it omission, passage `Questo problema può essere aggirato:` (vs fr) | real: passage not in the English source |
| 41 | fr wrong-language `The Debian system itself is a moving target.` | real |
| 42 | fr wrong-language `In order to support more characters, many character sets...` | real |
| 43 | it omission, passage (gnome-terminal menu path) vs en | real: passage not in the English source |
| 44 | fr mid-sentence-capital `Kio` (La taille est indiquée en Kio) | not: a unit symbol, capitalised correctly |
| 45 | fr wrong-language `You may chose as many input sources.` | real |
| 46 | fr untranslated `for the details` (See locale(7) manpage for the details.) | real: the same sentence as 34, reported in two parts |
| 47 | fr wrong-language `The code of "ibus" has been updated to integrate...` | real |
| 48 | de untranslated `for` (table cell `(for zh_CN/zh_TW)`) | real: minor (it translates it, `per`) |
| 49 | fr untranslated `for details` (See Introduction to i18n for details.) | real |
| 50 | fr wrong-language `IBus was made to support not only Asian languages but also European languages.` | real |

The 7 false ones: Italian computing terms used as they are (12, 37), the encoder's similarity on correct
translations (16, 29), glosses one translation adds that make the other look short (26, 32) and a unit symbol
(44). An omission or length finding is reported once per pair, so content in one of four languages is found up to
three times; merging them per sentence is left open. Sentences left in English are sometimes reported in two
parts by `untranslated` (34 and 46) where the identifier is not confident enough for one `wrong-language`
finding.

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
    out.append(MEASURED)
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
