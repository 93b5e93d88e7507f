"""`aligner run` in a subprocess that pauses before every file-system step of the write stage.

    python tests/killable_run.py CORPUS OUT

runs the real CLI (`aligner run CORPUS -o OUT`) with the deterministic fake encoder. Before
each fsync, rename and unlink of the output writers it prints `STEP <n> <op> <path>` on
stdout and waits for a line on stdin: the test answers to let it go on, or kill -9s the
process at exactly that point. Used by tests/test_output_staging.py; not a test itself.
"""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _pausing_os(counter: list[int]) -> types.ModuleType:
    proxy = types.ModuleType("os_proxy")
    proxy.__dict__.update(os.__dict__)

    def pause(op: str, real):
        def step(*args, **kwargs):
            counter[0] += 1
            print(f"STEP {counter[0]} {op} {args[0] if args else ''}", flush=True)
            if not sys.stdin.readline():
                os._exit(3)
            return real(*args, **kwargs)
        return step

    for name in ("fsync", "replace", "unlink", "rename"):
        setattr(proxy, name, pause(name, getattr(os, name)))
    return proxy


def main(argv: list[str]) -> None:
    import aligner.embed
    import aligner.output.atomic
    import aligner.output.staging
    from aligner.cli import main as cli_main
    from fakes import FakeEncoder

    aligner.embed.get_encoder = lambda *a, **k: FakeEncoder()
    counter = [0]
    proxy = _pausing_os(counter)
    aligner.output.atomic.os = proxy
    aligner.output.staging.os = proxy
    corpus, out = argv
    cli_main(["-q", "run", corpus, "-o", out])


if __name__ == "__main__":
    main(sys.argv[1:])
