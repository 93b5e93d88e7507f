"""Role labelling: the shipped vocabulary, user extensions, and the decision logic (FakeEncoder, no model)."""

from __future__ import annotations

import pytest

from aligner.config import PairConfig
from aligner.errors import ConfigError
from aligner.model import Document, Sentence
from aligner.pair.roles import RoleDecision, canonical, label_roles, load_vocabulary

# FakeEncoder similarities live on another scale than e5's: unrelated texts ~0-0.1, a shared word ~0.35-0.5.
FAKE = PairConfig(role_floor=0.1, role_ceiling=0.6, role_threshold=0.5)


class KindSpy:
    """Wraps an encoder and records the `kind` of every call (e5's query:/passage: convention)."""

    def __init__(self, inner):
        self.inner, self.kinds = inner, []
        self.name, self.dim = inner.name, inner.dim

    def encode(self, texts, *, kind="passage"):
        self.kinds.append(kind)
        return self.inner.encode(texts, kind=kind)


def doc(doc_id: str, sentences: list[str], *, lang: str | None = "en", title: str | None = None, manifest=None):
    return Document(doc=doc_id, path=f"{doc_id}.txt", lang=lang, title=title, manifest=manifest or {},
                    sentences=[Sentence(i, 0, 0, 0, t) for i, t in enumerate(sentences)])


# --- the shipped vocabulary --------------------------------------------------------------------------

def test_shipped_vocabulary_covers_the_customer_service_family_and_common_roles():
    """A few dozen roles, canonical lower-case names, the customer-service ones named in several languages."""
    vocab = load_vocabulary()
    assert len(vocab.roles) >= 30
    for name in vocab.roles:
        assert name == canonical(name)
    for name in ("customer service manager", "customer service supervisor", "customer service coordinator",
                 "customer service representative", "call center agent", "sales representative",
                 "account manager", "team leader", "technical support specialist", "receptionist"):
        assert name in vocab.roles
    for name in ("customer service manager", "customer service supervisor", "customer service coordinator",
                 "customer service representative"):
        assert {"en", "tl", "it", "cs", "de", "fr", "es"} <= set(vocab.roles[name].names)


def test_forms_are_filtered_by_language_but_english_names_always_stay():
    """Only English names and those of the documents' languages are encoded."""
    vocab = load_vocabulary()
    texts, owners, langs = vocab.forms({"it"})
    assert "gestore del servizio clienti" in texts and "customer service manager" in texts
    assert "tagapamahala ng serbisyo sa customer" not in texts
    assert all({"en", "it"} & fl for fl in langs)
    assert len(texts) == len(owners) == len(langs)


# --- user extensions ---------------------------------------------------------------------------------

def test_user_file_adds_roles_and_names(tmp_path):
    """A user file is merged over the shipped one: new roles appended, new names of known roles added."""
    path = tmp_path / "roles.toml"
    path.write_text('[roles."Plumber"]\naliases = ["pipefitter"]\ntl = ["tubero"]\n\n'
                    '[roles."customer service manager"]\nde = ["Leiterin Kundendienst"]\n', encoding="utf-8")
    vocab = load_vocabulary(path)
    assert vocab.roles["plumber"].names == {"en": ["plumber", "pipefitter"], "tl": ["tubero"]}
    assert "Leiterin Kundendienst" in vocab.roles["customer service manager"].names["de"]
    assert "Kundendienstleiter" in vocab.roles["customer service manager"].names["de"]  # shipped kept
    assert vocab.sources[-1] == str(path)


@pytest.mark.parametrize(
    "content,message",
    [
        ("[roles.x\n", "not valid TOML"),
        ('colour = "red"\n[roles."x"]\naliases = ["y"]\n', "unknown key"),
        ("version = 1\n", "no \\[roles"),
        ('[roles."x"]\naliases = "y"\n', "list of non-empty strings"),
        ('[roles."x"]\naliases = ["", "y"]\n', "list of non-empty strings"),
        ('[roles."x"]\nTagalog = ["y"]\n', "unknown key 'Tagalog'"),
        ('[roles."x"]\nfamily = 3\n', "family: expected a string"),
        ('roles = ["x"]\n', "no \\[roles"),
        ('[roles]\nx = "y"\n', "expected a table of names"),
    ],
)
def test_malformed_user_vocabulary_is_a_config_error(tmp_path, content, message):
    """Every malformed file is rejected with a ConfigError that says what is wrong."""
    path = tmp_path / "roles.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_vocabulary(path)


def test_missing_user_vocabulary_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_vocabulary(tmp_path / "nope.toml")


def test_roles_file_from_config_is_used(tmp_path, fake_encoder):
    """PairConfig.roles_file extends the vocabulary when label_roles gets no explicit one."""
    path = tmp_path / "roles.toml"
    path.write_text('[roles."lighthouse keeper"]\naliases = ["keeper of the lighthouse"]\n', encoding="utf-8")
    d = doc("a", ["Lighthouse keeper", "A lighthouse keeper tends the lamp."])
    cfg = PairConfig(role_floor=FAKE.role_floor, role_ceiling=FAKE.role_ceiling, roles_file=str(path))
    label_roles([d], fake_encoder, config=cfg)
    assert d.role == "lighthouse keeper"


# --- decisions -----------------------------------------------------------------------------------------

def test_title_decides_through_the_encoder_not_string_lookup():
    """A title sharing no vocabulary phrase gets the role whose name the encoder places next to it."""
    from fakes import FakeEncoder

    title = "Ano ang ginagawa ng isang tubero?"
    encoder = KindSpy(FakeEncoder(translations={title: "plumber", "pipefitter": "plumber"}))
    vocab = {"roles": {"plumber": {"aliases": ["pipefitter"]}}}
    d = doc("a", [title, "Siya ay nag-aayos ng mga tubo."], lang="tl")
    details: dict[str, RoleDecision] = {}
    label_roles([d], encoder, vocab, config=FAKE, details=details)
    assert d.role == "plumber" and d.role_score > FAKE.role_threshold
    assert details["a"].source == "title" and details["a"].lexical == []
    assert set(encoder.kinds) == {"query"}  # short texts compared symmetrically: e5 "query:" on both sides


def test_an_overlong_title_is_encoded_only_up_to_its_cap():
    """A page title (og:title, <title>) can be a whole blob: the encoder pays for every character, so the roles read
    its first MAX_TITLE_CHARS characters (a 1.4 MB title took minutes of encoding)."""
    from fakes import FakeEncoder

    from aligner.pair.roles import MAX_TITLE_CHARS

    class LengthSpy(KindSpy):
        def encode(self, texts, *, kind="passage"):
            self.kinds.append(max((len(t) for t in texts), default=0))
            return self.inner.encode(texts, kind=kind)

    encoder = LengthSpy(FakeEncoder())
    d = doc("a", ["Some text."], title="What does a cashier do? " + "filler " * 50_000)
    label_roles([d], encoder, {"roles": {"cashier": {}}}, config=FAKE)
    assert encoder.kinds and max(encoder.kinds) <= MAX_TITLE_CHARS


def test_manifest_role_wins(fake_encoder):
    """A role given in the manifest is kept (canonicalised) whatever the text says."""
    d = doc("a", ["What does a cashier do?", "Cashiers handle payments."], manifest={"role": "  Night  Auditor "})
    label_roles([d], fake_encoder, config=FAKE)
    assert (d.role, d.role_score) == ("night auditor", 1.0)


def test_title_field_is_preferred_over_the_first_sentence(fake_encoder):
    """doc.title (set by segmentation) is the title; the first sentence is only a fallback."""
    d = doc("a", ["Welcome to our website.", "Some text."], title="What does a receptionist do?")
    label_roles([d], fake_encoder, config=FAKE)
    assert d.role == "receptionist"


def test_first_sentence_is_the_title_when_none_was_found(fake_encoder):
    d = doc("a", ["What does a cashier do?", "Cashiers handle payments at the till."])
    label_roles([d], fake_encoder, config=FAKE)
    assert d.role == "cashier"


def test_body_takes_over_when_the_title_names_no_role(fake_encoder):
    """A generic title ("Career guide") leaves the decision to the body's strongest sentences."""
    body = ["Career guide 2024", "The receptionist greets visitors.", "A receptionist answers the phone.",
            "Every receptionist keeps the front desk tidy.", "Receptionist jobs are common."]
    d = doc("a", body)
    details: dict[str, RoleDecision] = {}
    label_roles([d], fake_encoder, config=FAKE, details=details)
    assert d.role == "receptionist" and details["a"].source == "body"


def test_no_role_rather_than_a_wrong_guess(fake_encoder):
    """Nothing in the vocabulary fits: role None, with the (low) score kept."""
    d = doc("a", ["Slow roasted tomatoes with garlic", "Bake them for an hour at low heat."])
    details: dict[str, RoleDecision] = {}
    label_roles([d], fake_encoder, config=FAKE, details=details)
    assert d.role is None
    assert d.role_score is not None and d.role_score < FAKE.role_threshold
    assert details["a"].best is not None and details["a"].source == "none"


def test_empty_document_gets_no_role(fake_encoder):
    d = doc("a", [])
    label_roles([d], fake_encoder, config=FAKE)
    assert (d.role, d.role_score) == (None, None)


def test_body_support_breaks_a_title_tie():
    """Two roles exactly as close to the title: the one the body talks about wins."""
    from fakes import FakeEncoder

    title = "Job profile"
    encoder = FakeEncoder(translations={title: "X", "alpha role": "X", "beta role": "X",
                                        "The alpha works here.": "alpha", "Alpha again.": "alpha"})
    vocab = {"roles": {"alpha role": {"aliases": ["alpha"]}, "beta role": {"aliases": ["beta"]}}}
    d = doc("a", [title, "The alpha works here.", "Alpha again."])
    details: dict[str, RoleDecision] = {}
    label_roles([d], encoder, vocab, config=PairConfig(role_floor=0.0, role_ceiling=1.0), details=details)
    assert d.role == "alpha role" and details["a"].runner_up == "beta role" and details["a"].margin > 0


def test_lexical_bonus_marks_the_role_named_in_the_title(fake_encoder):
    """A vocabulary name written in the title is recorded as lexical support (hyphen spacing tolerated)."""
    d = doc("a", ["Ano ang isang coordinator ng serbisyo sa customer?", "Body."], lang="tl")
    details: dict[str, RoleDecision] = {}
    label_roles([d], fake_encoder, config=FAKE, details=details)
    assert details["a"].lexical == ["customer service coordinator"]
    assert d.role == "customer service coordinator"


@pytest.mark.parametrize("title", [
    "Ano ang isang coordinator ng serbisyo sa customer?",
    "Senior Software Engineer (m/w/d) - Berlin",
    "software engineers wanted",  # a name followed by a word character: not a whole phrase
    "Ingegnere del software / sviluppatore",
    "NURSE",
    "pag -iwas sa  nurse-practitioner",
    "",
])
def test_lexical_names_every_role_with_a_name_written_in_the_title(fake_encoder, title):
    """The names' phrases, prepared once per run, find exactly the roles `_phrase_in` finds name by name."""
    from aligner.pair.roles import _Names, _phrase_in

    vocab = load_vocabulary()
    names = _Names(vocab, None, fake_encoder)
    want = sorted({owner for form, owner in zip(names.forms, names.owners) if _phrase_in(title, form)})
    assert names.lexical(title) == want


# --- cost: a handful of encoder calls, and a switch ------------------------------------------------------

class CallSpy:
    """Records every encode call's texts."""

    def __init__(self, inner):
        self.inner, self.calls = inner, []
        self.name, self.dim = inner.name, inner.dim

    def encode(self, texts, *, kind="passage"):
        self.calls.append(list(texts))
        return self.inner.encode(texts, kind=kind)


def test_body_reuses_the_pipeline_vectors_instead_of_encoding_the_corpus_again(fake_encoder):
    """With the embed stage's vectors, labelling encodes the vocabulary and the titles only, and the body
    still decides when the title names no role (same decision as with the bodies encoded again)."""
    body = ["Career guide 2024", "The receptionist greets visitors.", "A receptionist answers the phone.",
            "Every receptionist keeps the front desk tidy.", "Receptionist jobs are common."]
    docs = [doc("a", body), doc("b", ["What does a cashier do?", "Cashiers handle payments at the till."])]
    spy = CallSpy(fake_encoder)
    embeddings = {d.doc: fake_encoder.encode([s.text for s in d.sentences]) for d in docs}
    details: dict[str, RoleDecision] = {}
    label_roles(docs, spy, config=FAKE, details=details, embeddings=embeddings)
    assert [d.role for d in docs] == ["receptionist", "cashier"] and details["a"].source == "body"
    assert len(spy.calls) == 2  # the names, the titles
    assert not {s.text for d in docs for s in d.sentences[1:]} & {t for call in spy.calls for t in call}
    again = [doc("a", body), doc("b", ["What does a cashier do?", "Cashiers handle payments at the till."])]
    label_roles(again, fake_encoder, config=FAKE)
    assert [d.role for d in again] == [d.role for d in docs]


def test_vectors_of_another_length_are_not_trusted(fake_encoder):
    """A document whose vectors do not match its sentences has its body encoded as before."""
    d = doc("a", ["Career guide 2024", "The receptionist greets visitors.", "A receptionist answers the phone."])
    spy = CallSpy(fake_encoder)
    label_roles([d], spy, config=FAKE, embeddings={"a": fake_encoder.encode(["only one"])})
    assert ["The receptionist greets visitors.", "A receptionist answers the phone."] in spy.calls


def test_roles_off_encodes_nothing_and_keeps_manifest_roles(fake_encoder):
    """pair.roles = false: a corpus that is not about job roles pays nothing for them."""
    docs = [doc("a", ["What does a cashier do?"]), doc("b", ["Hello."], manifest={"role": "Night Auditor"})]
    spy = CallSpy(fake_encoder)
    details: dict[str, RoleDecision] = {}
    label_roles(docs, spy, config=PairConfig(roles=False), details=details)
    assert spy.calls == []
    assert [(d.role, d.role_score) for d in docs] == [(None, None), ("night auditor", 1.0)]
    assert [details[k].source for k in ("a", "b")] == ["off", "manifest"]


@pytest.mark.parametrize("text, ok", [("[pair]\nroles = false\n", True), ('[pair]\nroles = "no"\n', False)])
def test_roles_switch_is_a_validated_config_key(tmp_path, text, ok):
    from aligner.config import load_config

    path = tmp_path / "aligner.toml"
    path.write_text(text)
    if ok:
        assert load_config(path).pair.roles is False
    else:
        with pytest.raises(ConfigError, match="roles"):
            load_config(path)
