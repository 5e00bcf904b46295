"""One aiosqlite connection with WAL, a write lock, transactions and schema migrations."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from core.errors import SchemaTooNew, StoreUnavailable
from storage.sqlite.schema import LATEST, MIGRATIONS

BUSY_TIMEOUT_MS = 5000


class Database:
    """Serializes this process's use of its one connection; WAL lets other processes read."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (creating when absent) and migrate the database at `path`."""
        await asyncio.to_thread(_prepare_location, path)
        try:
            conn = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"cannot open {path} ({exc}).") from None
        conn.row_factory = sqlite3.Row
        db = cls(conn, path)
        try:
            await db._configure()
            await db._migrate()
        except BaseException:
            await conn.close()
            raise
        return db

    async def _configure(self) -> None:
        try:
            await self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await self._enable_wal()
            await self._conn.execute("PRAGMA synchronous = NORMAL")
            await self._conn.execute("PRAGMA foreign_keys = ON")
            # Reading the schema forces SQLite to look at the file: a damaged one fails here.
            await self._conn.execute("SELECT count(*) FROM sqlite_master")
        except sqlite3.DatabaseError as exc:
            raise StoreUnavailable(
                f"{self.path} is not a readable SQLite database ({exc}): "
                "restore it from a backup or move it away to start empty."
            ) from None

    async def _enable_wal(self) -> None:
        """Switch to WAL; a fresh file opened by several processes at once may be briefly locked.

        Changing the journal mode does not wait on the busy timeout, so wait here instead.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                await self._conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise StoreUnavailable(
                        f"{self.path} stayed locked by another process ({exc})."
                    ) from None
                await asyncio.sleep(0.02)

    async def version(self) -> int:
        """The schema version recorded in the file."""
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        current = await self.version()
        if current > LATEST:
            raise SchemaTooNew(
                f"{self.path} has schema version {current}, newer than this Spotter knows "
                f"({LATEST}): upgrade Spotter; the file was left untouched."
            )
        while current < LATEST:
            async with self.transaction() as conn:
                # Another process may have migrated while we waited for the write lock.
                cursor = await conn.execute("PRAGMA user_version")
                current = int((await cursor.fetchone())[0])
                if current >= LATEST:
                    break
                for statement in _statements(MIGRATIONS[current]):
                    await conn.execute(statement)
                await conn.execute(f"PRAGMA user_version = {current + 1}")
                current += 1

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction (BEGIN IMMEDIATE): all of it lands or none of it."""
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            else:
                await self._conn.execute("COMMIT")

    # One statement needs no BEGIN/COMMIT: in autocommit mode SQLite runs it as a transaction of
    # its own. Each call below is a single trip to the connection's thread (three were the
    # largest share of a chat turn's database time); the lock keeps it out of another
    # coroutine's open transaction on this connection.

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one write statement, atomically; returns the rows it changed."""
        async with self._lock:
            cursor = await self._conn.execute(sql, params)
            return cursor.rowcount

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        async with self._lock:
            return list(await self._conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def write_returning(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Run one write statement with RETURNING, atomically."""
        return await self.fetchall(sql, params)

    async def close(self) -> None:
        await self._conn.close()


def _prepare_location(path: Path) -> None:
    """Create the database's folder; refuse clearly when the folder or the file is not one."""
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        raise StoreUnavailable(f"{folder} is not a folder: move it away or change DATABASE_URL.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreUnavailable(f"cannot create {folder} ({exc.strerror}).") from None
    if path.exists() and not path.is_file():
        raise StoreUnavailable(f"{path} is not a file: move it away or change DATABASE_URL.")
    # Owner-only from the first byte, like the key file: it holds everyone's training log (and
    # sealed keys). SQLite gives the -wal and -shm files the database file's permissions.
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    except OSError as exc:
        raise StoreUnavailable(f"cannot create {path} ({exc.strerror}).") from None


def _statements(script: str) -> Iterable[str]:
    """Split a migration script into statements (the scripts hold no literal semicolons)."""
    return (part.strip() for part in script.split(";") if part.strip())
