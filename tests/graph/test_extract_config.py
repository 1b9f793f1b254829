"""The extract step honours the project's config and never guesses between equally good files."""

from __future__ import annotations

import json

from helpers import run_cli

TRACE = ('Traceback (most recent call last):\n'
         '  File "/srv/app/handler.py", line 3, in handle\n    return load()\n'
         '  File "/srv/app/settings.py", line 2, in load\n    return DB["url"]\n'
         "KeyError: 'url'\n")


def test_ambiguous_deployed_path_is_reported_and_left_unmapped(repo_builder) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("mono")
    repo.commit({"svc_a/app/settings.py": "DB = {}\ndef load():\n    return DB['url']\n",
                 "svc_b/app/settings.py": "DB = {}\ndef load():\n    return DB['url']\n",
                 "svc_a/app/handler.py": "from .settings import load\n\ndef handle():\n    return load()\n"},
                "Two services", "2026-11-01T10:00:00+00:00")
    out = run_cli(["analyze", "--offline", "--format", "json", TRACE], cwd=repo.root)
    assert out.code == 0, out.stderr
    report = json.loads(out.stdout)
    assert any("/srv/app/settings.py matches 2 repository files" in w and "svc_b/app/settings.py" in w
               for w in report["warnings"])
    files = {s["file"] for s in report["suspects"]}
    assert "svc_b/app/settings.py" not in files and "svc_a/app/settings.py" not in files  # not guessed


def test_project_library_paths_move_the_crash_frame(repo_builder) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("shop")
    repo.commit({"app/handler.py": "from .settings import load\n\ndef handle():\n    return load()\n",
                 "app/settings.py": "DB = {}\ndef load():\n    return DB['url']\n"},
                "Shop", "2026-11-01T10:00:00+00:00")
    plain = json.loads(run_cli(["analyze", "--offline", "--format", "json", TRACE], cwd=repo.root).stdout)
    assert plain["root_cause"]["location"]["file"] == "app/settings.py"
    (repo.root / ".fivewhys.toml").write_text('library_paths = ["app/settings\\\\.py$"]\n')
    out = run_cli(["analyze", "--offline", "--format", "json", TRACE], cwd=repo.root)
    assert out.code == 0, out.stderr
    configured = json.loads(out.stdout)
    assert configured["root_cause"]["location"]["file"] == "app/handler.py"


def test_frames_command_marks_frames_by_the_project_patterns(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.fivewhys]\nlibrary_paths = ["/settings\\\\.py$"]\n'
                                             'app_paths = ["site-packages/ourlib/"]\n')
    trace = TRACE.replace("/srv/app/handler.py", "/venv/lib/python3.12/site-packages/ourlib/handler.py")
    out = run_cli(["frames", "-", "--format", "json"], cwd=tmp_path, stdin=trace.encode())
    assert out.code == 0, out.stderr
    frames = json.loads(out.stdout)["exceptions"][0]["frames"]
    assert [(f["file"].rsplit("/", 1)[-1], f["in_app"]) for f in frames] == [("handler.py", True), ("settings.py", False)]
    (tmp_path / "pyproject.toml").write_text('[tool.fivewhys]\nredact = false\n')
    refused = run_cli(["frames", "-"], cwd=tmp_path, stdin=trace.encode())
    assert refused.code != 0 and "may not set redact" in refused.stderr and "Traceback" not in refused.stderr
