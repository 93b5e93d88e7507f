"""`.md` / `.markdown` (markdown-it-py, CommonMark + tables): headings, paragraphs, list items, table cells.

The raw text is the Markdown source itself (offsets and the `line`/`column` of a flag point
into the file). Block structure comes from markdown-it's token map (source lines); inside a
block the text pieces of the inline tokens are found in the source in order, and what lies
between them (`#`, list markers, `**`, `[`, `](url)`, inline HTML) is removed as "markup".
Removed with their own reason: fenced and indented code blocks ("code"), YAML/TOML front
matter at the top of the file ("front-matter"), HTML blocks ("markup"), thematic breaks.
A piece whose text the source spells differently (a backslash escape, an entity) keeps its
source as it is. Locator: `{"line": n}` (1-based source line of the block). Not extracted:
link targets and image sources (removed as markup; image alt text is kept).
"""

from __future__ import annotations

import re
from typing import Any

from aligner.load.extract import Extracted, missing_extra, removed_outside

_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?(---|\+\+\+)[ \t]*\r?\n.*?\r?\n\1[ \t]*(?:\r?\n|\Z)", re.S)
_TEXT_BLOCKS = ("paragraph_open", "heading_open", "th_open", "td_open")


def read_markdown(raw: str) -> Extracted:
    try:
        from markdown_it import MarkdownIt
    except ImportError:
        raise missing_extra("markdown-it-py", "Markdown") from None
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", raw)]

    def offset(line: int) -> int:
        return line_starts[line] if line < len(line_starts) else len(raw)

    reasons: list[tuple[int, int, str]] = []
    body_start = 0
    fm = _FRONT_MATTER.match(raw)
    if fm:
        reasons.append((0, fm.end(), "front-matter"))
        body_start = fm.end()
    # markdown-it sees blank lines in place of the front matter, so its line numbers stay the file's
    masked = raw[:body_start].count("\n") * "\n" + raw[body_start:]
    tokens = MarkdownIt("commonmark").enable("table").parse(masked)

    pieces: list[tuple[int, int, int]] = []
    blocks: list[dict[str, Any]] = []
    counts = {"code_blocks": 0, "html_blocks": 0, "images": 0, "links": 0}
    block_no = 0
    for k, tok in enumerate(tokens):
        if tok.type in ("fence", "code_block") and tok.map:
            reasons.append((offset(tok.map[0]), offset(tok.map[1]), "code"))
            counts["code_blocks"] += 1
        elif tok.type == "html_block" and tok.map:
            reasons.append((offset(tok.map[0]), offset(tok.map[1]), "markup"))
            counts["html_blocks"] += 1
        elif tok.type == "inline" and tok.map and k > 0 and tokens[k - 1].type in _TEXT_BLOCKS:
            start, end = offset(tok.map[0]), offset(tok.map[1])
            block_no += 1
            blocks.append({"start": start, "end": end, "line": tok.map[0] + 1,
                           "kind": tokens[k - 1].type.replace("_open", "")})
            pos = max(start, pieces[-1][1]) if pieces else start  # table cells share a source line
            missed = None  # source offset from which a text was not found verbatim

            def add(a: int, b: int) -> None:
                if b <= a:
                    return
                if pieces and pieces[-1][2] == block_no and not raw[pieces[-1][1]:a].strip():
                    pieces[-1] = (pieces[-1][0], b, block_no)  # same piece
                else:
                    pieces.append((a, b, block_no))

            for child in tok.children or []:
                if child.type == "image":
                    counts["images"] += 1
                if child.type == "link_open":
                    counts["links"] += 1
                if child.type in ("text", "code_inline") and child.content:
                    at = raw.find(child.content, pos, end)
                    if at < 0:  # spelled differently in the source (escape, entity): keep the source
                        missed = pos if missed is None else missed
                        continue
                    if missed is not None:
                        add(missed, at)
                        missed = None
                    add(at, at + len(child.content))
                    pos = at + len(child.content)
            if missed is not None:
                add(missed, missed + len(raw[missed:end].rstrip()))
    out = Extracted(raw=raw, pieces=pieces, blocks=blocks)
    out.removed = removed_outside(raw, pieces, reasons, default="markup")
    out.not_extracted = {}
    if counts["images"]:
        out.not_extracted["images"] = counts["images"]
    if counts["links"]:
        out.not_extracted["links"] = f"{counts['links']} link target(s) (the link text is kept)"
    out.info = {"code_blocks": counts["code_blocks"], "html_blocks": counts["html_blocks"],
                "front_matter": bool(fm)}
    return out
