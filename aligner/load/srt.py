"""`.srt` subtitles (srt): each cue is a unit (a paragraph of its own) with its time codes.

The raw text is the subtitle file itself; cue numbers and time-code lines are removed as
"timecode", so every character of the file is accounted for. Locator: `{"cue": n, "start":
"00:00:01,000", "end": "00:00:03,500", "line": l}` (n is the cue's index in the file, l the
1-based line of its first text line). Formatting tags (<i>, {\\an8}) stay in the text. When
both sides of a pair are subtitles, the cues' time codes are kept in `extraction.cues` for an
alignment prior.
"""

from __future__ import annotations

import re

from aligner.load.extract import Extracted, FormatError, missing_extra, removed_outside

_TIMING = re.compile(r"^[ \t]*(\d+:\d+:\d+[,.]\d+)[ \t]*-->[ \t]*(\d+:\d+:\d+[,.]\d+)[^\n]*$", re.M)


def read_srt(raw: str) -> Extracted:
    try:
        import srt
    except ImportError:
        raise missing_extra("srt", "SRT") from None
    try:
        cues = list(srt.parse(raw, ignore_errors=False))
    except (srt.SRTParseError, ValueError) as exc:
        raise FormatError(f"not a valid .srt file: {exc}") from None
    if not cues:
        raise FormatError("the .srt file holds no subtitle cues")
    pieces, blocks, reasons = [], [], []
    timings = list(_TIMING.finditer(raw))
    for n, m in enumerate(timings):
        start = m.end() + 1 if m.end() < len(raw) else m.end()
        nxt = timings[n + 1].start() if n + 1 < len(timings) else len(raw)
        # the text ends at the blank line before the next cue (its number line stays out)
        blank = re.search(r"\n[ \t]*\r?\n", raw[start:nxt])
        end = start + blank.start() if blank else nxt
        text_end = start + len(raw[start:end].rstrip())
        line_start = raw.rfind("\n", 0, m.start()) + 1
        reasons.append((line_start, start, "timecode"))
        if text_end > start:
            pieces.append((start, text_end, n + 1))
            blocks.append({"start": start, "end": text_end, "cue": n + 1, "start_time": m.group(1).replace(".", ","),
                           "end_time": m.group(2).replace(".", ","), "line": raw.count("\n", 0, start) + 1})
    # cue numbers before each timing line
    for m in re.finditer(r"^[ \t]*\d+[ \t]*\r?$", raw, re.M):
        reasons.append((m.start(), m.end(), "timecode"))
    out = Extracted(raw=raw, pieces=pieces, blocks=blocks)
    out.removed = removed_outside(raw, pieces, reasons, default="markup")
    out.info = {"cues": len(cues), "format": "srt"}
    out.not_extracted = {"styling": "positioning and styling of cues is not interpreted (tags stay in the text)"}
    return out
