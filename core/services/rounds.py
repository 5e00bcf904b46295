"""Scheduled work, safe with any number of processes: each user's sync round and what follows.

A round is claimed with a lease that lasts most of the sync interval and is not released, so
however many processes (or timers) try within one interval, one round runs; a process that dies
mid-round leaves a lease that expires, and the next interval's round takes over.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from core.errors import SpotterError
from core.hevy.errors import HevyError
from core.models import UserStatus, utcnow
from core.ports import Store
from core.services.hevy_accounts import HevyAccounts, NotLinked
from core.services.plan_loop import LoopReport, PlanLoop
from core.services.sync import SyncReport, SyncService
from core.services.user_lease import UserBusy, UserGone

log = logging.getLogger(__name__)


@dataclass
class RoundResult:
    ran: bool
    sync: SyncReport | None = None
    loop: LoopReport | None = None
    error: str | None = None


class Rounds:
    def __init__(
        self,
        store: Store,
        accounts: HevyAccounts,
        sync: SyncService,
        loop: PlanLoop,
        interval_seconds: float,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._store = store
        self._accounts = accounts
        self._sync = sync
        self._loop = loop
        self._interval = interval_seconds
        self._clock = clock
        self.owner = sync.leases.owner  # this process

    async def linked_users(self) -> list[int]:
        """Active users with a Hevy key: whom the scheduler syncs."""
        linked = await self._store.credentials.user_ids()
        return [u.id for u in await self._store.users.list(UserStatus.ACTIVE) if u.id in linked]

    async def run(self, user_id: int) -> RoundResult:
        """This interval's sync round for `user_id`, unless another process has it.

        Intervals are slots of wall-clock time (multiples of the interval since the epoch), and
        the round's lease lasts to the end of the current slot: whatever each process's timer
        jitter, one round runs per user per slot, and a process that dies mid-round leaves a
        lease that is gone by the next slot.
        """
        now = self._clock()
        ttl = self._interval - now.timestamp() % self._interval
        # A fresh owner per attempt: not even this process may run the round twice a slot.
        attempt = f"{self.owner}:{uuid.uuid4().hex[:8]}"
        if not await self._store.leases.claim(f"round:{user_id}", attempt, ttl, now):
            return RoundResult(ran=False)
        try:
            async with self._sync.leases.hold(user_id):
                client = await self._accounts.client_for(user_id)
                report = await self._sync.sync(user_id, client)
                loop = await self._loop.after_sync(user_id)
        except (NotLinked, UserBusy, UserGone):
            # Busy: a `/sync`, a backfill or an approval has this user now and syncs them itself.
            return RoundResult(ran=False)
        except (HevyError, SpotterError) as exc:
            log.warning("sync round failed", extra={"user_id": user_id, "error": str(exc)})
            return RoundResult(ran=True, error=str(exc))
        return RoundResult(ran=True, sync=report, loop=loop)
