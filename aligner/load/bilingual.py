"""Bilingual files: XLIFF 1.2 (and 1.1) / 2.x (`.xlf`, `.xliff`, on lxml) and gettext PO (`.po`, polib).

Their source and target segments are already paired. A file becomes two documents,
`<id>#source` and `<id>#target`, each unit one paragraph of its side, and a parallel pair whose
beads are the units (aligner.pair.priors); every check then runs on them, so `aligner check`
gates a repository's translation files.

Locator of a unit: XLIFF `{"file": original, "unit": id, "segment": id (2.x), "line": l}`,
PO `{"entry": k, "line": l, "msgctxt": ...}`, with l the 1-based line of the <source>/<target>
element or of the PO entry. Inline codes (<x/>, <ph>, <bpt>... / <ph/>, <sc/>, <pc>...) are not
extracted: markup pairs keep their text, placeholders are dropped and counted.

Document errors: XML that is not well formed, a root that is not XLIFF 1.2/2.x, source languages
that disagree (two <file>s, or an xml:lang on a segment against the declared one), a PO file
with a syntax error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from aligner.load.extract import Builder, Extracted, FormatError, missing_extra

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS11 = "urn:oasis:names:tc:xliff:document:1.1"  # same structure; translate-toolkit writes it
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CODES_12 = {"x", "bx", "ex", "ph", "bpt", "ept", "it"}  # placeholders / native code: not text
_CODES_20 = {"ph", "sc", "ec", "sm", "em"}


@dataclass
class BilingualFile:
    source: Extracted
    target: Extracted
    src_lang: str | None
    tgt_lang: str | None
    units: int = 0
    info: dict[str, Any] = field(default_factory=dict)


def _lang(code: str | None) -> str | None:
    """'en-US' -> 'en' (the project's languages are ISO 639-1)."""
    if not code:
        return None
    return code.replace("_", "-").split("-")[0].lower() or None


def read_xliff(data: bytes) -> BilingualFile:
    try:
        from lxml import etree
    except ImportError:
        raise missing_extra("lxml", "XLIFF") from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise FormatError(f"malformed XLIFF: not well-formed XML ({exc})") from None
    tag = etree.QName(root)
    if tag.localname != "xliff" or tag.namespace not in (NS11, NS12, NS20):
        raise FormatError(f"not an XLIFF file: the root element is <{tag.localname}> in namespace "
                          f"{tag.namespace or 'none'} (expected <xliff> of XLIFF 1.2 or 2.x)")
    src, tgt = Builder(), Builder()
    codes = {"n": 0}
    units = 0
    if tag.namespace in (NS11, NS12):
        ns = tag.namespace
        files = root.findall(f"{{{ns}}}file")
        if not files:
            raise FormatError("malformed XLIFF 1.2: no <file> element")
        src_langs = {f.get("source-language") for f in files}
        if len(src_langs) > 1:
            raise FormatError(f"mismatched source language in XLIFF: the <file> elements declare "
                              f"{', '.join(sorted(str(x) for x in src_langs))}")
        src_lang = files[0].get("source-language")
        tgt_lang = next((f.get("target-language") for f in files if f.get("target-language")), None)
        for f in files:
            if f.get("target-language") and tgt_lang and _lang(f.get("target-language")) != _lang(tgt_lang):
                raise FormatError(f"mismatched target language in XLIFF: {f.get('target-language')} and {tgt_lang}")
            for tu in f.iter(f"{{{ns}}}trans-unit"):
                s_el, t_el = tu.find(f"{{{ns}}}source"), tu.find(f"{{{ns}}}target")
                if s_el is None:
                    raise FormatError(f"malformed XLIFF 1.2: <trans-unit id=\"{tu.get('id')}\"> (line {tu.sourceline}) has no <source>")
                _check_lang(s_el, src_lang, "source", tu.get("id"))
                _check_lang(t_el, tgt_lang, "target", tu.get("id"))
                where = {"file": f.get("original"), "unit": tu.get("id"), "index": units}
                src.add(_text(s_el, ns, codes), {**where, "line": s_el.sourceline})
                if t_el is not None:
                    state = t_el.get("state")
                    tgt.add(_text(t_el, ns, codes), {**where, "line": t_el.sourceline, **({"state": state} if state else {})})
                units += 1
        version = root.get("version") or ("1.1" if ns == NS11 else "1.2")
    else:
        src_lang, tgt_lang = root.get("srcLang"), root.get("trgLang")
        if not src_lang:
            raise FormatError("malformed XLIFF 2: the <xliff> element has no srcLang")
        for f in root.findall(f"{{{NS20}}}file"):
            for unit in f.iter(f"{{{NS20}}}unit"):
                for seg in unit.findall(f"{{{NS20}}}segment"):
                    s_el, t_el = seg.find(f"{{{NS20}}}source"), seg.find(f"{{{NS20}}}target")
                    if s_el is None:
                        raise FormatError(f"malformed XLIFF 2: a <segment> of unit \"{unit.get('id')}\" (line {seg.sourceline}) has no <source>")
                    _check_lang(s_el, src_lang, "source", unit.get("id"))
                    _check_lang(t_el, tgt_lang, "target", unit.get("id"))
                    where = {"file": f.get("original") or f.get("id"), "unit": unit.get("id"), "index": units,
                             **({"segment": seg.get("id")} if seg.get("id") else {})}
                    src.add(_text(s_el, NS20, codes), {**where, "line": s_el.sourceline})
                    if t_el is not None:
                        state = seg.get("state")
                        tgt.add(_text(t_el, NS20, codes), {**where, "line": t_el.sourceline, **({"state": state} if state else {})})
                    units += 1
        version = root.get("version") or "2.0"
    if not units:
        raise FormatError("the XLIFF file holds no translation units")
    not_extracted = {"inline_codes": codes["n"]} if codes["n"] else {}
    not_extracted["notes"] = "notes, metadata and alternative translations are not extracted"
    out = BilingualFile(src.result(), tgt.result(), _lang(src_lang), _lang(tgt_lang), units,
                        {"format": "xliff", "version": version, "declared_source": src_lang, "declared_target": tgt_lang})
    for side in (out.source, out.target):
        side.not_extracted = dict(not_extracted)
    return out


def _check_lang(el, declared: str | None, side: str, unit: str | None) -> None:
    if el is None:
        return
    lang = el.get(_XML_LANG)
    if lang and declared and _lang(lang) != _lang(declared):
        raise FormatError(f"mismatched {side} language in XLIFF: unit \"{unit}\" (line {el.sourceline}) is "
                          f"xml:lang=\"{lang}\" but the file declares {declared}")


def _text(el, ns: str, codes: dict[str, int]) -> str:
    """The text of a <source>/<target>: markup pairs keep their content, placeholders are dropped."""
    from lxml import etree

    parts = [el.text or ""]
    for child in el:
        name = etree.QName(child).localname if isinstance(child.tag, str) else None
        if name is None:
            pass
        elif (ns != NS20 and name in _CODES_12) or (ns == NS20 and name in _CODES_20):
            codes["n"] += 1
        elif ns == NS20 and name == "cp":
            try:
                parts.append(chr(int(child.get("hex", ""), 16)))
            except ValueError:
                codes["n"] += 1
        else:
            parts.append(_text(child, ns, codes))
        parts.append(child.tail or "")
    return "".join(parts)


_PO_LINE = re.compile(r'^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)[ \t]+)?"(?:[^"\\]|\\.)*"[ \t]*$')


def _check_po_lines(raw: str) -> None:
    """polib accepts an unterminated string (and silently cuts its last character): reject it first."""
    for n, line in enumerate(raw.splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if not _PO_LINE.match(text):
            raise FormatError(f"not a valid PO file: syntax error at line {n}: {text[:60]!r}")


def read_po(raw: str) -> BilingualFile:
    try:
        import polib
    except ImportError:
        raise missing_extra("polib", "PO") from None
    _check_po_lines(raw)
    try:
        po = polib.pofile(raw, wrapwidth=0)
    except (OSError, ValueError) as exc:
        raise FormatError(f"not a valid PO file: {exc}") from None
    src, tgt = Builder(), Builder()
    units = 0
    obsolete = 0
    for k, entry in enumerate(po):
        if entry.obsolete:
            obsolete += 1
            continue
        pairs = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            forms = [entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural)]
            pairs = [(entry.msgid, forms[0] if forms else ""), (entry.msgid_plural, " ".join(forms[1:]))]
        for form, (s, t) in enumerate(pairs):
            where = {"entry": k, "line": entry.linenum, "index": units,
                     **({"msgctxt": entry.msgctxt} if entry.msgctxt else {}),
                     **({"plural": form} if entry.msgid_plural else {}),
                     **({"fuzzy": True} if entry.fuzzy else {})}
            src.add(s, where)
            tgt.add(t, where)
            units += 1
    if not units:
        raise FormatError("the PO file holds no messages")
    meta = po.metadata or {}
    tgt_lang = _lang(meta.get("Language"))
    src_lang = _lang(meta.get("X-Source-Language"))
    out = BilingualFile(src.result(), tgt.result(), src_lang, tgt_lang, units,
                        {"format": "po", "untranslated": len(po.untranslated_entries()),
                         "fuzzy": len(po.fuzzy_entries()), "obsolete": obsolete})
    for side in (out.source, out.target):
        side.not_extracted = {"comments": "translator and extracted comments, references and flags are not extracted"}
    return out
