"""The SQLite schema as ordered migrations; `PRAGMA user_version` records how far a file is."""

# Each entry moves the schema from version i to i + 1. Never edit a released entry: append.
MIGRATIONS: list[str] = [
    # 1: everything Spotter keeps. Documents are pydantic JSON in `doc`; the columns beside them
    # exist for keys, filters and the hot queries' indexes.
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        status TEXT NOT NULL,
        doc TEXT NOT NULL
    );
    CREATE INDEX users_status ON users (status);

    CREATE TABLE credentials (
        user_id INTEGER PRIMARY KEY,
        doc TEXT NOT NULL
    );

    CREATE TABLE workouts (
        user_id INTEGER NOT NULL,
        id TEXT NOT NULL,
        start_time REAL NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (user_id, id)
    );
    CREATE INDEX workouts_user_start ON workouts (user_id, start_time);

    CREATE TABLE sets (
        user_id INTEGER NOT NULL,
        workout_id TEXT NOT NULL,
        start_time REAL NOT NULL,
        exercise_index INTEGER NOT NULL,
        set_index INTEGER NOT NULL,
        template_id TEXT NOT NULL,
        title TEXT NOT NULL,
        type TEXT NOT NULL,
        weight_kg REAL,
        reps INTEGER,
        distance_m REAL,
        duration_s INTEGER,
        rpe REAL,
        PRIMARY KEY (user_id, workout_id, exercise_index, set_index)
    ) WITHOUT ROWID;
    CREATE INDEX sets_user_start ON sets (user_id, start_time);
    CREATE INDEX sets_user_template_start ON sets (user_id, template_id, start_time);

    CREATE TABLE templates (
        user_id INTEGER NOT NULL,
        id TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (user_id, id)
    );

    CREATE TABLE plans (
        id TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL,
        created_at REAL NOT NULL,
        doc TEXT NOT NULL
    );
    CREATE INDEX plans_user_created ON plans (user_id, created_at);

    CREATE TABLE routine_links (
        user_id INTEGER NOT NULL,
        key TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (user_id, key)
    );

    CREATE TABLE messages (
        user_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (user_id, seq)
    );

    CREATE TABLE conversation_summaries (
        user_id INTEGER PRIMARY KEY,
        summary TEXT NOT NULL
    );

    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        user_id INTEGER NOT NULL,
        chat_id INTEGER NOT NULL,
        text TEXT NOT NULL,
        parse_mode TEXT,
        dedupe_key TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL,
        created_at REAL NOT NULL,
        sent_at REAL,
        last_error TEXT,
        claimed_by TEXT,
        claim_until REAL
    );
    CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
    CREATE INDEX outbox_user ON outbox (user_id);

    CREATE TABLE sync_state (
        user_id INTEGER PRIMARY KEY,
        doc TEXT NOT NULL
    );

    CREATE TABLE login_tokens (
        token_hash TEXT PRIMARY KEY,
        purpose TEXT NOT NULL,
        user_id INTEGER,
        expires_at REAL NOT NULL,
        created_at REAL NOT NULL,
        used_at REAL,
        used_by INTEGER
    );
    CREATE INDEX login_tokens_expiry ON login_tokens (expires_at);
    CREATE INDEX login_tokens_user ON login_tokens (user_id);

    CREATE TABLE usage (
        user_id INTEGER NOT NULL,
        day TEXT NOT NULL,
        input_tokens INTEGER NOT NULL DEFAULT 0,
        output_tokens INTEGER NOT NULL DEFAULT 0,
        cache_read_tokens INTEGER NOT NULL DEFAULT 0,
        cache_write_tokens INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (user_id, day)
    );

    CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at REAL NOT NULL
    );
    """,
    # 2: a counter per user bumped by every change to their log, so caches built from the log
    # (the coach's query database) know when they are stale, in any process.
    """
    CREATE TABLE log_versions (
        user_id INTEGER PRIMARY KEY,
        version INTEGER NOT NULL
    );
    """,
]

LATEST = len(MIGRATIONS)

# Tables that hold a user's data, with the column naming the user: what erasing a user clears.
# `log_versions` is not among them either: erasing bumps it (a bare counter, nothing personal),
# so a cache built from the erased log is never mistaken for a new one.
# `usage` is not among them: token counts per Telegram id and day hold nothing personal, and
# keeping them means deleting one's data never resets the daily Claude budget.
USER_TABLES: dict[str, str] = {
    "credentials": "user_id",
    "workouts": "user_id",
    "sets": "user_id",
    "templates": "user_id",
    "plans": "user_id",
    "routine_links": "user_id",
    "messages": "user_id",
    "conversation_summaries": "user_id",
    "outbox": "user_id",
    "sync_state": "user_id",
    "login_tokens": "user_id",
    "users": "id",
}
