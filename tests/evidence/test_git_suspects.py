"""Suspect commits on real repositories built in tmp dirs with fixed dates: each test asserts the top
suspect and its reason."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

from fivewhys.evidence.git import Git
from fivewhys.evidence.suspects import SuspectQuery, called_functions, rank_suspects

ONSET = datetime.fromisoformat("2026-03-10T12:00:00+00:00")
OLD = "2025-01-15T09:00:00+00:00"

CART = "from app.pricing import get_price\n\n\ndef total(items):\n    subtotal = 0\n    for item in items:\n" \
       "        price = get_price(item['sku'])\n        subtotal += price * item['qty']\n    return subtotal\n"
PRICING = "CACHE = {}\n\n\ndef get_price(sku):\n    return CACHE[sku]\n"
PRICING_BAD = "CACHE = {}\n\n\ndef get_price(sku):\n    if sku not in CACHE:\n        return None\n    return CACHE[sku]\n"


def _query(*frames: tuple[str, int, str], **kw: object) -> SuspectQuery:
    return SuspectQuery(frames=list(frames), onset=ONSET, language="python", **kw)  # type: ignore[arg-type]


def test_callee_changed_while_the_crash_line_is_old(repo_builder) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("shop")
    repo.commit({"app/cart.py": CART, "app/pricing.py": PRICING, "README.md": "shop\n"}, "Initial", OLD)
    bad = repo.commit({"app/pricing.py": PRICING_BAD}, "Return None for uncached SKUs", "2026-03-08T12:00:00+00:00")
    repo.commit({"README.md": "shop, now cached\n"}, "Docs", "2026-03-09T12:00:00+00:00")

    top = rank_suspects(Git(repo.root), _query(("app/cart.py", 8, "total")))[0]

    assert top.sha == bad
    assert top.reason.startswith("the failing line app/cart.py:8 is from 2025-01-15; the callee get_price "
                                 "(app/pricing.py) changed 2 days before the onset and now returns None")
    assert {"callee", "returns_null"} <= set(top.signals)
    assert any(e.source.startswith("app/pricing.py:") and "return None" in e.excerpt for e in top.evidence)


def test_config_change_without_a_code_frame(repo_builder) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("pay")
    repo.commit({"config/settings.toml": "PAYMENT_TIMEOUT = 30\nRETRIES = 3\n", "pay/api.py": "X = 1\n"},
                "Initial", OLD)
    bad = repo.commit({"config/settings.toml": "PAYMENT_TIMEOUT = 0\nRETRIES = 3\n"}, "Tighten payment timeouts",
                      "2026-03-09T08:00:00+00:00")
    repo.commit({"pay/api.py": "X = 2\n"}, "Refactor the API client", "2026-03-10T09:00:00+00:00")
    git = Git(repo.root)

    by_key = rank_suspects(git, _query(keys=["PAYMENT_TIMEOUT"]))
    by_file = rank_suspects(git, _query(keys=["settings.toml"]))

    assert by_key[0].sha == bad and by_file[0].sha == bad
    assert by_key[0].reason.startswith("changed PAYMENT_TIMEOUT in config/settings.toml, named in the error, "
                                       "28 hours before the onset")
    assert by_file[0].reason.startswith("changed config/settings.toml, named in the error")
    assert by_key[0].evidence[0].source == "config/settings.toml:1" and "-PAYMENT_TIMEOUT = 30" in by_key[0].evidence[0].excerpt
    assert [s.sha for s in by_key] == [bad]  # the refactor touched nothing the error names


def test_rename_between_the_bad_commit_and_head(repo_builder) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("fx")
    rates = "def convert(amount, rate):\n    return amount * rate\n"
    repo.commit({"app/rates.py": rates}, "Initial", OLD)
    bad = repo.commit({"app/rates.py": rates.replace("amount * rate", "amount / rate")}, "Invert the rate",
                      "2026-03-07T10:00:00+00:00")
    repo.git("mv", "app/rates.py", "app/fx_rates.py")
    renamed = repo.commit({}, "Move rates into fx_rates", "2026-03-09T10:00:00+00:00")

    ranked = rank_suspects(Git(repo.root), _query(("app/fx_rates.py", 2, "convert")))

    assert ranked[0].sha == bad
    assert ranked[0].reason.startswith("last changed the failing line app/fx_rates.py:2 (convert) 3 days before")
    assert renamed not in [s.sha for s in ranked]  # a pure rename wrote no line


def test_reverted_commit_is_not_the_suspect_but_the_later_change_is(repo_builder) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("shop")
    repo.commit({"app/cart.py": CART, "app/pricing.py": PRICING}, "Initial", OLD)
    reverted = repo.commit({"app/pricing.py": PRICING_BAD}, "Return None for uncached SKUs", "2026-03-05T10:00:00+00:00")
    revert_env = "2026-03-06T10:00:00+00:00"
    repo.commit({"app/pricing.py": PRICING}, f'Revert "Return None for uncached SKUs"\n\nThis reverts commit {reverted}.',
                revert_env)
    culprit = repo.commit({"app/pricing.py": PRICING.replace("return CACHE[sku]", "return CACHE.get(sku)")},
                          "Read prices with CACHE.get", "2026-03-09T10:00:00+00:00")

    ranked = rank_suspects(Git(repo.root), _query(("app/cart.py", 8, "total")))

    assert ranked[0].sha == culprit
    assert "the callee get_price (app/pricing.py) changed 26 hours before the onset" in ranked[0].reason
    old = next(s for s in ranked if s.sha == reverted)
    assert "reverted by" in old.reason and old.score < 0.2


def test_a_revert_that_puts_the_bug_back_is_the_suspect(repo_builder) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("shop")
    repo.commit({"app/cart.py": CART, "app/pricing.py": PRICING_BAD}, "Initial", OLD)
    fix = repo.commit({"app/pricing.py": PRICING}, "Never return None from get_price", "2026-03-01T10:00:00+00:00")
    revert = repo.commit({"app/pricing.py": PRICING_BAD},
                         f'Revert "Never return None from get_price"\n\nThis reverts commit {fix}.',
                         "2026-03-10T08:00:00+00:00")

    top = rank_suspects(Git(repo.root), _query(("app/cart.py", 8, "total")))[0]

    assert top.sha == revert
    assert "now returns None" in top.reason and top.reason.endswith("a revert that put back older code")


def test_merge_is_attributed_to_the_merged_change(repo_builder) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("tax")
    tax = "RATES = {'FR': 20}\n\n\ndef tax_rate(country):\n    return RATES.get(country, 0)\n"
    repo.commit({"app/tax.py": tax, "app/order.py": "from app.tax import tax_rate\n\n\ndef vat(o):\n"
                 "    rate = tax_rate(o.country)\n    return o.net * rate / 100\n"}, "Initial", OLD)
    repo.git("checkout", "-q", "-b", "feature/tax")
    bad = repo.commit({"app/tax.py": tax.replace("RATES.get(country, 0)", "RATES.get(country)")},
                      "Drop the default tax rate", "2026-03-04T10:00:00+00:00")
    repo.git("checkout", "-q", "main")
    repo.commit({"README.md": "tax\n"}, "Docs", "2026-03-05T10:00:00+00:00")
    env = dict(repo.env, GIT_AUTHOR_NAME="Merger", GIT_AUTHOR_EMAIL="m@example.com", GIT_COMMITTER_NAME="Merger",
               GIT_COMMITTER_EMAIL="m@example.com", GIT_AUTHOR_DATE="2026-03-10T11:00:00+00:00",
               GIT_COMMITTER_DATE="2026-03-10T11:00:00+00:00")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge branch 'feature/tax'", "feature/tax", env=env)
    merge = repo.git("rev-parse", "HEAD")

    top = rank_suspects(Git(repo.root), _query(("app/order.py", 6, "vat")))[0]

    assert top.sha == bad and top.merge == merge
    assert top.landed == datetime.fromisoformat("2026-03-10T11:00:00+00:00")
    assert "the callee tax_rate (app/tax.py) changed 60 minutes before the onset" in top.reason
    assert f"merged in {merge[:10]} (Merge branch 'feature/tax')" in top.reason


def test_release_marker_maps_to_a_tag_and_its_commits(repo_builder) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("orders")
    repo.commit({"config/db.toml": "DB_POOL_SIZE = 20\n", "README.md": "orders\n"}, "Initial", OLD)
    repo.git("tag", "v2.3.0")
    bad = repo.commit({"config/db.toml": "DB_POOL_SIZE = 2\n"}, "Shrink the orders pool", "2026-03-09T10:00:00+00:00")
    repo.commit({"README.md": "orders service\n"}, "Docs", "2026-03-09T11:00:00+00:00")
    tagged = repo.commit({"CHANGELOG.md": "# Changes\n\n## [2.3.1] - 2026-03-10\n- smaller pool\n"}, "Release 2.3.1",
                         "2026-03-10T10:00:00+00:00")
    repo.git("tag", "v2.3.1")
    git = Git(repo.root)
    deploy = "2026-03-10 11:50:00 INFO deployed version v2.3.1 to production"

    match = git.resolve_version(deploy)
    ranked = rank_suspects(git, _query(deploy_text=deploy, deploy_at=datetime.fromisoformat("2026-03-10T11:50:00+00:00"),
                                       keys=["DB_POOL_SIZE"]))
    released = rank_suspects(git, _query(deploy_text=deploy))

    assert match is not None and (match.sha, match.source, match.tag) == (tagged, "tag", "v2.3.1")
    assert ranked[0].sha == bad and ranked[0].release == "2.3.1"
    assert "shipped in v2.3.1, deployed 10 minutes before the onset" in ranked[0].reason
    assert {s.release for s in released} == {"2.3.1"} and len(released) == 3  # v2.3.0's commit is not in it


def test_shallow_clone_is_reported_and_its_edge_is_not_blamed(repo_builder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("deep")
    repo.commit({"app/cart.py": CART, "app/pricing.py": PRICING}, "Initial", "2026-03-01T09:00:00+00:00")
    repo.commit({"app/cart.py": CART + "\n\ndef count(items):\n    return len(items)\n"}, "Add count",
                "2026-03-02T09:00:00+00:00")
    bad = repo.commit({"app/pricing.py": PRICING_BAD}, "Return None for uncached SKUs", "2026-03-09T09:00:00+00:00")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{repo.root}", str(clone)], check=True,
                   env=repo.env, capture_output=True)
    git = Git(clone)

    ranked = rank_suspects(git, _query(("app/cart.py", 8, "total")))

    assert git.info().shallow and not Git(repo.root).info().shallow
    assert ranked[0].sha == bad
    edge = next(s for s in ranked if s.subject == "Add count")
    assert "shallow-clone edge" in edge.reason and edge.score < ranked[0].score


def test_called_functions_puts_the_producer_first() -> None:
    lines = CART.splitlines()
    assert called_functions(lines, 8) == ["get_price"]
    assert called_functions(["x = a.fetch(1).total + count(y)"], 1) == ["fetch", "count"]
