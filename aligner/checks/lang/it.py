"""Italian (it)."""

LOANWORDS = {
    "manager", "staff", "call center", "marketing", "computer", "internet", "email", "e-mail", "online",
    "web", "software", "hardware", "team", "leader", "business", "meeting", "budget", "feedback",
    "know-how", "partner", "customer care", "front office", "back office", "report", "standard", "privacy",
    "password", "file", "link", "download", "social", "network", "brand", "target", "trend", "coaching",
    "training", "management", "performance", "fax", "chat", "smartphone", "tablet", "app", "post", "blog",
    "sport", "weekend", "hobby", "film", "bar", "shopping", "leasing", "stress", "welfare", "manager",
    "customer service", "help desk", "call centre", "office", "part-time", "full-time", "record", "tutor",
    "master", "stage", "job", "workshop", "marketing manager", "sales", "account", "store", "outlet",
}

FUNCTION_WORDS = {
    "il", "lo", "la", "i", "gli", "le", "un", "uno", "una", "di", "a", "da", "in", "con", "su", "per", "tra",
    "fra", "e", "ed", "o", "che", "del", "della", "dei", "degli", "delle", "al", "alla", "ai", "agli",
    "alle", "nel", "nella", "nei", "negli", "nelle", "sul", "sulla", "non", "si", "ci", "ne", "è", "ma",
}

REDUPLICATION = "listed"
# Intensifying reduplication of adverbs and some adjectives is Italian (piano piano = slowly).
REDUPLICATED_OK = {
    "via", "piano", "pian", "poco", "così", "bene", "subito", "adagio", "quasi", "sì", "no", "ciao",
    "tanto", "presto", "forte", "zitto", "zitta", "zitti", "caldo", "calda", "freddo", "fredda", "nuovo",
    "nuova", "solo", "sola", "soli", "sole", "piccolo", "piccola", "lento", "lenta", "dritto", "dritta",
    "pari", "man", "mano", "ora", "appena", "grande", "basso", "bassa", "alto", "alta", "vicino",
}

BOUND_PREFIXES = {"ri", "dis", "s", "pre", "anti", "super", "ultra", "sotto", "sovra", "auto", "multi", "inter",
                  "iper", "ipo", "semi", "bi", "tri", "extra", "pseudo", "neo", "co", "contro", "in", "im"}
BOUND_SUFFIXES = {"mi", "ti", "si", "ci", "vi", "lo", "la", "li", "le", "ne", "gli", "glielo", "gliela",
                  "mente", "issimo", "issima", "issimi", "issime", "ino", "ina", "etto", "etta", "one"}

RESPELL = [
    (r"tion(s?)$", r"zione"),
    (r"ty$", "tà"),
    (r"ph", "f"),
    (r"y", "i"),
    (r"k", "c"),
]

NUMBER_WORDS = {
    "uno": 1, "una": 1, "un": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7,
    "otto": 8, "nove": 9, "dieci": 10,
}

CONJUNCTIONS = {"e", "ed", "o", "od", "oppure", "né"}
COORDINATED_OK = {"più", "meno", "sempre", "ancora", "mai", "avanti", "indietro", "su", "giù"}
