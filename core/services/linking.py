"""One-time links: login links that connect a Hevy key, invite links, the admin claim link.

Tokens are random (256 bits), single-use and expiring; only their SHA-256 is stored, so a
leaked database holds no usable link. A login link is bound to the Telegram user who asked for
it: whoever opens it can only link a key to that user.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.errors import SpotterError
from core.hevy.models import HevyUser
from core.models import LoginToken, Role, TokenPurpose, User, utcnow
from core.ports import Store
from core.services.hevy_accounts import HevyAccounts
from core.services.user_lease import ensure_user

LINK_TTL = timedelta(minutes=15)
INVITE_TTL = timedelta(days=7)
CLAIM_TTL = timedelta(days=30)
WEB_TTL = timedelta(minutes=10)


class LinkRefused(SpotterError):
    """The link is unknown, used, expired, or not for this purpose."""

    user_message = "This link is no longer valid. Send /connect in the chat for a new one."


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Issued:
    token: str
    expires_at: datetime


class LinkService:
    def __init__(self, store: Store, accounts: HevyAccounts) -> None:
        self._store = store
        self._accounts = accounts

    async def issue(
        self,
        purpose: TokenPurpose,
        user_id: int | None,
        ttl: timedelta,
        now: datetime | None = None,
    ) -> Issued:
        """A new single-use token (only its hash is stored)."""
        now = now or utcnow()
        token = secrets.token_urlsafe(32)
        await self._store.login_tokens.create(
            LoginToken(
                token_hash=token_hash(token),
                purpose=purpose,
                user_id=user_id,
                expires_at=now + ttl,
                created_at=now,
            )
        )
        return Issued(token, now + ttl)

    async def login_link(self, user_id: int) -> Issued:
        """A new login link for `user_id`; the ones asked for before it stop working, so a
        lifter (or a flood of relinks) never has more than one live."""
        await ensure_user(self._store, user_id)  # never a link to re-create an erased lifter
        await self._store.login_tokens.revoke(TokenPurpose.LINK, user_id)
        return await self.issue(TokenPurpose.LINK, user_id, LINK_TTL)

    async def web_link(self, user_id: int) -> Issued:
        """A one-time link that opens the Mini App's pages in a browser as `user_id` (the one
        asked for before it stops working)."""
        await ensure_user(self._store, user_id)
        await self._store.login_tokens.revoke(TokenPurpose.WEB, user_id)
        return await self.issue(TokenPurpose.WEB, user_id, WEB_TTL)

    async def redeem_web(self, token: str, now: datetime | None = None) -> int:
        """The user a /web link was issued to, using the link up (LinkRefused if it cannot be
        used: unknown, used, expired or issued for something else)."""
        found = await self.peek(token, TokenPurpose.WEB, now)
        assert found.user_id is not None
        consumed = await self._store.login_tokens.consume(
            token_hash(token), now or utcnow(), found.user_id
        )
        if consumed is None:
            raise LinkRefused("the link was used meanwhile")
        return found.user_id

    async def peek(
        self, token: str, purpose: TokenPurpose, now: datetime | None = None
    ) -> LoginToken:
        """The token if it can still be used (the link page shows its form only then)."""
        found = await self._store.login_tokens.get(token_hash(token))
        now = now or utcnow()
        if found is None or found.purpose != purpose or found.used_at or found.expires_at <= now:
            raise LinkRefused("unknown, used or expired token")
        return found

    async def complete_login(
        self, token: str, api_key: str, now: datetime | None = None
    ) -> tuple[int, HevyUser]:
        """Check the key with Hevy, then consume the link and store the key for its user.

        The key is checked before the link is used up, so a mistyped key can be corrected on
        the same page; the atomic consume makes a second concurrent submit lose.
        """
        pending = await self.peek(token, TokenPurpose.LINK, now)
        user_id = pending.user_id
        assert user_id is not None
        info = await self._accounts.check(api_key)
        consumed = await self._store.login_tokens.consume(
            token_hash(token), now or utcnow(), user_id
        )
        if consumed is None:
            raise LinkRefused("the link was used meanwhile")
        await self._accounts.store(user_id, api_key, info)
        return user_id, info

    async def issue_admin_claim(self) -> Issued | None:
        """A fresh admin claim link while nobody is admin (None once someone is); any older
        claim link stops working, so only the link logged at the latest start is valid."""
        if await self._has_admin():
            return None
        await self._store.login_tokens.revoke(TokenPurpose.ADMIN_CLAIM)
        return await self.issue(TokenPurpose.ADMIN_CLAIM, None, CLAIM_TTL)

    async def claim_admin(self, token: str, user_id: int, now: datetime | None = None) -> None:
        """Redeem the admin claim for `user_id`: only while nobody is admin, and once; every
        claim link is revoked after, so an old one can never make a second admin."""
        owner = uuid.uuid4().hex
        if not await self._store.leases.claim("admin-claim", owner, 30, now or utcnow()):
            raise LinkRefused("another claim is being redeemed")
        try:
            if await self._has_admin():
                await self._store.login_tokens.revoke(TokenPurpose.ADMIN_CLAIM)
                raise AdminExists("an admin exists already")
            await self.redeem(token, TokenPurpose.ADMIN_CLAIM, user_id, now)
            await self._store.login_tokens.revoke(TokenPurpose.ADMIN_CLAIM)
        finally:
            await self._store.leases.release("admin-claim", owner)

    async def _has_admin(self) -> bool:
        return any(u.role == Role.ADMIN for u in await self._store.users.list())

    async def redeem(
        self, token: str, purpose: TokenPurpose, user_id: int, now: datetime | None = None
    ) -> LoginToken:
        """Use an invite or admin-claim token for `user_id` (LinkRefused if it cannot be used)."""
        now = now or utcnow()
        found = await self._store.login_tokens.get(token_hash(token))
        if found is None or found.purpose != purpose:
            raise LinkRefused("not such a token")
        consumed = await self._store.login_tokens.consume(token_hash(token), now, user_id)
        if consumed is None:
            raise LinkRefused("used or expired")
        return consumed


class AdminExists(LinkRefused):
    """An admin claim link was opened after someone became admin."""


async def admit(
    store: Store, user_id: int, chat_id: int, name: str, role: Role = Role.USER
) -> User:
    """Create (or update) the user record for someone who may use the bot."""
    changes = {"chat_id": chat_id, "updated_at": utcnow()} | ({"name": name} if name else {})
    if role == Role.ADMIN:
        changes["role"] = role
    if existing := await store.users.update(user_id, changes):
        return existing
    user = User(id=user_id, chat_id=chat_id, name=name, role=role)
    await store.users.put(user)
    return user
