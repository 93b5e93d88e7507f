"""The knobs of the aligner core (`AlignParams`) and the bead types a configuration may ask for."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Sequence

import numpy as np

SpanEmbedder = Callable[[str, Sequence[tuple[int, int]]], np.ndarray]


@dataclass
class AlignParams:
    """Knobs of the core. Defaults were tuned on Text+Berg 001-003 only (docs/alignment.md)."""

    beads: tuple[tuple[int, int], ...] = ((1, 1), (1, 0), (0, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 4), (4, 1))
    knn: int = 4  # neighbours in the margin
    window: int = 30  # half-width (sentences) of the knn window around the path
    band: int = 0  # half-width of the fine band around the coarse path; 0: automatic
    skip_cost: float | None = None  # per one-sided sentence, in margin units; None: derived
    skip_fraction: float = 0.3  # where the derived skip threshold sits between bad and good margins
    skip_adapt: float = 0.0  # raise a sentence's skip cost by this times its best margin above threshold
    paragraph_penalty: float = 0.05
    length_weight: float = 0.5  # weight of the squared log length-ratio deviation (unit: margin spread)
    multi_penalty: float = 0.2  # per sentence beyond 1-1 in a bead (unit: margin spread)
    multi_weight: float = 1.0  # exponent of the bead weight ((a + b) / 2) ** multi_weight
    center: bool = True  # remove each side's mean embedding (anisotropy) before anything else
    pair_knn: bool = True  # margins of multi-sentence beads against same-size competitors
    full_limit: int = 2_500_000  # largest n*m aligned with a full (unbanded) first pass
    coarse_factor: int = 8
    refine_spans: bool = True  # encode the concatenations near the path through embed_spans
    refine_radius: int = 0  # around each non-1-1 bead, also encode spans starting this far away
    attach: bool = True  # after the DP, attach one-sided sentences to a neighbour bead when it helps
    attach_tolerance: float = 0.0  # attach when the bead's real cosine (centred) drops by at most this
    attach_max_side: int = 4  # largest side a bead may grow to by attaching
    attach_rounds: int = 3
    fuse_margin: float | None = None  # None: off; else fuse two adjacent two-sided beads when the fused cosine beats both by this
    fuse_max_side: int = 2
    fuse_quantile: float = 0.25  # only beads whose cosine is below this quantile of the 1-1 cosines are fused
    scoring: str = "contrast"  # "contrast": cosine against the adjacent sentences x length agreement; "knn": margin
    contrast_skip: float = 0.02  # contrast scoring: cost of one one-sided sentence unless skip_cost is set (cosine units)
    sub_penalty: float = 1.0  # contrast scoring: a 2-2 (or larger) bead pays this x how far its cosine falls short
    sub_margin: float = 0.0  # ... of (its best single sentence pair's cosine + this)
    split_one_sided: float | None = 0.03  # contrast: after the DP, an edge sentence of a merged side becomes one-sided
    # when the bead's cosine without it rises by more than this (None: off; docs/alignment.md, "Edge tests")
    confident_contrast: float = 0.03  # a mutual best 1-1 pair beating its adjacent sentences by this is confident
    refine_lazy: bool = True  # contrast: encode an uncertain concatenation only when a DP path wants it
    lazy_slack: float = 0.05  # ... scoring a span not encoded yet this much above its sum's value (optimism)
    lazy_rounds: int = 60  # ... at most this many DP passes
    onesided_member: float | None = -0.3  # contrast: after the DP, an edge sentence of a bead whose membership
    # (aligner.align.onesided) is below this becomes one-sided (None: off)
    onesided_pair: float | None = 0.1  # ... a 1-1 bead splits into 1-0 + 0-1 below this mean membership (None: member)
    onesided_length: bool = False  # ... only when the bead's lengths agree better without the sentence
    onesided_close: float | None = 0.02  # ... only when the DP preferred the merge by less than this (None: any)
    onesided_window: int = 10  # ... background cosines taken over this many sentences around the bead
    onesided_core: float | None = 0.02  # contrast: after the DP, a bead with a side of `onesided_core_side`+
    # sentences is replaced by its best core (aligner.align.bead_cores), a one-sided sentence costing this (None: off).
    # At the DP's own skip cost (0.02) the choice repeats the DP's except for the alien sentences below.
    onesided_core_side: int = 4
    onesided_alien: float | None = 0.0  # ... sentences whose `bead_cores.alien` score is above this (closer to the
    # other document's language) cost `onesided_alien_skip` instead (None: no such sentences)
    onesided_alien_skip: float = -0.05
    onesided_core_knn: float | None = None  # ... sentences the knn scoring (sums only) leaves one-sided cost this
    # (None: not asked; the knn alignment over sums costs no encoding)
    onesided_core_by: str = "contrast"  # ... a core's worth: "contrast" (the DP's bead value) or "cosine" (real cosine)
    onesided_core_weak: float | None = None  # ... only beads whose value is below this x the median 1-1 bead's (None: all)
    onesided_core_gaps: int | None = None  # ... beads with a side of this many+ sentences may also keep a core whose
    # side leaves out one interior run (a non-contiguous bead, as the gold has around captions; None: off)
    onesided_gap_skip: float | None = None  # ... a sentence left out inside such a core costs this (None: as elsewhere)
    onesided_gap_need: str = "any"  # ... only sentences with these marks: "any", "alien", "knn", "both"
    onesided_core_distinct: float | None = None  # ... knn marks kept only on sentences whose best match stands out
    # less than this x the side's median (`bead_cores.distinct`; None: every mark)
    knn_skip: float | None = None  # contrast: skip cost of sentences the knn scoring (sums only) leaves one-sided
    whole_side_background: bool = True  # contrast: a side that is its whole document is contrasted with the
    # document's unrelated level (`contrast.whole_side_background`), not with a cosine of 0 (False: as before)
    confident_length: float = 0.3  # ... and whose log length ratio is within this of the document's

    def with_config(self, config) -> "AlignParams":
        """Overlay an `aligner.config.AlignConfig` (fields that exist on it)."""
        p = replace(self)
        if config is None:
            return p
        p.beads = tuple(parse_bead_types(getattr(config, "max_beads", None) or [])) or p.beads
        for name in ("scoring", "skip_cost", "paragraph_penalty", "band", "knn", "window", "length_weight",
                     "multi_penalty", "refine_spans", "coarse_factor", "split_one_sided", "onesided_member",
                     "onesided_pair", "onesided_close", "onesided_core_knn", "onesided_core_distinct", "onesided_core_gaps",
                     "onesided_gap_skip", "onesided_gap_need"):
            if hasattr(config, name):
                setattr(p, name, getattr(config, name))
        if getattr(config, "onesided_cores", True) is False:
            p.onesided_core = None
        if getattr(config, "onesided_edges", True) is False:
            p.split_one_sided = p.onesided_member = None
        return p

def parse_bead_types(items: Sequence[str]) -> list[tuple[int, int]]:
    """["1-1", "2-1", ...] -> [(1, 1), (2, 1), ...]; 1-1, 1-0 and 0-1 are always included."""
    out = [(1, 1), (1, 0), (0, 1)]
    for item in items:
        a, sep, b = str(item).partition("-")
        if not sep or not a.isdigit() or not b.isdigit():
            from aligner.errors import ConfigError

            raise ConfigError(f"align.max_beads: expected items like '2-1', got {item!r}")
        t = (int(a), int(b))
        if t == (0, 0) or max(t) > 4:
            from aligner.errors import ConfigError

            raise ConfigError(f"align.max_beads: bead type {item!r} is out of range (sides 0..4)")
        if t not in out:
            out.append(t)
    return out
