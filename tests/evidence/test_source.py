"""Mapping deployed trace paths onto repository files, and reading code around a line."""

from __future__ import annotations

from pathlib import Path

from fivewhys.evidence.source import RepoIndex, enclosing_function, function_span, snippet

FILES = ["app/cart.py", "app/pricing.py", "tests/app/cart.py", "src/main/java/com/shop/Cart.java",
         "pkg/orders/orders.go", "web/src/api/client.ts", "internal/agent/server.go", "main.py"]


def test_deployed_paths_map_by_longest_suffix(tmp_path: Path) -> None:
    idx = RepoIndex(tmp_path, FILES)
    assert idx.map_path("/srv/checkout/app/cart.py") == "app/cart.py"
    assert idx.map_path("Cart.java", "com.shop.Cart.total") == "src/main/java/com/shop/Cart.java"
    assert idx.map_path("/home/ci/go/src/github.com/acme/svc/pkg/orders/orders.go") == "pkg/orders/orders.go"
    assert idx.map_path("webpack:///web/src/api/client.ts") == "web/src/api/client.ts"
    assert idx.map_path("C:\\build\\app\\pricing.py") == "app/pricing.py"
    assert idx.map_path("/usr/lib/python3.11/json/decoder.py") is None
    assert idx.map_path(None) is None
    assert idx.map_path("/usr/local/go/src/net/http/server.go") is None  # same name, another file
    assert idx.map_path("/app/main.py") == "main.py"  # a root file deployed under /app


def test_reads_stay_inside_the_repo(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "secret.txt").write_text("s3cret\n")
    idx = RepoIndex(tmp_path / "repo", [])
    assert idx.read_lines("../secret.txt") is None


def test_snippet_function_span_and_enclosing_function(tmp_path: Path) -> None:
    code = "import x\n\n\ndef total(items):\n    s = 0\n    for i in items:\n        s += i\n    return s\n\n\ndef other():\n    pass\n"
    (tmp_path / "m.py").write_text(code)
    idx = RepoIndex(tmp_path, ["m.py"])
    snip = snippet(idx, "m.py", 7, before=1, after=1)
    assert snip is not None and snip.source == "m.py:6-8"
    assert ">    7 |         s += i" in snip.text(mark=7)
    lines = code.splitlines()
    assert function_span(lines, 4) == (4, 8)
    assert enclosing_function(lines, 7, "python") == ("total", 4)


def test_equally_good_matches_are_reported_not_guessed(tmp_path: Path) -> None:
    idx = RepoIndex(tmp_path, ["svc_a/app/settings.py", "svc_b/app/settings.py", "svc_a/app/cart.py"])
    assert idx.map_path("/srv/app/settings.py") is None
    assert idx.ambiguous == {"/srv/app/settings.py": ["svc_a/app/settings.py", "svc_b/app/settings.py"]}
    assert idx.map_path("/srv/svc_b/app/settings.py") == "svc_b/app/settings.py"  # a longer suffix decides
    assert idx.map_path("/srv/app/cart.py") == "svc_a/app/cart.py"  # one candidate: no ambiguity
    assert list(idx.ambiguous) == ["/srv/app/settings.py"]
