"""Read a trace on stdin, print ``{"locations": [...]}`` best first: the scorer's view of ``fivewhys localize``.

Used by: python3 ../shared/tools/fl_score.py --cmd ".venv/bin/python bench/localize_cmd.py" --jobs 2
"""

from __future__ import annotations

import sys

from fivewhys.evidence.localize_cli import localize_text, render_json


def main() -> None:
    """stdin -> extract -> localize -> JSON on stdout (the same path as ``fivewhys localize - --format json``)."""
    text = sys.stdin.buffer.read().decode("utf-8", "replace")
    sys.stdout.write(render_json(localize_text(text)) + "\n")


if __name__ == "__main__":
    main()
