"""Implementations of core's repository ports: SQLite (embedded default) and MongoDB (scale)."""
