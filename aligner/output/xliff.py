"""aligned.xlf: XLIFF 2.1 (OASIS), one <unit> per bead, for CAT tools and translation management systems.

Structure (XLIFF 2.1 core): `<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1"
srcLang=".." trgLang="..">`, one `<file id="f1" original="<src doc> -> <tgt doc>">` per document
pair, one `<unit id="u<n>" name="<aligned.jsonl id>">` per bead with `<notes>` (the score and
type, then one note per flag: `<note category="aligner:<code>" priority="1|5|8" appliesTo=..>`)
and one `<segment id="s1" state="translated" subState="aligner:needs-review|aligner:ok">` holding
`<source>` and `<target>`. A bead needs review when it has a flag of severity warning or error,
or when the cleaning stage dropped it (`--all` exports). XLIFF 2 carries one language pair per
document, so `records_by_language_pair` splits a run with several pairs.
"""

from __future__ import annotations

from typing import IO, Any, Iterable

from aligner.output.tmx import xml_attr, xml_text

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
PRIORITY = {"error": 1, "warning": 5, "info": 8}


def records_by_language_pair(records: Iterable[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(src_lang, tgt_lang) -> records, a reversed pair swapped into the orientation met first."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in records:
        pair = (r.get("src_lang") or "und", r.get("tgt_lang") or "und")
        if pair in groups:
            groups[pair].append(r)
        elif pair[::-1] in groups:
            groups[pair[::-1]].append(swap(r))
        else:
            groups[pair] = [r]
    return groups


def swap(r: dict[str, Any]) -> dict[str, Any]:
    out = dict(r)
    for a, b in (("src", "tgt"), ("src_lang", "tgt_lang"), ("src_doc", "tgt_doc"), ("src_raw", "tgt_raw"),
                 ("src_sents", "tgt_sents"), ("src_spans", "tgt_spans")):
        out[a], out[b] = r.get(b), r.get(a)
    t = str(r.get("type") or "")
    if "-" in t:
        out["type"] = "-".join(reversed(t.split("-")))
    return out


def needs_review(record: dict[str, Any], flags: list[dict[str, Any]]) -> bool:
    return not record.get("keep", True) or any(f.get("severity") in ("warning", "error") for f in flags)


def write_xliff(fh: IO[str], records: Iterable[dict[str, Any]], *, flags: Iterable[dict[str, Any]] = (),
                signature: dict[str, Any] | None = None) -> int:
    """Write one XLIFF 2.1 document (one language pair); return the number of units."""
    with XliffUnits(flags) as units:
        for r in records:
            units.add(r)
        return units.finish(fh, signature=signature)


def flags_by_bead(flags: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """bead id -> the flags naming it (its notes)."""
    by_bead: dict[str, list[dict[str, Any]]] = {}
    for f in flags:
        if f.get("bead"):
            by_bead.setdefault(str(f["bead"]), []).append(f)
    return by_bead


# Marks where a unit's number goes in the spilled unit text: NUL never survives xml_text/xml_attr.
_NUMBER = "\x00"


class XliffUnits:
    """One XLIFF document (one language pair) fed a bead at a time (`add`), written by `finish`.

    Each unit is rendered as it comes into a temporary file, not held: a writer making several files in one
    pass over the beads needs no spill of its own. Units are grouped in one <file> per document pair, the
    pairs in the order they first come, and numbered in that order (as `write_xliff` always did).
    `flags`: the run's flag records (those naming a bead become its notes); `by_bead`: their `flags_by_bead`
    map instead, for writers of several documents.
    """

    def __init__(self, flags: Iterable[dict[str, Any]] = (), *,
                 by_bead: dict[str, list[dict[str, Any]]] | None = None):
        import tempfile

        self.by_bead = by_bead if by_bead is not None else flags_by_bead(flags)
        self.n = 0
        self.src_lang: Any = None
        self.tgt_lang: Any = None
        self._units = tempfile.TemporaryFile()  # the units' UTF-8 text
        self._files: dict[tuple[Any, Any], list[list[int]]] = {}  # document pair -> byte spans of its units
        self._last: tuple[Any, Any] | None = None
        self._at = 0

    def __enter__(self) -> "XliffUnits":
        return self

    def __exit__(self, *exc) -> None:
        self._units.close()

    def add(self, r: dict[str, Any]) -> None:
        self.n += 1
        self.src_lang = self.src_lang or r.get("src_lang")
        self.tgt_lang = self.tgt_lang or r.get("tgt_lang")
        text = _unit(r, self.by_bead.get(str(r.get("id")), [])).encode("utf-8")
        key = (r.get("src_doc"), r.get("tgt_doc"))
        spans = self._files.setdefault(key, [])
        if key == self._last:
            spans[-1][1] += len(text)
        else:
            spans.append([self._at, self._at + len(text)])
            self._last = key
        self._units.write(text)
        self._at += len(text)

    def finish(self, fh: IO[str], *, signature: dict[str, Any] | None = None) -> int:
        """Write the document into `fh`; return the number of units."""
        src_lang, tgt_lang = self.src_lang or "und", self.tgt_lang or "und"
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        fh.write(f'<xliff xmlns="{XLIFF_NS}" version="2.1" srcLang="{xml_attr(src_lang)}" trgLang="{xml_attr(tgt_lang)}">\n')
        n = 0
        for k, ((sd, td), spans) in enumerate(self._files.items(), 1):
            fh.write(f'  <file id="f{k}" original="{xml_attr(f"{sd} -> {td}")}">\n')
            if signature and k == 1:
                fh.write("    <notes>\n")
                fh.write(f'      <note category="aligner:run">{xml_text(signature.get("id") or "")}</note>\n')
                enc = signature.get("encoder") or {}
                if isinstance(enc, dict) and enc:
                    fh.write(f'      <note category="aligner:encoder">{xml_text(enc.get("name"))} '
                             f'{xml_text(enc.get("revision") or "")}</note>\n')
                fh.write(f'      <note category="aligner:version">{xml_text(signature.get("version") or "")}</note>\n')
                fh.write("    </notes>\n")
            for a, b in spans:
                self._units.seek(a)
                pieces = self._units.read(b - a).decode("utf-8").split(_NUMBER)
                out = [pieces[0]]
                for piece in pieces[1:]:
                    n += 1
                    out += (str(n), piece)
                fh.write("".join(out))
            fh.write("  </file>\n")
        if not self._files:  # XLIFF 2 requires a <file>, and a <file> a <unit> or <group> (which may be empty)
            fh.write('  <file id="f1">\n    <notes><note category="aligner:empty">no beads</note></notes>\n'
                     '    <group id="g1"/>\n  </file>\n')
        fh.write("</xliff>\n")
        return n


def _unit(r: dict[str, Any], own: list[dict[str, Any]]) -> str:
    """A bead's <unit>, its number left as `_NUMBER`; `own`: the flags naming the bead."""
    review = needs_review(r, own)
    parts = [f'    <unit id="u{_NUMBER}" name="{xml_attr(r.get("id"))}">\n      <notes>\n']
    score = r.get("score")
    score_s = f"{score:.4f}" if isinstance(score, (int, float)) else str(score)
    parts.append(f'        <note category="aligner:score">{xml_text(score_s)}</note>\n')
    parts.append(f'        <note category="aligner:type">{xml_text(r.get("type"))}</note>\n')
    if not r.get("keep", True):
        parts.append(f'        <note category="aligner:drop-reason" priority="1">{xml_text(r.get("drop_reason") or "dropped")}</note>\n')
    for f in own:
        applies = ' appliesTo="source"' if f.get("doc") == r.get("src_doc") else \
            ' appliesTo="target"' if f.get("doc") == r.get("tgt_doc") else ""
        parts.append(f'        <note category="aligner:{xml_attr(f.get("code"))}" '
                     f'priority="{PRIORITY.get(f.get("severity"), 5)}"{applies}>'
                     f'{xml_text(f.get("severity"))}: {xml_text(f.get("message"))}'
                     + (f' [{xml_text(f.get("text"))}]' if f.get("text") else "") + "</note>\n")
    for code in r.get("flags") or []:
        if not any(f.get("code") == code for f in own):  # a flag known only by its code (an export)
            parts.append(f'        <note category="aligner:{xml_attr(code)}">{xml_text(code)}</note>\n')
    parts.append("      </notes>\n")
    sub = "aligner:needs-review" if review else "aligner:ok"
    parts.append(f'      <segment id="s1" state="translated" subState="{sub}">\n')
    parts.append(f'        <source>{xml_text(r.get("src"))}</source>\n')
    parts.append(f'        <target>{xml_text(r.get("tgt"))}</target>\n')
    parts.append("      </segment>\n    </unit>\n")
    return "".join(parts)
