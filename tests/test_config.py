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
