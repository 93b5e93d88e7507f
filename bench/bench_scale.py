"""Scale: documents/s, sentences/s, peak memory and pairing quality at 1,000 and 10,000 documents.

    python bench/bench_scale.py                                  # 1k and 10k, cheap encoder, local 1 and 2 workers
    python bench/bench_scale.py --sizes 1000 --encoder e5-small  # the real encoder (long on 2 cores)
    python bench/bench_scale.py --sizes 1000 --engines local1 --encoder e5-small --no-cache  # no sentence reused
    python bench/bench_scale.py --sizes 1000 --engines local1 ray2 --kill
    python bench/bench_scale.py --sizes 10000 --engines local2 --encoder e5-small --baseline e8b94ab  # A/B

Corpora come from bench/make_corpus.py (cached under bench/results/corpus-N). Each configuration is
one `aligner run` subprocess into a fresh output folder; a sampler reads the RSS of its whole process
tree (workers included) from /proc every 0.2 s. Printed per run: wall time, CPU time, documents/s,
sentences/s, peak RSS of the tree and of the largest single process, the main process's RSS after each
stage (aligner's last_run.json, "memory_mb"), the stages' wall and CPU times, the share of
the wall time the encoder is busy (its calls from the stages, plus the sentences it encodes in the
background while segmentation goes on: last_run.json's "prefetch"), and pairing recall/precision of `parallel` pairs against the
generator's gold. The baseline is the smallest size of the same run: the last lines give time per
document and peak RSS at each size as a ratio to it (the growth per 10x documents).

`--encoder fake` (default) uses the pipeline's test hook (ALIGNER_TEST_ENCODER) with tests/fakes.py's
translating encoder: deterministic, near-free, and it knows the corpus's translations, so the figures
are those of every stage except encoding, and its pairing recall is an upper bound. `--encoder
e5-small` measures the real thing (embedding cache in a fresh folder per size, so nothing is cached
before the first run). The generator reuses Tatoeba's sentences (14,445 distinct of 334,809 at 10,000
documents), and the cache encodes each once: `--no-cache` encodes every occurrence, the encoder's work on a
crawl whose sentences do not repeat (everything else is the same). `--kill` also kills one run with SIGKILL half-way and reports what the re-run
recomputed against what it reused.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "bench"))


def _tree_rss(pid: int) -> tuple[int, int]:
    """(sum, max) of VmRSS in bytes over `pid` and its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            ppid = int(fields[1])
            with open(f"/proc/{entry}/status") as fh:
                kb = next((int(line.split()[1]) for line in fh if line.startswith("VmRSS:")), 0)
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = kb * 1024
    total = biggest = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        biggest = max(biggest, rss.get(p, 0))
        todo.extend(children.get(p, []))
    return total, biggest


def run_once(corpus: Path, out: Path, args: list[str], env: dict[str, str], kill_after: float | None = None,
             tree: Path = ROOT):
    """One `aligner run` of the aligner in `tree` (this checkout, or a baseline's: `python -m` imports the
    package of its working directory first)."""
    cmd = [sys.executable, "-m", "aligner", "-q", "run", str(corpus), "-o", str(out), *args]
    t0 = time.perf_counter()
    before = os.times()
    proc = subprocess.Popen(cmd, env=env, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    peak = [0, 0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            total, biggest = _tree_rss(proc.pid)
            peak[0], peak[1] = max(peak[0], total), max(peak[1], biggest)
            stop.wait(0.2)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    killed = False
    if kill_after is not None:
        try:
            proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            killed = True
    err = proc.communicate()[1].decode("utf-8", "replace")
    stop.set()
    th.join()
    after = os.times()
    wall = time.perf_counter() - t0
    if proc.returncode != 0 and not killed:
        raise SystemExit(f"aligner run failed ({proc.returncode}):\n{err[-3000:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return {"wall": wall, "cpu": cpu, "rss_tree": peak[0], "rss_max": peak[1], "killed": killed}


def sibling_translations(gold: dict) -> set[tuple[str, str]]:
    """Pairs of two translations of one source document: parallel too, though the gold lists only
    source-translation pairs (each is the source with its own deletions and merges)."""
    source_of: dict[str, str] = {}
    for p in gold["parallel"]:
        a, b = p["src"], p["tgt"]
        if gold["documents"][a]["kind"] == "source":
            source_of[b] = a
        elif gold["documents"][b]["kind"] == "source":
            source_of[a] = b
    by_source: dict[str, list[str]] = {}
    for t, src in source_of.items():
        by_source.setdefault(src, []).append(t)
    return {tuple(sorted((x, y))) for ts in by_source.values() for i, x in enumerate(ts) for y in ts[i + 1:]}


def pairing_quality(out: Path, gold: dict) -> tuple[float, float, float]:
    """(recall, precision, precision with two translations of one source counted as parallel)."""
    found = set()
    with open(out / "pairs.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r["relation"] == "parallel":
                found.add(tuple(sorted((r["src_doc"], r["tgt_doc"]))))
    truth = {tuple(sorted((p["src"], p["tgt"]))) for p in gold["parallel"]}
    recall = len(found & truth) / len(truth) if truth else 1.0
    precision = len(found & truth) / len(found) if found else 1.0
    with_siblings = len(found & (truth | sibling_translations(gold))) / len(found) if found else 1.0
    return recall, precision, with_siblings


def _fresh(out: Path) -> Path:
    """`out` with no earlier run's files in it (each run writes a fresh output folder)."""
    if out.exists():
        import shutil

        shutil.rmtree(out)
    return out


CONTRACT_FILES = ("documents.jsonl", "pairs.jsonl", "aligned.jsonl", "flags.jsonl", "aligned.tmx")
ENGINES = {"local1": ["--workers", "1"], "local2": ["--workers", "2"], "ray2": ["--engine", "ray", "--workers", "2"]}


def workers_of(engine: str) -> int:
    """An engine's worker count: their units' encoder seconds add up over that many processes encoding at once,
    so divided by it they estimate the wall time the encoder was busy (the workers' encoders share the cores)."""
    return int(ENGINES[engine][-1])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--engines", nargs="+", default=["local1", "local2"], choices=sorted(ENGINES))
    ap.add_argument("--encoder", default="fake", help="fake (default: the deterministic test encoder) or an encoder name")
    ap.add_argument("--kill", action="store_true", help="also measure a kill -9 half-way and its re-run")
    ap.add_argument("--cache-dir", type=Path, default=None,
                    help="a real encoder's embedding cache to reuse (warm: the encoder share is then not measured)")
    ap.add_argument("--no-cache", action="store_true",
                    help="a real encoder without the embedding cache: every occurrence of a sentence is encoded, as "
                         "on a crawl whose sentences do not repeat (the generated corpus reuses Tatoeba's)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--baseline", default=None, metavar="REV",
                    help="also run a git revision's aligner on each configuration, just before this tree's, and print "
                         "the ratios (wall, CPU, peak RSS) and whether the outputs are the same")
    ap.add_argument("--json", type=Path, default=None, help="write the rows as JSON here")
    ap.add_argument("--rescore", nargs=2, type=Path, metavar=("OUT", "GOLD"),
                    help="only print the pairing recall/precision of a finished run's OUT against GOLD")
    args = ap.parse_args(argv)
    if args.rescore:
        out, gold_path = args.rescore
        recall, precision, siblings = pairing_quality(out, json.loads(gold_path.read_text(encoding="utf-8")))
        print(f"{out}: pairing recall {recall:.4f} precision {precision:.4f} "
              f"({siblings:.4f} counting two translations of one source as parallel)")
        return
    from make_corpus import generate

    base_tree = None
    if args.baseline:
        import tempfile

        from _shared import checkout

        base_tree = Path(tempfile.mkdtemp(prefix="aligner-base-"))
        args.baseline = checkout(args.baseline, base_tree)
    rows = []
    for n in args.sizes:
        corpus = RESULTS / f"corpus-{n}-{args.seed}"
        if not (corpus / "gold.json").is_file():
            generate(n, corpus, seed=args.seed)
        gold = json.loads((corpus / "gold.json").read_text(encoding="utf-8"))
        n_sent = sum(len(d["sentences"]) for d in gold["documents"].values())
        env = dict(os.environ, HF_HUB_OFFLINE="1")
        extra = []
        if args.encoder == "fake":
            env.update(ALIGNER_TEST_ENCODER="fakes:translating_encoder", ALIGNER_FAKE_MEANINGS=str(corpus / "gold.json"),
                       PYTHONPATH=str(ROOT / "tests"))
            extra = ["--no-cache"]
        else:
            extra = ["--encoder", args.encoder, *(["--no-cache"] if args.no_cache else [])]
        for engine in args.engines:
            slug = "".join(ch if ch.isalnum() else "-" for ch in args.encoder) + ("-nocache" if args.no_cache else "")
            out = RESULTS / f"scale-out-{n}-{engine}-{slug}"  # runs with two encoders may go on at once
            _fresh(out)
            if args.encoder != "fake":  # a cold embedding cache for every run, unless one is given
                env["ALIGNER_CACHE_DIR"] = str(args.cache_dir or RESULTS / f"scale-cache-{n}-{engine}-{time.time_ns()}")
            if base_tree is not None:
                out_b = _fresh(RESULTS / f"scale-out-{n}-{engine}-{slug}-base")
                env_b = dict(env)
                if args.encoder == "fake":
                    env_b["PYTHONPATH"] = str(base_tree / "tests")
                elif not args.cache_dir:
                    env_b["ALIGNER_CACHE_DIR"] = env["ALIGNER_CACHE_DIR"] + "-base"
                b = run_once(corpus, out_b, [*ENGINES[engine], *extra], env_b, tree=base_tree)
                print(f"{n:>6} docs {engine:7s} {args.encoder}, baseline {args.baseline}: wall {b['wall']:.0f}s "
                      f"cpu {b['cpu']:.0f}s  peak RSS tree {b['rss_tree'] / 2**20:.0f} MB "
                      f"(largest process {b['rss_max'] / 2**20:.0f} MB)", flush=True)
            m = run_once(corpus, out, [*ENGINES[engine], *extra], env)
            if base_tree is not None:
                same = [f for f in CONTRACT_FILES if (out / f).read_bytes() == (out_b / f).read_bytes()]
                print(f"        this tree / baseline {args.baseline}: wall x{m['wall'] / b['wall']:.2f}, "
                      f"CPU x{m['cpu'] / b['cpu']:.2f}, peak RSS of the tree x{m['rss_tree'] / b['rss_tree']:.2f} "
                      f"({b['rss_tree'] / 2**20:.0f} -> {m['rss_tree'] / 2**20:.0f} MB), largest process "
                      f"{b['rss_max'] / 2**20:.0f} -> {m['rss_max'] / 2**20:.0f} MB; outputs the same: "
                      f"{', '.join(same) if len(same) == len(CONTRACT_FILES) else 'NOT ' + ', '.join(sorted(set(CONTRACT_FILES) - set(same)))}",
                      flush=True)
            summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
            last = json.loads((out / ".work" / "last_run.json").read_text(encoding="utf-8"))
            enc = sum(last.get("encoding_seconds", {}).values())
            # sentences encoded in the background while segmentation goes on (State.prefetch_sentences): the
            # encoder's time too, on the other core, not inside any stage's encoder calls
            background = float(last.get("prefetch", {}).get("background_s", 0.0))
            recall, precision, precision_siblings = pairing_quality(out, gold)
            row = {"docs": n, "sentences": summary["counts"]["sentences"], "engine": engine, "encoder": args.encoder,
                   **{k: round(v, 2) if isinstance(v, float) else v for k, v in m.items()},
                   "docs_per_s": round(n / m["wall"], 2), "sentences_per_s": round(summary["counts"]["sentences"] / m["wall"], 1),
                   "encoding_s": round(enc, 1), "encoding_background_s": round(background, 1), "stages": last["timings"], "recall": round(recall, 4),
                   "precision": round(precision, 4), "precision_with_siblings": round(precision_siblings, 4),
                   "gold_sentences": n_sent,
                   "report_html_bytes": (out / "report.html").stat().st_size}
            rows.append(row)
            print(f"{n:>6} docs {engine:7s} {args.encoder}: wall {m['wall']:.0f}s cpu {m['cpu']:.0f}s "
                  f"{row['docs_per_s']} docs/s {row['sentences_per_s']} sent/s  peak RSS tree {m['rss_tree'] / 2**20:.0f} MB "
                  f"(largest process {m['rss_max'] / 2**20:.0f} MB)  pairing recall {recall:.3f} precision {precision:.3f} "
                  f"({precision_siblings:.3f} counting two translations of one source as parallel)  "
                  f"encoder {enc:.0f}s in the stages' calls + {background:.0f}s in the background", flush=True)
            print("        stages: " + ", ".join(f"{k} {v:.1f}s" for k, v in last["timings"].items()), flush=True)
            inside = last.get("encoding_seconds", {})
            row["encoding_by_stage"] = inside
            per = workers_of(engine)
            print("        inside the encoder" + (f" (summed over {per} workers)" if per > 1 else "") + ": "
                  + ", ".join(f"{k} {v:.1f}s" for k, v in inside.items())
                  + "; outside it: " + ", ".join(f"{k} {last['timings'].get(k, 0) - inside.get(k, 0) / per:.1f}s"
                                                  for k in ("roles", "align")), flush=True)
            cpu = last.get("cpu_seconds", {})
            row["cpu_by_stage"] = cpu
            if cpu:
                print("        CPU of the main process per stage: " + ", ".join(f"{k} {v:.1f}s" for k, v in cpu.items()),
                      flush=True)
            mem = last.get("memory_mb", {})
            row["memory_mb"] = mem
            if mem:
                print("        RSS of the main process after each stage (peak so far), MB: " + ", ".join(
                    f"{k} {v.get('rss', 0):.0f} ({v.get('peak', 0):.0f})" for k, v in mem.items()), flush=True)
            cal = summary["counts"].get("pairs", {}).get("topic_calibration")
            if cal:
                row["topic_calibration"] = cal
                print(f"        topic range calibrated: background {cal['background']} -> "
                      f"{cal['topic_floor']}-{cal['topic_ceiling']}", flush=True)
            if args.kill and engine == args.engines[0]:
                out_k = _fresh(RESULTS / f"scale-out-{n}-{engine}-{slug}-kill")
                k = run_once(corpus, out_k, [*ENGINES[engine], *extra], env, kill_after=m["wall"] / 2)
                r = run_once(corpus, out_k, [*ENGINES[engine], *extra], env)
                last_k = json.loads((out_k / ".work" / "last_run.json").read_text(encoding="utf-8"))
                rec, reu = sum(last_k["units"]["recomputed"].values()), sum(last_k["units"]["reused"].values())
                same = all((out / f).read_bytes() == (out_k / f).read_bytes() for f in CONTRACT_FILES)
                row["kill"] = {"killed_at_s": round(m["wall"] / 2, 1), "rerun_wall": round(r["wall"], 1),
                               "units_recomputed": rec, "units_reused": reu, "identical": same}
                print(f"        kill -9 at {m['wall'] / 2:.0f}s, re-run {r['wall']:.0f}s: {rec} units recomputed, "
                      f"{reu} reused; output identical to the uninterrupted run: {same}", flush=True)
    base = {e: next((r for r in rows if r["engine"] == e), None) for e in args.engines}
    print("\ngrowth against the smallest size (baseline) of this run:")
    for r in rows:
        b = base[r["engine"]]
        if b is None or b is r:
            continue
        per_doc = (r["wall"] / r["docs"]) / (b["wall"] / b["docs"])
        rss = r["rss_tree"] / b["rss_tree"]
        print(f"  {r['engine']:7s} {b['docs']} -> {r['docs']} docs: time per document x{per_doc:.2f}, "
              f"peak RSS x{rss:.2f} for x{r['docs'] / b['docs']:.0f} documents")
    for r in rows:
        n_workers = workers_of(r["engine"])
        busy = (r["encoding_s"] + r.get("encoding_background_s", 0.0)) / n_workers
        share = 1 - busy / r["wall"] if r["wall"] else 0
        share_calls = 1 - r["encoding_s"] / n_workers / r["wall"] if r["wall"] else 0
        enc = r.get("encoding_by_stage", {})
        outside = {k: v - enc.get(k, 0) / n_workers for k, v in r["stages"].items()}  # each stage's wall, encoder aside
        others = sorted(((k, v) for k, v in outside.items() if k not in ("roles", "align")), key=lambda kv: -kv[1])
        divided = f", encoder seconds of {n_workers} workers divided by {n_workers}" if n_workers > 1 else ""
        print(f"  {r['docs']:>6} {r['engine']:7s}: outside the encoder {share:.0%} of the wall time, the encoder "
              f"idle (counting only the stages' own encoder calls, not the background encoding during "
              f"segmentation: {share_calls:.0%}){divided}; of the wall time, roles "
              f"{outside.get('roles', 0) / r['wall']:.1%} and alignment {outside.get('align', 0) / r['wall']:.1%} "
              f"outside the encoder; stages' wall: " + ", ".join(f"{k} {v:.0f}s" for k, v in others[:6]))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
