"""French (fr)."""

FUNCTION_WORDS = {
    "le", "la", "les", "un", "une", "des", "du", "de", "à", "au", "aux", "en", "et", "ou", "dans", "sur", "par",
    "pour", "avec", "que", "qui", "ne", "pas", "se", "est",
}

REDUPLICATION = "listed"
# Reduplication French uses on purpose (petit à petit is not adjacent; these are).
# nous nous / vous vous: subject and reflexive pronoun (nous nous sommes levés).
REDUPLICATED_OK = {"très", "non", "oui", "si", "bien", "vite", "tout", "fort", "pareil", "bof", "ah", "oh", "nous",
                   "vous"}

BOUND_PREFIXES = {"en", "em", "re", "ré", "dé", "pré", "anti", "super", "sur", "sous", "auto", "multi", "inter", "co", "contre",
                  "in", "im", "mi", "semi", "ultra", "extra"}
# verb endings (the future is the infinitive + -ai, -as, -a, -ons, -ez, -ont: fier + ont = fieront) and -ment
BOUND_SUFFIXES = {"ment", "ement", "ons", "ez", "ent", "ais", "ait", "ions", "iez", "ont", "ai", "as", "aient"}

RESPELL = [
    (r"ty$", "té"),
    (r"ph", "f"),
]

NUMBER_WORDS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10,
}

CONJUNCTIONS = {"et", "ou", "ni"}
COORDINATED_OK = {"plus", "moins", "encore", "toujours"}
