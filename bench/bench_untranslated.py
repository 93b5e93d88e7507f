"""Precision and recall of the `untranslated` check on English words injected into clean text, before/after.

Text: Tatoeba sentences in tl, it, cs (../shared/data/tatoeba) with their English translations. In every other
sentence one word is replaced by a content word of the sentence's own English translation (lower case, >= 4
letters, not among the 200 commonest English words, not already in the sentence): an English word left in a
translation, as machine translation leaves it. Documents of 50 sentences, segmented as the pipeline does.

A finding is correct when it overlaps an injected word; recall = injected words found / injected, precision =
correct findings / findings. Two settings of the same check, in the same run:
  before: the seed-shaped Tagalog loanword list (110 words, a third from the bundled articles) and no
          frequency-based adoption (`adopted_zipf = 0`), as the check was;
  after:  the defaults (adoption derived from wordfreq's frequency lists, no hand list for tl).

    python bench/bench_untranslated.py [--limit 1000] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LANGS = {"tl": "tgl", "it": "ita", "cs": "ces"}
# The Tagalog loanword list as it stood before this bench (aligner/checks/lang/tl.py), for the "before" row.
OLD_TL_LOANWORDS = [
    "customer", "customers", "call center", "call centre", "manager", "managers", "staff", "email", "e-mail",
    "internet", "fax", "coaching", "online", "offline", "computer", "computers", "website", "software",
    "hardware", "chat", "text", "cellphone", "laptop", "office", "boss", "meeting", "order", "orders",
    "vendor", "vendors", "supplier", "suppliers", "cash", "credit", "debit", "gift card", "card", "promo",
    "refund", "account", "warranty", "upgrade", "video", "degree", "coordinator", "supervisor", "training",
    "job", "app", "password", "download", "upload", "click", "link", "post", "blog", "team", "budget",
    "check", "overhead", "high school", "diploma", "utility", "mail", "standard", "instant messenger",
    "messenger", "front line", "sales", "marketing", "feedback", "update", "report", "shift",
    "schedule", "deadline", "target", "quota", "bonus", "benefits", "resume", "interview", "career",
    "business", "company", "store", "mall", "grocery", "delivery", "rider", "phone", "smartphone",
    "facebook", "media", "social media", "news", "spa", "salon", "hotel", "restaurant", "bank", "loan",
    "insurance", "agent", "freelance", "part-time", "full-time", "overtime", "payroll", "checkout",
]
WORD = re.compile(r"[^\W\d_]+")


def shared_dir() -> Path:
    import os

    env = os.environ.get("ALIGNER_SHARED")
    for cand in ([Path(env)] if env else []) + [ROOT.parent / "shared", Path("/work/shared")]:
        if cand.exists():
            return cand
    raise SystemExit("shared data not found: set ALIGNER_SHARED")


def inject(lang: str, code: str, limit: int, rnd: random.Random):
    """Documents (raw texts) and the injected spans [(doc index, start, end, word)]."""
    import wordfreq

    common = set(wordfreq.top_n_list("en", 200))
    data = shared_dir() / "data" / "tatoeba"
    xx = (data / f"tatoeba.{code}-eng.{code}").read_text(encoding="utf-8").splitlines()[:limit]
    en = (data / f"tatoeba.{code}-eng.eng").read_text(encoding="utf-8").splitlines()[:limit]
    docs, spans = [], []
    for d0 in range(0, len(xx), 50):
        parts, pos = [], 0
        for k in range(d0, min(d0 + 50, len(xx))):
            sent = xx[k].strip()
            if k % 2 == 0:
                words = [m for m in WORD.finditer(sent) if m.start() > 0 and m.group().islower()]
                lowered = {w.lower() for w in WORD.findall(sent)}
                cands = [w for w in WORD.findall(en[k]) if w.islower() and len(w) >= 4 and w not in common
                         and w not in lowered]
                if words and cands:
                    m, new = rnd.choice(words), rnd.choice(cands)
                    sent = sent[:m.start()] + new + sent[m.end():]
                    spans.append((len(docs), pos + m.start(), pos + m.start() + len(new), new))
            parts.append(sent)
            pos += len(sent) + 1
        docs.append(" ".join(parts))
    return docs, spans


def evaluate(lang, texts, spans, settings):
    from aligner.checks import build_checks
    from aligner.checks.base import Context
    from aligner.checks.lexicon import get_lexicon
    from aligner.config import Config
    from aligner.model import Document
    from aligner.segment import segment_corpus

    cfg = Config()
    cfg.checks = {"untranslated": settings}
    docs = [Document(doc=f"{lang}{i:03d}", path="", raw=t, lang=lang, manifest={"lang": lang}) for i, t in enumerate(texts)]
    segment_corpus(docs, config=cfg)
    check = build_checks(cfg, select=["untranslated"])[0]
    ctx = Context(documents=docs, config=cfg, lexicon=get_lexicon(cfg.segment.languages))
    flags = [(i, f.start, f.end, f.text) for i, d in enumerate(docs) for f in check.find(ctx, d)]
    found = sum(any(fi == di and fs < e and s < fe for fi, fs, fe, _ in flags) for di, s, e, _ in spans)
    correct = sum(any(fi == di and fs < e and s < fe for di, s, e, _ in spans) for fi, fs, fe, _ in flags)
    false = [t for fi, fs, fe, t in flags if not any(fi == di and fs < e and s < fe for di, s, e, _ in spans)]
    return found, correct, len(flags), false


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=8, help="false findings to print per row")
    args = ap.parse_args(argv)
    print(f"{'lang':<5}{'setting':<8}{'injected':>9}{'found':>7}{'recall':>8}{'flags':>7}{'precision':>10}")
    for lang, code in LANGS.items():
        texts, spans = inject(lang, code, args.limit, random.Random(args.seed))
        rows = {
            "before": {"adopted_zipf": 0.0, "extra_loanwords": OLD_TL_LOANWORDS if lang == "tl" else []},
            "after": {},
        }
        for name, settings in rows.items():
            found, correct, n, false = evaluate(lang, texts, spans, settings)
            prec = correct / n if n else float("nan")
            print(f"{lang:<5}{name:<8}{len(spans):>9}{found:>7}{found / max(1, len(spans)):>8.3f}{n:>7}{prec:>10.3f}"
                  f"   false: {', '.join(false[:args.show])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
