"""Document pairing: sentence evidence, decisions, contract and scale (synthetic embeddings, no model)."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from aligner.config import PairConfig
from aligner.errors import InputError
from aligner.model import Document, Sentence
from aligner.pair import pair_documents
from aligner.pair import evidence as ev_mod
from aligner.pair.evidence import kendall_tau, margin_matrix, mutual_matches, order_agreement, score_pair


# --- a synthetic embedding space shaped like multilingual-e5-small's -------------------------------
# e5 is strongly anisotropic: unrelated sentences have cosine ~0.75, same-topic ones ~0.82,
# translations ~0.9. Sentence vectors here are a shared direction + topic + meaning + language + noise
# with weights that reproduce those levels, so the default thresholds apply unchanged.

DIM = 128
W_COMMON, W_TOPIC, W_MEANING, W_LANG, W_NOISE = 0.70, 0.14, 0.10, 0.02, 0.04


class Space:
    def __init__(self, seed: int = 0):
        self.rng = np.random.default_rng(seed)
        self.common = self._unit()
        self.langs: dict[str, np.ndarray] = {}

    def _unit(self) -> np.ndarray:
        v = self.rng.normal(size=DIM)
        return v / np.linalg.norm(v)

    def topic(self) -> np.ndarray:
        return self._unit()

    def meanings(self, n: int) -> list[np.ndarray]:
        return [self._unit() for _ in range(n)]

    def embed(self, meanings: list[np.ndarray], topic: np.ndarray, lang: str) -> np.ndarray:
        lang_vec = self.langs.setdefault(lang, self._unit())
        rows = [np.sqrt(W_COMMON) * self.common + np.sqrt(W_TOPIC) * topic + np.sqrt(W_MEANING) * m
                + np.sqrt(W_LANG) * lang_vec + np.sqrt(W_NOISE) * self._unit() for m in meanings]
        if not rows:
            return np.zeros((0, DIM), dtype=np.float32)
        x = np.stack(rows)
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def make_doc(doc_id: str, lang: str | None, n_sentences: int, chars_per_sentence: int = 80) -> Document:
    sentences = [Sentence(i=i, raw_start=0, raw_end=0, paragraph=0, text="x" * chars_per_sentence)
                 for i in range(n_sentences)]
    return Document(doc=doc_id, path=f"{doc_id}.txt", lang=lang, sentences=sentences)


def _case(kind: str, space: Space):
    """Two documents (tl, it) and their embeddings for one case of the relation table."""
    topic = space.topic()
    base = space.meanings(24)
    if kind == "parallel":
        tgt_meanings = base[:10] + space.meanings(1) + base[10:20] + space.meanings(1) + base[20:]  # 2 one-sided
    elif kind == "comparable":
        tgt_meanings = space.meanings(24)
    elif kind == "unrelated":
        other_topic = space.topic()
        a = space.embed(base, topic, "tl")
        b = space.embed(space.meanings(24), other_topic, "it")
        return a, b, 24, 24
    elif kind == "reordered-paragraphs":
        blocks = [base[k:k + 6] for k in range(0, 24, 6)]
        tgt_meanings = [m for block in (blocks[2], blocks[0], blocks[3], blocks[1]) for m in block]
    elif kind == "shuffled-sentences":
        order = space.rng.permutation(24)
        tgt_meanings = [base[k] for k in order]
    elif kind == "length-extra-quarter":
        tgt_meanings = base + space.meanings(6)
    elif kind == "length-excerpt":
        tgt_meanings = base[:4]
    else:  # pragma: no cover
        raise AssertionError(kind)
    return space.embed(base, topic, "tl"), space.embed(tgt_meanings, topic, "it"), 24, len(tgt_meanings)


RELATION_CASES = [
    ("parallel", "parallel"),  # translation with two sentences present on one side only
    ("comparable", "comparable"),  # same topic, no shared sentences
    ("unrelated", "unrelated"),
    ("reordered-paragraphs", "parallel"),  # moved paragraphs break local order only at the seams
    ("shuffled-sentences", "comparable"),  # same sentences in random order: not a document translation
    ("length-extra-quarter", "parallel"),  # 25% extra material on one side: still a translation
    ("length-excerpt", "comparable"),  # a 4-sentence excerpt of a 24-sentence article is not its translation
]


@pytest.mark.parametrize("kind,expected", RELATION_CASES)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_relation_table(kind, expected, seed):
    """Each kind of document pair gets its relation from the sentence evidence with default thresholds."""
    space = Space(seed)
    a, b, n, m = _case(kind, space)
    docs = [make_doc("a", "tl", n), make_doc("b", "it", m)]
    (pair,) = pair_documents(docs, {"a": a, "b": b}, config=PairConfig())
    assert pair.relation == expected, pair.evidence
    assert 0.0 <= pair.score <= 1.0


def test_same_topic_distractors_share_vocabulary_but_not_translation_evidence():
    """Same-topic documents are close as wholes (document cosine) yet get almost no ordered mutual matches."""
    space = Space(7)
    a, b, _, _ = _case("comparable", space)
    evidence = score_pair(a, b, 1000, 1000, PairConfig())
    assert evidence.doc_cosine > 0.9
    assert evidence.translation_evidence < 0.15
    parallel = score_pair(*_case("parallel", space)[:2], 1000, 1000, PairConfig())
    assert parallel.translation_evidence > 0.6
    assert parallel.order_agreement > 0.9 and parallel.kendall_tau > 0.9


@pytest.mark.parametrize(
    "i,j,n_tgt,expected",
    [
        ([0, 1, 2, 3, 4], [0, 1, 2, 3, 4], 50, 1.0),  # perfectly ordered
        ([0, 1, 2, 3, 4], [0, 2, 4, 6, 8], 50, 1.0),  # skipped one-sided sentences within the slack
        ([0, 1, 2, 3, 4], [40, 30, 20, 10, 0], 50, 0.0),  # reversed
        ([0], [3], 50, 1.0),  # one match: no order information
        ([], [], 50, 0.0),  # no matches
    ],
)
def test_order_agreement_cases(i, j, n_tgt, expected):
    """Order agreement is 1 for a translation's monotone matches and 0 for reversed ones."""
    got = order_agreement(np.array(i), np.array(j), n_tgt, slack=3)
    assert got == pytest.approx(expected, abs=1e-3)


def test_order_agreement_discounts_a_few_lucky_steps():
    """Three in-order steps in an 8-sentence document are weak evidence; thirty in a long one are strong."""
    short = order_agreement(np.arange(4), np.array([0, 2, 4, 6]), 8, slack=3)
    long = order_agreement(np.arange(30), np.arange(30), 60, slack=3)
    assert short < 0.85 and long > 0.99


def test_order_agreement_random_is_near_zero():
    """Randomly placed matches score near zero after the chance correction."""
    rng = np.random.default_rng(0)
    values = [order_agreement(np.arange(30), rng.permutation(60)[:30], 60, slack=3) for _ in range(50)]
    assert float(np.mean(values)) < 0.1


def test_kendall_tau_signs():
    """Kendall tau is +1 for the same order, -1 for the reversed one, None below two matches."""
    assert kendall_tau(np.arange(5), np.arange(5)) == pytest.approx(1.0)
    assert kendall_tau(np.arange(5), np.arange(5)[::-1]) == pytest.approx(-1.0)
    assert kendall_tau(np.arange(1), np.arange(1)) is None


def test_margin_prefers_a_standout_match_over_one_among_near_equals():
    """Ratio margin: 0.9 among 0.5s stands out; 0.8 among 0.79s (same-topic sentences) does not."""
    sim = np.array([[0.9, 0.5, 0.5],
                    [0.5, 0.8, 0.78],
                    [0.5, 0.79, 0.8]], dtype=np.float32)
    margins = margin_matrix(sim, k=2)
    assert margins[0, 0] == pytest.approx(0.9 / 0.7, rel=1e-5)
    assert margins[1, 1] == pytest.approx(0.8 / ((0.79 + 0.795) / 2), rel=1e-5)
    i, j, _ = mutual_matches(margins, threshold=1.0)
    assert list(zip(i.tolist(), j.tolist())) == [(0, 0), (1, 1), (2, 2)]
    i, j, _ = mutual_matches(margins, threshold=1.05)
    assert list(zip(i.tolist(), j.tolist())) == [(0, 0)]


def test_mutual_matches_need_both_directions():
    """A column that is every row's best is matched once, to the row it prefers."""
    sim = np.array([[0.9, 0.1], [0.95, 0.2]], dtype=np.float32)
    i, j, _ = mutual_matches(sim, threshold=0.0)
    assert list(zip(i.tolist(), j.tolist())) == [(1, 0)]


def test_contract_one_pair_per_cross_language_pair_with_lower_id_as_source():
    """Every pair of different-language documents appears once, src < tgt, same-language pairs never."""
    space = Space(3)
    topic = space.topic()
    langs = {"d4": "tl", "d0": "it", "d2": "cs", "d1": "tl", "d3": "it"}
    docs = [make_doc(d, lang, 6) for d, lang in langs.items()]
    embeddings = {d: space.embed(space.meanings(6), topic, lang) for d, lang in langs.items()}
    pairs = pair_documents(docs, embeddings, config=PairConfig())
    keys = [(p.src_doc, p.tgt_doc) for p in pairs]
    expected = sorted((a, b) for a in langs for b in langs if a < b and langs[a] != langs[b])
    assert sorted(keys) == expected and len(keys) == len(set(keys))
    for p in pairs:
        assert (p.src_lang, p.tgt_lang) == (langs[p.src_doc], langs[p.tgt_doc])
        assert p.evidence["candidate"] is True and "match_share" in p.evidence


@pytest.mark.parametrize(
    "parallel_threshold,comparable_threshold,expected",
    [(0.5, 0.2, "parallel"), (0.99, 0.2, "comparable"), (0.99, 0.98, "unrelated")],
)
def test_thresholds_decide_the_relation(parallel_threshold, comparable_threshold, expected):
    """The score is fixed by the evidence; the configured thresholds alone move the relation."""
    space = Space(5)
    a, b, n, m = _case("parallel", space)
    cfg = PairConfig(parallel_threshold=parallel_threshold, comparable_threshold=comparable_threshold)
    (pair,) = pair_documents([make_doc("a", "tl", n), make_doc("b", "it", m)], {"a": a, "b": b}, config=cfg)
    assert pair.relation == expected


def test_document_without_sentences_is_reported_unrelated_with_a_reason():
    """An empty document is not dropped: its pairs are unrelated and the evidence says why."""
    space = Space(2)
    topic = space.topic()
    docs = [make_doc("a", "tl", 5), make_doc("b", "it", 0)]
    pairs = pair_documents(docs, {"a": space.embed(space.meanings(5), topic, "tl"),
                                  "b": np.zeros((0, DIM), np.float32)}, config=PairConfig())
    assert [(p.relation, p.score) for p in pairs] == [("unrelated", 0.0)]
    assert "without sentences" in pairs[0].evidence["reason"]


def test_missing_embeddings_are_reported_not_dropped():
    """A document with no embedding entry still gets its pair record, unrelated, with the reason."""
    docs = [make_doc("a", "tl", 2), make_doc("b", "it", 2)]
    pairs = pair_documents(docs, {"a": Space(1).embed(Space(1).meanings(2), Space(1).topic(), "tl")},
                           config=PairConfig())
    assert pairs[0].relation == "unrelated" and "no sentence embeddings for b" in pairs[0].evidence["reason"]


def test_embedding_count_must_match_sentences():
    """A mismatch between sentences and embedding rows is an input error, not a silent misalignment."""
    docs = [make_doc("a", "tl", 3), make_doc("b", "it", 2)]
    with pytest.raises(InputError, match="3 sentences"):
        pair_documents(docs, {"a": np.ones((2, 4), np.float32), "b": np.ones((2, 4), np.float32)},
                       config=PairConfig())


def test_documents_in_error_are_skipped():
    """Only ok documents are paired (documents in error are reported by the loader)."""
    space = Space(4)
    a, b, n, m = _case("parallel", space)
    bad = make_doc("c", "cs", 0)
    bad.status = "error"
    pairs = pair_documents([make_doc("a", "tl", n), make_doc("b", "it", m), bad], {"a": a, "b": b},
                           config=PairConfig())
    assert [(p.src_doc, p.tgt_doc) for p in pairs] == [("a", "b")]


def test_same_language_near_duplicate_is_named_in_the_evidence(caplog):
    """Two same-language copies are not a pair record, but their cross-language pairs say so and a warning is logged."""
    space = Space(6)
    topic = space.topic()
    meanings = space.meanings(12)
    embeddings = {"a": space.embed(meanings, topic, "tl"), "a2": space.embed(meanings, topic, "tl"),
                  "b": space.embed(meanings, topic, "it")}
    docs = [make_doc("a", "tl", 12), make_doc("a2", "tl", 12), make_doc("b", "it", 12)]
    stats: dict = {}
    with caplog.at_level(logging.WARNING, logger="aligner.pair"):
        pairs = pair_documents(docs, embeddings, config=PairConfig(), stats=stats)
    assert {(p.src_doc, p.tgt_doc) for p in pairs} == {("a", "b"), ("a2", "b")}
    assert all(p.relation == "parallel" for p in pairs)
    by_src = {p.src_doc: p for p in pairs}
    assert by_src["a"].evidence["near_duplicates"] == {"a": ["a2"]}
    assert stats["near_duplicate_documents"] == ["a", "a2"]
    assert "near-duplicates" in caplog.text


def test_unknown_language_is_compared_with_everything():
    """A document whose language is unknown is paired with every other document, even another unknown one."""
    space = Space(8)
    topic = space.topic()
    docs = [make_doc("a", None, 4), make_doc("b", None, 4), make_doc("c", "it", 4)]
    embeddings = {d.doc: space.embed(space.meanings(4), topic, "xx") for d in docs}
    pairs = pair_documents(docs, embeddings, config=PairConfig())
    assert {(p.src_doc, p.tgt_doc) for p in pairs} == {("a", "b"), ("a", "c"), ("b", "c")}


def test_fake_encoder_translations_pair_and_shuffled_ones_do_not(fake_encoder):
    """With the deterministic FakeEncoder, declared translations in order make a parallel pair."""
    src = [f"source sentence number {k} about topic {k % 3}" for k in range(12)]
    tgt = [f"frase di arrivo {k}" for k in range(12)]
    from fakes import FakeEncoder

    encoder = FakeEncoder(translations={t: s for s, t in zip(src, tgt)})
    shuffled = [tgt[k] for k in np.random.default_rng(0).permutation(12)]
    docs = [make_doc("a", "en", 12), make_doc("b", "it", 12), make_doc("c", "it", 12)]
    embeddings = {"a": encoder.encode(src), "b": encoder.encode(tgt), "c": encoder.encode(shuffled)}
    pairs = {(p.src_doc, p.tgt_doc): p for p in pair_documents(docs, embeddings, config=PairConfig())}
    assert pairs[("a", "b")].relation == "parallel"
    assert pairs[("a", "c")].relation != "parallel"
    assert pairs[("a", "c")].evidence["matches"] == 12  # every sentence matched, but in no order


# --- scale: ANN candidates ----------------------------------------------------------------------------


def synthetic_corpus(n_pairs: int, n_distractors: int, seed: int = 0, n_topics: int = 20, sentences: int = 8):
    """Planted translation pairs (tl/it/cs) plus same-topic distractors, with their embeddings."""
    space = Space(seed)
    topics = [space.topic() for _ in range(n_topics)]
    langs = ["tl", "it", "cs"]
    docs, embeddings, planted = [], {}, set()
    for p in range(n_pairs):
        topic = topics[p % n_topics]
        meanings = space.meanings(sentences)
        la, lb = langs[p % 3], langs[(p + 1) % 3]
        a, b = f"p{p:04d}a", f"p{p:04d}b"
        docs += [make_doc(a, la, sentences), make_doc(b, lb, sentences)]
        embeddings[a] = space.embed(meanings, topic, la)
        embeddings[b] = space.embed(meanings, topic, lb)
        planted.add((a, b))
    for q in range(n_distractors):
        lang = langs[q % 3]
        d = f"q{q:04d}"
        docs.append(make_doc(d, lang, sentences))
        embeddings[d] = space.embed(space.meanings(sentences), topics[q % n_topics], lang)
    return docs, embeddings, planted


def test_ann_finds_planted_pairs_with_subquadratic_work(monkeypatch):
    """300 documents: the ANN proposes every planted translation pair and scores far fewer than all pairs."""
    docs, embeddings, planted = synthetic_corpus(n_pairs=100, n_distractors=100)
    calls = {"n": 0}
    real = ev_mod.score_blocks

    def counting(blocks, config):  # blocks: a source document, its candidate targets, ...
        calls["n"] += sum(len(block[1]) for block in blocks)
        return real(blocks, config)

    monkeypatch.setattr("aligner.pair.score_blocks", counting)
    cfg = PairConfig(exhaustive_max_docs=50, ann_neighbours=5)
    stats: dict = {}
    pairs = pair_documents(docs, embeddings, config=cfg, stats=stats)
    n = len(docs)
    assert stats["candidates_from"] == "ann"
    assert calls["n"] == stats["candidates"] <= n * 3 * cfg.ann_neighbours  # N * languages * k
    assert calls["n"] < 0.15 * n * (n - 1) / 2
    parallel = {(p.src_doc, p.tgt_doc) for p in pairs if p.relation == "parallel"}
    assert parallel == planted
    assert len(pairs) == stats["cross_language_pairs"]  # small enough: every pair has a record
    skipped = [p for p in pairs if not p.evidence["candidate"]]
    assert skipped and all(p.relation == "unrelated" and "not among" in p.evidence["reason"] for p in skipped)


def test_ann_candidates_and_ranks_are_each_documents_k_nearest_in_every_language():
    """On a set small enough for the HNSW index to be exact: the candidates are each usable document's k
    nearest other documents of every language (cosine, brute force here), each pair once as (i, j), i < j,
    in order, with the best rank either side found the other; unusable documents are in no pair."""
    from aligner.pair.candidates import ann

    rng = np.random.default_rng(11)
    n, k = 70, 3
    vectors = rng.normal(size=(n, 12)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    langs = [["en", "it", "de", None][x % 4] for x in range(n)]
    usable = [x % 9 != 5 for x in range(n)]
    got = ann(vectors, langs, k, usable)
    want: dict = {}
    cos = vectors @ vectors.T
    for q in range(n):
        if not usable[q]:
            continue
        for lang in set(langs):
            members = [x for x in range(n) if usable[x] and langs[x] == lang and x != q]
            for rank, x in enumerate(sorted(members, key=lambda x: -cos[q, x])[:k], start=1):
                pair = (min(q, x), max(q, x))
                want[pair] = min(rank, want.get(pair, rank))
    assert got.pairs == set(want) and got.neighbour_rank == want
    assert got.in_order() == sorted(want)
    assert got.queries == sum(usable) * len(set(langs))


def test_ann_index_holds_each_documents_normalised_mean_to_the_bit(monkeypatch):
    """The index's vectors come from the means taken while reading each document once (reading every
    document's memory-mapped vectors again brought them all into resident memory at once): they must be
    document_vector's, bit for bit, or pairing would change with the memory fix."""
    from aligner.pair import candidates as cand_mod

    docs, embeddings, _ = synthetic_corpus(n_pairs=40, n_distractors=20, seed=3)
    seen = {}
    real = cand_mod.centre_by_language

    def capture(vectors, langs, usable=None):
        seen["vectors"] = np.array(vectors, copy=True)
        return real(vectors, langs, usable)

    monkeypatch.setattr("aligner.pair.centre_by_language", capture)
    pair_documents(docs, embeddings, config=PairConfig(exhaustive_max_docs=20, ann_neighbours=5))
    ordered = sorted((d for d in docs if d.ok), key=lambda d: d.doc)
    means = [embeddings[d.doc].mean(axis=0).astype(np.float32) for d in ordered]
    expected = np.stack([m / float(np.linalg.norm(m)) for m in means])  # document_vector's definition
    assert seen["vectors"].dtype == np.float32
    assert np.array_equal(seen["vectors"], expected)


def test_above_max_pair_records_only_candidates_are_reported():
    """For large corpora the O(N^2) unrelated records are counted, not written."""
    docs, embeddings, planted = synthetic_corpus(n_pairs=60, n_distractors=30, seed=1)
    stats: dict = {}
    cfg = PairConfig(exhaustive_max_docs=20, ann_neighbours=4, max_pair_records=100)
    pairs = pair_documents(docs, embeddings, config=cfg, stats=stats)
    assert all(p.evidence["candidate"] for p in pairs)
    assert stats["reported"] == len(pairs) < stats["cross_language_pairs"]
    assert stats["unreported_pairs"] == stats["cross_language_pairs"] - len(pairs)
    assert {(p.src_doc, p.tgt_doc) for p in pairs if p.relation == "parallel"} == planted


def test_ann_and_exhaustive_agree_on_the_decisions_they_share():
    """The ANN only prunes: pairs it scores get exactly the exhaustive mode's score."""
    docs, embeddings, _ = synthetic_corpus(n_pairs=20, n_distractors=20, seed=2)
    exact = {(p.src_doc, p.tgt_doc): p for p in pair_documents(docs, embeddings, config=PairConfig())}
    approx = pair_documents(docs, embeddings, config=PairConfig(exhaustive_max_docs=10, ann_neighbours=3))
    shared = [p for p in approx if p.evidence["candidate"]]
    assert shared
    for p in shared:
        assert p.score == exact[(p.src_doc, p.tgt_doc)].score
        assert p.relation == exact[(p.src_doc, p.tgt_doc)].relation


def test_ann_mode_keeps_empty_documents_out_of_the_index_but_reports_them():
    """A document without sentences cannot be a neighbour; its pairs still get a record that says why."""
    docs, embeddings, planted = synthetic_corpus(n_pairs=10, n_distractors=5, seed=3)
    docs.append(make_doc("zz-empty", "it", 0))
    embeddings["zz-empty"] = np.zeros((0, DIM), np.float32)
    pairs = pair_documents(docs, embeddings, config=PairConfig(exhaustive_max_docs=5, ann_neighbours=3))
    empty = [p for p in pairs if "zz-empty" in (p.src_doc, p.tgt_doc)]
    assert empty and all(p.relation == "unrelated" and "without sentences" in p.evidence["reason"] for p in empty)
    assert {(p.src_doc, p.tgt_doc) for p in pairs if p.relation == "parallel"} == planted


def test_candidate_count_grows_linearly_not_quadratically(monkeypatch):
    """Four times the documents give about four times the candidates (all pairs would give sixteen)."""
    from aligner.pair.evidence import PairEvidence

    def cheap(blocks, config):  # the sentence work is not under test here, only how often it runs
        return [[PairEvidence(len(a), len(b), 0, 0.0, 0.0, 0.0, None, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0) for b in bs]
                for a, bs, *_ in blocks]

    monkeypatch.setattr("aligner.pair.score_blocks", cheap)
    counts = {}
    for n_pairs in (40, 160):
        docs, embeddings, _ = synthetic_corpus(n_pairs=n_pairs, n_distractors=n_pairs // 2, seed=4, sentences=4)
        stats: dict = {}
        pair_documents(docs, embeddings, config=PairConfig(exhaustive_max_docs=10, ann_neighbours=4,
                                                           max_pair_records=1000), stats=stats)
        counts[len(docs)] = stats["candidates"]
    (n1, c1), (n2, c2) = sorted(counts.items())
    assert n2 == 4 * n1
    assert c2 / c1 < 5.0  # linear: ~4; quadratic: ~16


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=30, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=7), min_size=2, max_size=6),
    langs=st.lists(st.sampled_from(["tl", "it", "cs", None]), min_size=6, max_size=6),
    seed=st.integers(0, 10_000),
)
def test_records_are_consistent_for_any_corpus(sizes, langs, seed):
    """Whatever the documents: one record per cross-language pair, src < tgt, score in [0, 1], relation = thresholds(score)."""
    rng = np.random.default_rng(seed)
    cfg = PairConfig()
    docs, embeddings = [], {}
    for k, n in enumerate(sizes):
        d = make_doc(f"d{k}", langs[k], n)
        docs.append(d)
        x = rng.normal(size=(n, 16)).astype(np.float32)
        embeddings[d.doc] = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)
    pairs = pair_documents(docs, embeddings, config=cfg)
    lang_of = {d.doc: d.lang for d in docs}
    expected = {(a.doc, b.doc) for a in docs for b in docs
                if a.doc < b.doc and (a.lang is None or a.lang != b.lang)}
    assert {(p.src_doc, p.tgt_doc) for p in pairs} == expected and len(pairs) == len(expected)
    for p in pairs:
        assert 0.0 <= p.score <= 1.0
        assert p.relation == ev_mod.relation_for(p.score, cfg)
        assert (p.src_lang, p.tgt_lang) == (lang_of[p.src_doc], lang_of[p.tgt_doc])


def test_margin_stays_finite_when_neighbourhoods_are_negative():
    """Cosines around zero (some encoders) must not blow the ratio margin up: fall back to the distance margin."""
    sim = np.array([[0.2, -0.3, -0.4], [-0.3, -0.2, -0.5], [-0.4, -0.5, 0.1]], dtype=np.float32)
    margins = margin_matrix(sim, k=2)
    assert np.isfinite(margins).all() and margins.max() < 2.0
    assert margins[0, 0] > margins[0, 1] and margins[2, 2] > margins[2, 1]


@pytest.mark.parametrize("score,relation", [
    (0.5, "parallel"), (0.4999, "comparable"), (0.2, "comparable"), (0.1999, "unrelated"), (1.0, "parallel"),
])
def test_relation_thresholds_are_inclusive(score, relation):
    """parallel >= parallel_threshold, comparable >= comparable_threshold (the boundaries of `relation_for`)."""
    cfg = PairConfig(parallel_threshold=0.5, comparable_threshold=0.2)
    assert ev_mod.relation_for(score, cfg) == relation


# --- the topic range on another encoder's scale ---------------------------------------------------


class WideSpace(Space):
    """A space shaped like LaBSE's rather than e5's: unrelated sentences ~0.25 apart, translations ~0.7."""

    WEIGHTS = (0.15, 0.12, 0.55, 0.08, 0.10)  # common, topic, meaning, language, noise

    def embed(self, meanings, topic, lang):
        wc, wt, wm, wl, wn = self.WEIGHTS
        lang_vec = self.langs.setdefault(lang, self._unit())
        x = np.stack([np.sqrt(wc) * self.common + np.sqrt(wt) * topic + np.sqrt(wm) * m + np.sqrt(wl) * lang_vec
                      + np.sqrt(wn) * self._unit() for m in meanings])
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _translations_with_deletions(space: Space, n_pairs: int = 12, n_others: int = 12, n: int = 12):
    """Translations that drop three sentences and add one, among same-topic documents."""
    topics = [space.topic() for _ in range(4)]
    langs = ["tl", "it", "cs"]
    docs, embeddings, planted = [], {}, set()
    for p in range(n_pairs):
        topic, meanings = topics[p % 4], space.meanings(n)
        la, lb = langs[p % 3], langs[(p + 1) % 3]
        kept = [meanings[k] for k in range(n) if k % 4 != 1] + space.meanings(1)
        a, b = f"p{p:02d}a", f"p{p:02d}b"
        docs += [make_doc(a, la, n), make_doc(b, lb, len(kept))]
        embeddings[a], embeddings[b] = space.embed(meanings, topic, la), space.embed(kept, topic, lb)
        planted.add((a, b))
    for q in range(n_others):
        d = f"q{q:02d}"
        docs.append(make_doc(d, langs[q % 3], n))
        embeddings[d] = space.embed(space.meanings(n), topics[q % 4], langs[q % 3])
    return docs, embeddings, planted


@pytest.mark.parametrize("space, found_without", [(Space(3), 12), (WideSpace(3), 10)])
def test_calibration_moves_the_topic_range_to_the_encoders_scale(space, found_without):
    """On an e5-shaped space the fixed range already works and calibration keeps the decisions; on a
    wider space (LaBSE-like) the fixed range sees no topic and loses translations with deletions, the
    calibrated one finds them all, with no false parallel pair."""
    from aligner.pair import calibrated

    docs, embeddings, planted = _translations_with_deletions(space)
    results = {}
    for calibrate in (False, True):
        stats: dict = {}
        pairs = pair_documents(docs, embeddings, config=PairConfig(), stats=stats, calibrate=calibrate)
        results[calibrate] = {(p.src_doc, p.tgt_doc) for p in pairs if p.relation == "parallel"}
        assert ("topic_calibration" in stats) == calibrate
    assert len(results[False] & planted) == found_without and results[False] <= planted
    assert results[True] == planted
    # the map keeps e5-small's own background where it is and moves it with another one
    cfg = PairConfig()
    from aligner.pair import REFERENCE_BACKGROUND

    same = calibrated(cfg, REFERENCE_BACKGROUND)
    assert (same.topic_floor, same.topic_ceiling) == (round(cfg.topic_floor, 4), round(cfg.topic_ceiling, 4))
    wide = calibrated(cfg, 0.25)
    assert 0.25 < wide.topic_floor < wide.topic_ceiling < cfg.topic_floor


def test_reference_encoder_is_e5_small_only():
    from aligner.pair import is_reference_encoder

    assert is_reference_encoder({"name": "e5-small"})
    assert is_reference_encoder({"name": "e5-small-onnx"})  # the same weights on ONNX Runtime
    assert is_reference_encoder({"name": "st:intfloat/multilingual-e5-small"})
    assert not is_reference_encoder({"name": "st:sentence-transformers/LaBSE"})
    assert not is_reference_encoder({"name": "fake"}) and not is_reference_encoder(None)


def test_centring_per_language_puts_translations_first_when_a_language_direction_dominates():
    """Document means dominated by what a language's documents share (as e5's are): centred per language,
    each translation is its partner's nearest document in the other language; as they are, often not."""
    from aligner.pair.candidates import ann, centre_by_language

    rng = np.random.default_rng(5)
    dim, n = 64, 60
    shared = {lang: rng.normal(size=dim) for lang in ("tl", "it")}
    content = rng.normal(size=(n, dim))
    rows, langs = [], []
    for lang in ("tl", "it"):
        # a strong per-language direction with a per-document weight, plus the document's (shared) content
        weight = rng.uniform(2.0, 6.0, size=(n, 1))
        rows.append(weight * shared[lang] + 0.6 * content + 0.2 * rng.normal(size=(n, dim)))
        langs += [lang] * n
    vectors = np.vstack(rows).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    pairs = [(i, n + i) for i in range(n)]
    plain = ann(vectors, langs, 1)
    centred = ann(centre_by_language(vectors, langs), langs, 1)
    assert sum(p in centred.pairs for p in pairs) == n
    assert sum(p in plain.pairs for p in pairs) < n
    c = centre_by_language(vectors, langs, usable=[k != 0 for k in range(2 * n)])
    assert np.array_equal(c[0], vectors[0]) and np.allclose(np.linalg.norm(c[1:], axis=1), 1.0, atol=1e-5)


def _reference_score_pair(a, b, chars_src, chars_tgt, config, mean_src=None, mean_tgt=None):
    """score_pair as it was written before its numpy wrappers were unrolled: the public helpers, composed."""
    import math

    n, m = len(a), len(b)
    sim = a @ b.T
    margins = margin_matrix(sim, config.margin_k)
    i, j, mv = mutual_matches(margins, config.margin_threshold)
    k = len(i)
    match_share = 2.0 * float(ev_mod.match_weights(mv, config.margin_threshold).sum()) / (n + m)
    order = order_agreement(i, j, m, config.order_slack)
    length_chars = ev_mod._ratio(chars_src, chars_tgt)
    length_factor = min(1.0, length_chars / config.min_length_ratio) if config.min_length_ratio > 0 else 1.0
    translation = match_share * order * length_factor
    da = a.mean(axis=0) if mean_src is None else mean_src
    db = b.mean(axis=0) if mean_tgt is None else mean_tgt
    na, nb = math.sqrt(float(da @ da)), math.sqrt(float(db @ db))
    doc_cos = float(da @ db) / (na * nb) if na > 0 and nb > 0 else 0.0
    best_match = (float(sim.max(axis=1).mean()) + float(sim.max(axis=0).mean())) / 2.0
    span = config.topic_ceiling - config.topic_floor
    topic = ev_mod._clip01((best_match - config.topic_floor) / span) if span > 0 else float(best_match >= config.topic_floor)
    w = ev_mod._clip01(config.topic_weight)
    score = ev_mod._clip01((1.0 - w) * translation + w * topic)
    return ev_mod.PairEvidence(n, m, k, match_share, float(mv.mean()) if k else 0.0, order, kendall_tau(i, j),
                               length_chars, ev_mod._ratio(n, m), translation, doc_cos, best_match, topic, score)


@pytest.mark.parametrize("margin_k,threshold", [(4, 1.02), (1, 1.02), (10, 1.05), (4, 1.0), (3, 0.9)])
def test_score_pair_gives_the_same_bits_as_the_composed_helpers(margin_k, threshold):
    """The unrolled score_pair is an optimisation only: every number, to the last bit, as the helpers give it.

    Shapes from 1 to 70 sentences (one-sentence sides, k above the side's length), an e5-like space
    (translations, same-topic and unrelated pairs) and a centred one whose neighbourhoods go negative.
    """
    import dataclasses

    config = PairConfig(margin_k=margin_k, margin_threshold=threshold)
    rng = np.random.default_rng(margin_k * 100 + int(threshold * 100))
    space = Space(seed=margin_k)
    checked = 0
    for trial in range(300):
        n, m = int(rng.integers(1, 71)), int(rng.integers(1, 71))
        kind = trial % 4
        if kind == 3:  # isotropic: cosines around zero, the ratio margin's fallback branch
            a = rng.normal(size=(n, DIM)).astype(np.float32)
            b = rng.normal(size=(m, DIM)).astype(np.float32)
            a /= np.linalg.norm(a, axis=1, keepdims=True)
            b /= np.linalg.norm(b, axis=1, keepdims=True)
        else:
            topic = space.topic()
            meanings = space.meanings(max(n, m))
            a = space.embed(meanings[:n], topic, "tl")
            other = meanings[:m] if kind == 0 else space.meanings(m) if kind == 1 else [space._unit() for _ in range(m)]
            if kind == 0:
                other = list(other)
                for x in range(0, m - 1, 7):  # a few local swaps, as paragraph edits make
                    other[x], other[x + 1] = other[x + 1], other[x]
            b = space.embed(other, topic if kind != 2 else space.topic(), "it")
        means = (a.mean(axis=0), b.mean(axis=0)) if trial % 2 else (None, None)
        chars = (int(rng.integers(0, 5000)), int(rng.integers(0, 5000)))
        got = dataclasses.astuple(score_pair(a, b, *chars, config, *means))
        want = dataclasses.astuple(_reference_score_pair(a, b, *chars, config, *means))
        assert [repr(x) for x in got] == [repr(x) for x in want], (trial, n, m)
        checked += 1
    assert checked == 300


@pytest.mark.parametrize("margin_k,threshold,slack", [(4, 1.02, 3), (1, 1.02, 0), (10, 1.05, 3), (4, 1.0, 3), (3, 0.9, 1)])
def test_score_pairs_gives_score_pair_bits_for_each_target(margin_k, threshold, slack):
    """One source against many targets at once: every pair's numbers, to the last bit, as score_pair's.

    Blocks mix translations (with local reorderings), same-topic and unrelated targets, one-sentence and
    empty sides, targets shorter than margin_k, an isotropic space (the margins' fallback branch), long
    translations (Kendall's tau counted one by one above KENDALL_BLOCK matches) and missing mean vectors.
    """
    import dataclasses

    config = PairConfig(margin_k=margin_k, margin_threshold=threshold, order_slack=slack)
    rng = np.random.default_rng(margin_k * 7 + slack)
    space = Space(seed=margin_k + 1)
    compared = long_matches = 0
    blocks, wanted = [], []
    for block in range(40):
        n = 300 if block % 13 == 0 else int(rng.choice([1, 2, 5, 12, 30, 40, 64]))
        topic = space.topic()
        meanings = space.meanings(n)
        a = space.embed(meanings, topic, "tl")
        if block % 5 == 4:  # isotropic
            a = rng.normal(size=(n, DIM)).astype(np.float32)
            a /= np.linalg.norm(a, axis=1, keepdims=True)
        bs = []
        for t in range(int(rng.integers(1, 12))):
            kind = int(rng.integers(0, 5))
            m = int(rng.choice([0, 1, 2, 3, 9, 25, 60, n]))
            if kind == 0:  # translation, locally reordered, of the first m sentences
                take = list(meanings[:m]) + space.meanings(max(0, m - n))
                for x in range(0, m - 1, 5):
                    take[x], take[x + 1] = take[x + 1], take[x]
                b = space.embed(take, topic, "it")
            elif kind == 1:
                b = space.embed(space.meanings(m), topic, "it")
            elif kind == 2:
                b = space.embed(space.meanings(m), space.topic(), "de")
            else:
                b = rng.normal(size=(m, DIM)).astype(np.float32)
                if m:
                    b /= np.linalg.norm(b, axis=1, keepdims=True)
            bs.append(b)
        if n >= 300:  # a long translation: more matches than KENDALL_BLOCK
            near = a + 0.002 * rng.normal(size=a.shape).astype(np.float32)
            bs.append((near / np.linalg.norm(near, axis=1, keepdims=True)).astype(np.float32))
        chars = [int(rng.integers(0, 4000)) for _ in bs]
        means = [b.mean(axis=0) if len(b) and rng.random() < 0.5 else None for b in bs]
        mean_a = a.mean(axis=0) if block % 2 else None
        got = ev_mod.score_pairs(a, bs, 1500, chars, config, mean_a, means)
        blocks.append((a, bs, 1500, chars, mean_a, means))
        for b, c, mb, g in zip(bs, chars, means, got):
            want = score_pair(a, b, 1500, c, config, mean_a, mb)
            wanted.append(want)
            long_matches += want.matches > ev_mod.KENDALL_BLOCK
            assert [repr(x) for x in dataclasses.astuple(g)] == [repr(x) for x in dataclasses.astuple(want)], \
                (block, n, len(b))
            compared += 1
    assert compared > 150 and (long_matches >= 1 or margin_k == 1)  # k = 1: no margin exceeds 1
    # every block at once (as pair_documents scores consecutive sources): the same bits again
    together = [g for got in ev_mod.score_blocks(blocks, config) for g in got]
    assert [[repr(x) for x in dataclasses.astuple(g)] for g in together] == \
        [[repr(x) for x in dataclasses.astuple(w)] for w in wanted]


def test_segment_sums_are_numpys_sums_of_each_segment():
    """numpy's order of summation (sequential below 8 values, pairwise above), which score_blocks relies on;
    the long segments of one length are summed as the rows of one array."""
    rng = np.random.default_rng(5)
    for dtype in (np.float32, np.float64):
        lengths = rng.integers(0, 40, size=300)
        lengths[:20] = np.arange(20)
        lengths[20:60] = rng.integers(100, 300, size=40)  # numpy's blocks of 128 and their halves
        values = (rng.normal(size=int(lengths.sum()) + 5) * 10.0 ** rng.uniform(-4, 4, size=int(lengths.sum()) + 5)).astype(dtype)
        starts = np.zeros(len(lengths), dtype=np.int64)
        starts[1:] = np.cumsum(lengths)[:-1]
        got = ev_mod._segment_sums(values, starts, lengths)
        want = [np.add.reduce(values[s:s + n]) if n else dtype(0) for s, n in zip(starts, lengths)]
        assert got.dtype == dtype
        assert got.tobytes() == np.asarray(want, dtype=dtype).tobytes()
