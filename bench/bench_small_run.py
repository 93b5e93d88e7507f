"""How long a small run takes: `aligner run corpus` cold (empty embedding cache) and warm, stage by stage.

    python bench/bench_small_run.py               # the bundled corpus, cold then warm
    python bench/bench_small_run.py --corpus DIR  # any corpus folder

Each run is the real CLI in a fresh process (imports and model loading included), with
ALIGNER_CACHE_DIR set to a new temporary folder for the cold run and the same folder again for
the warm one. Prints wall and CPU seconds of each process and the stage timings the run writes to
summary.json, then one more cold run in this process with an encoder that counts what each stage
asks of it (calls, strings, characters, CPU seconds). Targets (issue 14): cold <= 10 s, warm <= 2 s
on the project's 2-core machine; on a busy machine compare CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _shared import ROOT


def cli_run(corpus: str, cache: str, out: Path) -> dict:
    env = dict(os.environ, ALIGNER_CACHE_DIR=cache, HF_HUB_OFFLINE="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "aligner", "run", corpus, "--out", str(out)], env=env,
                          capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"aligner run failed ({proc.returncode}): {proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    timings = json.loads((out / "summary.json").read_text(encoding="utf-8")).get("timings", {})
    return {"wall": wall, "cpu": cpu, "timings": timings}


class Counting:
    """The run's encoder, recording each call under the stage that made it."""

    def __init__(self, inner):
        self.inner, self.stage, self.calls = inner, "?", []

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def signature(self):
        return self.inner.signature()

    def encode(self, texts, *, kind="passage"):
        texts = list(texts)
        c0 = time.process_time()
        out = self.inner.encode(texts, kind=kind)
        self.calls.append((self.stage, len(texts), sum(map(len, texts)), time.process_time() - c0))
        return out


def counted_run(corpus: str) -> list:
    """One cold run in-process, the encoder counting per stage (stage names from the pipeline's timer)."""
    os.environ["ALIGNER_CACHE_DIR"] = tempfile.mkdtemp(prefix="aligner-small-")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import aligner.pipeline as pipeline
    from aligner.config import Config
    from aligner.embed import get_encoder

    cfg = Config()
    enc = Counting(get_encoder(cfg.encoder.name, config=cfg.encoder))
    real_timer = pipeline._Timer

    class StageTimer(real_timer):
        def __call__(self, name):
            enc.stage = name
            return super().__call__(name)

    pipeline._Timer = StageTimer
    try:
        pipeline.run(corpus, None, config=cfg, encoder=enc, write=False)
    finally:
        pipeline._Timer = real_timer
    return enc.calls


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--quick", action="store_true", help="the same run (it is small already): for run_all.py")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="aligner-small-run-") as tmp:
        cache = os.path.join(tmp, "cache")
        for label in ("cold", "warm"):
            r = cli_run(args.corpus, cache, Path(tmp) / label)
            stages = ", ".join(f"{k} {v:.2f}" for k, v in r["timings"].items() if v >= 0.005)
            print(f"{label}: wall {r['wall']:.1f}s  cpu {r['cpu']:.1f}s  stages (wall s): {stages}", flush=True)
    calls = counted_run(args.corpus)
    print("encoder calls of a cold run, by stage:")
    for stage in dict.fromkeys(c[0] for c in calls):
        mine = [c for c in calls if c[0] == stage]
        print(f"  {stage:<8} {len(mine)} call(s), {sum(c[1] for c in mine)} strings, {sum(c[2] for c in mine)} chars, "
              f"{sum(c[3] for c in mine):.1f}s cpu")


if __name__ == "__main__":
    main()
