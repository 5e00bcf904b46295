"""The SQLite store: core's repository ports over one embedded database file."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from core.models import (
    ChatMessage,
    Conversation,
    ExerciseTemplate,
    HevyCredential,
    LoginToken,
    OutboxMessage,
    OutboxStatus,
    Plan,
    RoutineLink,
    SetRow,
    SyncState,
    TokenPurpose,
    Usage,
    User,
    UserStatus,
    Workout,
)
from storage.sqlite.connection import Database
from storage.sqlite.schema import USER_TABLES


def _ts(value: datetime | None) -> float | None:
    return None if value is None else value.timestamp()


def _dt(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


class _Repo:
    def __init__(self, db: Database) -> None:
        self._db = db


class SqliteUsers(_Repo):
    async def get(self, user_id: int) -> User | None:
        row = await self._db.fetchone("SELECT doc FROM users WHERE id = ?", (user_id,))
        return User.model_validate_json(row["doc"]) if row else None

    async def put(self, user: User) -> None:
        await self._db.execute(
            "INSERT INTO users (id, status, doc) VALUES (?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET status = excluded.status, doc = excluded.doc",
            (user.id, user.status.value, user.model_dump_json()),
        )

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


class SqliteCredentials(_Repo):
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


_BUMP_VERSION = (
    "INSERT INTO log_versions (user_id, version) VALUES (?, 1) "
    "ON CONFLICT (user_id) DO UPDATE SET version = version + 1"
)
_SET_COLUMNS = (
    "workout_id, start_time, exercise_index, set_index, template_id, title, type, "
    "weight_kg, reps, distance_m, duration_s, rpe"
)


def _window(start: datetime | None, end: datetime | None) -> tuple[str, list[float]]:
    clauses, params = "", []
    if start is not None:
        clauses += " AND start_time >= ?"
        params.append(start.timestamp())
    if end is not None:
        clauses += " AND start_time < ?"
        params.append(end.timestamp())
    return clauses, params


_ROWS_ON_LOOP = 2000  # validating this many rows takes a few ms; more go to a worker thread


def _set_rows(rows: list[sqlite3.Row]) -> list[SetRow]:
    return [
        SetRow.model_validate({**dict(row), "start_time": _dt(row["start_time"])}) for row in rows
    ]


class SqliteWorkouts(_Repo):
    async def upsert(self, user_id: int, workouts: Sequence[Workout]) -> None:
        async with self._db.transaction() as conn:
            for workout in workouts:
                await conn.execute(
                    "INSERT INTO workouts (user_id, id, start_time, doc) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (user_id, id) DO UPDATE SET "
                    "start_time = excluded.start_time, doc = excluded.doc",
                    (user_id, workout.id, _ts(workout.start_time), workout.model_dump_json()),
                )
                await conn.execute(
                    "DELETE FROM sets WHERE user_id = ? AND workout_id = ?", (user_id, workout.id)
                )
                await conn.executemany(
                    f"INSERT INTO sets (user_id, {_SET_COLUMNS}) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            user_id,
                            row.workout_id,
                            _ts(row.start_time),
                            row.exercise_index,
                            row.set_index,
                            row.template_id,
                            row.title,
                            row.type.value,
                            row.weight_kg,
                            row.reps,
                            row.distance_m,
                            row.duration_s,
                            row.rpe,
                        )
                        for row in workout.set_rows()
                    ],
                )
            if workouts:
                await conn.execute(_BUMP_VERSION, (user_id,))

    async def delete(self, user_id: int, workout_id: str) -> bool:
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM sets WHERE user_id = ? AND workout_id = ?", (user_id, workout_id)
            )
            cursor = await conn.execute(
                "DELETE FROM workouts WHERE user_id = ? AND id = ?", (user_id, workout_id)
            )
            await conn.execute(_BUMP_VERSION, (user_id,))
            return cursor.rowcount > 0

    async def version(self, user_id: int) -> int:
        row = await self._db.fetchone(
            "SELECT version FROM log_versions WHERE user_id = ?", (user_id,)
        )
        return int(row[0]) if row else 0

    async def get(self, user_id: int, workout_id: str) -> Workout | None:
        row = await self._db.fetchone(
            "SELECT doc FROM workouts WHERE user_id = ? AND id = ?", (user_id, workout_id)
        )
        return Workout.model_validate_json(row["doc"]) if row else None

    async def list(
        self, user_id: int, start: datetime | None = None, end: datetime | None = None
    ) -> list[Workout]:
        clauses, params = _window(start, end)
        rows = await self._db.fetchall(
            f"SELECT doc FROM workouts WHERE user_id = ?{clauses} ORDER BY start_time, id",
            (user_id, *params),
        )
        return [Workout.model_validate_json(row["doc"]) for row in rows]

    async def recent(
        self,
        user_id: int,
        before: datetime | None = None,
        limit: int = 20,
        template_id: str | None = None,
    ) -> list[Workout]:
        clauses, params = _window(None, before)
        if template_id is not None:
            clauses += (
                " AND id IN (SELECT workout_id FROM sets WHERE user_id = ? AND template_id = ?)"
            )
            params += [user_id, template_id]  # type: ignore[list-item]
        rows = await self._db.fetchall(
            f"SELECT doc FROM workouts WHERE user_id = ?{clauses} "
            "ORDER BY start_time DESC, id DESC LIMIT ?",
            (user_id, *params, limit),
        )
        return [Workout.model_validate_json(row["doc"]) for row in rows]

    async def sets(
        self,
        user_id: int,
        start: datetime | None = None,
        end: datetime | None = None,
        template_id: str | None = None,
    ) -> list[SetRow]:
        clauses, params = _window(start, end)
        if template_id is not None:
            clauses += " AND template_id = ?"
            params.append(template_id)  # type: ignore[arg-type]
        rows = await self._db.fetchall(
            f"SELECT {_SET_COLUMNS} FROM sets WHERE user_id = ?{clauses} "
            "ORDER BY start_time, workout_id, exercise_index, set_index",
            (user_id, *params),
        )
        if len(rows) < _ROWS_ON_LOOP:
            return _set_rows(rows)
        return await asyncio.to_thread(_set_rows, rows)  # years of sets: not on the event loop

    async def count(self, user_id: int) -> int:
        row = await self._db.fetchone("SELECT count(*) FROM workouts WHERE user_id = ?", (user_id,))
        return int(row[0]) if row else 0

    async def working_set_counts(self, user_id: int) -> dict[str, int]:
        rows = await self._db.fetchall(
            "SELECT template_id, count(*) FROM sets WHERE user_id = ? AND type != 'warmup' "
            "GROUP BY template_id",
            (user_id,),
        )
        return {row[0]: int(row[1]) for row in rows}


class SqliteTemplates(_Repo):
    async def replace_all(self, user_id: int, templates: Sequence[ExerciseTemplate]) -> None:
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM templates WHERE user_id = ?", (user_id,))
            await conn.executemany(
                "INSERT INTO templates (user_id, id, doc) VALUES (?, ?, ?)",
                [(user_id, t.id, t.model_dump_json()) for t in templates],
            )

    async def list(self, user_id: int) -> list[ExerciseTemplate]:
        rows = await self._db.fetchall(
            "SELECT doc FROM templates WHERE user_id = ? ORDER BY id", (user_id,)
        )
        return [ExerciseTemplate.model_validate_json(row["doc"]) for row in rows]

    async def get(self, user_id: int, template_id: str) -> ExerciseTemplate | None:
        row = await self._db.fetchone(
            "SELECT doc FROM templates WHERE user_id = ? AND id = ?", (user_id, template_id)
        )
        return ExerciseTemplate.model_validate_json(row["doc"]) if row else None


class SqlitePlans(_Repo):
    async def put(self, plan: Plan) -> None:
        await self._db.execute(
            "INSERT INTO plans (id, user_id, created_at, doc) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc "
            "WHERE plans.user_id = excluded.user_id",
            (plan.id, plan.user_id, _ts(plan.created_at), plan.model_dump_json()),
        )

    async def get(self, user_id: int, plan_id: str) -> Plan | None:
        row = await self._db.fetchone(
            "SELECT doc FROM plans WHERE user_id = ? AND id = ?", (user_id, plan_id)
        )
        return Plan.model_validate_json(row["doc"]) if row else None

    async def list(self, user_id: int) -> list[Plan]:
        rows = await self._db.fetchall(
            "SELECT doc FROM plans WHERE user_id = ? ORDER BY created_at DESC, id DESC", (user_id,)
        )
        return [Plan.model_validate_json(row["doc"]) for row in rows]

    async def put_link(self, user_id: int, link: RoutineLink) -> None:
        await self._db.execute(
            "INSERT INTO routine_links (user_id, key, doc) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id, key) DO UPDATE SET doc = excluded.doc",
            (user_id, link.key, link.model_dump_json()),
        )

    async def get_link(self, user_id: int, key: str) -> RoutineLink | None:
        row = await self._db.fetchone(
            "SELECT doc FROM routine_links WHERE user_id = ? AND key = ?", (user_id, key)
        )
        return RoutineLink.model_validate_json(row["doc"]) if row else None

    async def list_links(self, user_id: int) -> list[RoutineLink]:
        rows = await self._db.fetchall(
            "SELECT doc FROM routine_links WHERE user_id = ? ORDER BY key", (user_id,)
        )
        return [RoutineLink.model_validate_json(row["doc"]) for row in rows]


class SqliteConversations(_Repo):
    async def load(self, user_id: int) -> Conversation:
        summary = await self._db.fetchone(
            "SELECT summary FROM conversation_summaries WHERE user_id = ?", (user_id,)
        )
        rows = await self._db.fetchall(
            "SELECT doc FROM messages WHERE user_id = ? ORDER BY seq", (user_id,)
        )
        return Conversation(
            summary=summary["summary"] if summary else "",
            messages=[ChatMessage.model_validate_json(row["doc"]) for row in rows],
        )

    async def append(self, user_id: int, messages: Sequence[ChatMessage]) -> list[ChatMessage]:
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "SELECT coalesce(max(seq), 0) FROM messages WHERE user_id = ?", (user_id,)
            )
            last = int((await cursor.fetchone())[0])
            stored = [m.model_copy(update={"seq": last + i}) for i, m in enumerate(messages, 1)]
            await conn.executemany(
                "INSERT INTO messages (user_id, seq, doc) VALUES (?, ?, ?)",
                [(user_id, m.seq, m.model_dump_json()) for m in stored],
            )
        return stored

    async def compact(self, user_id: int, summary: str, through_seq: int) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM messages WHERE user_id = ? AND seq <= ?", (user_id, through_seq)
            )
            await conn.execute(
                "INSERT INTO conversation_summaries (user_id, summary) VALUES (?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET summary = excluded.summary",
                (user_id, summary),
            )


_OUTBOX_COLUMNS = (
    "id, user_id, chat_id, text, parse_mode, dedupe_key, status, attempts, "
    "next_attempt_at, created_at, sent_at, last_error"
)


def _outbox_message(row: sqlite3.Row) -> OutboxMessage:
    doc = {k: row[k] for k in row.keys() if k != "seq"}  # noqa: SIM118 (sqlite3.Row)
    for key in ("next_attempt_at", "created_at", "sent_at"):
        doc[key] = _dt(doc[key])
    return OutboxMessage.model_validate(doc)


class SqliteOutbox(_Repo):
    async def enqueue(self, message: OutboxMessage) -> bool:
        changed = await self._db.execute(
            f"INSERT INTO outbox ({_OUTBOX_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (dedupe_key) DO NOTHING",
            (
                message.id,
                message.user_id,
                message.chat_id,
                message.text,
                message.parse_mode,
                message.dedupe_key,
                message.status.value,
                message.attempts,
                _ts(message.next_attempt_at),
                _ts(message.created_at),
                _ts(message.sent_at),
                message.last_error,
            ),
        )
        return changed == 1

    async def claim_due(
        self, now: datetime, owner: str, lease_seconds: float, limit: int
    ) -> list[OutboxMessage]:
        rows = await self._db.write_returning(
            "UPDATE outbox SET claimed_by = ?, claim_until = ? WHERE seq IN ("
            "  SELECT seq FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?"
            "  AND (claim_until IS NULL OR claim_until <= ?) ORDER BY seq LIMIT ?"
            f") RETURNING seq, {_OUTBOX_COLUMNS}",
            (owner, now.timestamp() + lease_seconds, now.timestamp(), now.timestamp(), limit),
        )
        rows.sort(key=lambda row: row["seq"])
        return [_outbox_message(row) for row in rows]

    async def mark_sent(self, message_id: str, now: datetime, maybe: str | None = None) -> bool:
        status = OutboxStatus.MAYBE_SENT if maybe else OutboxStatus.SENT
        changed = await self._db.execute(
            "UPDATE outbox SET status = ?, sent_at = ?, last_error = coalesce(?, last_error), "
            "claimed_by = NULL, claim_until = NULL WHERE id = ? AND status = 'pending'",
            (status.value, now.timestamp(), maybe, message_id),
        )
        return changed == 1

    async def renew_claim(self, message_id: str, owner: str, until: datetime) -> bool:
        changed = await self._db.execute(
            "UPDATE outbox SET claim_until = ? "
            "WHERE id = ? AND claimed_by = ? AND status = 'pending'",
            (until.timestamp(), message_id, owner),
        )
        return changed == 1

    async def retry_later(self, message_id: str, next_attempt_at: datetime, error: str) -> None:
        await self._db.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, "
            "claimed_by = NULL, claim_until = NULL WHERE id = ? AND status = 'pending'",
            (next_attempt_at.timestamp(), error, message_id),
        )

    async def drop(self, message_id: str, reason: str) -> None:
        await self._db.execute(
            "UPDATE outbox SET status = 'dropped', last_error = ?, claimed_by = NULL, "
            "claim_until = NULL WHERE id = ? AND status = 'pending'",
            (reason, message_id),
        )

    async def get(self, message_id: str) -> OutboxMessage | None:
        row = await self._db.fetchone(
            f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE id = ?", (message_id,)
        )
        return _outbox_message(row) if row else None

    async def pending_count(self) -> int:
        row = await self._db.fetchone(
            "SELECT count(*) FROM outbox WHERE status = ?", (OutboxStatus.PENDING.value,)
        )
        return int(row[0]) if row else 0


class SqliteSyncState(_Repo):
    async def get(self, user_id: int) -> SyncState:
        row = await self._db.fetchone("SELECT doc FROM sync_state WHERE user_id = ?", (user_id,))
        return SyncState.model_validate_json(row["doc"]) if row else SyncState(user_id=user_id)

    async def put(self, state: SyncState) -> None:
        await self._db.execute(
            "INSERT INTO sync_state (user_id, doc) VALUES (?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET doc = excluded.doc",
            (state.user_id, state.model_dump_json()),
        )

    async def last_synced(self) -> dict[int, datetime | None]:
        rows = await self._db.fetchall(
            "SELECT user_id, json_extract(doc, '$.last_synced_at') FROM sync_state"
        )
        return {row[0]: datetime.fromisoformat(row[1]) if row[1] else None for row in rows}


_TOKEN_COLUMNS = "token_hash, purpose, user_id, expires_at, created_at, used_at, used_by"


def _login_token(row: sqlite3.Row) -> LoginToken:
    doc = dict(row)
    for key in ("expires_at", "created_at", "used_at"):
        doc[key] = _dt(doc[key])
    return LoginToken.model_validate(doc)


class SqliteLoginTokens(_Repo):
    async def create(self, token: LoginToken) -> None:
        await self._db.execute(
            f"INSERT INTO login_tokens ({_TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                token.token_hash,
                token.purpose.value,
                token.user_id,
                _ts(token.expires_at),
                _ts(token.created_at),
                _ts(token.used_at),
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

    async def revoke(self, purpose: TokenPurpose) -> int:
        return await self._db.execute(
            "DELETE FROM login_tokens WHERE purpose = ?", (purpose.value,)
        )


_USAGE_FIELDS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")


class SqliteUsage(_Repo):
    async def add(self, user_id: int, day: date, usage: Usage) -> Usage:
        rows = await self._db.write_returning(
            f"INSERT INTO usage (user_id, day, {', '.join(_USAGE_FIELDS)}) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, day) DO UPDATE SET "
            + ", ".join(f"{f} = {f} + excluded.{f}" for f in _USAGE_FIELDS)
            + f" RETURNING {', '.join(_USAGE_FIELDS)}",
            (user_id, day.isoformat(), *(getattr(usage, f) for f in _USAGE_FIELDS)),
        )
        return Usage.model_validate(dict(rows[0]))

    async def get(self, user_id: int, day: date) -> Usage:
        row = await self._db.fetchone(
            f"SELECT {', '.join(_USAGE_FIELDS)} FROM usage WHERE user_id = ? AND day = ?",
            (user_id, day.isoformat()),
        )
        return Usage.model_validate(dict(row)) if row else Usage()


class SqliteLeases(_Repo):
    async def claim(self, name: str, owner: str, ttl_seconds: float, now: datetime) -> bool:
        rows = await self._db.write_returning(
            "INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, "
            "expires_at = excluded.expires_at "
            "WHERE leases.expires_at <= ? OR leases.owner = excluded.owner RETURNING owner",
            (name, owner, now.timestamp() + ttl_seconds, now.timestamp()),
        )
        return bool(rows)

    async def release(self, name: str, owner: str) -> None:
        await self._db.execute("DELETE FROM leases WHERE name = ? AND owner = ?", (name, owner))


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
            await conn.execute(_BUMP_VERSION, (user_id,))

    async def close(self) -> None:
        await self._db.close()
