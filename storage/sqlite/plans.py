"""Training plans and the Hevy routines written for them."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from core.models import (
    Plan,
    PlanChanges,
    PlanStatus,
    RoutineLink,
    changed_plan,
)
from storage.sqlite.common import Repo, to_ts


class SqlitePlans(Repo):
    async def put(self, plan: Plan) -> None:
        await self._db.execute(
            "INSERT INTO plans (id, user_id, created_at, doc) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc "
            "WHERE plans.user_id = excluded.user_id",
            (plan.id, plan.user_id, to_ts(plan.created_at), plan.model_dump_json()),
        )

    async def get(self, user_id: int, plan_id: str) -> Plan | None:
        row = await self._db.fetchone(
            "SELECT doc FROM plans WHERE user_id = ? AND id = ?", (user_id, plan_id)
        )
        return Plan.model_validate_json(row["doc"]) if row else None

    async def update(
        self,
        user_id: int,
        plan_id: str,
        expected: Collection[PlanStatus],
        changes: PlanChanges,
        now: datetime,
    ) -> Plan | None:
        async with self._db.transaction() as conn:  # BEGIN IMMEDIATE: no write in between
            cursor = await conn.execute(
                "SELECT doc FROM plans WHERE user_id = ? AND id = ?", (user_id, plan_id)
            )
            row = await cursor.fetchone()
            if row is None or (plan := Plan.model_validate_json(row["doc"])).status not in expected:
                return None
            plan = changed_plan(plan, {**changes, "updated_at": now})
            await conn.execute(
                "UPDATE plans SET doc = ? WHERE user_id = ? AND id = ?",
                (plan.model_dump_json(), user_id, plan_id),
            )
        return plan

    async def list(self, user_id: int) -> list[Plan]:
        rows = await self._db.fetchall(
            "SELECT doc FROM plans WHERE user_id = ? ORDER BY created_at DESC, id DESC", (user_id,)
        )
        return [Plan.model_validate_json(row["doc"]) for row in rows]

    async def put_link(self, user_id: int, link: RoutineLink) -> None:
        await self._db.execute(
            "INSERT INTO routine_links (user_id, key, doc) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id, key) DO UPDATE SET doc = excluded.doc",
            (user_id, link.key, link.model_dump_json()),
        )

    async def get_link(self, user_id: int, key: str) -> RoutineLink | None:
        row = await self._db.fetchone(
            "SELECT doc FROM routine_links WHERE user_id = ? AND key = ?", (user_id, key)
        )
        return RoutineLink.model_validate_json(row["doc"]) if row else None

    async def list_links(self, user_id: int) -> list[RoutineLink]:
        rows = await self._db.fetchall(
            "SELECT doc FROM routine_links WHERE user_id = ? ORDER BY key", (user_id,)
        )
        return [RoutineLink.model_validate_json(row["doc"]) for row in rows]
