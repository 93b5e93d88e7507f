"""A tiny progress bar on stderr for long encoding jobs (no tqdm dependency).

Shown when `mode` is "always", or when it is "auto", stderr is a terminal, the job
is long enough to be worth it and the running `aligner` command was not given
`--quiet`. "never" (or a quiet CLI) silences it. On a terminal the bar redraws in
place; when forced onto a pipe or file it writes a plain line every 10 %.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

PROGRESS_MODES = ("auto", "always", "never")
AUTO_MIN_ITEMS = 256  # shorter jobs finish before a bar would tell anything


def wants_progress(mode: str, total: int, stream: TextIO | None = None) -> bool:
    if mode not in PROGRESS_MODES:
        raise ValueError(f"progress mode must be one of {', '.join(PROGRESS_MODES)}, got {mode!r}")
    if mode == "never" or total <= 0:
        return False
    if mode == "always":
        return True
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    return total >= AUTO_MIN_ITEMS and bool(isatty and isatty())


class Progress:
    """Counts items done out of `total`; `update(n)` after each batch, `close()` at the end."""

    def __init__(self, total: int, label: str = "embedding", stream: TextIO | None = None,
                 min_interval: float = 0.2, unit: str = "texts"):
        self.total = total
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.min_interval = min_interval
        self.unit = unit
        self.done = 0
        self.t0 = time.perf_counter()
        self._last_draw = 0.0
        self._last_decile = -1

    def _line(self) -> str:
        elapsed = time.perf_counter() - self.t0
        rate = self.done / elapsed if elapsed > 0 else 0.0
        frac = self.done / self.total if self.total else 1.0
        width = 24
        filled = int(round(frac * width))
        bar = "#" * filled + "-" * (width - filled)
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        return (f"{self.label} [{bar}] {self.done}/{self.total} {frac:4.0%} "
                f"{rate:,.{1 if rate < 10 else 0}f} {self.unit}/s eta {eta:,.0f}s")

    def update(self, n: int) -> None:
        self.done = min(self.total, self.done + n)
        now = time.perf_counter()
        if self.tty:
            if now - self._last_draw >= self.min_interval or self.done == self.total:
                self.stream.write("\r" + self._line())
                self.stream.flush()
                self._last_draw = now
        else:
            decile = int(10 * self.done / self.total) if self.total else 10
            if decile != self._last_decile:
                self.stream.write(self._line() + "\n")
                self.stream.flush()
                self._last_decile = decile

    def close(self) -> None:
        if self.tty:
            self.stream.write("\r" + self._line() + "\n")
            self.stream.flush()
