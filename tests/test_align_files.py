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


def _srt(cues, shift=0.0):
    def ts(t):
        t += shift
        h, rem = divmod(t, 3600)
        m, s = divmod(rem, 60)
        return f"{int(h):02d}:{int(m):02d}:{int(s):02d},{int(round((s - int(s)) * 1000)):03d}"

    return "".join(f"{k}\n{ts(a)} --> {ts(b)}\n{text}\n\n" for k, (a, b, text) in enumerate(cues, 1))


def test_subtitles_in_sync_align_by_time_overlap(tmp_path, encoder):
    from aligner.align.files import align_files

    en = [(1, 3, EN[0]), (3.5, 6, EN[1]), (6.5, 8, EN[2]), (8.2, 10, EN[3])]
    # the Czech track merges cues 3 and 4 into one cue with both sentences, and its timings drift a little
    cs = [(1.1, 3.1, CS[0]), (3.6, 6.1, CS[1]), (6.6, 10, CS[2] + " " + CS[3])]
    (tmp_path / "en.srt").write_text(_srt(en), encoding="utf-8")
    (tmp_path / "cs.srt").write_text(_srt(cs), encoding="utf-8")
    result = align_files(tmp_path / "en.srt", tmp_path / "cs.srt")
    ap = result.aligned[0]
    assert ap.pair.evidence["subtitle_timing"].startswith("used")
    assert [(b.src, b.tgt) for b in ap.beads] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3,))]
    # out of sync (another release, 40 s later): the content decides, and the evidence says why
    (tmp_path / "cs2.srt").write_text(_srt(cs, shift=40), encoding="utf-8")
    result = align_files(tmp_path / "en.srt", tmp_path / "cs2.srt")
    ap = result.aligned[0]
    assert ap.pair.evidence["subtitle_timing"].startswith("not used")
    assert [(b.src, b.tgt) for b in ap.beads] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3,))]


def test_subtitle_timing_beats_content_that_cannot_tell_cues_apart(tmp_path, monkeypatch):
    """Short cues an encoder cannot tell apart are still paired by their times, a missing cue included."""
    from aligner.align.files import align_files

    en_t = ["Yes, sir.", "No way.", "Yes, madam.", "No chance."]
    it_t = ["Sì, signore.", "Sì, signora.", "Nessuna possibilità."]  # the second cue was not subtitled
    enc = FakeEncoder(translations={t: "same" for t in en_t + it_t})
    monkeypatch.setattr("aligner.embed.get_encoder", lambda name=None, config=None: enc)
    en = [(1, 2, en_t[0]), (3, 4, en_t[1]), (5, 6, en_t[2]), (7, 8, en_t[3])]
    it = [(1, 2, it_t[0]), (5, 6, it_t[1]), (7, 8, it_t[2])]
    (tmp_path / "en.srt").write_text(_srt(en), encoding="utf-8")
    (tmp_path / "it.srt").write_text(_srt(it), encoding="utf-8")
    result = align_files(tmp_path / "en.srt", tmp_path / "it.srt", src_lang="en", tgt_lang="it")
    ap = result.aligned[0]
    assert ap.pair.evidence["subtitle_timing"] == "used: 75% / 100% of the cues overlap in time"
    assert [(b.src, b.tgt) for b in ap.beads] == [((0,), (0,)), ((1,), ()), ((2,), (1,)), ((3,), (2,))]


def test_a_bilingual_file_is_not_an_align_input(tmp_path, encoder):
    from aligner.cli import main
    from format_fixtures import write_po

    po = write_po(tmp_path / "ui.po", [(EN[0], CS[0])], lang="cs")
    (tmp_path / "cs.txt").write_text(CS[0] + "\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["align", str(po), str(tmp_path / "cs.txt")])
    assert exc.value.code == 2
