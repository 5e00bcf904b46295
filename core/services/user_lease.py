"""One lease per user: whatever writes a lifter's Hevy account or their copy of it holds it.

Sync (the scheduled round, `/sync`, the backfill after linking), plan writes (approval, the
weekly advance), storing a CSV import and erasure all take `user:<id>` in the store, so across
any number of processes only one of them works on a user at a time: no page fetched twice, no
second Spotter folder, no workouts written back after `/delete`.

The lease is renewed while held, so a long backfill keeps it, and a dead process's lease expires
after `ttl` seconds. Holding is reentrant within one task (a sync that advances the plan does not
wait for itself); tasks started inside inherit that, which is what a helper task of the holder
wants.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from datetime import datetime

from core import failpoints
from core.errors import SpotterError
from core.models import utcnow
from core.ports import Store

log = logging.getLogger(__name__)

LEASE_SECONDS = 90.0  # how long a dead process blocks the user; renewed every third of it

_held: ContextVar[frozenset[int]] = ContextVar("spotter_user_leases", default=frozenset())


class UserBusy(SpotterError):
    """Another task or process is working on this user's account right now."""

    user_message = (
        "I'm busy with your Hevy account right now (a sync or a plan write); try again in a minute."
    )


class LeaseLost(SpotterError):
    """The lease expired while held (the store was unreachable too long); the work stopped."""

    user_message = "I lost track of your account for a moment; please try again."


class UserGone(SpotterError):
    """The user was erased while work on their account was under way."""

    user_message = "Your data was deleted, so I stopped."


def lease_name(user_id: int) -> str:
    return f"user:{user_id}"


class UserLeases:
    def __init__(
        self,
        store: Store,
        owner: str | None = None,
        ttl: float = LEASE_SECONDS,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._store = store
        self.owner = owner or uuid.uuid4().hex  # this process
        self._ttl = ttl
        self._clock = clock

    @staticmethod
    def held(user_id: int) -> bool:
        """True when the running task holds `user_id`'s lease."""
        return user_id in _held.get()

    @contextlib.asynccontextmanager
    async def hold(self, user_id: int, *, wait: float = 0.0) -> AsyncIterator[None]:
        """Hold the user's lease for the block; UserBusy when it stays taken for `wait` s."""
        if self.held(user_id):
            yield
            return
        name = lease_name(user_id)
        attempt = f"{self.owner}:{uuid.uuid4().hex[:8]}"
        deadline = time.monotonic() + wait
        delay = 0.05
        while not await self._store.leases.claim(name, attempt, self._ttl, self._clock()):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise UserBusy(f"lease {name} is held")
            await asyncio.sleep(min(delay, remaining))
            delay = min(delay * 2, 1.0)
        failpoints.reach("lease.after_claim")
        holder = asyncio.current_task()
        lost = asyncio.Event()
        renewer = asyncio.create_task(self._renew(name, attempt, holder, lost))
        token = _held.set(_held.get() | {user_id})
        try:
            yield
        except asyncio.CancelledError:
            if lost.is_set() and holder is not None and holder.uncancel() == 0:
                raise LeaseLost(f"lease {name} expired while held") from None
            raise
        finally:
            _held.reset(token)
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer
            failpoints.reach("lease.before_release")
            try:
                await self._store.leases.release(name, attempt)
            except Exception:  # it expires on its own
                log.warning("could not release a user lease", extra={"lease": name})

    async def _renew(
        self, name: str, attempt: str, holder: asyncio.Task | None, lost: asyncio.Event
    ) -> None:
        while True:
            await asyncio.sleep(self._ttl / 3)
            try:
                renewed = await self._store.leases.claim(name, attempt, self._ttl, self._clock())
            except Exception:
                log.warning("could not renew a user lease; trying again", extra={"lease": name})
                continue
            if not renewed:
                log.error("user lease lost while held; stopping the work", extra={"lease": name})
                lost.set()
                if holder is not None:
                    holder.cancel()
                return


async def ensure_user(store: Store, user_id: int) -> None:
    """Raise UserGone when the user no longer exists (checked by writers before each write)."""
    if await store.users.get(user_id) is None:
        raise UserGone(f"user {user_id} was erased")


async def keep_unless_erased(store: Store, user_id: int) -> None:
    """After writes made without the user's lease (a draft, a chat turn): when `/delete` erased
    the user meanwhile, erase again, so nothing written outlives the erasure, and raise UserGone.

    Erasure runs twice, the second pass under the lease, and the user goes with the first: a
    write landing during the first pass is cleared by the second, and one landing later finds
    the user gone here."""
    try:
        await ensure_user(store, user_id)
    except UserGone:
        await store.erase_user(user_id)
        raise
