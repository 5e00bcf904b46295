"""Linking a Hevy key: checked with Hevy, sealed for its owner, reachable only by them."""

from __future__ import annotations

import httpx
import pytest

from core.crypto import KeyVault, generate_master_key, parse_master_keys
from core.hevy.errors import InvalidApiKey
from core.models import User
from core.ports import Store
from core.services.erasure import Erasure
from core.services.hevy_accounts import HevyAccounts, NotLinked
from core.services.user_lease import UserGone, UserLeases
from sandbox.server import RunningSandbox
from tests.hevy.conftest import connector_for
from tests.races import before_next


@pytest.fixture
async def accounts(store: Store, sandbox: RunningSandbox, http: httpx.AsyncClient) -> HevyAccounts:
    vault = KeyVault(parse_master_keys(generate_master_key()))
    for uid in (1, 2):
        await store.users.put(User(id=uid, chat_id=uid))
    return HevyAccounts(store, vault, connector_for(sandbox.base_url, http))


async def test_a_good_key_is_linked_sealed_and_usable(
    accounts: HevyAccounts, store: Store, sandbox: RunningSandbox
) -> None:
    account = sandbox.state.add_account("Ann")
    info = await accounts.link(1, f"  {account.api_key}\n")
    assert info.name == "Ann"
    credential = await store.credentials.get(1)
    assert credential.hevy_name == "Ann" and account.api_key not in credential.ciphertext
    client = await accounts.client_for(1)
    assert (await client.user_info()).id == account.user["id"]


async def test_a_bad_key_is_refused_and_nothing_is_stored(
    accounts: HevyAccounts, store: Store
) -> None:
    with pytest.raises(InvalidApiKey):
        await accounts.link(1, "00000000-0000-0000-0000-000000000000")
    assert await store.credentials.get(1) is None


async def test_without_a_link_there_is_no_client_and_unlink_forgets(
    accounts: HevyAccounts, sandbox: RunningSandbox
) -> None:
    with pytest.raises(NotLinked) as excinfo:
        await accounts.client_for(2)
    assert "/connect" in excinfo.value.user_message
    await accounts.link(2, sandbox.state.add_account().api_key)
    await accounts.unlink(2)
    with pytest.raises(NotLinked):
        await accounts.client_for(2)


async def test_a_key_checked_while_the_lifter_deleted_their_data_is_not_kept(
    accounts: HevyAccounts, store: Store, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/delete lands while Hevy is asked about the key: the key is not stored after it, so no
    later sync reads their Hevy log again without a new /connect."""
    erase = Erasure(store, UserLeases(store)).erase
    before_next(monkeypatch, store.credentials, ("put",), lambda: erase(1))
    with pytest.raises(UserGone):
        await accounts.link(1, sandbox.state.add_account("Ann").api_key)
    assert await store.credentials.get(1) is None
    assert await store.credentials.user_ids() == set()
