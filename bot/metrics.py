"""Prometheus metrics for operators (served at /metrics)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

REGISTRY = CollectorRegistry()

UPDATES = Counter("spotter_updates_total", "Telegram updates handled", ["kind"], registry=REGISTRY)
REFUSED = Counter("spotter_refused_total", "Updates from people not admitted", registry=REGISTRY)
CLAUDE_TOKENS = Counter(
    "spotter_claude_tokens_total", "Claude tokens used", ["kind"], registry=REGISTRY
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


def observe_hevy(method: str, status: int) -> None:
    HEVY_REQUESTS.labels(method=method, status=str(status)).inc()
    if status == 429:
        HEVY_429.inc()
