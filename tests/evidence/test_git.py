"""The git wrapper on real repositories with fixed dates (so SHAs are stable)."""

from __future__ import annotations

from pathlib import Path

from fivewhys.evidence.git import Git, find_repo_root

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
