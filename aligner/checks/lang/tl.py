"""Tagalog / Filipino (tl)."""

# English words of the business / office / technology register that Filipino has adopted as is.
LOANWORDS = {
    "customer", "customers", "call center", "call centre", "manager", "managers", "staff", "email", "e-mail",
    "internet", "fax", "coaching", "online", "offline", "computer", "computers", "website", "software",
    "hardware", "chat", "text", "cellphone", "laptop", "office", "boss", "meeting", "order", "orders",
    "vendor", "vendors", "supplier", "suppliers", "cash", "credit", "debit", "gift card", "card", "promo",
    "refund", "account", "warranty", "upgrade", "video", "degree", "coordinator", "supervisor", "training",
    "job", "app", "password", "download", "upload", "click", "link", "post", "blog", "team", "budget",
    "check", "overhead", "high school", "diploma", "utility", "mail", "standard", "instant messenger",
    "messenger", "front line", "sales", "marketing", "feedback", "update", "report", "shift",
    "schedule", "deadline", "target", "quota", "bonus", "benefits", "resume", "interview", "career",
    "business", "company", "store", "mall", "grocery", "delivery", "rider", "phone", "smartphone",
    "facebook", "media", "social media", "news", "spa", "salon", "hotel", "restaurant", "bank", "loan",
    "insurance", "agent", "freelance", "part-time", "full-time", "overtime", "payroll", "checkout",
}

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
