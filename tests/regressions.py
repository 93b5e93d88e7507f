"""A copy of the bundled corpus with real translation regressions added, as a CI maintainer would try the gate.

Each regression edits the Italian article (001), the only document in a parallel pair, so that every kind can be
seen by the document checks and the pair checks alike. `REGRESSIONS` names them; `make_regressed` writes the copy
and returns where each edit landed (raw offsets in the edited file).
"""

from __future__ import annotations

import shutil
from pathlib import Path

ITALIAN = "001_a1e898745819e5b5.txt"

# (name, original text, replacement); the original must occur exactly once in the Italian article.
REGRESSIONS = [
    # a whole sentence left in English (the source text of the translation)
    ("english-sentence",
     "È spesso chiamato a risolvere i conflitti che coinvolgono i reclami dei clienti in merito al servizio o alla merce.",
     "He is often called upon to resolve conflicts involving customer complaints about service or merchandise."),
    # a paragraph (two consecutive sentences) missing from the translation
    ("missing-paragraph",
     "Se l'azienda accetta resi, rimborsi e scambi, il responsabile del servizio clienti educa comunemente anche il "
     "personale su queste procedure.Normalmente spiega le restrizioni e le eccezioni su queste transazioni e "
     "descrive i documenti coinvolti per garantire il rispetto delle politiche e delle procedure del negozio.\n\n",
     ""),
    # a new glued word without a case change
    ("glued-word", "Il gestore forma abitualmente il personale", "Il gestore formaabitualmente il personale"),
    # untranslated words inside an Italian sentence
    ("untranslated-words",
     "La direzione consiglia regolarmente al personale sulle misure di prevenzione delle perdite.",
     "La direzione consiglia regolarmente al personale sulle misure di loss prevention."),
    # a whole sentence in the wrong language (Spanish)
    ("wrong-language",
     "In casi estremi, il responsabile del servizio clienti sarà chiamato immediatamente a gestire il problema.",
     "En casos extremos, el responsable del servicio al cliente será llamado inmediatamente para resolver el problema."),
]


def copy_corpus(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def make_regressed(src: Path, dst: Path, names: list[str] | None = None) -> dict[str, tuple[int, int]]:
    """Copy corpus `src` to `dst` with the regressions `names` (default: all) applied to the Italian article.

    Returns name -> (start, end) of the replacement text in the edited file (an empty span for a deletion)."""
    copy_corpus(src, dst)
    path = dst / ITALIAN
    text = path.read_text(encoding="utf-8")
    spans: dict[str, tuple[int, int]] = {}
    for name, old, new in REGRESSIONS:
        if names is not None and name not in names:
            continue
        assert text.count(old) == 1, f"regression {name}: the original text is not in the article exactly once"
        text = text.replace(old, new)
    for name, _old, new in REGRESSIONS:
        if names is not None and name not in names:
            continue
        if new:
            start = text.index(new)
            spans[name] = (start, start + len(new))
        else:
            spans[name] = (0, 0)
    path.write_text(text, encoding="utf-8")
    return spans
