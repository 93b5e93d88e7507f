"""Site chrome and template leftovers: what must not become a sentence.

Signals, each a small function on one line (or one short sentence) of a document:

- `ui_phrase_cover`: the line is made only of interface strings of some language ("Skip to
  main content", "Talaan ng mga Nilalaman", "Pomohl vám tento článek? Děkuji za zpětnou
  vazbu"), from the multilingual list aligner/data/ui_phrases.json (per category, per
  language; a phrase ending in '*' takes a 1-3 word capitalised name: "Brought to you by X").
- `placeholder`: template code that was never filled in (`$config[code] not found`,
  `{{title}}`, `%s`, `[object Object]`, `undefined`, `Lorem ipsum`).
- `is_doubled`: the line is one phrase written twice ("Jak můžeme pomoci? Jak můžeme pomoci?"),
  the trace of a visible label plus its accessible copy.
- `shape`: short, no final punctuation, all capitals ("JINÉ JAZYKY"), copyright lines.
- repetition across documents in different languages (in `aligner.segment`, corpus-wide).

A signal is strong (UI phrase, placeholder, doubled, repeated across languages) or weak
(all-caps shape); a weak signal removes a line only together with a second one, such as
standing outside the article's prose (before its first or after its last prose paragraph).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

MAX_UI_TOKENS = 30
_TOKEN = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
PLACEHOLDER_RE = re.compile(
    r"\$[A-Za-z_]\w*\[[^\]\n]{0,40}\]"          # $config[code]
    r"|\{\{[^{}\n]{0,80}\}\}|\{%[^%\n]{0,80}%\}"  # {{ var }}, {% tag %}
    r"|\$\{[^}\n]{0,60}\}|#\{[^}\n]{0,60}\}"      # ${var}, #{var}
    r"|<%[^%\n]{0,80}%>"                          # <% erb %>
    r"|__[A-Z][A-Z0-9_]{2,}__|__MSG_\w+__"        # __PLACEHOLDER__
    r"|\[object Object\]"
    r"|(?<![\w%])%(?:\d+\$)?[sd](?![\w%])"        # %s, %1$s, %d
    r"|(?<![\w{])\{\d{1,2}\}(?![\w}])"            # {0}
    r"|\blorem ipsum\b",
    re.IGNORECASE,
)
# Every PLACEHOLDER_RE match holds one of these: a line without any skips the slow search (its branches start
# with lookbehinds, so the engine tries them all at every position).
_PLACEHOLDER_HINT = re.compile(r"[$\{#<_\[%]|lorem", re.IGNORECASE)
_BARE_PLACEHOLDER = re.compile(r"^(?:undefined|null|nan|none|\[object object\]|true|false|error|todo|tbd|placeholder)$", re.IGNORECASE)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)", re.IGNORECASE)
FINAL_PUNCT = ".!?…。！？"
_CLOSERS = "\"'”’»)]}›“‘"


@lru_cache(maxsize=1)
def ui_phrases() -> dict:
    """{'exact': {tokens: (category, lang)}, 'wild': {tokens: (category, lang)}, 'weak': set, 'maxlen': int}."""
    with resources.files("aligner.data").joinpath("ui_phrases.json").open(encoding="utf-8") as fh:
        data = json.load(fh)
    exact: dict[tuple[str, ...], tuple[str, str]] = {}
    wild: dict[tuple[str, ...], tuple[str, str]] = {}
    for category, by_lang in data["phrases"].items():
        for lang, phrases in by_lang.items():
            for phrase in phrases:
                is_wild = phrase.endswith("*")
                toks = tuple(t.lower() for t in _TOKEN.findall(phrase.rstrip("* ")))
                if toks:
                    (wild if is_wild else exact).setdefault(toks, (category, lang))
    maxlen = max(len(t) for t in [*exact, *wild])
    firsts = frozenset(t[0] for t in [*exact, *wild])
    return {"exact": exact, "wild": wild, "weak": set(data.get("weak", ())), "maxlen": maxlen, "firsts": firsts}


@lru_cache(maxsize=1)
def _consent_stems() -> tuple[int, tuple[str, ...]]:
    import json
    from importlib import resources as ir

    data = json.loads(ir.files("aligner.data").joinpath("consent_stems.json").read_text(encoding="utf-8"))
    return int(data["max_tokens"]), tuple(sorted({s for stems in data["stems"].values() for s in stems}))


def consent_banner(text: str) -> bool:
    """A cookie/consent banner line in any supported language: short, a 'cookie' word and a consent stem."""
    if "ookie" not in text:
        return False
    max_tokens, stems = _consent_stems()
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    return 0 < len(tokens) <= max_tokens and any(t.startswith("cookie") or "cookie" in t.split("-") for t in tokens) \
        and any(t.startswith(stems) for t in tokens if not t.startswith("cookie"))


def ui_phrase_cover(text: str) -> list[tuple[str, str]] | None:
    """The (category, lang) of the UI phrases that together make up all of `text`, or None.

    Dynamic programming over word tokens; at least one phrase must be of a non-weak category. A cookie or
    consent banner (`consent_banner`) is recognised in any language without listing its phrases.
    """
    if "ookie" in text and consent_banner(text):  # the test consent_banner starts with, without the call
        return [("cookies_legal", "any")]
    if text.count(" ") > MAX_UI_TOKENS:
        return None
    data = ui_phrases()
    first = _TOKEN.search(text, 0, 80)
    if first is None or first.group().lower() not in data["firsts"]:
        return None  # fast path: most lines do not even start like an interface string
    tokens = _TOKEN.findall(text)
    if not tokens or len(tokens) > MAX_UI_TOKENS:
        return None
    low = [t.lower() for t in tokens]
    exact, wild, weak, maxlen = data["exact"], data["wild"], data["weak"], data["maxlen"]
    n = len(low)
    best: list[list[tuple[str, str]] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(n):
        if best[i] is None:
            continue
        for k in range(1, min(maxlen, n - i) + 1):
            key = tuple(low[i:i + k])
            hit = exact.get(key)
            if hit and best[i + k] is None:
                best[i + k] = best[i] + [hit]
            hit = wild.get(key)
            if hit:
                for extra in range(1, 4):  # a name of 1-3 capitalised words
                    j = i + k + extra
                    if j > n or not tokens[j - 1][:1].isupper():
                        break
                    if best[j] is None:
                        best[j] = best[i] + [hit]
    found = best[n]
    if not found or all(cat in weak for cat, _ in found):
        return None
    return found


def placeholder(text: str) -> str | None:
    """The template placeholder found in `text`, or None."""
    stripped = text.strip()
    if _BARE_PLACEHOLDER.match(stripped):
        return stripped
    m = PLACEHOLDER_RE.search(text) if _PLACEHOLDER_HINT.search(text) else None
    return m.group() if m else None


def is_doubled(text: str, *, max_words: int = 16) -> bool:
    """Is `text` one phrase of at least two words written twice ("X Y X Y")?"""
    words = text.split()
    n = len(words)
    if n < 4 or n % 2 or n > 2 * max_words:
        return False
    half = n // 2
    return words[:half] == words[half:]


def ends_with_final_punctuation(text: str) -> bool:
    t = text.rstrip().rstrip(_CLOSERS)
    return bool(t) and t[-1] in FINAL_PUNCT


def is_all_caps(text: str, *, max_words: int = 6) -> bool:
    """Short and written in capitals only. Letters without case (Arabic, CJK, Thai...) are neither: a line of
    them is never "all caps"."""
    cased = [ch for ch in text if ch.isalpha() and ch.lower() != ch.upper()]
    return len(cased) >= 3 and len(text.split()) <= max_words and all(ch.isupper() for ch in cased)


def is_copyright(text: str) -> bool:
    return bool(_COPYRIGHT.match(text.strip()))


def line_key(text: str) -> str:
    """Normal form of a line for cross-document comparison."""
    return " ".join(text.casefold().split())
