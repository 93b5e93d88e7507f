"""Tagalog / Filipino (tl)."""

# English words Filipino has adopted are recognised by frequency, not listed: the untranslated check treats as
# adopted any word that wordfreq's Filipino list (web, subtitles, Twitter: much Taglish) uses at Zipf >= 3 and at
# most 1 below its English frequency (customer 4.1 vs 4.6, manager, email, computer, online...), and English
# plurals of such words (customers). The list that stood here (110 words of the customer-service register, a
# third of them taken from the bundled articles: overhead, warranty, utility...) is gone; only phrases whose
# parts are not frequent alone would belong here.
LOANWORDS: set[str] = set()

FUNCTION_WORDS = {
    "ang", "ng", "sa", "mga", "na", "at", "ay", "si", "ni", "kay", "nang", "ang", "mga", "ito", "iyon",
    "para", "ng", "kung", "pero", "o", "din", "rin", "daw", "raw", "ba", "po", "ho", "pa", "lamang", "lang",
    "isang", "ay", "nito", "niya", "kanyang", "kanilang", "dahil", "upang", "kaya",
}

# Full reduplication of a word is grammatical in Tagalog and written with a hyphen (araw-araw, isa-isa,
# unti-unti, sari-sari): Komisyon sa Wikang Filipino, Ortograpiyang Pambansa (2014), "Gamit ng gitling",
# pag-uulit ng salitang-ugat. The same word twice with a space is an artifact, except where two different
# particles share a form: the adverb 'na' (already, now) followed by the linker 'na' (handa na na umuwi).
REDUPLICATION = "hyphen"
REDUPLICATED_OK = {"na"}

HYPHEN_PREFIXES = {
    "pag", "mag", "nag", "ipag", "ipang", "pang", "pam", "pan", "mang", "nang", "makipag", "nakipag",
    "pakikipag", "makapag", "nakapag", "pinag", "magpa", "nagpa", "ika", "ikapag", "mai", "nai", "maipag",
    "taga", "tag", "maka", "naka", "paka", "pinaka", "napaka", "ipa", "ipinag", "mapag", "napag", "nakiki",
    "makiki", "pakiki", "magka", "nagka", "pagka", "magsi", "nagsi", "may", "mala", "de", "ka", "ma", "na",
    "pa", "i", "um", "in", "inang", "kay", "mapa", "napa", "papag",
}

BOUND_PREFIXES = HYPHEN_PREFIXES | {"pinaka", "napaka", "pakiki", "paki", "tiga", "sang", "sing", "kasing", "magkaka"}
BOUND_SUFFIXES = {"an", "in", "han", "hin", "ng", "g", "nin", "nan", "ing"}

# English spellings respelled the Filipino way: resolution -> resolusyon, record -> rekord.
RESPELL = [
    (r"tion(s?)$", r"syon"),
    (r"sion(s?)$", r"syon"),
    (r"c(?=[aouklrt]|$)", "k"),
    (r"c(?=[eiy])", "s"),
    (r"qu", "kw"),
    (r"ph", "f"),
    (r"x", "ks"),
    (r"y$", "i"),
]

NUMBER_WORDS = {
    "isa": 1, "isang": 1, "dalawa": 2, "dalawang": 2, "tatlo": 3, "tatlong": 3, "apat": 4, "na apat": 4,
    "lima": 5, "limang": 5, "anim": 6, "pito": 7, "pitong": 7, "walo": 8, "walong": 8, "siyam": 9,
    "sampu": 10, "sampung": 10,
}

CONJUNCTIONS = {"at", "o", "ni", "pati"}
COORDINATED_OK = {"iba", "paulit", "sari", "halo", "buhay"}
