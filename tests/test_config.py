import pytest

from aligner.config import Config, from_mapping, load_config, override
from aligner.errors import ConfigError


@pytest.mark.parametrize(
    "data, message",
    [
        ({"encodr": {}}, "unknown configuration key 'encodr'"),
        ({"encoder": {"nme": "x"}}, "unknown configuration key 'encoder.nme'"),
        ({"clean": {"min_score": "high"}}, "clean.min_score: expected a number"),
        ({"clean": {"drop_severity": "fatal"}}, "clean.drop_severity: expected one of"),
        ({"gate": {"fail_on": "bad"}}, "gate.fail_on"),
        ({"align": {"scoring": "bertalign"}}, "align.scoring: expected one of contrast, knn"),
        ({"encoder": "e5"}, "encoder: expected a table"),
        ({"encoder": {"cache": "yes"}}, "encoder.cache: expected true or false"),
    ],
)
def test_bad_config_is_rejected_with_the_key(data, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(".", r"\.")):
        from_mapping(data)


def test_pyproject_table_is_read_and_keys_are_prefixed(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.aligner.clean]\nmin_score = 0.7\n[tool.aligner.gate]\nfail_on = "warning"\n')
    cfg = load_config(search_from=tmp_path)
    assert cfg.clean.min_score == 0.7 and cfg.gate.fail_on == "warning"
    (tmp_path / "pyproject.toml").write_text("[tool.aligner.clean]\nmin_scor = 0.7\n")
    with pytest.raises(ConfigError, match=r"tool\.aligner\.clean\.min_scor"):
        load_config(search_from=tmp_path)


def test_aligner_toml_wins_and_malformed_toml_is_a_config_error(tmp_path):
    (tmp_path / "aligner.toml").write_text("[clean\nmin_score = 1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(search_from=tmp_path)


def test_options_override_file_settings_and_none_means_not_given():
    cfg = from_mapping({"clean": {"min_score": 0.7, "drop_one_sided": False}})
    cfg2 = override(cfg, clean__min_score=0.9, encoder__name=None)
    assert cfg2.clean.min_score == 0.9
    assert cfg2.clean.drop_one_sided is False
    assert cfg2.encoder.name == Config().encoder.name
    assert cfg.clean.min_score == 0.7  # the original is not mutated


def test_missing_config_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")


def test_aligner_toml_takes_precedence_over_pyproject_in_the_same_folder(tmp_path):
    """Both files beside each other: aligner.toml is the configuration (the precedence of find_config_file)."""
    from aligner.config import find_config_file

    (tmp_path / "pyproject.toml").write_text("[tool.aligner.clean]\nmin_score = 0.7\n")
    (tmp_path / "aligner.toml").write_text("[clean]\nmin_score = 0.4\n")
    assert find_config_file(tmp_path) == (tmp_path / "aligner.toml").resolve()
    assert load_config(search_from=tmp_path).clean.min_score == 0.4
    (tmp_path / "aligner.toml").unlink()
    assert load_config(search_from=tmp_path).clean.min_score == 0.7


def test_pyproject_without_a_tool_aligner_table_is_passed_over(tmp_path):
    sub = tmp_path / "project"
    sub.mkdir()
    (sub / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n")
    (tmp_path / "aligner.toml").write_text("[clean]\nmin_score = 0.45\n")
    assert load_config(search_from=sub).clean.min_score == 0.45


def test_onesided_settings_reach_the_aligner(tmp_path):
    """[align] split_one_sided / onesided_* in aligner.toml are the AlignParams fields of the edge tests (on by
    default, with the same values on both sides); onesided_edges = false turns both off."""
    from aligner.align.params import AlignParams
    from aligner.config import AlignConfig

    def edges(p):
        return p.split_one_sided, p.onesided_member, p.onesided_pair, p.onesided_close

    assert edges(AlignParams().with_config(AlignConfig())) == edges(AlignParams()) == (0.03, -0.3, 0.1, 0.02)
    (tmp_path / "aligner.toml").write_text("[align]\nsplit_one_sided = 0.05\nonesided_member = 0.5\n"
                                           "onesided_pair = 0.2\nonesided_close = 0.01\n")
    assert edges(AlignParams().with_config(load_config(tmp_path / "aligner.toml").align)) == (0.05, 0.5, 0.2, 0.01)
    (tmp_path / "aligner.toml").write_text("[align]\nonesided_edges = false\n")
    off = AlignParams().with_config(load_config(tmp_path / "aligner.toml").align)
    assert (off.split_one_sided, off.onesided_member) == (None, None)


def test_onesided_core_options_reach_the_aligner_from_aligner_toml(tmp_path):
    """The core pass's options (off by default) are [align] keys of the same names as their AlignParams fields."""
    from aligner.align.params import AlignParams
    from aligner.config import AlignConfig

    default = AlignParams().with_config(AlignConfig())
    assert (default.onesided_core_knn, default.onesided_core_distinct, default.onesided_core_gaps,
            default.onesided_gap_skip, default.onesided_gap_need) == (None, None, None, None, "any")
    (tmp_path / "aligner.toml").write_text('[align]\nonesided_core_knn = -0.05\nonesided_core_distinct = 1.0\n'
                                           'onesided_core_gaps = 3\nonesided_gap_skip = -0.05\nonesided_gap_need = "both"\n')
    p = AlignParams().with_config(load_config(tmp_path / "aligner.toml").align)
    assert (p.onesided_core_knn, p.onesided_core_distinct, p.onesided_core_gaps, p.onesided_gap_skip,
            p.onesided_gap_need) == (-0.05, 1.0, 3, -0.05, "both")


@pytest.mark.parametrize("line", ['onesided_gap_need = "sometimes"', "onesided_core_gaps = 2",
                                  "onesided_core_distinct = -1.0", 'onesided_core_knn = "low"'])
def test_onesided_core_options_are_validated(tmp_path, line):
    (tmp_path / "aligner.toml").write_text(f"[align]\n{line}\n")
    with pytest.raises(ConfigError):
        load_config(tmp_path / "aligner.toml")


def test_onesided_cores_setting_turns_the_core_pass_off():
    """[align] onesided_cores = false (TOML has no null) switches aligner.align.bead_cores off; on by default."""
    from aligner.align.params import AlignParams
    from aligner.config import AlignConfig

    assert AlignParams().with_config(AlignConfig()).onesided_core == AlignParams().onesided_core is not None
    assert AlignParams().with_config(AlignConfig(onesided_cores=False)).onesided_core is None
