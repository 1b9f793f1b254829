"""Settings: flag > environment > config file > default, built once."""

from __future__ import annotations

from pathlib import Path

import pytest

from fivewhys.config import DEFAULT_MODEL, Settings
from fivewhys.errors import ConfigError


def test_precedence(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('model = "from-file"\nmax_iterations = 6\npattern_dirs = ["~/p"]\n')
    env = {"FIVEWHYS_CONFIG": str(cfg), "FIVEWHYS_MODEL": "from-env", "HOME": str(tmp_path)}
    s = Settings.build({"model": None}, env=env)
    assert (s.model, s.max_iterations) == ("from-env", 6)
    assert s.pattern_dirs == [Path("~/p").expanduser()]
    assert Settings.build({"model": "from-flag"}, env=env).model == "from-flag"
    assert Settings.build({}, env={"HOME": str(tmp_path)}).model == DEFAULT_MODEL


def test_engine_choice_and_secret_not_in_repr() -> None:
    assert Settings.build({}, env={}).resolved_engine == "offline"
    s = Settings.build({}, env={"ANTHROPIC_API_KEY": "sk-ant-xyz"})
    assert s.resolved_engine == "claude" and "sk-ant-xyz" not in repr(s)
    assert Settings.build({"engine": "offline"}, env={"ANTHROPIC_API_KEY": "k"}).resolved_engine == "offline"


@pytest.mark.parametrize(("content", "message"), [("model = [", "config file"), ("max_iterations = 0", "max_iterations")])
def test_bad_config_is_a_config_error(tmp_path: Path, content: str, message: str) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(content)
    with pytest.raises(ConfigError, match=message):
        Settings.build({}, env={"FIVEWHYS_CONFIG": str(cfg)})


def test_project_config_from_dotfile_or_pyproject_up_to_the_repo_root(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "svc").mkdir()
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.fivewhys]\napp_paths = ["^svc/"]\n'
                                         'redact_drop_fields = ["pin"]\n')
    s = Settings.build({}, env={}, project_dir=repo / "svc")
    assert s.app_paths == ["^svc/"] and s.redact_drop_fields == ["pin"]
    (repo / "svc" / ".fivewhys.toml").write_text('library_paths = ["/generated/"]\nmax_iterations = 2\n')
    s = Settings.build({"max_iterations": 3}, env={}, project_dir=repo / "svc")
    assert (s.library_paths, s.app_paths, s.max_iterations) == (["/generated/"], [], 3)  # nearest file wins; flags win
    (tmp_path / ".fivewhys.toml").write_text('app_paths = ["outside"]\n')  # above the repo root: not read
    (repo / "pyproject.toml").unlink()
    assert Settings.build({}, env={}, project_dir=repo).app_paths == []


@pytest.mark.parametrize(("content", "message"), [
    ("redact = false", "may not set redact"),
    ('redact_allow = ["AKIA0000000000000000"]', "may not set redact_allow"),  # only the user narrows redaction
    ('redact_patterns = { "x" = "(a+)+$" }', "nested repetition"),
    ('app_paths = ["x(?:[a-z]+-)+y"]', "nested repetition"),
    ("max_iterations = \"many\"", ".fivewhys.toml"),  # a type error names the file it came from
    ('base_url = "https://collector.example"', "may not set base_url"),
    ('app_paths = ["(unclosed"]', "bad regex"),
    ('redact_patterns = { "Bad Label" = "x" }', "label"),
])
def test_a_project_cannot_weaken_safety_or_pass_bad_regexes(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".fivewhys.toml").write_text(content)
    with pytest.raises(ConfigError, match=message):
        Settings.build({}, env={}, project_dir=tmp_path)


def test_project_rules_add_to_the_users_and_never_remove_them(tmp_path: Path) -> None:
    user = tmp_path / "user.toml"
    user.write_text('redact_drop_fields = ["ssn"]\nredact_patterns = { "mine" = "m_[0-9]{8}" }\n'
                    'redact_allow = ["AKIAIOSFODNN7EXAMPLE"]\n')
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".fivewhys.toml").write_text('redact_drop_fields = []\nredact_patterns = { "theirs" = "t_[0-9]{8}" }\n')
    s = Settings.build({}, env={"FIVEWHYS_CONFIG": str(user)}, project_dir=repo)
    assert s.redact_drop_fields == ["ssn"]
    assert s.redact_patterns == {"mine": "m_[0-9]{8}", "theirs": "t_[0-9]{8}"}
    assert s.redact_allow == ["AKIAIOSFODNN7EXAMPLE"]


def test_outside_a_repository_only_the_start_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / ".fivewhys.toml").write_text('app_paths = ["from-a-shared-parent"]\n')
    (tmp_path / "work").mkdir()
    assert Settings.build({}, env={}, project_dir=tmp_path / "work").app_paths == []
    (tmp_path / "work" / "pyproject.toml").write_text("this is [not toml")  # not ours: ignored
    assert Settings.build({}, env={}, project_dir=tmp_path / "work").app_paths == []
    (tmp_path / "work" / "pyproject.toml").write_text('tool = "x"\n')
    assert Settings.build({}, env={}, project_dir=tmp_path / "work").app_paths == []
    (tmp_path / "work" / "pyproject.toml").write_text("[tool.fivewhys]\napp_paths = [")
    with pytest.raises(ConfigError, match="pyproject.toml"):
        Settings.build({}, env={}, project_dir=tmp_path / "work")
