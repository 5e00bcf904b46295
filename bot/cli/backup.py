"""`spotter backup DEST`: a consistent copy of the embedded store and its key, while it runs.

Copying `spotter.db` with `cp` while Spotter writes is not a backup: in WAL mode the latest
transactions live in `spotter.db-wal` until a checkpoint, and a file copied mid-write can be
torn. SQLite's online backup API copies the database as one read transaction, so the copy is
the store as of one instant, whatever is being written meanwhile (WAL lets writers go on). The
key file goes along: without it the stored Hevy keys cannot be opened. MongoDB is backed up
with `mongodump` (docs/operating.md).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from core.errors import ConfigError
from core.settings import Settings

DB_NAME = "spotter.db"
KEY_NAME = (
    "secret.key"  # the key file's name in embedded mode (bot/process/runtime.py's KEY_FILE_NAME)
)
BUSY_MS = 30_000  # how long the copy waits for a writer's lock before giving up


@dataclass(frozen=True)
class Backup:
    database: Path
    key: Path | None  # None: the key is in SPOTTER_SECRET_KEY, kept by the operator
    schema: int
    bytes: int


def backup(settings: Settings, dest: Path) -> Backup:
    """Copy the embedded store (and its key file) into the folder `dest`."""
    if not settings.embedded:
        raise ConfigError(
            "spotter backup copies the embedded SQLite store; back MongoDB up with mongodump "
            "(docs/operating.md, Backups)."
        )
    source = settings.sqlite_path
    if not source.is_file():
        raise ConfigError(f"{source} does not exist: check DATABASE_URL.")
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    here = dest.stat()
    if here.st_uid != os.getuid() or here.st_mode & 0o077:
        raise ConfigError(
            f"{dest} is not private to this user (another user could read or plant files "
            "there): back up into a new folder."
        )
    target = dest / DB_NAME
    for name in (DB_NAME, KEY_NAME):
        if os.path.lexists(dest / name):  # a link counts: the copy never follows one
            raise ConfigError(f"{dest / name} already exists: back up into a new folder.")
    partial = dest / f"{DB_NAME}.partial"
    partial.unlink(missing_ok=True)
    previous = os.umask(0o077)  # the copy and SQLite's journal beside it are private from birth
    try:
        with sqlite3.connect(source, timeout=BUSY_MS / 1000) as live:
            copy = sqlite3.connect(partial)
            try:
                live.backup(copy)  # every page in one step: one consistent snapshot
                (schema,) = copy.execute("PRAGMA user_version").fetchone()
                (check,) = copy.execute("PRAGMA quick_check").fetchone()
            finally:
                copy.close()
        live.close()
    finally:
        os.umask(previous)
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise ConfigError(f"the copy of {source} failed its integrity check: {check}")
    os.chmod(partial, 0o600)  # it holds sealed Hevy keys
    partial.rename(target)
    key = None
    if settings.spotter_secret_key is None:
        key_file = settings.data_dir / KEY_NAME
        if key_file.is_file():
            key = dest / KEY_NAME
            # A new file only, never through a link planted there: the master key goes nowhere else.
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
            with os.fdopen(os.open(key, flags, 0o600), "wb") as out:
                out.write(key_file.read_bytes())
    return Backup(target, key, schema, target.stat().st_size)
