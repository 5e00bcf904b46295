"""Linking a user's Hevy account, and reaching it later with their sealed key."""

from __future__ import annotations

from core.crypto import KeyVault
from core.errors import SpotterError
from core.hevy.client import HevyClient, HevyConnector
from core.hevy.errors import InvalidApiKey
from core.hevy.models import HevyUser
from core.models import HevyCredential, utcnow
from core.ports import Store
from core.services.user_lease import keep_unless_erased

MAX_KEY_CHARS = 128  # Hevy's keys are UUIDs (36)


class NotLinked(SpotterError):
    """The user has not linked a Hevy account (or unlinked it)."""

    user_message = "Your Hevy account is not linked yet. Send /connect to link it."


class HevyAccounts:
    """Checks, seals and opens users' Hevy keys; the only place a key is decrypted."""

    def __init__(self, store: Store, vault: KeyVault, connector: HevyConnector) -> None:
        self._store = store
        self._vault = vault
        self._connector = connector

    async def check(self, api_key: str) -> HevyUser:
        """Who `api_key` belongs to (InvalidApiKey when Hevy does not accept it, or when it
        could not be a key at all: it travels in an HTTP header, so printable ASCII only)."""
        key = api_key.strip()
        if not key or len(key) > MAX_KEY_CHARS or not (key.isascii() and key.isprintable()):
            raise InvalidApiKey("not shaped like an API key")
        return await self._connector.client(key).user_info()

    async def link(self, user_id: int, api_key: str) -> HevyUser:
        """Check `api_key` with Hevy, then store it sealed for `user_id` (InvalidApiKey if bad)."""
        info = await self.check(api_key)
        await self.store(user_id, api_key, info)
        return info

    async def store(self, user_id: int, api_key: str, info: HevyUser) -> None:
        """Seal and keep a key already checked with Hevy (UserGone, and the key not kept, when
        the lifter deleted their data while Hevy was asked)."""
        await self._store.credentials.put(
            HevyCredential(
                user_id=user_id,
                ciphertext=self._vault.encrypt(api_key.strip(), owner=user_id),
                hevy_user_id=info.id,
                hevy_name=info.name,
                linked_at=utcnow(),
            )
        )
        await keep_unless_erased(self._store, user_id)

    async def unlink(self, user_id: int) -> None:
        await self._store.credentials.delete(user_id)

    async def client_for(self, user_id: int) -> HevyClient:
        """A client on the user's own key (NotLinked when there is none)."""
        credential = await self._store.credentials.get(user_id)
        if credential is None:
            raise NotLinked(f"user {user_id} has no Hevy key")
        return self._connector.client(self._vault.decrypt(credential.ciphertext, owner=user_id))
