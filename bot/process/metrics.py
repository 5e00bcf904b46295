"""Prometheus metrics for operators (served at /metrics).

Counters carry no `_created` series (one per label set, and no dashboard reads them); the
process (CPU, memory, open files) and Python GC collectors come with the registry. Latencies
are histograms: an update's handling, a coach turn with Claude, a Hevy request, a web request.
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    ProcessCollector,
    disable_created_metrics,
)

from core.models import Usage

disable_created_metrics()

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

UPDATES = Counter("spotter_updates_total", "Telegram updates handled", ["kind"], registry=REGISTRY)
REFUSED = Counter("spotter_refused_total", "Updates from people not admitted", registry=REGISTRY)
CLAUDE_TOKENS = Counter(
    "spotter_claude_tokens_total", "Claude tokens used", ["kind"], registry=REGISTRY
)
CLAUDE_CACHE_READ_SHARE = Gauge(
    "spotter_claude_cache_read_share",
    "Share of Claude's input tokens read from the prompt cache since start (0-1)",
    registry=REGISTRY,
)
CLAUDE_ERRORS = Counter(
    "spotter_claude_errors_total", "Coach turns that failed", ["kind"], registry=REGISTRY
)
HEVY_REQUESTS = Counter(
    "spotter_hevy_requests_total", "Hevy API answers", ["method", "status"], registry=REGISTRY
)
HEVY_429 = Counter("spotter_hevy_rate_limited_total", "Hevy 429 answers", registry=REGISTRY)
OUTBOX_DEPTH = Gauge("spotter_outbox_depth", "Messages waiting to be delivered", registry=REGISTRY)
OUTBOX_OUTCOMES = Counter(
    "spotter_outbox_messages_total",
    "Delivery outcomes (maybe_sent: Telegram never answered, so not resent)",
    ["outcome"],
    registry=REGISTRY,
)
SYNC_LAG = Gauge(
    "spotter_sync_lag_seconds",
    "Age of the oldest linked user's last sync (-1: someone was never synced)",
    registry=REGISTRY,
)

UPDATE_SECONDS = Histogram(
    "spotter_update_seconds",
    "Time to handle one Telegram update (handlers only, not the wait behind the same chat)",
    registry=REGISTRY,
)
CLAUDE_TURN_SECONDS = Histogram(
    "spotter_claude_turn_seconds",
    "Time of one coach turn: every Claude call and tool round for one message",
    buckets=(0.5, 1, 2, 4, 8, 15, 30, 60, 120, 240),
    registry=REGISTRY,
)
HEVY_SECONDS = Histogram(
    "spotter_hevy_request_seconds", "Time of one Hevy API request", ["method"], registry=REGISTRY
)
WEB_SECONDS = Histogram(
    "spotter_web_request_seconds",
    "Time to answer one web request (Mini App pages and API, login page, webhook)",
    ["route"],
    registry=REGISTRY,
)

_input_tokens = {"input": 0, "cache_read": 0, "cache_write": 0}


def observe_hevy(method: str, status: int, seconds: float | None = None) -> None:
    HEVY_REQUESTS.labels(method=method, status=str(status)).inc()
    if status == 429:
        HEVY_429.inc()
    if seconds is not None:
        HEVY_SECONDS.labels(method=method).observe(seconds)


def observe_claude(usage: Usage, seconds: float) -> None:
    """A finished coach turn: its tokens by kind, the cache-read share, its time."""
    for kind, value in (
        ("input", usage.input_tokens),
        ("output", usage.output_tokens),
        ("cache_read", usage.cache_read_tokens),
        ("cache_write", usage.cache_write_tokens),
    ):
        CLAUDE_TOKENS.labels(kind=kind).inc(value)
        if kind in _input_tokens:
            _input_tokens[kind] += value
    total = sum(_input_tokens.values())
    if total:
        CLAUDE_CACHE_READ_SHARE.set(_input_tokens["cache_read"] / total)
    CLAUDE_TURN_SECONDS.observe(seconds)
