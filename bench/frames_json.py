"""Read text on stdin, print what the stack-trace extractor finds, in the corpus JSON schema.

Used by the scorer: python3 ../shared/tools/stacktrace_score.py --cmd ".venv/bin/python bench/frames_json.py"
"""

from __future__ import annotations

import json
import sys

from fivewhys.evidence.stacktrace import extract, to_corpus_json


def main() -> None:
    """stdin -> extract -> corpus JSON on stdout."""
    text = sys.stdin.buffer.read().decode("utf-8", "replace")
    json.dump(to_corpus_json(extract(text)), sys.stdout)


if __name__ == "__main__":
    main()
