"""Pairing and roles on the bundled corpus with the real loader, segmenter and encoder (multilingual-e5-small, 4-bit)."""

from __future__ import annotations

import pytest

from aligner.config import Config, EncoderConfig, PairConfig

pytestmark = pytest.mark.slow

SEED_ROLES = {  # what the corpus README documents for people; the toolkit must derive it from the texts
    "000_572c31cb3efa376d": "customer service manager",
    "001_a1e898745819e5b5": "customer service manager",
    "002_c55a54971b778b8b": "customer service supervisor",
    "003_fdd13d5067869da6": "customer service coordinator",
    "004_afb71bbc9e42fbd2": "customer service representative",
}


def seed_documents_and_embeddings(corpus_dir, encoder):
    """The bundled corpus through the real stages 1-3 (ok documents and their sentence embeddings)."""
    from aligner.load import load_corpus
    from aligner.segment import segment_corpus

    config = Config()
    docs = load_corpus(corpus_dir, config=config)
    segment_corpus(docs, config=config)
    docs = [d for d in docs if d.ok]
    return docs, {d.doc: encoder.encode([s.text for s in d.sentences]) for d in docs}


@pytest.fixture(scope="module")
def seeds(corpus_dir):
    from aligner.embed import get_encoder
    from aligner.pair import pair_documents
    from aligner.pair.roles import label_roles

    encoder = get_encoder("e5-small", config=EncoderConfig(cache=False, progress="never"))
    docs, embeddings = seed_documents_and_embeddings(corpus_dir, encoder)
    details: dict = {}
    label_roles(docs, encoder, config=PairConfig(), details=details)
    pairs = pair_documents(docs, embeddings, config=PairConfig())
    return docs, pairs, details


def test_only_the_two_translations_are_parallel(seeds):
    """000 (tl) and 001 (it) translate one article; every other cross-language pair is same-topic: comparable."""
    _, pairs, _ = seeds
    relations = {(p.src_doc[:3], p.tgt_doc[:3]): p.relation for p in pairs}
    assert relations == {
        ("000", "001"): "parallel",
        ("000", "002"): "comparable",
        ("001", "002"): "comparable",
        ("001", "003"): "comparable",
        ("001", "004"): "comparable",
        ("002", "003"): "comparable",
        ("002", "004"): "comparable",
    }


def test_parallel_evidence_is_sentence_level_not_topical(seeds):
    """The translation pair wins on ordered mutual matches; same-topic pairs share topic, not sentences."""
    _, pairs, _ = seeds
    by_key = {(p.src_doc[:3], p.tgt_doc[:3]): p for p in pairs}
    parallel = by_key[("000", "001")].evidence
    assert parallel["match_share"] > 0.6 and parallel["order_agreement"] > 0.9 and parallel["kendall_tau"] > 0.9
    for key, p in by_key.items():
        if key != ("000", "001"):
            assert p.evidence["match_share"] < 0.15, key
            assert p.evidence["topic_similarity"] > 0.5, key  # same topic, so not unrelated either


def test_all_five_roles(seeds):
    """Every seed gets the role its article describes, above the threshold."""
    docs, _, details = seeds
    assert {d.doc: d.role for d in docs} == SEED_ROLES
    for d in docs:
        assert d.role_score >= PairConfig().role_threshold
        assert details[d.doc].source == "title"


def test_encoder_alone_already_picks_the_five_roles(seeds):
    """Without the lexical bonus the encoder still ranks the right role first (honest check of the model)."""
    _, _, details = seeds
    assert {doc: d.encoder_only_best for doc, d in details.items()} == SEED_ROLES
    assert all(d.encoder_only_margin > 0 for d in details.values())
