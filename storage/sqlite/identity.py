"""Who the users are: profiles, sealed Hevy keys, single-use login/invite tokens."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from core.models import (
    HevyCredential,
    LoginToken,
    TokenPurpose,
    User,
    UserChanges,
    UserStatus,
    changed_user,
)
from storage.sqlite.common import Repo, to_dt, to_ts

_TOKEN_COLUMNS = "token_hash, purpose, user_id, expires_at, created_at, used_at, used_by"


def _login_token(row: sqlite3.Row) -> LoginToken:
    doc = dict(row)
    for key in ("expires_at", "created_at", "used_at"):
        doc[key] = to_dt(doc[key])
    return LoginToken.model_validate(doc)


class SqliteUsers(Repo):
    async def get(self, user_id: int) -> User | None:
        row = await self._db.fetchone("SELECT doc FROM users WHERE id = ?", (user_id,))
        return User.model_validate_json(row["doc"]) if row else None

    async def put(self, user: User) -> None:
        await self._db.execute(
            "INSERT INTO users (id, status, doc) VALUES (?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET status = excluded.status, doc = excluded.doc",
            (user.id, user.status.value, user.model_dump_json()),
        )

    async def update(self, user_id: int, changes: UserChanges) -> User | None:
        async with self._db.transaction() as conn:  # BEGIN IMMEDIATE: no write in between
            cursor = await conn.execute("SELECT doc FROM users WHERE id = ?", (user_id,))
            row = await cursor.fetchone()
            if row is None:
                return None
            user = changed_user(User.model_validate_json(row["doc"]), changes)
            await conn.execute(
                "UPDATE users SET status = ?, doc = ? WHERE id = ?",
                (user.status.value, user.model_dump_json(), user_id),
            )
        return user

    async def list(self, status: UserStatus | None = None) -> list[User]:
        if status is None:
            rows = await self._db.fetchall("SELECT doc FROM users ORDER BY id")
        else:
            rows = await self._db.fetchall(
                "SELECT doc FROM users WHERE status = ? ORDER BY id", (status.value,)
            )
        return [User.model_validate_json(row["doc"]) for row in rows]

    async def count(self) -> int:
        row = await self._db.fetchone("SELECT count(*) FROM users")
        return int(row[0]) if row else 0


class SqliteCredentials(Repo):
    async def get(self, user_id: int) -> HevyCredential | None:
        row = await self._db.fetchone("SELECT doc FROM credentials WHERE user_id = ?", (user_id,))
        return HevyCredential.model_validate_json(row["doc"]) if row else None

    async def put(self, credential: HevyCredential) -> None:
        await self._db.execute(
            "INSERT INTO credentials (user_id, doc) VALUES (?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET doc = excluded.doc",
            (credential.user_id, credential.model_dump_json()),
        )

    async def delete(self, user_id: int) -> None:
        await self._db.execute("DELETE FROM credentials WHERE user_id = ?", (user_id,))

    async def user_ids(self) -> set[int]:
        return {row[0] for row in await self._db.fetchall("SELECT user_id FROM credentials")}


class SqliteLoginTokens(Repo):
    async def create(self, token: LoginToken) -> None:
        await self._db.execute(
            f"INSERT INTO login_tokens ({_TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                token.token_hash,
                token.purpose.value,
                token.user_id,
                to_ts(token.expires_at),
                to_ts(token.created_at),
                to_ts(token.used_at),
                token.used_by,
            ),
        )

    async def get(self, token_hash: str) -> LoginToken | None:
        row = await self._db.fetchone(
            f"SELECT {_TOKEN_COLUMNS} FROM login_tokens WHERE token_hash = ?", (token_hash,)
        )
        return _login_token(row) if row else None

    async def consume(self, token_hash: str, now: datetime, used_by: int) -> LoginToken | None:
        rows = await self._db.write_returning(
            "UPDATE login_tokens SET used_at = ?, used_by = ? "
            "WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? "
            f"RETURNING {_TOKEN_COLUMNS}",
            (now.timestamp(), used_by, token_hash, now.timestamp()),
        )
        return _login_token(rows[0]) if rows else None

    async def purge_expired(self, now: datetime) -> int:
        return await self._db.execute(
            "DELETE FROM login_tokens WHERE expires_at <= ?", (now.timestamp(),)
        )

    async def revoke(self, purpose: TokenPurpose, user_id: int | None = None) -> int:
        if user_id is None:
            return await self._db.execute(
                "DELETE FROM login_tokens WHERE purpose = ?", (purpose.value,)
            )
        return await self._db.execute(
            "DELETE FROM login_tokens WHERE purpose = ? AND user_id = ?", (purpose.value, user_id)
        )
