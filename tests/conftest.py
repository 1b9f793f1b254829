"""Shared fixtures: real git repositories with fixed dates, the bundled example, the real CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import EXAMPLE, CliResult, RepoBuilder, run_cli


@pytest.fixture
def example_repo(tmp_path: Path) -> Path:
    """The bundled checkout incident, built fresh: a git repo with fixed dates plus logs/checkout.jsonl."""
    dest = tmp_path / "checkout"
    assert EXAMPLE.main(["build.py", str(dest)]) == 0
    return dest


@pytest.fixture
def repo_builder(tmp_path: Path) -> Callable[[str], RepoBuilder]:
    return lambda name="repo": RepoBuilder(tmp_path / name)


@pytest.fixture
def cli() -> Callable[..., CliResult]:
    return run_cli
