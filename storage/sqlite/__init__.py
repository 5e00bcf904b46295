"""The embedded store: SQLite through aiosqlite, WAL, versioned migrations."""

from storage.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]
