"""Hevy's public API: an async client that tolerates its off-spec answers, and its payloads."""
