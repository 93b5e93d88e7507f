"""Credit lines: content a translation carries on its own by convention, not by error.

A translation commonly adds a line naming its translators or reviewers ("translated into German by Jens
Seidel", "tradotto da Beatrice Torracca (beatricet at libero dot it)"). The original has no counterpart, so
pair checks would report an omission, a missing number (the edition in the line) or English words (an
obfuscated address). The verbs and nouns below are each language's general vocabulary for translating and
reviewing, not any document's strings; a line counts only when it also names someone (two capitalised words)
or gives an address.
"""

from __future__ import annotations

import re

_CREDIT_WORDS = {
    "en": r"\btranslat(?:ed|ion|ions|or|ors)\b|\b(?:reviewed|proofread|revised)\s+by\b",
    "de": r"\bübersetzt\b|\bÜbersetz(?:ung|ungen|er|erin|ern)\b|\b(?:überarbeitet|korrekturgelesen|geprüft)\s+von\b",
    "fr": r"\btradu(?:it|ite|its|ites)\b|\btraduct(?:eur|eurs|rice|rices|ion)\b|\b(?:relu|relue|relus|révisé|révisée)\s+par\b",
    "it": r"\btradott[oaie]\b|\btradu(?:zione|zioni|ttore|ttori|ttrice|ttrici)\b|\b(?:revisionat|rivist|corrett)[oaie]\s+da\b",
    "es": r"\btraducid[oa]s?\b|\btraduc(?:ción|ciones|tor|tores|tora)\b|\brevisad[oa]s?\s+por\b",
    "pt": r"\btraduzid[oa]s?\b|\btradu(?:ção|ções|tor|tores|tora)\b|\brevisad[oa]s?\s+por\b",
    "nl": r"\bvertaald\b|\bvertal(?:ing|er|ers)\b|\bnagelezen\s+door\b",
    "cs": r"\bpřelo(?:žil|žila|žili|ženo|žen[aoy]?)\b|\bpřeklad(?:atel|atelka|u)?\b",
    "tl": r"\bisinalin\b|\bsalin\s+ni\b|\btagasalin\b",
}
_CREDIT_RE = {lang: re.compile(p, re.IGNORECASE) for lang, p in _CREDIT_WORDS.items()}
# an address, plain or spelled out against spam (name at host dot org, nom chez hôte point fr)
_ADDRESS_RE = re.compile(r"\S@\S|\(\s*\S+\s+(?:at|chez|bei|presso)\s+\S+(?:\s+(?:dot|point|punkt|punto)\s+\S+)+\s*\)",
                         re.IGNORECASE)
_STRIP = "([{\"'«»“”‘’<>,;:.!?)]}"


def _names_someone(text: str) -> bool:
    """An address, or two consecutive capitalised words past the sentence's first (Jens Seidel, Jean-Luc Coulon)."""
    if _ADDRESS_RE.search(text):
        return True
    tokens = text.split()
    for i in range(1, len(tokens) - 1):
        a, b = tokens[i], tokens[i + 1]
        if a[-1:] in ",;:.!?)":
            continue
        a, b = a.strip(_STRIP), b.strip(_STRIP)
        if a[:1].isalpha() and a[:1].isupper() and b[:1].isalpha() and b[:1].isupper():
            return True
    return False


def is_credit_line(text: str, lang: str | None) -> bool:
    """A sentence crediting the translation's translators or reviewers (with a name or an address)."""
    pattern = _CREDIT_RE.get(lang or "")
    return bool(pattern and pattern.search(text) and _names_someone(text))
