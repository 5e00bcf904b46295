"""Keeping a user's copy of their Hevy log current: backfill once, then the events feed.

Backfill walks `GET /v1/workouts` page by page and saves its cursor after every page, so a crash
resumes where it stopped and stores nothing twice. Afterwards `GET /v1/workouts/events` since
the backfill began brings edits and deletions. Any failed page raises: a sync never ends quietly
with part of the log.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from core import failpoints
from core.hevy.client import PAGE_SIZE, HevyClient
from core.hevy.errors import HevyError
from core.models import SyncState, Workout, utcnow
from core.ports import Store
from core.services.catalogue import own_exercises
from core.services.user_lease import UserLeases, ensure_user

log = logging.getLogger(__name__)

Progress = Callable[[int, int], Awaitable[None]]
Clock = Callable[[], datetime]


@dataclass
class SyncReport:
    """What one sync did."""

    upserted: int = 0
    deleted: int = 0
    requests: int = 0
    backfill_complete: bool = False
    templates_refreshed: bool = False


class SyncService:
    """Backfill and incremental sync of one user's workouts and exercise catalogue."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock = utcnow,
        leases: UserLeases | None = None,
        after_change: Callable[[int], Awaitable[None]] | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self.leases = leases or UserLeases(store, clock=clock)
        self._after_change = after_change  # e.g. derive records while the lifter is away

    async def sync(
        self, user_id: int, client: HevyClient, progress: Progress | None = None
    ) -> SyncReport:
        """Backfill when it has not finished, else apply the changes since the last sync.

        Runs under the user's lease (UserBusy when another sync or write has it) and stops with
        UserGone when the user is erased meanwhile.
        """
        async with self.leases.hold(user_id):
            return await self._sync(user_id, client, progress)

    async def _sync(
        self, user_id: int, client: HevyClient, progress: Progress | None
    ) -> SyncReport:
        await ensure_user(self._store, user_id)
        state = await self._store.sync_state.get(user_id)
        before = client.requests_made
        report = SyncReport()
        try:
            if not state.backfill_complete:
                await self._backfill(user_id, client, state, report, progress)
            else:
                await self._incremental(user_id, client, state, report)
        except HevyError as exc:
            state.last_error = f"{type(exc).__name__}: {exc}"
            await self._store.sync_state.put(state)
            log.warning("sync failed", extra={"user_id": user_id, "error": state.last_error})
            raise
        state.last_error = None
        state.last_synced_at = self._clock()
        await ensure_user(self._store, user_id)
        failpoints.reach("sync.before_done")
        await self._store.sync_state.put(state)
        failpoints.reach("sync.after_done")
        report.requests = client.requests_made - before
        report.backfill_complete = state.backfill_complete
        if self._after_change is not None and (report.upserted or report.deleted):
            try:
                await self._after_change(user_id)
            except Exception:  # a cache warm-up never fails a sync that succeeded
                log.exception("after-sync hook failed", extra={"user_id": user_id})
        return report

    async def refresh_templates(self, user_id: int, client: HevyClient, state: SyncState) -> None:
        """Replace the cached catalogue (built-in and custom exercises) with Hevy's, keeping the
        exercises Spotter made for titles of a CSV import (Hevy does not know them)."""
        templates = [t.to_domain() for t in await client.exercise_templates()]
        await ensure_user(self._store, user_id)
        own = own_exercises(await self._store.templates.list(user_id))
        await self._store.templates.replace_all(user_id, [*templates, *own])
        state.templates_refreshed_at = self._clock()

    async def _backfill(
        self,
        user_id: int,
        client: HevyClient,
        state: SyncState,
        report: SyncReport,
        progress: Progress | None,
    ) -> None:
        if state.events_since is None:
            # Changes made while the backfill runs arrive through the events feed afterwards.
            state.events_since = self._clock()
            await self._store.sync_state.put(state)
            failpoints.reach("sync.after_events_since")
        total = await client.workout_count()
        failpoints.reach("sync.after_count")
        known = await self._known_templates(user_id, client, state, report, force=False)
        failpoints.reach("sync.after_templates")
        page = state.backfill_next_page
        done = min(total, (page - 1) * PAGE_SIZE)
        if progress is not None:
            await progress(done, total)
        while True:
            result = await client.workouts_page(page)
            workouts = [w.to_domain() for w in result.items]
            known = await self._ensure_templates(user_id, client, state, report, known, workouts)
            await ensure_user(self._store, user_id)
            await self._store.workouts.upsert(user_id, workouts)
            report.upserted += len(workouts)
            failpoints.reach("sync.after_page_stored")
            state.backfill_next_page = page + 1
            await self._store.sync_state.put(state)
            failpoints.reach("sync.after_cursor")
            done = min(total, done + len(workouts)) if total else done + len(workouts)
            if progress is not None:
                await progress(done, max(total, done))
            if not result.items or page >= result.page_count:
                break
            page += 1
        state.backfill_complete = True

    async def _incremental(
        self, user_id: int, client: HevyClient, state: SyncState, report: SyncReport
    ) -> None:
        since = state.events_since or datetime(1970, 1, 1, tzinfo=UTC)
        events = []
        page = 1
        while True:
            result = await client.events_page(since, page)
            # `since` goes out at whole seconds: drop what this cursor (in ms) already covered.
            events.extend(e for e in result.items if e.at is None or e.at > since)
            if not result.items or page >= result.page_count:
                break
            page += 1
        if not events:
            return
        known = await self._known_templates(user_id, client, state, report, force=False)
        # The feed is newest first: apply oldest first so the last word wins.
        latest: dict[str, Workout | None] = {}
        for event in reversed(events):
            if event.type == "deleted":
                latest[event.workout_id] = None
            elif event.workout is not None:
                latest[event.workout_id] = event.workout.to_domain()
        updated = [w for w in latest.values() if w is not None]
        await self._ensure_templates(user_id, client, state, report, known, updated)
        await ensure_user(self._store, user_id)
        await self._store.workouts.upsert(user_id, updated)
        report.upserted += len(updated)
        for workout_id, workout in latest.items():
            if workout is None and await self._store.workouts.delete(user_id, workout_id):
                report.deleted += 1
        stamps = [e.at for e in events if e.at is not None]
        if stamps:
            state.events_since = max(since, *stamps)

    async def _known_templates(
        self,
        user_id: int,
        client: HevyClient,
        state: SyncState,
        report: SyncReport,
        *,
        force: bool,
    ) -> set[str]:
        if force or state.templates_refreshed_at is None:
            await self.refresh_templates(user_id, client, state)
            report.templates_refreshed = True
        return {t.id for t in await self._store.templates.list(user_id)}

    async def _ensure_templates(
        self,
        user_id: int,
        client: HevyClient,
        state: SyncState,
        report: SyncReport,
        known: set[str],
        workouts: Sequence[Workout],
    ) -> set[str]:
        """Refresh the catalogue once when a workout names an exercise we do not know."""
        used = {e.template_id for w in workouts for e in w.exercises}
        if used <= known or report.templates_refreshed:
            return known
        return await self._known_templates(user_id, client, state, report, force=True)
