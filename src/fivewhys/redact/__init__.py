"""Redaction: secrets and personal data out, evidence (ids, SHAs, paths, timestamps) kept.

    >>> r = Redactor()
    >>> r.redact("db=postgres://app:hunter2hunter2@db:5432/x mail=ann@example.org")
    'db=postgres://<SECRET:url-credentials#1>@db:5432/x mail=<EMAIL#1>'

Modules: ``_rules`` (the table of named patterns and their triggers), ``_checks`` (the validators
the rules use), ``_lines`` (the first-level filter: which lines can hold a match at all, with
Hyperscan when installed), ``_gate`` (the one-pass trigger scan), ``_plan`` (runs each rule only
where its triggers are), ``_engine`` (overlap resolution, placeholders, the JSON-lines filter),
``_options`` (the user's rules from the config: extra patterns, allow-list, fields always dropped),
``_stream`` (any size of input in bounded memory, block by block).
"""

from __future__ import annotations

from fivewhys.redact._engine import Redactor, redact, redact_jsonl
from fivewhys.redact._options import RedactOptions
from fivewhys.redact._stream import redact_stream

__all__ = ["RedactOptions", "Redactor", "redact", "redact_jsonl", "redact_stream"]
