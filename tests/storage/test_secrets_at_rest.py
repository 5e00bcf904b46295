"""A Hevy key is never stored in the clear, on either backend, and opens only for its owner."""

from __future__ import annotations

from pathlib import Path

import bson
import pytest

from core.crypto import KeyVault, generate_master_key, parse_master_keys
from core.errors import VaultError
from core.models import HevyCredential
from core.ports import Store

HEVY_KEY = "9b1f3c2e-77aa-4d0e-b3c1-5e8f0a2d6c19"


def files_bytes(folder: Path, pattern: str) -> bytes:
    """The raw bytes of every file under `folder` matching `pattern` (database, WAL, journal)."""
    return b"".join(p.read_bytes() for p in sorted(folder.rglob(pattern)) if p.is_file())


async def mongo_documents(store: Store) -> bytes:
    db = store.database
    chunks = []
    for name in await db.list_collection_names():
        async for doc in db[name].find({}):
            chunks.append(bson.encode(doc))
    return b"".join(chunks)


async def test_stored_hevy_key_never_appears_in_plaintext(store: Store, tmp_path: Path) -> None:
    vault = KeyVault(parse_master_keys(generate_master_key()))
    for user_id in (1, 2, 3):
        await store.credentials.put(
            HevyCredential(
                user_id=user_id,
                ciphertext=vault.encrypt(HEVY_KEY, owner=user_id),
                hevy_name="Lifter",
            )
        )
    if store.backend == "sqlite":
        raw = files_bytes(tmp_path, "spotter.db*")
    else:  # the documents as the server returns them, and the wire server's own files if local
        raw = await mongo_documents(store) + files_bytes(tmp_path, "mongoeco.db*")
    assert b"Lifter" in raw  # the scan does see the stored records
    for needle in (HEVY_KEY, HEVY_KEY.replace("-", ""), HEVY_KEY[:13]):
        assert raw.count(needle.encode()) == 0
        assert raw.count(needle.encode("utf-16-le")) == 0

    stored = await store.credentials.get(1)
    assert vault.decrypt(stored.ciphertext, owner=1) == HEVY_KEY


async def test_ciphertext_moved_to_another_users_record_does_not_decrypt(store: Store) -> None:
    vault = KeyVault(parse_master_keys(generate_master_key()))
    await store.credentials.put(
        HevyCredential(user_id=1, ciphertext=vault.encrypt(HEVY_KEY, owner=1))
    )
    stolen = (await store.credentials.get(1)).ciphertext
    await store.credentials.put(HevyCredential(user_id=2, ciphertext=stolen))
    victim_copy = await store.credentials.get(2)
    with pytest.raises(VaultError):
        vault.decrypt(victim_copy.ciphertext, owner=2)
