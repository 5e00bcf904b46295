"""The composition root: settings in, the store, the vault (and later the services) out."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from core.crypto import KeyVault, load_or_create_key_file, parse_master_keys
from core.errors import ConfigError
from core.ports import Store
from core.settings import Settings
from storage.factory import open_store

log = logging.getLogger(__name__)

KEY_FILE_NAME = "secret.key"


@dataclass(slots=True)
class Runtime:
    """Everything a running Spotter holds; closed with `aclose`."""

    settings: Settings
    store: Store
    vault: KeyVault

    async def aclose(self) -> None:
        await self.store.close()


def build_vault(settings: Settings) -> KeyVault:
    """The vault from `SPOTTER_SECRET_KEY`, or in embedded mode from (a new) `data/secret.key`."""
    if settings.spotter_secret_key is not None:
        return KeyVault(parse_master_keys(settings.spotter_secret_key.get_secret_value()))
    if not settings.embedded:
        raise ConfigError(
            "SPOTTER_SECRET_KEY is not set: with MongoDB the key must be given explicitly; "
            "run `spotter keygen` and set the line it prints."
        )
    return KeyVault(load_or_create_key_file(settings.data_dir / KEY_FILE_NAME))


async def build_runtime(settings: Settings) -> Runtime:
    """Open the store and the vault; nothing is left open when either fails."""
    if not settings.embedded and settings.spotter_secret_key is None:
        build_vault(settings)  # raises the ConfigError before any connection is made
    store = await open_store(settings.database_url)
    try:
        vault = build_vault(settings)
    except BaseException:
        await store.close()
        raise
    log.info(
        "store opened",
        extra={"backend": store.backend, "schema": await store.schema_version()},
    )
    return Runtime(settings=settings, store=store, vault=vault)
