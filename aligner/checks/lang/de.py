"""German (de)."""

# Every noun is capitalised: a capital inside a sentence says nothing about casing errors.
CAPITALISES_NOUNS = True
# Compounds are one word (Datenbankverwaltung): an unknown word made of two known ones is normal.
COMPOUNDING = True

FUNCTION_WORDS = {
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines", "und", "oder",
    "in", "im", "an", "am", "auf", "aus", "bei", "mit", "nach", "von", "vom", "zu", "zum", "zur", "für", "ist",
    "nicht", "sich", "es", "wird", "werden",
}

REDUPLICATION = "listed"
# The relative pronoun has the article's forms, so 'Faktoren, die die Statistik beeinflussen' is grammatical.
REDUPLICATED_OK = {"ja", "nein", "so", "sehr", "immer", "nach", "schnell", "gut", "na", "tja",
                   "der", "die", "das", "den", "dem"}

NUMBER_WORDS = {
    "eins": 1, "ein": 1, "eine": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7,
    "acht": 8, "neun": 9, "zehn": 10,
}

CONJUNCTIONS = {"und", "oder", "sowie"}
COORDINATED_OK = {"mehr", "weniger", "immer", "wieder", "hin", "her"}
