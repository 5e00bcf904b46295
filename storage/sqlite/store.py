"""The SQLite store: core's repository ports over one embedded database file."""

from __future__ import annotations

from pathlib import Path

from storage.sqlite.coach import SqliteConversations, SqliteUsage
from storage.sqlite.connection import Database
from storage.sqlite.coordination import SqliteLeases, SqliteSyncState
from storage.sqlite.identity import SqliteCredentials, SqliteLoginTokens, SqliteUsers
from storage.sqlite.log import BUMP_VERSION, SqliteTemplates, SqliteWorkouts
from storage.sqlite.outbox import SqliteOutbox
from storage.sqlite.plans import SqlitePlans
from storage.sqlite.schema import USER_TABLES


class SqliteStore:
    """Core's Store on an embedded SQLite file."""

    backend = "sqlite"

    def __init__(self, db: Database) -> None:
        self._db = db
        self.users = SqliteUsers(db)
        self.credentials = SqliteCredentials(db)
        self.workouts = SqliteWorkouts(db)
        self.templates = SqliteTemplates(db)
        self.plans = SqlitePlans(db)
        self.conversations = SqliteConversations(db)
        self.outbox = SqliteOutbox(db)
        self.sync_state = SqliteSyncState(db)
        self.login_tokens = SqliteLoginTokens(db)
        self.usage = SqliteUsage(db)
        self.leases = SqliteLeases(db)

    @classmethod
    async def open(cls, path: Path) -> SqliteStore:
        """Open the database at `path`, creating and migrating it as needed."""
        return cls(await Database.open(path))

    @property
    def path(self) -> Path:
        return self._db.path

    async def schema_version(self) -> int:
        return await self._db.version()

    async def erase_user(self, user_id: int) -> None:
        async with self._db.transaction() as conn:
            for table, column in USER_TABLES.items():
                await conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (user_id,))
            await conn.execute(BUMP_VERSION, (user_id,))

    async def close(self) -> None:
        await self._db.close()
