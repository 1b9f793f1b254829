"""The one retry policy for calls to the Anthropic API (the SDK's own retries are turned off).

Retried: 429 (rate limited), 529 (overloaded) and other 5xx, connection errors and timeouts — with
exponential backoff and full jitter, waiting at least what a ``retry-after`` header asks for. Not
retried: any other 4xx (a bad request does not get better by repeating it).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, stop_after_delay

T = TypeVar("T")
MAX_RETRY_AFTER_S = 60.0


def is_retryable(exc: BaseException) -> bool:
    import anthropic

    if isinstance(exc, anthropic.APIConnectionError):  # includes timeouts
        return True
    if isinstance(exc, anthropic.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return False


def retry_after_s(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait (retry-after / retry-after-ms), if any."""
    import anthropic

    if not isinstance(exc, anthropic.APIStatusError):
        return None
    headers = exc.response.headers
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value:
            try:
                return min(float(value) * scale, MAX_RETRY_AFTER_S)
            except ValueError:
                return None
    return None


def _wait(base_s: float, cap_s: float) -> Callable[[RetryCallState], float]:
    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        backoff = random.uniform(0, min(cap_s, base_s * 2 ** (state.attempt_number - 1)))
        asked = retry_after_s(exc)
        return max(backoff, asked) if asked is not None else backoff

    return wait


def call_with_retries(fn: Callable[[], T], attempts: int = 4, base_s: float = 0.5, cap_s: float = 8.0,
                      deadline_s: float = 120.0) -> T:
    """Call fn under the policy; the last exception propagates when retries are exhausted."""
    retrying = Retrying(retry=retry_if_exception(is_retryable), wait=_wait(base_s, cap_s),
                        stop=stop_after_attempt(attempts) | stop_after_delay(deadline_s), reraise=True)
    return retrying(fn)
