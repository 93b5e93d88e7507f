"""Cores a thread of this process keeps busy beside an encoder working in another thread (standard library only).

The pipeline encodes a shard's sentences in a background thread while the calling thread identifies their
languages (aligner.embed.prefetch). While the caller works it claims a core (`cores_taken_by_caller`): an
encoder with automatic threads leaves it that core (two compute threads on one core make every barrier of the
engine wait for the slower one), and lingua loads its models piecewise so the encoder gets the GIL between
its calls (aligner.langid). Imported by aligner.langid, which `aligner lint` uses without numpy.
"""

from __future__ import annotations

import contextlib
import threading

_taken = [0]
_lock = threading.Lock()


@contextlib.contextmanager
def cores_taken_by_caller(n: int = 1):
    """Claim `n` cores for the calling thread's own work while the block runs."""
    with _lock:
        _taken[0] += n
    try:
        yield
    finally:
        with _lock:
            _taken[0] -= n


def cores_taken() -> int:
    """Cores claimed by threads of this process (`cores_taken_by_caller`), 0 when none."""
    return _taken[0]


_local = threading.local()


@contextlib.contextmanager
def planned_calls(first_chars: int, rest_chars: int, on_call=None):
    """In this thread, an encoder that supports it (e5-small) splits a request into engine calls of about
    `first_chars` characters, then `rest_chars`, and calls `on_call()` as each engine call begins: the split
    happens inside one `encode`, so between two calls there is no cache or file work to wait on the GIL for."""
    saved = getattr(_local, "plan", None)
    _local.plan = (first_chars, rest_chars, on_call)
    try:
        yield
    finally:
        _local.plan = saved


def call_plan() -> tuple[int, int] | None:
    """(first, rest) characters per engine call planned for this thread (`planned_calls`), or None."""
    plan = getattr(_local, "plan", None)
    return plan[:2] if plan else None


def engine_call_begins() -> None:
    """Called by an encoder right before a call into its engine (which releases the GIL)."""
    plan = getattr(_local, "plan", None)
    if plan and plan[2] is not None:
        plan[2]()
