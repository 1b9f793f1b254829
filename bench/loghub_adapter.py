"""Loghub-2k adapter: one TemplateMiner (one configuration for every dataset) over the contents.

Run from the project root:
    python3 /work/shared/tools/loghub_bench.py --parser bench/loghub_adapter.py:parse
"""

from __future__ import annotations

from fivewhys.evidence.logs.templates import TemplateMiner


def parse(contents: list[str]) -> list[str]:
    """One template per line, `<*>` for variables, as the benchmark's parser contract asks."""
    miner = TemplateMiner()
    ids = [miner.add(line) for line in contents]
    return [miner.template(i) for i in ids]
