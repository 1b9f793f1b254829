"""JSON lines {"id", "text"} on stdin -> redacted {"id", "text"} on stdout (for redaction_score.py)."""

from __future__ import annotations

import io
import sys

from fivewhys.redact import redact_jsonl


def main() -> int:
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8")
    stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8")
    redact_jsonl(stdin, stdout)
    stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
