"""Use cases: linking, sync, Hevy writes, imports (and later plans, coaching, notifications)."""
