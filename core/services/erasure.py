"""`/delete`: everything Spotter keeps about a lifter goes, even while a sync is writing.

A running sync or plan write checks that the user still exists before each write, so erasing
first makes it stop at its next page; then erasure takes the user's lease (waiting for that
writer to let go) and erases again, which clears whatever the writer stored in between. Token
usage is kept (it is counted per Telegram id and day, and holds nothing personal) so deleting
one's data never resets the daily Claude budget.
"""

from __future__ import annotations

import logging

from core.ports import Store
from core.services.user_lease import UserBusy, UserLeases

log = logging.getLogger(__name__)

ERASE_WAIT_SECONDS = 60.0


class Erasure:
    def __init__(self, store: Store, leases: UserLeases) -> None:
        self._store = store
        self._leases = leases

    async def erase(self, user_id: int, wait: float = ERASE_WAIT_SECONDS) -> None:
        """Delete the user's key, log copy, plans, conversation, settings and queued messages."""
        await self._store.erase_user(user_id)
        try:
            async with self._leases.hold(user_id, wait=wait):
                await self._store.erase_user(user_id)
        except UserBusy:
            # The writer still holding the lease checks for the user before each write: at most
            # the batch it has in hand lands. A write made without the lease (a draft, a chat
            # turn) during the first pass is cleared by this one; one made later finds the user
            # gone and erases again itself (keep_unless_erased).
            await self._store.erase_user(user_id)
            log.warning("erased without the user's lease", extra={"user_id": user_id})
