"""The one price table (USD per million tokens) used for cost budgets and `engine.cost_usd`.

List prices by model family, as published on Anthropic's pricing page when this table was last
edited; a model id is priced by its family (opus / sonnet / haiku). Cache writes cost 1.25x the input
price and cache reads 0.1x, as documented for 5-minute prompt caching. Update the table, not callers.
"""

from __future__ import annotations

from dataclasses import dataclass

PRICES_PER_MTOK = {
    "opus": (5.00, 25.00),
    "sonnet": (3.00, 15.00),
    "haiku": (1.00, 5.00),
}
CACHE_WRITE_FACTOR = 1.25
CACHE_READ_FACTOR = 0.10
UNKNOWN_FAMILY = "sonnet"


@dataclass
class Usage:
    """Tokens spent so far in one analysis."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0
    calls: int = 0

    def add(self, input_tokens: int, output_tokens: int, cache_write: int, cache_read: int) -> None:
        self.input_tokens += input_tokens
        self.output_tokens += output_tokens
        self.cache_write_tokens += cache_write
        self.cache_read_tokens += cache_read
        self.calls += 1

    @property
    def total_input(self) -> int:
        """Every input token, cached or not (what the input budget counts)."""
        return self.input_tokens + self.cache_write_tokens + self.cache_read_tokens

    def cost_usd(self, model: str) -> float:
        inp, out = price_of(model)
        cost = (self.input_tokens * inp + self.output_tokens * out + self.cache_write_tokens * inp * CACHE_WRITE_FACTOR
                + self.cache_read_tokens * inp * CACHE_READ_FACTOR) / 1_000_000
        return round(cost, 6)


def price_of(model: str) -> tuple[float, float]:
    """(input, output) USD per million tokens for a model id."""
    for family, prices in PRICES_PER_MTOK.items():
        if family in model:
            return prices
    return PRICES_PER_MTOK[UNKNOWN_FAMILY]
