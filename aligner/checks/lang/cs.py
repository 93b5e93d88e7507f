"""Czech (cs)."""

LOANWORDS = {
    "manager", "marketing", "management", "internet", "email", "e-mail", "online", "software", "hardware",
    "web", "chat", "fax", "team", "business", "design", "leasing", "know-how", "feedback", "call centrum",
    "call center", "coaching", "brand", "image", "outsourcing", "startup", "weekend", "smartphone",
    "tablet", "notebook", "laptop", "server", "browser", "link", "blog", "post", "password", "login",
    "sport", "film", "bar", "stres", "catering", "marketing", "supervizor", "manažer", "skype", "office",
    "helpdesk", "help desk", "support", "customer care", "benefit", "benefity", "trainee", "junior", "senior",
}

FUNCTION_WORDS = {
    "a", "i", "v", "ve", "na", "se", "si", "je", "jsou", "z", "ze", "s", "so", "o", "k", "ke", "do", "pro",
    "že", "to", "ten", "ta", "by", "aby", "ale", "nebo", "od", "po", "pod", "nad", "za", "při", "u", "jak",
    "jako", "který", "která", "které", "kteří",
}

REDUPLICATION = "listed"
REDUPLICATED_OK = {"ano", "ne", "no", "jo", "tak", "už", "hned", "pomalu", "dávno", "velmi", "moc", "pryč",
                   "honem", "ach", "haha", "ha", "fuj"}

BOUND_PREFIXES = {"ne", "nej", "vy", "za", "po", "pro", "pře", "před", "při", "roz", "od", "do", "na", "nad",
                  "pod", "ob", "s", "z", "u", "v", "vz", "spolu", "sou", "bez", "mezi", "pra", "proti"}
BOUND_SUFFIXES = {"li", "si", "se", "ho", "mu", "ně", "ti", "ou", "ách", "ích", "ami", "ový", "ová", "ové",
                  "ní", "ost", "ky", "ka", "ek"}

RESPELL = [
    (r"tion(s?)$", r"ce"),
    (r"(?<=[aeiou])s(?=[aeiou])", "z"),
    (r"c(?=[aouklrt]|$)", "k"),
    (r"ph", "f"),
    (r"w", "v"),
    (r"y$", "ie"),
]

NUMBER_WORDS = {
    "jeden": 1, "jedna": 1, "jedno": 1, "dva": 2, "dvě": 2, "tři": 3, "čtyři": 4, "pět": 5, "šest": 6,
    "sedm": 7, "osm": 8, "devět": 9, "deset": 10,
}

CONJUNCTIONS = {"a", "i", "nebo", "či", "ani"}
COORDINATED_OK = {"více", "víc", "méně", "dál", "dále", "znovu", "stále", "pořád", "tam", "sem"}
