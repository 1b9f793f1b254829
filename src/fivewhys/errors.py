"""The error tree. Shells map these to exit codes in one place (cli.py).

    FivewhysError              base; exit 1 unless a subclass says otherwise
    ├── InputError             bad input or usage: empty text, missing path, binary or non-UTF-8 data,
    │                          malformed JSON/XML, invalid pattern file; exit 2, one line
    ├── ConfigError            bad settings (an unknown model, a bad config file); exit 2
    └── EngineError            an engine could not produce a report (never raised past analyze(),
                               which falls back to the offline engine)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


class FivewhysError(Exception):
    """Base of every error fivewhys raises on purpose."""

    exit_code = 1


class InputError(FivewhysError):
    """The input cannot be analysed as given; the message says what to change."""

    exit_code = 2


class ConfigError(FivewhysError):
    """A setting is invalid."""

    exit_code = 2


class EngineError(FivewhysError):
    """An engine failed; analyze() falls back to the offline engine."""


def describe_validation(exc: ValidationError, limit: int = 10) -> str:
    """A pydantic ValidationError as one line: ``field.path: message; ...`` (for users and models)."""
    return "; ".join(f"{'.'.join(str(x) for x in e['loc']) or 'input'}: {e['msg']}" for e in exc.errors()[:limit])
