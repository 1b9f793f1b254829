"""The git wrapper on real repositories with fixed dates (so SHAs are stable)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fivewhys.evidence.git import Git, discover, find_repo_root, version_candidates

T0 = "2026-11-01T10:00:00+00:00"


def test_log_blame_function_history_pickaxe_grep_and_tags(repo_builder) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("svc")
    first = repo.commit({"app/price.py": "def get_price(sku):\n    return CATALOG[sku]\n\n\ndef other():\n    pass\n"},
                        "Initial", T0, "Alice Moreau")
    repo.git("tag", "v1.0.0")
    second = repo.commit({"app/price.py": "def get_price(sku):\n    return CACHE.get(sku)\n\n\ndef other():\n    pass\n",
                          "config/app.toml": "PRICE_TTL = 30\n"}, "Use the cache", "2026-11-20T09:00:00+00:00",
                         "Bruno Lee")
    repo.commit({"app/price.py": "def get_price(sku):\n    return CACHE.get(sku)\n\n\ndef other():\n    return 1\n"},
                "Touch other", "2026-11-21T09:00:00+00:00", "Chen Wei")
    git = Git(repo.root)

    log = git.log(["app/price.py"])
    assert [c.subject for c in log] == ["Touch other", "Use the cache", "Initial"]
    assert log[1].sha == second and log[1].author == "Bruno Lee" and log[1].files == ("app/price.py",)
    whole = git.commit(second)
    assert whole is not None and set(whole.files) == {"app/price.py", "config/app.toml"}

    blame = git.blame("app/price.py", 1, 2)
    assert [(b.line, b.sha) for b in blame] == [(1, first), (2, second)]
    assert blame[1].text == "    return CACHE.get(sku)" and blame[1].summary == "Use the cache"

    assert [c.subject for c in git.log_function("app/price.py", "get_price")] == ["Use the cache", "Initial"]
    assert [c.sha for c in git.pickaxe("PRICE_TTL")] == [second]
    assert git.grep(r"^def\s+get_price\b") == [("app/price.py", 1, "def get_price(sku):")]
    tags = git.tags()
    assert [(t.name, t.sha) for t in tags] == [("v1.0.0", first)]
    assert "CACHE.get" in git.show(second, ["app/price.py"]).output


def test_results_not_exceptions(tmp_path: Path) -> None:
    git = Git(tmp_path)  # not a repository
    res = git.run("log")
    assert res.status == "error" and res.invocation[:3] == ["git", "-C", str(tmp_path)]
    assert git.log() == [] and git.blame("x.py", 1, 2) == [] and git.head() is None


def test_find_repo_root(repo_builder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("svc")
    (repo.root / "a" / "b").mkdir(parents=True)
    assert find_repo_root(repo.root / "a" / "b") == repo.root.resolve()
    outside = tmp_path / "plain"
    outside.mkdir()
    assert find_repo_root(outside) is None


def test_info_reports_detached_head_worktree_and_submodule(repo_builder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("svc")
    first = repo.commit({"a.py": "def f():\n    return 1\n"}, "One", T0)
    repo.commit({"a.py": "def f():\n    return 2\n"}, "Two", "2026-11-02T10:00:00+00:00")
    info = Git(repo.root).info()
    assert (info.status, info.branch, info.detached, info.shallow, info.worktree) == ("ok", "main", False, False, False)

    repo.git("checkout", "-q", "--detach", first)
    detached = Git(repo.root).info()
    assert detached.detached and detached.branch is None and detached.head == first

    linked = tmp_path / "linked"
    repo.git("worktree", "add", "-q", "--detach", str(linked), "main")
    assert (linked / ".git").is_file() and discover(linked).worktree and find_repo_root(linked) == linked.resolve()

    outer = repo_builder("outer")
    outer.commit({"README.md": "outer\n"}, "Outer", T0)
    outer.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(repo.root), "vendor/svc")
    sub = Git(outer.root / "vendor" / "svc").info()
    assert sub.submodule and sub.superproject == outer.root.resolve()


def test_no_repository_and_no_git_are_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert discover(tmp_path / "missing").status == "not_a_repo"
    assert discover(tmp_path).status == "not_a_repo"
    monkeypatch.setattr("fivewhys.evidence.git.shutil.which", lambda _name: None)
    res = Git(tmp_path).run("status")
    assert res.status == "unavailable" and Git(tmp_path).info().status == "no_git"


def test_function_history_falls_back_where_git_cannot_parse_the_language(repo_builder) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("js")
    js = "class Cart {\n  total(items) {\n    return items.length;\n  }\n}\n"
    repo.commit({"cart.js": js, "notes.txt": "- total\n"}, "One", T0)
    second = repo.commit({"cart.js": js.replace("items.length", "items.size"), "notes.txt": "- total!\n"}, "Two",
                         "2026-11-02T10:00:00+00:00")
    git = Git(repo.root)
    method = git.function_history("cart.js", "total")  # an indented JS method: git's default rule misses it
    assert method.method == "-L:range" and method.commits[0].sha == second and "items.size" in method.commits[0].patch
    assert git.function_history("notes.txt", "total").method == "file"
    py = git.function_history("cart.js", "missing")
    assert py.method == "file"  # no definition found: the file's log


def test_show_hunks_limits_to_lines_and_text(repo_builder) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("svc")
    body = "".join(f"line{n}\n" for n in range(1, 41))
    repo.commit({"a.txt": body}, "One", T0)
    sha = repo.commit({"a.txt": body.replace("line3\n", "LINE3\n").replace("line30\n", "LINE30\n")}, "Two",
                      "2026-11-02T10:00:00+00:00")
    git = Git(repo.root)
    assert [h.added for h in git.show_hunks(sha, ["a.txt"], lines=(29, 31))] == [["LINE30"]]
    assert [h.removed for h in git.show_hunks(sha, contains="line3\n".strip())][0][0] == "line3"


def test_version_markers_map_to_tags_manifests_and_changelogs(repo_builder) -> None:  # type: ignore[no-untyped-def]
    assert version_candidates("2026-11-27 INFO deployed version v2.3.1 (rolling)") == ["2.3.1"]
    assert version_candidates('{"msg": "up", "version=v5.2.0"}') == ["5.2.0"]
    assert version_candidates("starting app 1.4.0 on :8000 with 2.5 workers") == ["1.4.0"]
    repo = repo_builder("svc")
    repo.commit({"pyproject.toml": '[project]\nversion = "1.3.0"\n', "CHANGELOG.md": "# Changes\n"}, "One", T0)
    bump = repo.commit({"pyproject.toml": '[project]\nversion = "1.4.0"\n'}, "Bump to 1.4.0", "2026-11-02T10:00:00+00:00")
    notes = repo.commit({"CHANGELOG.md": "# Changes\n\n## [1.5.0] - 2026-11-03\n- faster\n"}, "Changelog for 1.5.0",
                        "2026-11-03T10:00:00+00:00")
    repo.git("tag", "app/v1.6.0")
    git = Git(repo.root)
    manifest = git.resolve_version("starting app 1.4.0")
    assert manifest is not None and (manifest.sha, manifest.source, manifest.evidence) == (bump, "manifest", "pyproject.toml")
    changelog = git.resolve_version("deployed version v1.5.0")
    assert changelog is not None and (changelog.sha, changelog.source, changelog.evidence) == (notes, "changelog", "CHANGELOG.md:3")
    tag = git.resolve_version("release app v1.6.0 rolled out")
    assert tag is not None and (tag.sha, tag.tag) == (notes, "app/v1.6.0")
    assert git.resolve_version("deployed version v9.9.9") is None
    by_sha = git.resolve_version(f"deployed rev={bump[:9]}")
    assert by_sha is not None and by_sha.sha == bump and by_sha.source == "sha"
