"""The MongoDB store facing a server that does not answer or a newer schema."""

from __future__ import annotations

import time

import pytest

from core.errors import SchemaTooNew, StoreUnavailable
from sandbox.server import free_port
from storage.mongo import MongoStore
from storage.mongo.store import SCHEMA_VERSION, redact


async def test_a_server_that_does_not_answer_fails_fast_with_a_clear_error() -> None:
    url = f"mongodb://spotter:hunter2@127.0.0.1:{free_port()}/spotter?directConnection=true"
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as excinfo:
        await MongoStore.open(url)
    elapsed = time.monotonic() - started
    assert elapsed < 15, f"took {elapsed:.1f} s"  # 5 s selection timeout; a hang would be minutes
    assert "did not answer" in str(excinfo.value)
    assert "hunter2" not in str(excinfo.value)


def test_redacted_urls_keep_hosts_and_drop_credentials() -> None:
    assert redact("mongodb://u:p@db.example:27017/x?tls=true") == "mongodb://db.example:27017"
    assert redact("mongodb+srv://u:p@cluster0.example/") == "mongodb+srv://cluster0.example"


async def test_schema_from_a_newer_spotter_is_refused(mongo_url: str) -> None:
    store = await MongoStore.open(mongo_url, database="newer")
    await store.database.meta.update_one(
        {"_id": "schema"}, {"$set": {"version": SCHEMA_VERSION + 1}}
    )
    await store.close()
    with pytest.raises(SchemaTooNew, match="upgrade Spotter"):
        await MongoStore.open(mongo_url, database="newer")


async def test_indexes_include_unique_keys_and_the_login_token_ttl(mongo_url: str) -> None:
    store = await MongoStore.open(mongo_url, database="indexes")
    try:
        tokens = await store.database.login_tokens.index_information()
        assert any(spec.get("expireAfterSeconds") == 0 for spec in tokens.values())
        outbox = await store.database.outbox.index_information()
        assert any(
            spec.get("unique") and spec["key"] == [("dedupe_key", 1)] for spec in outbox.values()
        )
    finally:
        await store.close()
