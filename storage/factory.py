"""Opens the store `DATABASE_URL` names: a SQLite file or a MongoDB database."""

from __future__ import annotations

from pathlib import Path

from core.ports import Store


async def open_store(database_url: str) -> Store:
    """Open (creating or migrating as needed) the store behind `database_url`."""
    if database_url.startswith("sqlite:///"):
        from storage.sqlite import SqliteStore

        return await SqliteStore.open(Path(database_url.removeprefix("sqlite:///")))
    if database_url.startswith(("mongodb://", "mongodb+srv://")):
        from storage.mongo import MongoStore

        return await MongoStore.open(database_url)
    raise ValueError(f"unsupported DATABASE_URL scheme: {database_url.split(':', 1)[0]}")
