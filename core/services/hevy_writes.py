"""Writing folders and routines into Hevy exactly once, though Hevy's POST is not idempotent.

Each Spotter slot (`folder`, `day-1`, …) has a RoutineLink in the store. The intent is recorded
(`pending`) before the POST; the Hevy id is recorded (`created`) after it. When the POST answers
with no id, times out, or the process died in between, the next attempt looks in Hevy for what
it may already have created before it creates anything. Later writes update in place (PUT); a
routine deleted in the app is created again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from core import failpoints
from core.hevy.client import HevyClient
from core.hevy.errors import HevyNotFound, HevyOutcomeUnknown, HevyUnavailable
from core.hevy.models import HevyRoutine, RoutineWrite
from core.models import RoutineLink, utcnow
from core.ports import Store

log = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FOLDER_KEY = "folder"
DEFAULT_FOLDER_TITLE = "Spotter"


@dataclass(frozen=True)
class WriteResult:
    hevy_id: str
    created: bool = False  # a new object was made in Hevy by this call
    recreated: bool = False  # it replaces one deleted in the app


class HevyWriter:
    """Idempotent creates and in-place updates of one user's Spotter folder and routines."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def ensure_folder(
        self, user_id: int, client: HevyClient, title: str = DEFAULT_FOLDER_TITLE
    ) -> int:
        """The id of the user's Spotter folder, creating it once."""
        link = await self._store.plans.get_link(user_id, FOLDER_KEY)
        if link is not None and link.status == "created" and link.hevy_id:
            return int(link.hevy_id)
        if link is not None:  # an earlier attempt may have created it
            found = await self._find_folder(client, link.title)
            if found is not None:
                await self._created(user_id, link, str(found))
                return found
        link = RoutineLink(key=FOLDER_KEY, title=title)
        await self._store.plans.put_link(user_id, link)
        failpoints.reach("folder.before_post")
        try:
            folder = await client.create_routine_folder(title)
            folder_id = folder.id if folder is not None else None
        except HevyOutcomeUnknown:
            folder_id = None
        failpoints.reach("folder.after_post")
        if folder_id is None:
            folder_id = await self._find_folder(client, title)
            if folder_id is None:
                raise HevyUnavailable("the folder was not created; it will be retried")
        await self._created(user_id, link, str(folder_id))
        failpoints.reach("folder.after_record")
        return folder_id

    async def put_routine(
        self, user_id: int, client: HevyClient, key: str, routine: RoutineWrite
    ) -> WriteResult:
        """Create the routine for slot `key` once, or replace it in place."""
        link = await self._store.plans.get_link(user_id, key)
        recreated = False
        if link is not None and link.status == "created" and link.hevy_id:
            try:
                failpoints.reach("routine.before_put")
                await client.update_routine(link.hevy_id, routine)
                failpoints.reach("routine.after_put")
                return WriteResult(link.hevy_id)
            except HevyNotFound:
                log.info("routine deleted in the app; recreating", extra={"key": key})
                recreated = True
        elif link is not None:
            found = await self._find_routine(user_id, client, link.title, routine.folder_id)
            if found is not None:
                await self._created(user_id, link, found.id)
                await client.update_routine(found.id, routine)
                return WriteResult(found.id, created=True)

        link = RoutineLink(key=key, title=routine.title)
        await self._store.plans.put_link(user_id, link)
        failpoints.reach("routine.before_post")
        try:
            made = await client.create_routine(routine)
        except HevyOutcomeUnknown:
            made = None
        failpoints.reach("routine.after_post")
        routine_id = made.id if made is not None else None
        if routine_id is None:
            found = await self._find_routine(user_id, client, routine.title, routine.folder_id)
            if found is None:
                raise HevyUnavailable("the routine was not created; it will be retried")
            routine_id = found.id
        await self._created(user_id, link, routine_id)
        failpoints.reach("routine.after_record")
        return WriteResult(routine_id, created=True, recreated=recreated)

    async def _created(self, user_id: int, link: RoutineLink, hevy_id: str) -> None:
        await self._store.plans.put_link(
            user_id,
            link.model_copy(
                update={"hevy_id": hevy_id, "status": "created", "updated_at": utcnow()}
            ),
        )

    async def _find_folder(self, client: HevyClient, title: str) -> int | None:
        matches = [f for f in await client.routine_folders() if f.title == title]
        return max(matches, key=lambda f: f.id).id if matches else None

    async def _find_routine(
        self, user_id: int, client: HevyClient, title: str, folder_id: int | None
    ) -> HevyRoutine | None:
        """Our routine with this title in our folder, not already linked to another slot."""
        taken = {
            link.hevy_id
            for link in await self._store.plans.list_links(user_id)
            if link.status == "created"
        }
        matches = [
            r
            for r in await client.routines()
            if r.title == title
            and r.id not in taken
            and (folder_id is None or r.folder_id == folder_id)
        ]
        if not matches:
            return None
        return max(matches, key=lambda r: r.created_at or _EPOCH)
