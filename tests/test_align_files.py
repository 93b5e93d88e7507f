"""`aligner align SRC TGT -o FILE`: one loader with `aligner run`, reader by input extension, writer by output extension."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from aligner.cli import cli
from fakes import FakeEncoder
from format_fixtures import need, write_docx, write_odt

KEYS = "granite orchid velvet comet harbor lantern".split()
EN = [f"The {k} report describes the first step of the process." for k in KEYS]
CS = [f"Zpráva {k} popisuje první krok celého postupu." for k in KEYS]


@pytest.fixture
def encoder(monkeypatch):
    enc = FakeEncoder(translations={**{a: k for a, k in zip(EN, KEYS)}, **{b: k for b, k in zip(CS, KEYS)}})
    monkeypatch.setattr("aligner.embed.get_encoder", lambda name=None, config=None: enc)
    return enc


def run(args):
    return CliRunner().invoke(cli, ["align", *args], catch_exceptions=False)


def beads_of(out) -> list[tuple[list[int], list[int]]]:
    return [(r["src"], r["tgt"]) for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())]


def test_html_is_read_as_article_text_not_markup(tmp_path, encoder):
    html = ("<html><head><title>x</title><style>p{color:red}</style></head><body><nav>Home | About</nav>"
            + "".join(f"<p>{s.replace('The', 'The', 1)}</p>" for s in EN[:3]) + "</body></html>")
    (tmp_path / "en.html").write_text(html, encoding="utf-8")
    (tmp_path / "cs.txt").write_text("\n\n".join(CS[:3]) + "\n", encoding="utf-8")
    out = tmp_path / "b.jsonl"
    r = run([str(tmp_path / "en.html"), str(tmp_path / "cs.txt"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["src_text"] for x in recs] == EN[:3]  # no <p>, no glued sentences across </p><p>
    assert [(x["src"], x["tgt"]) for x in recs] == [([0], [0]), ([1], [1]), ([2], [2])]


@pytest.mark.parametrize("encoding", ["utf-16", "cp1250"])
def test_encodings_run_decodes_are_read(tmp_path, encoder, encoding):
    (tmp_path / "en.txt").write_text("\n\n".join(EN) + "\n", encoding="utf-8")
    (tmp_path / "cs.txt").write_bytes(("\n\n".join(CS) + "\n").encode(encoding))
    out = tmp_path / "b.jsonl"
    r = run([str(tmp_path / "en.txt"), str(tmp_path / "cs.txt"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert beads_of(out) == [([i], [i]) for i in range(len(EN))]


def test_writer_follows_the_output_extension(tmp_path, encoder):
    need("translate")
    openpyxl = need("openpyxl")
    from translate.storage.tmx import tmxfile

    a = write_docx(tmp_path / "en.docx", "Process guide", EN)
    b = write_odt(tmp_path / "cs.odt", "Průvodce postupem", CS)
    for name in ("tm.tmx", "tm.xlf", "tm.xlsx", "tm.tsv"):
        r = run([str(a), str(b), "-o", str(tmp_path / name)])
        assert r.exit_code == 0, r.output
    with open(tmp_path / "tm.tmx", "rb") as fh:
        units = tmxfile(fh).units
    pairs = [(u.source, u.target) for u in units]
    assert all((s, t) in pairs for s, t in zip(EN, CS))
    from test_output_formats import check_xliff21

    xunits = check_xliff21((tmp_path / "tm.xlf").read_bytes())
    assert len(xunits) == len(units)
    ws = openpyxl.load_workbook(tmp_path / "tm.xlsx")["beads"]
    assert [c.value for c in ws[1]][:3] == ["id", "source", "target"] and ws.max_row >= len(EN) + 1
    lines = (tmp_path / "tm.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("src_lang\ttgt_lang\tsrc\ttgt") and len(lines) == len(units) + 1


def test_format_option_overrides_extension_and_stdout_is_vecalign(tmp_path, encoder):
    (tmp_path / "en.txt").write_text("\n".join(EN) + "\n", encoding="utf-8")
    (tmp_path / "cs.txt").write_text("\n".join(CS) + "\n", encoding="utf-8")
    r = run(["-l", str(tmp_path / "en.txt"), str(tmp_path / "cs.txt")])
    assert r.exit_code == 0 and r.stdout.splitlines()[0].startswith("[0]:[0]:")
    r = run(["-l", str(tmp_path / "en.txt"), str(tmp_path / "cs.txt"), "-f", "tmx"])
    assert r.exit_code == 0 and "<tmx version=\"1.4\">" in r.stdout


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(b""), "empty file"),
    (lambda p: p.write_bytes(b"PK\x03\x04garbage" * 4), "not a readable .docx"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, make, message):
    bad = tmp_path / "bad.docx"
    make(bad)
    good = tmp_path / "good.txt"
    good.write_text("One sentence here.\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "aligner", "align", str(bad), str(good), "-o", str(tmp_path / "x.tmx")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert len([ln for ln in proc.stderr.splitlines() if ln.startswith("aligner: error")]) == 1
    assert not (tmp_path / "x.tmx").exists()


def test_markup_only_file_has_no_sentences(tmp_path, encoder):
    (tmp_path / "a.html").write_text("<html><body><script>var x = 1;</script></body></html>", encoding="utf-8")
    (tmp_path / "b.txt").write_text("\n".join(CS) + "\n", encoding="utf-8")
    from aligner.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["align", str(tmp_path / "a.html"), str(tmp_path / "b.txt")])
    assert exc.value.code == 2
