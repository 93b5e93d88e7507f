"""Bytes -> text: BOMs, UTF-8, legacy single-byte code pages, mojibake repair.

`decode_bytes` returns the decoded text, the name of the encoding it came from and
the list of repairs applied (empty when the text is exactly the file's characters).
Offsets of every later stage index into this text, as the output contract says.
Anything that is not text raises `UndecodableError` with a message for a person.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

# Single-byte code pages we try when the bytes are not UTF-8, in order of preference
# on ties. cp1250 (Central European) and cp1252 (Western) share most of their letters;
# which one is right is decided by the letters each decoding produces (see _plausibility).
LEGACY_ENCODINGS = ("cp1252", "cp1250", "iso-8859-2", "latin-1")

# Letters beyond ASCII that each language writes. A decoding whose non-ASCII letters all
# belong to one configured language is plausible; one that produces 'ø' and 'ì' in Czech is not.
ALPHABETS = {
    "cs": "áčďéěíňóřšťúůýžÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ",
    "sk": "áäčďéíĺľňóôŕšťúýžÁÄČĎÉÍĹĽŇÓÔŔŠŤÚÝŽ",
    "pl": "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ",
    "hu": "áéíóöőúüűÁÉÍÓÖŐÚÜŰ",
    "it": "àèéìíîòóùúÀÈÉÌÍÎÒÓÙÚ",
    "fr": "àâæçéèêëîïôœùûüÿÀÂÆÇÉÈÊËÎÏÔŒÙÛÜŸ",
    "de": "äöüßÄÖÜ",
    "es": "áéíñóúüÁÉÍÑÓÚÜ",
    "pt": "áâãàçéêíóôõúüÁÂÃÀÇÉÊÍÓÔÕÚÜ",
    "tl": "ñÑáéíóúàèìòùâêîôû",
    "en": "éÉ",
}
# Typographic characters any Latin-script text may contain.
_NEUTRAL = set("„“”‘’‚«»‹›–—…•·°©®™€£§¶×÷±¹²³¼½¾ªº¡¿\u00a0\u00ad")

_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "an executable"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)

# Cheap pre-test for mojibake: UTF-8 read as cp1252/latin-1 leaves 'Ã', 'Å', 'Ä', 'â€'... before
# a continuation-byte character. Only texts that match are handed to ftfy.
_MOJIBAKE_HINT = re.compile("[ÂÃÄÅÆÐÑÔÕ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]|â€")


class UndecodableError(ValueError):
    """The bytes are not text (binary, empty...): the message says why, for a person."""


# Every byte but the control bytes a text file does not hold (tab, line feed, form feed, carriage return and
# escape are fine): deleting them leaves the control bytes to count, without a Python loop over the bytes.
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 32 and b not in (9, 10, 12, 13, 27)))


def _binary_kind(data: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    sample = data[:65536]
    if b"\x00" in sample:
        return "binary data (NUL bytes)"
    controls = len(sample.translate(None, _NOT_CONTROL))  # what is left once every other byte is deleted
    if sample and controls / len(sample) > 0.05:
        return f"binary data ({controls} control bytes in the first {len(sample)})"
    return None


def _plausibility(text: str, languages, *, others: bool = True) -> float:
    """Share of the non-ASCII letters of `text` that the best-fitting configured language writes."""
    counts: dict[str, int] = {}
    for ch in text:
        if ord(ch) > 127 and ch not in _NEUTRAL:
            counts[ch] = counts.get(ch, 0) + 1
    total = sum(counts.values())
    if not total:
        return 1.0
    best = 0.0
    configured = set(languages)
    for lang, alphabet in ALPHABETS.items():
        if not others and lang not in configured:
            continue
        hits = sum(n for ch, n in counts.items() if ch in alphabet)
        # a configured language counts fully; any other known one almost (Polish in a cs/it corpus)
        best = max(best, hits / total * (1.0 if lang in configured else 0.99))
    # C1 controls and symbols are never letters of a language: strong evidence against.
    bad = sum(n for ch, n in counts.items() if unicodedata.category(ch) in ("Cc", "Co", "Cn"))
    return best - bad / total


def _legacy_decode(data: bytes, languages) -> tuple[str, str]:
    """Pick the single-byte code page whose decoding has the most plausible letters."""
    candidates: list[tuple[float, int, str, str]] = []
    for rank, enc in enumerate(LEGACY_ENCODINGS):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((_plausibility(text, languages), -rank, enc, text))
    try:  # charset-normalizer may know a code page we do not try (cp1251, shift_jis...)
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding not in {c[2] for c in candidates}:
            try:
                text = data.decode(best.encoding)
                score = _plausibility(text, languages)
                if not any(ord(ch) > 0x24F for ch in text[:2000]):
                    score -= 0.01  # a Latin text: prefer our own candidates on ties
                candidates.append((score, -len(LEGACY_ENCODINGS), best.encoding, text))
            except (LookupError, UnicodeDecodeError):
                pass
    except ImportError:  # pragma: no cover
        pass
    if not candidates:
        raise UndecodableError("not decodable as UTF-8 or a known single-byte code page")
    candidates.sort(reverse=True)
    tied = [c for c in candidates if c[0] >= candidates[0][0] - 0.01]
    if len(tied) > 1:
        # Czech with only č ě ň ů reads as Italian è ì ò ù in cp1252: let the language identifier
        # say what the text is, then prefer the decoding whose letters that language writes.
        tied.sort(key=lambda c: (_consistency(c[3], languages), c[0], c[1]), reverse=True)
        return tied[0][3], tied[0][2]
    _, _, enc, text = candidates[0]
    return text, enc


def _consistency(text: str, languages) -> float:
    from aligner.langid import detect_language

    lang, _ = detect_language(text[:2000], languages)
    return _plausibility(text, [lang], others=False) if lang in ALPHABETS else 0.0


def repair_mojibake(text: str) -> tuple[str, list[str]]:
    """Fix UTF-8 read as a single-byte code page (ftfy), line by line; list what was done."""
    if not _MOJIBAKE_HINT.search(text):
        return text, []
    import ftfy

    config = ftfy.TextFixerConfig(
        unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False,
        fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False,
        remove_control_chars=False, normalization=None, explain=True,
    )
    out: list[str] = []
    steps: dict[str, int] = {}
    changed = 0
    for line in text.splitlines(keepends=True):
        if _MOJIBAKE_HINT.search(line):
            fixed, explanation = ftfy.fix_and_explain(line, config=config)
            if fixed != line:
                changed += 1
                key = ", ".join(f"{a} {b}" for a, b in (explanation or []))
                steps[key] = steps.get(key, 0) + 1
                line = fixed
        out.append(line)
    if not changed:
        return text, []
    repairs = [f"mojibake repaired by ftfy in {n} line(s): {k}" for k, n in steps.items()]
    return "".join(out), repairs


def _decode_bom(data: bytes) -> tuple[str | None, str]:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), name
            except UnicodeDecodeError as exc:
                raise UndecodableError(f"starts with a {name} byte-order mark but is not valid {name}: "
                                       f"{exc.reason} at byte {exc.start}") from None
    return None, ""


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM: NUL in (nearly) every other byte, decodable, mostly printable."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:4096]
    for codec, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if zeros.count(0) >= 0.9 * len(zeros):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return None
            head = text[:2048]
            printable = sum(ch.isprintable() or ch.isspace() for ch in head)
            # NUL high bytes mean U+0000-U+00FF: Latin-script text, which is mostly ASCII letters
            # and has spaces; b"\x00\xff" * n is binary, not "ÿÿÿ…".
            letters = [ch for ch in head if ch.isalpha()]
            ascii_letters = sum(ch.isascii() for ch in letters)
            prose = (len(head) < 20 or any(ch.isspace() for ch in head)) and ascii_letters >= 0.5 * max(len(letters), 1)
            return text if printable >= 0.95 * len(head) and prose else None
    return None


def decode_bytes(data: bytes, *, languages=("en",)) -> tuple[str, str, list[str]]:
    """Decode a file's bytes; return (text, encoding, repairs). Raises UndecodableError."""
    if not data:
        raise UndecodableError("empty file")
    repairs: list[str] = []
    text, encoding = _decode_bom(data)
    if text is None:
        text = _utf16_without_bom(data)
        if text is not None:
            encoding = "utf-16"
            repairs.append("decoded as UTF-16 without a byte-order mark")
    if text is None:
        kind = _binary_kind(data)
        if kind:
            raise UndecodableError(f"not a text file: looks like {kind}")
        try:
            text = data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            text, encoding = _legacy_decode(data, languages)
            repairs.append(f"decoded from {encoding} (not valid UTF-8)")
    if not text.strip():
        raise UndecodableError("no text: the file contains only whitespace")
    text, fixes = repair_mojibake(text)
    repairs.extend(fixes)
    return text, encoding, repairs
