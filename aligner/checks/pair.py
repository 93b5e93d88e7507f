"""Checks of aligned pairs: omission, numbers, length ratio and misalignment of the beads of a parallel pair."""

from __future__ import annotations

import math
import re

from aligner.checks.base import Check, bead_id, register
from aligner.checks.credits import is_credit_line
from aligner.checks.lang import resources


def _side_span(doc, idx):
    return doc.sentences[idx[0]].raw_start, doc.sentences[idx[-1]].raw_end


def _side_text(doc, idx):
    return " ".join(doc.sentences[i].text for i in idx)


def _vec(ctx, doc, idx):
    import numpy as np  # noqa: PLC0415

    emb = ctx.embeddings.get(doc.doc) if ctx.embeddings else None
    if emb is not None and len(emb) == len(doc.sentences):
        v = np.asarray(emb[list(idx)], dtype=np.float64).sum(axis=0)
    elif ctx.encoder is not None:
        v = np.asarray(ctx.encoder.encode([_side_text(doc, idx)])[0], dtype=np.float64)
    else:
        return None
    n = np.linalg.norm(v)
    return v / n if n else v


def bead_similarity(ctx, ap, bead) -> float | None:
    """Cosine of the two sides (the aligner's value when it gave one, else from the embeddings)."""
    if not bead.src or not bead.tgt:
        return None
    if bead.similarity:
        return float(bead.similarity)
    a, b = _vec(ctx, ap.src, bead.src), _vec(ctx, ap.tgt, bead.tgt)
    if a is None or b is None:
        return None
    return float(a @ b)


def _visible(doc, start: int, end: int) -> str:
    """raw[start:end] with markup blanked (a number in a link's address is not in the text), same offsets."""
    from aligner.checks.view import LITERAL, reader_view

    view = reader_view(doc)[start:end]
    if LITERAL not in view:
        return view  # nothing masked (nearly always): no character to take back from the raw text
    return "".join(r if v == LITERAL else v for v, r in zip(view, doc.raw[start:end]))


def _has_words(text: str) -> bool:
    """At least two letters or digits: a sentence of punctuation only ('»' split off a quotation) has no content
    to miss."""
    return sum(ch.isalnum() for ch in text) >= 2


def _credits_only(doc, idx) -> bool:
    """Every sentence of this side credits the translators (content a translation adds by convention)."""
    return bool(idx) and all(is_credit_line(doc.sentences[i].text, doc.lang) for i in idx)


_QUOTE_CLOSERS = "»”\"“"
_QUOTE_OPENERS = {"»": "«", "”": "“", "\"": "\"", "“": "„"}


def _translated_quotation(ctx, doc, idx) -> bool:
    """The side lies inside a parenthesis that follows a quotation in another language: the translator's
    rendering of a quotation the original keeps as it is (« This is UNIX... » (C'est UNIX...)). Such content is
    in one translation only by design."""
    lex = ctx.lexicon
    if lex is None or not doc.lang:
        return False
    start, end = _side_span(doc, idx)
    lo = max(0, start - 600)
    text = _visible(doc, lo, min(len(doc.raw), end + 3))
    a, b = start - lo, end - lo
    depth, open_at = 0, None
    for k in range(a - 1, -1, -1):  # the innermost parenthesis still open where the side starts
        if text[k] == ")":
            depth += 1
        elif text[k] == "(":
            if depth == 0:
                open_at = k
                break
            depth -= 1
    if open_at is None:
        return False
    depth = 0
    for k in range(open_at, len(text)):  # ... must close at the side's end, not before
        depth += {"(": 1, ")": -1}.get(text[k], 0)
        if depth == 0:
            if k < b - 2:
                return False
            break
    else:
        return False
    before = text[:open_at].rstrip()
    close_at = max(before.rfind(q) for q in _QUOTE_CLOSERS)
    if close_at < 0 or open_at - close_at > 200:
        return False  # no quotation right before (an attribution may sit between: --- Name <address>)
    opener = _QUOTE_OPENERS.get(before[close_at], before[close_at])
    q_start = before.rfind(opener, 0, close_at)
    quote = before[q_start + 1:close_at] if q_start >= 0 else ""
    gloss = text[open_at + 1:b]
    if len(quote.split()) < 3 or len(gloss.split()) < 3:
        return False
    qc, gc = lex.confidences(quote), lex.confidences(gloss)
    if not qc or not gc:
        return False
    return max(qc, key=qc.get) != doc.lang and max(gc, key=gc.get) == doc.lang


def _median(xs):
    xs = sorted(xs)
    n = len(xs)
    if not n:
        return None
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


class _PairStats:
    """Per-pair distributions the pair checks compare a bead with (computed once per pair)."""

    def __init__(self, ctx, ap):
        self.sims = {}
        self.log_ratio = {}
        copies = set()  # beads whose two sides are the same text: a copy left untranslated, not a translation
        for b in ap.beads:
            if not b.src or not b.tgt:
                continue
            s_txt, t_txt = _side_text(ap.src, b.src), _side_text(ap.tgt, b.tgt)
            ls, lt = len(s_txt), len(t_txt)
            self.log_ratio[id(b)] = math.log((lt + 1) / (ls + 1))
            if " ".join(s_txt.split()) == " ".join(t_txt.split()):
                copies.add(id(b))
            sim = bead_similarity(ctx, ap, b)
            if sim is not None:
                self.sims[id(b)] = sim
        # The pair's usual similarity and length ratio are those of its translated beads: in a translation that
        # left much of the source as it is, identical copies (similarity 1.0) would make every real translation
        # look dissimilar. All beads count when nothing else is left.
        vals = [v for k, v in self.sims.items() if k not in copies] or list(self.sims.values())
        self.median_sim = _median(vals)
        self.mad_sim = _median([abs(v - self.median_sim) for v in vals]) if vals else None
        ratios = [v for k, v in self.log_ratio.items() if k not in copies] or list(self.log_ratio.values())
        self.median_ratio = _median(ratios)
        self.n = len(vals)


def pair_stats(ctx, ap) -> _PairStats:
    cache = ctx.__dict__.setdefault("_pair_stats", {})
    key = (ap.src.doc, ap.tgt.doc, id(ap))
    if key not in cache:
        cache[key] = _PairStats(ctx, ap)
    return cache[key]


@register
class Omission(Check):
    code = "omission"
    category = "omission"
    severity = "warning"
    scope = "pair"
    summary = "A sentence has no counterpart in the other language of a parallel pair."
    help = ("The aligner left this sentence alone (a 1-0 or 0-1 bead): its content is present in one "
            "translation only. Such beads are written to aligned.jsonl but kept out of the dataset "
            "(`clean.drop_one_sided`). Review whether the other translation dropped content or this one added it. "
            "A single sentence is a warning (translations legitimately drop or add a sentence here and there); a "
            "passage of `passage_sentences` or more consecutive sentences without counterpart (a paragraph "
            "missing from a translation) is reported at `passage_severity`.")
    params = {"passage_sentences": 2, "passage_severity": "error"}
    param_choices = {"passage_severity": ("info", "warning", "error")}

    def find_pair(self, ctx, ap):
        from aligner.errors import ConfigError
        from aligner.model import SEVERITIES

        if self.passage_severity not in SEVERITIES:
            raise ConfigError(f"checks.omission.passage_severity: expected one of {', '.join(SEVERITIES)}, "
                              f"got {self.passage_severity!r}")
        # runs of consecutive one-sided beads on the same side: a passage with no counterpart
        runs: list[list] = []
        for b in ap.beads:
            side = "src" if b.src and not b.tgt else "tgt" if b.tgt and not b.src else None
            if side and (_credits_only(ap.src if side == "src" else ap.tgt, b.src or b.tgt)
                         or _translated_quotation(ctx, ap.src if side == "src" else ap.tgt, b.src or b.tgt)):
                continue  # a translation's credit line, or its rendering of a quotation: no counterpart by design
            if side and runs and runs[-1][0] == side:
                runs[-1][1].append(b)
            elif side:
                runs.append([side, [b]])
            else:
                runs.append([None, []])
        for side, beads in runs:
            if not side:
                continue
            doc, other = (ap.src, ap.tgt) if side == "src" else (ap.tgt, ap.src)
            n = sum(len(b.src if side == "src" else b.tgt) for b in beads)
            passage = self.passage_sentences > 0 and n >= self.passage_sentences
            for b in beads:
                idx = b.src if side == "src" else b.tgt
                start, end = _side_span(doc, idx)
                what = (f"one of {n} consecutive sentences (a passage) with no counterpart in {other.doc} "
                        f"({other.lang})" if passage else f"No counterpart in {other.doc} ({other.lang})")
                yield self.flag(doc, start, end, f"{what[0].upper()}{what[1:]}: this content is in the {doc.lang} "
                                f"text only.", bead=bead_id(ap.src, ap.tgt, b), sentence=idx[0],
                                severity=self.passage_severity if passage else None)


@register
class PartialOmission(Check):
    code = "partial-omission"
    category = "omission"
    severity = "error"
    scope = "pair"
    summary = "One side of a bead carries clearly more content than the other."
    help = ("In a bead of several sentences, a sentence whose similarity to the other side is far below its "
            "companions' (by `member_margin`) has no counterpart: the other translation left it out. In a 1-1 "
            "bead, a similarity below the pair's median by `margin` together with a length ratio beyond "
            "`length_factor` times the pair's usual ratio means the shorter side lost content. Flagged on the "
            "side that has the extra content.")
    params = {"member_margin": 0.08, "margin": 0.05, "length_factor": 1.6, "min_chars": 30}

    def find_pair(self, ctx, ap):
        st = pair_stats(ctx, ap)
        for b in ap.beads:
            if not b.src or not b.tgt:
                continue
            bid = bead_id(ap.src, ap.tgt, b)
            for doc, idx, other_doc, other_idx in ((ap.src, b.src, ap.tgt, b.tgt), (ap.tgt, b.tgt, ap.src, b.src)):
                if len(idx) < 2:
                    continue
                ov = _vec(ctx, other_doc, other_idx)
                vecs = [_vec(ctx, doc, (i,)) for i in idx]
                if ov is None or any(v is None for v in vecs):
                    continue  # no embeddings and no encoder: nothing to compare
                sims = [float(v @ ov) for v in vecs]
                best = max(sims)
                for i, sim in zip(idx, sims):
                    if best - sim >= self.member_margin and _has_words(doc.sentences[i].text):
                        s = doc.sentences[i]
                        yield self.flag(doc, s.raw_start, s.raw_end,
                                        f"This sentence seems to have no counterpart in {other_doc.doc}: it is much "
                                        f"less similar to the aligned text ({sim:.2f}) than its neighbour ({best:.2f}).",
                                        bead=bid, sentence=i, score=best - sim)
            if len(b.src) == 1 and len(b.tgt) == 1 and st.median_sim is not None and st.n >= 5:
                sim = st.sims.get(id(b))
                if sim is None:
                    continue
                dev = st.log_ratio[id(b)] - st.median_ratio
                ls, lt = len(_side_text(ap.src, b.src)), len(_side_text(ap.tgt, b.tgt))
                if sim is None or max(ls, lt) < self.min_chars:
                    continue
                if sim < st.median_sim - self.margin and abs(dev) >= math.log(self.length_factor):
                    doc, idx, other = (ap.tgt, b.tgt, ap.src) if dev > 0 else (ap.src, b.src, ap.tgt)
                    start, end = _side_span(doc, idx)
                    yield self.flag(doc, start, end,
                                    f"This sentence is {math.exp(abs(dev)):.1f}× longer than usual for its "
                                    f"translation in {other.doc} and less similar to it ({sim:.2f}, pair median "
                                    f"{st.median_sim:.2f}): part of it is probably missing there.",
                                    bead=bid, sentence=idx[0], score=abs(dev))


_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?(?![\w])")


def number_values(token: str) -> set[float]:
    """The values a written number may mean: '2,2' and '2.2' -> 2.2; '1.000' -> 1000 or 1.0."""
    t = token.replace("\u00a0", " ").replace("\u202f", " ")
    vals = set()
    if re.fullmatch(r"\d{1,3}(?:[ .,]\d{3})+", t):
        vals.add(float(re.sub(r"[ .,]", "", t)))
    dec = t.replace(" ", "")
    m = re.fullmatch(r"(\d+)(?:[.,](\d+))?", dec)
    if m:
        vals.add(float(m.group(1) + ("." + m.group(2) if m.group(2) else "")))
    elif re.fullmatch(r"[\d.,]+", dec):
        # 1,234.5 / 1.234,5
        last = max(dec.rfind("."), dec.rfind(","))
        vals.add(float(re.sub(r"[.,]", "", dec[:last]) + "." + dec[last + 1:]))
    return vals


def numbers_in(text: str, lang: str | None):
    out = [(m.start(), m.end(), number_values(m.group())) for m in _NUMBER.finditer(text)]
    words = resources(lang).number_words
    low = text.lower()
    words_vals = {float(v) for w, v in words.items() if w in low and re.search(rf"(?<!\w){re.escape(w)}(?!\w)", low)}
    return out, words_vals


@register
class NumberMismatch(Check):
    code = "number-mismatch"
    category = "number"
    severity = "error"
    scope = "pair"
    summary = "A number differs between the two sides of a bead."
    help = ("Every number of one side must appear on the other (numbers in markup, such as a link's address, do "
            "not count). Decimal commas and points (2,2 = 2.2), thousands "
            "separators (1 000 = 1.000 = 1,000) and the number words one to ten of each language are normalised. "
            "A number missing on the other side is a mistranslation or an omission.")
    params = {"ignore_single_digits": False}

    def find_pair(self, ctx, ap):
        for b in ap.beads:
            if not b.src or not b.tgt or _credits_only(ap.src, b.src) or _credits_only(ap.tgt, b.tgt):
                continue  # a credit line's numbers (the edition it credits) need no counterpart
            sides = []
            for doc, idx in ((ap.src, b.src), (ap.tgt, b.tgt)):
                start, _ = _side_span(doc, idx)
                raw = _visible(doc, start, doc.sentences[idx[-1]].raw_end)
                nums, words = numbers_in(raw, doc.lang)
                if self.ignore_single_digits:
                    nums = [n for n in nums if not (len(n[2]) == 1 and min(n[2]) < 10 and float(min(n[2])).is_integer())]
                sides.append((doc, start, raw, nums, words))
            if not sides[0][3] and not sides[1][3]:
                continue
            unmatched = []
            for me, other in ((sides[1], sides[0]), (sides[0], sides[1])):
                pool = [set(n[2]) for n in other[3]]
                for s, e, vals in me[3]:
                    hit = next((k for k, p in enumerate(pool) if p & vals), None)
                    if hit is not None:
                        pool.pop(hit)
                    elif not (vals & other[4]):
                        unmatched.append((me, s, e))
                if unmatched:
                    break
            if unmatched:
                (doc, start, raw, _, _), s, e = unmatched[0]
                other = ap.src if doc is ap.tgt else ap.tgt
                yield self.flag(doc, start + s, start + e,
                                f"The number {raw[s:e]} does not appear in the aligned text of {other.doc}.",
                                bead=bead_id(ap.src, ap.tgt, b), score=1.0)


@register
class LengthRatio(Check):
    code = "length-ratio"
    category = "length"
    severity = "warning"
    scope = "pair"
    summary = "The two sides of a bead have an implausible length ratio."
    help = ("The character length ratio of a bead is compared with the pair's own typical ratio (the median "
            "over its beads, which calibrates the language pair: Italian runs longer than English, Tagalog "
            "longer still). A bead more than `max_factor` times off is flagged. Beads with a side shorter than "
            "`min_chars` (headings, labels) are skipped: their ratios are noisy.")
    params = {"max_factor": 2.0, "min_chars": 20, "min_beads": 5}

    def find_pair(self, ctx, ap):
        st = pair_stats(ctx, ap)
        if st.median_ratio is None:
            return
        base = st.median_ratio if len(st.log_ratio) >= self.min_beads else 0.0
        for b in ap.beads:
            if id(b) not in st.log_ratio:
                continue
            ls, lt = len(_side_text(ap.src, b.src)), len(_side_text(ap.tgt, b.tgt))
            if min(ls, lt) < self.min_chars:
                continue  # the ratio of a short heading or label ('3.4. Popcon') says little
            dev = st.log_ratio[id(b)] - base
            if abs(dev) >= math.log(self.max_factor):
                start, end = _side_span(ap.tgt, b.tgt)
                yield self.flag(ap.tgt, start, end,
                                f"Length ratio {lt}/{ls} characters is {math.exp(abs(dev)):.1f}× "
                                f"{'above' if dev > 0 else 'below'} what is usual for this pair.",
                                bead=bead_id(ap.src, ap.tgt, b), score=abs(dev))


@register
class LowSimilarity(Check):
    code = "low-similarity"
    category = "misalignment"
    severity = "error"
    scope = "pair"
    summary = "The two sides of a bead do not mean the same (low encoder similarity)."
    help = ("The encoder's cosine of the two sides is compared with the pair's own distribution (encoders "
            "differ in scale: multilingual-e5 puts unrelated sentences near 0.75, LaBSE near 0.2). A bead is "
            "flagged when its similarity is below the pair's median by more than `k` robust deviations (MAD) "
            "and by at least `min_drop`, or below `absolute_min` whatever the distribution.")
    params = {"k": 3.0, "min_drop": 0.08, "absolute_min": 0.3, "min_beads": 5}

    def find_pair(self, ctx, ap):
        st = pair_stats(ctx, ap)
        for b in ap.beads:
            sim = st.sims.get(id(b))
            if sim is None:
                continue
            low = sim < self.absolute_min
            if st.n >= self.min_beads:
                spread = max((st.mad_sim or 0.0) * 1.4826, 0.01)
                low = low or (sim < st.median_sim - self.k * spread and sim < st.median_sim - self.min_drop)
            if low:
                start, end = _side_span(ap.tgt, b.tgt)
                med = "" if st.median_sim is None else f", pair median {st.median_sim:.2f}"
                yield self.flag(ap.tgt, start, end,
                                f"This may not be a translation of the aligned {ap.src.lang} text "
                                f"(similarity {sim:.2f}{med}).", bead=bead_id(ap.src, ap.tgt, b), score=sim)
