"""English (en): the source language of most machine-translated web text."""

FUNCTION_WORDS = {
    "the", "a", "an", "of", "to", "in", "on", "for", "and", "or", "with", "at", "by", "from", "is", "are",
    "was", "were", "be", "it", "that", "this",
}

REDUPLICATION = "listed"
REDUPLICATED_OK = {"very", "no", "yes", "bye", "so", "really", "ha", "more", "far", "over", "again"}

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10,
}

CONJUNCTIONS = {"and", "or", "nor"}
COORDINATED_OK = {"more", "less", "over", "again", "on", "through", "round", "back", "forth", "by"}

# Capitalised by English rules wherever they stand: days of the week and months (Friday, May).
CAPITALISED = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december",
    # proper adjectives: languages and nationalities are capitalised in English (the German locale)
    "english", "french", "german", "italian", "spanish", "portuguese", "dutch", "czech", "polish", "russian",
    "greek", "turkish", "arabic", "hebrew", "chinese", "japanese", "korean", "thai", "vietnamese", "hindi",
    "filipino", "tagalog", "swedish", "norwegian", "danish", "finnish", "hungarian", "romanian", "ukrainian",
    "european", "asian", "african", "american", "british", "latin", "cyrillic", "swiss", "austrian", "belgian",
}
