"""Store backends for the contract suite: SQLite on a temp file, MongoDB over the wire.

MongoDB is a real server when `MONGODB_URI` is set; otherwise mongoeco's wire-protocol server
(SQLite engine) on loopback, spoken to by the real `AsyncMongoClient`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from core.ports import Store
from storage.mongo import MongoStore
from storage.sqlite import SqliteStore

StoreOpener = Callable[[], Awaitable[Store]]


@asynccontextmanager
async def mongo_server(folder: Path) -> AsyncIterator[str]:
    """A MongoDB URL: `MONGODB_URI` when set, else a mongoeco wire server on loopback."""
    if uri := os.environ.get("MONGODB_URI"):
        yield uri
        return
    from mongoeco.engines.sqlite import SQLiteEngine
    from mongoeco.wire.proxy import AsyncMongoEcoProxyServer

    server = AsyncMongoEcoProxyServer(
        engine=SQLiteEngine(str(folder / "mongoeco.db")), pymongo_profile="auto-installed"
    )
    address = await server.start()
    try:
        yield f"mongodb://{address.host}:{address.port}/?directConnection=true"
    finally:
        await server.close()


@pytest.fixture
async def mongo_url(tmp_path: Path) -> AsyncIterator[str]:
    async with mongo_server(tmp_path) as url:
        yield url


@pytest.fixture(params=["sqlite", "mongodb"])
async def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StoreOpener]:
    """Opens stores on one shared database of the parametrized backend; closes them after."""
    opened: list[Store] = []
    if request.param == "sqlite":
        path = tmp_path / "data" / "spotter.db"

        async def opener() -> Store:
            opened.append(await SqliteStore.open(path))
            return opened[-1]

        yield opener
    else:
        database = f"spotter_test_{uuid.uuid4().hex[:12]}"
        async with mongo_server(tmp_path) as url:

            async def opener() -> Store:
                opened.append(await MongoStore.open(url, database=database))
                return opened[-1]

            yield opener
            if opened and os.environ.get("MONGODB_URI"):
                await opened[0].database.client.drop_database(database)
            for store in opened:
                await store.close()
            opened.clear()
    for store in opened:
        await store.close()


@pytest.fixture
async def store(open_store: StoreOpener) -> Store:
    """A fresh store of each backend."""
    return await open_store()
