"""`aligner align SRC TGT` with an injected fake encoder: formats, options, errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from aligner.cli import cli
from fakes import FakeEncoder

KEYS = "granite orchid velvet comet harbor lantern quartz meadow".split()
DE = [f"Der {k} Satz erzählt etwas." for k in KEYS]
FR = [f"La phrase {k} raconte quelque chose." for k in KEYS]


@pytest.fixture
def encoder(monkeypatch):
    enc = FakeEncoder(translations={**{d: k for d, k in zip(DE, KEYS)}, **{f: k for f, k in zip(FR, KEYS)}})
    monkeypatch.setattr("aligner.embed.get_encoder", lambda name=None, config=None: enc)
    return enc


def files(tmp_path, de, fr, sep="\n"):
    a, b = tmp_path / "de.txt", tmp_path / "fr.txt"
    a.write_text(sep.join(de) + "\n", encoding="utf-8")
    b.write_text(sep.join(fr) + "\n", encoding="utf-8")
    return str(a), str(b)


def test_one_per_line_vecalign_format(tmp_path, encoder):
    """An extra French line becomes a []:[j] bead; every line is `[..]:[..]:score`."""
    fr = FR[:4] + ["Abonnez-vous à notre lettre d'information maintenant."] + FR[4:]
    a, b = files(tmp_path, DE, fr)
    r = CliRunner().invoke(cli, ["align", "-l", a, b], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("[")]
    heads = [ln.rsplit(":", 1)[0] for ln in lines]
    assert heads == ["[0]:[0]", "[1]:[1]", "[2]:[2]", "[3]:[3]", "[]:[4]", "[4]:[5]", "[5]:[6]", "[6]:[7]", "[7]:[8]"]
    assert all(0.0 <= float(ln.rsplit(":", 1)[1]) <= 1.0 for ln in lines)


def test_jsonl_to_file(tmp_path, encoder):
    a, b = files(tmp_path, DE, FR)
    out = tmp_path / "beads.jsonl"
    r = CliRunner().invoke(cli, ["align", "-l", a, b, "--format", "jsonl", "-o", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [(x["src"], x["tgt"]) for x in recs] == [([i], [i]) for i in range(len(DE))]
    assert recs[0]["src_text"] == DE[0] and recs[0]["tgt_text"] == FR[0] and recs[0]["type"] == "1-1"


def test_plain_text_is_segmented(tmp_path, encoder):
    """Without -l the files are split into sentences (several per line, paragraphs by blank lines)."""
    a, b = files(tmp_path, [" ".join(DE[:4]), " ".join(DE[4:])], [" ".join(FR[:4]), " ".join(FR[4:])], sep="\n\n")
    r = CliRunner().invoke(cli, ["align", a, b, "--src-lang", "de", "--tgt-lang", "fr"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    heads = [ln.rsplit(":", 1)[0] for ln in r.stdout.splitlines() if ln.startswith("[")]
    assert heads == [f"[{i}]:[{i}]" for i in range(8)]


@pytest.mark.parametrize("args", [["--max-beads", "1-1,2:1"], ["--max-beads", "9-9"]])
def test_bad_options_exit_2(tmp_path, encoder, args):
    from aligner.cli import main

    a, b = files(tmp_path, DE, FR)
    with pytest.raises(SystemExit) as exc:
        main(["align", "-l", a, b, *args])
    assert exc.value.code == 2


def test_undecodable_input_is_a_clear_error(tmp_path, encoder, capsys):
    """Bytes no text encoding explains stop `aligner align` with exit 2 and the problem, no traceback.
    (A UTF-16 BOM followed by anything decodes as UTF-16, as in `aligner run`: not this case.)"""
    from aligner.cli import main

    a, b = files(tmp_path, DE, FR)
    (tmp_path / "de.txt").write_bytes(b"\x00\x01\x02\x03\x04 broken \x00\xff")
    with pytest.raises(SystemExit) as exc:
        main(["align", "-l", a, b])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "de.txt" in err and "binary" in err and "Traceback" not in err and "internal error" not in err


def test_empty_source_file_is_an_input_error(tmp_path, encoder):
    """An empty file is a problem to report (exit 2, one line), not 0-1 beads and exit 0 (issue 12)."""
    from aligner.cli import main

    a, b = files(tmp_path, [""], FR[:2])
    with pytest.raises(SystemExit) as exc:
        main(["align", "-l", a, b])
    assert exc.value.code == 2
