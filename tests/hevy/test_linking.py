"""Login links: single use, 15 minutes, bound to one user; forged and foreign tokens refused."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from core.crypto import KeyVault, generate_master_key, parse_master_keys
from core.models import Role, TokenPurpose, User, utcnow
from core.ports import Store
from core.services.hevy_accounts import HevyAccounts
from core.services.linking import LinkRefused, LinkService, token_hash
from core.services.user_lease import UserGone
from sandbox.server import RunningSandbox
from tests.hevy.conftest import connector_for

ANN, BOB = 11, 22


@pytest.fixture
async def links(store: Store, sandbox: RunningSandbox, http: httpx.AsyncClient) -> LinkService:
    vault = KeyVault(parse_master_keys(generate_master_key()))
    for uid in (ANN, BOB):
        await store.users.put(User(id=uid, chat_id=uid))
    return LinkService(store, HevyAccounts(store, vault, connector_for(sandbox.base_url, http)))


async def test_an_old_admin_claim_link_never_makes_a_second_admin(
    links: LinkService, store: Store
) -> None:
    first_start = await links.issue_admin_claim()
    second_start = await links.issue_admin_claim()
    with pytest.raises(LinkRefused):
        await links.claim_admin(first_start.token, ANN)  # superseded by the later start
    await links.claim_admin(second_start.token, ANN)
    await store.users.put(User(id=ANN, chat_id=ANN, role=Role.ADMIN))
    assert await links.issue_admin_claim() is None, "no new claim link once an admin exists"
    with pytest.raises(LinkRefused):
        await links.claim_admin(second_start.token, BOB)


async def test_a_link_links_its_own_user_once(links: LinkService, store: Store, sandbox) -> None:
    key = sandbox.state.add_account("Ann").api_key
    issued = await links.login_link(ANN)
    assert issued.expires_at - utcnow() <= timedelta(minutes=15)
    user_id, info = await links.complete_login(issued.token, key)
    assert (user_id, info.name) == (ANN, "Ann")
    assert await store.credentials.get(ANN) is not None
    with pytest.raises(LinkRefused):
        await links.complete_login(issued.token, key)
    assert (await store.login_tokens.get(token_hash(issued.token))).used_by == ANN
    assert await store.credentials.get(BOB) is None, "the link could only ever link Ann"


async def test_expired_forged_and_wrong_purpose_tokens_are_refused(
    links: LinkService, sandbox
) -> None:
    key = sandbox.state.add_account().api_key
    old = await links.issue(
        TokenPurpose.LINK, ANN, timedelta(minutes=15), now=utcnow() - timedelta(minutes=16)
    )
    with pytest.raises(LinkRefused):
        await links.complete_login(old.token, key)
    with pytest.raises(LinkRefused):
        await links.complete_login("forged-" + "x" * 40, key)
    invite = await links.issue(TokenPurpose.INVITE, None, timedelta(days=1))
    with pytest.raises(LinkRefused):
        await links.complete_login(invite.token, key)  # an invite is not a login link
    login = await links.login_link(BOB)
    with pytest.raises(LinkRefused):
        await links.redeem(login.token, TokenPurpose.INVITE, ANN)  # nor the other way round


async def test_a_new_login_link_retires_the_ones_before_it_and_no_one_elses(
    links: LinkService, sandbox
) -> None:
    key = sandbox.state.add_account().api_key
    bobs = await links.login_link(BOB)
    first = await links.login_link(ANN)
    for _ in range(30):  # a flood of relinks leaves one live link, not thirty
        await links.login_link(ANN)
    last = await links.login_link(ANN)
    web_first, web_last = await links.web_link(ANN), await links.web_link(ANN)
    with pytest.raises(LinkRefused):
        await links.complete_login(first.token, key)
    with pytest.raises(LinkRefused):
        await links.redeem_web(web_first.token)
    assert await links.redeem_web(web_last.token) == ANN
    assert (await links.complete_login(last.token, key))[0] == ANN
    assert (await links.complete_login(bobs.token, key))[0] == BOB  # another lifter's still works


async def test_a_wrong_key_does_not_use_up_the_link(
    links: LinkService, store: Store, sandbox
) -> None:
    from core.hevy.errors import InvalidApiKey

    issued = await links.login_link(ANN)
    with pytest.raises(InvalidApiKey):
        await links.complete_login(issued.token, "00000000-0000-0000-0000-000000000000")
    assert (await store.login_tokens.get(token_hash(issued.token))).used_at is None
    await links.complete_login(issued.token, sandbox.state.add_account().api_key)


async def test_only_hashes_are_stored(links: LinkService, store: Store) -> None:
    issued = await links.login_link(ANN)
    assert await store.login_tokens.get(issued.token) is None
    assert await store.login_tokens.get(token_hash(issued.token)) is not None


async def test_an_erased_lifter_gets_no_login_or_web_link(links: LinkService, store: Store) -> None:
    await store.erase_user(ANN)
    for ask in (links.login_link, links.web_link):
        with pytest.raises(UserGone):
            await ask(ANN)
    for purpose in (TokenPurpose.LINK, TokenPurpose.WEB):
        assert await store.login_tokens.revoke(purpose, ANN) == 0, "no token was issued"
