"""The /fivewhys slash command: installed safely, and hostile $ARGUMENTS cannot run anything."""

from __future__ import annotations

import os
import stat
import subprocess
from importlib import resources
from pathlib import Path

from helpers import ROOT, run_cli

HOSTILE = """KeyError: 'x' "; touch PWNED1; echo " $(touch PWNED2) `touch PWNED3` ' ; touch PWNED4 ; '
$HOME ${PATH} && touch PWNED5 | cat
FIVEWHYS_INCIDENT_TEXT_8F3A is only special alone on its line"""


def _template() -> str:
    return (resources.files("fivewhys") / "slash_command.md").read_text(encoding="utf-8")


def test_repo_command_file_is_the_shipped_template() -> None:
    assert (ROOT / ".claude" / "commands" / "fivewhys.md").read_text(encoding="utf-8") == _template()


def test_install_into_project_and_user_and_refuse_to_overwrite(tmp_path: Path) -> None:
    home, project = tmp_path / "home", tmp_path / "proj"
    home.mkdir()
    project.mkdir()
    res = run_cli(["install-command"], project, env={"HOME": str(home)})
    target = project / ".claude" / "commands" / "fivewhys.md"
    assert res.code == 0 and target.read_text() == _template()
    assert run_cli(["install-command"], project).stdout.startswith("already installed")
    target.write_text("my own command\n")
    res = run_cli(["install-command", "--project"], project)
    assert res.code == 2 and "--force" in res.stderr and target.read_text() == "my own command\n"
    assert run_cli(["install-command", "--force"], project).code == 0 and target.read_text() == _template()
    user = run_cli(["install-command", "--user"], project, env={"HOME": str(home)})
    assert user.code == 0 and (home / ".claude" / "commands" / "fivewhys.md").read_text() == _template()


def test_hostile_arguments_reach_fivewhys_verbatim_and_run_nothing(tmp_path: Path) -> None:
    body = _template().split("```bash\n", 1)[1].split("```", 1)[0]
    script = body.replace("$ARGUMENTS", HOSTILE)  # what Claude Code substitutes, textually
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    fake = fake_bin / "fivewhys"
    fake.write_text('#!/bin/sh\necho "$@" > args.txt\ncat > stdin.txt\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = dict(os.environ, PATH=f"{fake_bin}:{os.environ['PATH']}")
    subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, check=True)
    assert (tmp_path / "args.txt").read_text().strip() == "analyze --format markdown -"
    assert (tmp_path / "stdin.txt").read_text() == HOSTILE + "\n"
    assert not list(tmp_path.glob("PWNED*"))
