"""The daily Claude budget counts what tokens cost, not how many there are.

Claude prices a token by what it does: a cache read costs a tenth of a fresh input token, a
cache write (the five-minute cache that holds the conversation) a quarter more, and an output
token five times as much (the same ratios for Sonnet and Haiku). Counting every token alike
made the cached system prompt and tools, sent on every call, most of a lifter's day: twenty
one-call questions spent 200,000. `SPOTTER_DAILY_TOKEN_BUDGET` is therefore in fresh-input-token
equivalents; the store keeps the raw counts by kind.
"""

from __future__ import annotations

from core.models import Usage

INPUT = 1.0
OUTPUT = 5.0
CACHE_WRITE = 1.25
CACHE_READ = 0.1


def cost(usage: Usage) -> float:
    """What `usage` counts against the daily budget, in fresh-input-token equivalents."""
    return (
        usage.input_tokens * INPUT
        + usage.output_tokens * OUTPUT
        + usage.cache_write_tokens * CACHE_WRITE
        + usage.cache_read_tokens * CACHE_READ
    )
