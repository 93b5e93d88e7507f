"""aligned.tmx: TMX 1.4b, one <tu> per bead.

The header carries every attribute TMX 1.4b requires (creationtool,
creationtoolversion, segtype, o-tmf, adminlang, srclang, datatype) and the run
signature as <prop>s. `srclang` is the source language when every bead has the
same one, else "*all*" as the specification allows; each <tu> then names its own
srclang. Each <tu> has tuid = the aligned.jsonl record id and props x-score,
x-similarity, x-type, x-role, x-src-doc, x-tgt-doc, x-flags (and x-drop-reason for
a dropped bead when an export includes them).

XML 1.0 cannot carry most C0 control characters (nor U+FFFE/U+FFFF or lone
surrogates), even as character references: they are replaced by U+FFFD in the TMX
(the JSONL keeps the original text). Carriage returns are written as `&#13;` so
parsers do not normalise them away.
"""

from __future__ import annotations

import json
import re
from typing import IO, Any, Iterable

from aligner.output.records import signature_id

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_TEXT_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
_ATTR_ESCAPES = {**_TEXT_ESCAPES, '"': "&quot;", "\n": "&#10;", "\t": "&#9;"}
_TEXT_RE = re.compile("[&<>\r]")
_ATTR_RE = re.compile('[&<>"\r\n\t]')
# what xml_safe replaces or the escapes change, in one pattern: text without any goes as is
_TEXT_ANY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff&<>\r]")
_ATTR_ANY = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff&<>"\r\n\t]')


def xml_safe(text: Any) -> str:
    """Replace the characters XML 1.0 forbids by U+FFFD."""
    return _XML_FORBIDDEN.sub("\ufffd", "" if text is None else str(text))


def xml_text(value: Any) -> str:
    text = "" if value is None else str(value)
    if _TEXT_ANY.search(text) is None:  # most text: nothing to replace or escape
        return text
    return _TEXT_RE.sub(lambda m: _TEXT_ESCAPES[m.group()], xml_safe(text))


def xml_attr(value: Any) -> str:
    text = "" if value is None else str(value)
    if _ATTR_ANY.search(text) is None:
        return text
    return _ATTR_RE.sub(lambda m: _ATTR_ESCAPES[m.group()], xml_safe(text))


def _prop(kind: str, value: Any, indent: str) -> str:
    return f'{indent}<prop type="{xml_attr(kind)}">{xml_text(value)}</prop>\n'


def _lang(code: Any) -> str:
    return str(code) if code else "und"


def write_tmx(fh: IO[str], records: Iterable[dict[str, Any]], *, signature: dict[str, Any] | None = None,
              tool_version: str | None = None) -> int:
    """Write a TMX 1.4b document with one <tu> per record; return the number of units."""
    records = list(records)
    tmx_start(fh, tmx_srclang(r.get("src_lang") for r in records), signature=signature, tool_version=tool_version)
    for r in records:
        tmx_unit(fh, r)
    tmx_end(fh)
    return len(records)


def tmx_srclang(src_langs: Iterable[Any]) -> str:
    """The header's srclang: the records' one source language, else "*all*"."""
    langs = {_lang(x) for x in src_langs}
    return langs.pop() if len(langs) == 1 else "*all*"


def tmx_start(fh: IO[str], srclang: str, *, signature: dict[str, Any] | None = None,
              tool_version: str | None = None) -> None:
    """The TMX header, for a writer that streams its units (`tmx_unit`, then `tmx_end`)."""
    from aligner import __version__

    signature = signature or {}
    header = {
        "creationtool": "aligner",
        "creationtoolversion": tool_version or signature.get("version") or __version__,
        "segtype": "sentence",
        "o-tmf": "aligner",
        "adminlang": "en",
        "srclang": srclang,
        "datatype": "plaintext",
    }
    fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n  <header')
    for key, value in header.items():
        fh.write(f' {key}="{xml_attr(value)}"')
    fh.write(">\n")
    if signature:
        fh.write(_prop("x-aligner-run", signature.get("id") or signature_id(signature), "    "))
        encoder = signature.get("encoder") or {}
        if isinstance(encoder, dict) and encoder:
            fh.write(_prop("x-aligner-encoder", encoder.get("name"), "    "))
            fh.write(_prop("x-aligner-encoder-revision", encoder.get("revision"), "    "))
        fh.write(_prop("x-aligner-schema", signature.get("schema", 1), "    "))
        fh.write(_prop("x-aligner-signature", json.dumps(signature, ensure_ascii=False, sort_keys=True,
                                                          default=str), "    "))
    fh.write("  </header>\n  <body>\n")


def tmx_unit(fh: IO[str], r: dict[str, Any]) -> None:
    """One <tu>, written at once (a write per line cost as much as building it); the props' fixed parts are
    constants, only their values are escaped."""
    get = r.get
    src_lang, tgt_lang = _lang(get("src_lang")), _lang(get("tgt_lang"))
    score, similarity = get("score"), get("similarity")
    parts = [f'    <tu tuid="{xml_attr(get("id"))}" srclang="{xml_attr(src_lang)}">\n',
             f'{_P}x-score">{xml_text(f"{score:.4f}" if isinstance(score, (int, float)) else score)}</prop>\n']
    if similarity is not None:
        parts.append(f'{_P}x-similarity">'
                     f'{xml_text(f"{similarity:.4f}" if isinstance(similarity, (int, float)) else similarity)}</prop>\n')
    parts.append(f'{_P}x-type">{xml_text(get("type"))}</prop>\n')
    role = get("role")
    if role:
        parts.append(f'{_P}x-role">{xml_text(role)}</prop>\n')
    parts.append(f'{_P}x-src-doc">{xml_text(get("src_doc"))}</prop>\n{_P}x-tgt-doc">{xml_text(get("tgt_doc"))}</prop>\n')
    flags = get("flags")
    if flags:
        parts.append(f'{_P}x-flags">{xml_text(" ".join(map(str, flags)))}</prop>\n')
    if not get("keep", True):
        parts.append(f'{_P}x-drop-reason">{xml_text(get("drop_reason") or "dropped")}</prop>\n')
    parts.append(f'      <tuv xml:lang="{xml_attr(src_lang)}"><seg>{xml_text(get("src"))}</seg></tuv>\n'
                 f'      <tuv xml:lang="{xml_attr(tgt_lang)}"><seg>{xml_text(get("tgt"))}</seg></tuv>\n    </tu>\n')
    fh.write("".join(parts))


_P = '      <prop type="'  # a unit's prop up to its type (the types are plain names: nothing to escape)


def tmx_end(fh: IO[str]) -> None:
    fh.write("  </body>\n</tmx>\n")
