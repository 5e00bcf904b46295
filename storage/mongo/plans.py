"""Training plans and the Hevy routines written for them."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from pymongo import ASCENDING, DESCENDING, ReturnDocument

from core.models import (
    Plan,
    PlanChanges,
    PlanStatus,
    RoutineLink,
    changed_plan,
)
from storage.mongo.common import Repo, strip_keys, to_doc


class MongoPlans(Repo):
    async def put(self, plan: Plan) -> None:
        await self._db.plans.replace_one(
            {"_id": plan.id, "user_id": plan.user_id}, to_doc(plan, _id=plan.id), upsert=True
        )

    async def get(self, user_id: int, plan_id: str) -> Plan | None:
        doc = await self._db.plans.find_one({"_id": plan_id, "user_id": user_id})
        return Plan.model_validate(strip_keys(doc)) if doc else None

    async def update(
        self,
        user_id: int,
        plan_id: str,
        expected: Collection[PlanStatus],
        changes: PlanChanges,
        now: datetime,
    ) -> Plan | None:
        # Validated on a stand-in, then set field by field: one atomic document update, only
        # while the status is one of `expected`, that leaves every other field as stored.
        changes = {**changes, "updated_at": now}
        valid = to_doc(changed_plan(Plan(id=plan_id, user_id=user_id), changes))
        doc = await self._db.plans.find_one_and_update(
            {"_id": plan_id, "user_id": user_id, "status": {"$in": [s.value for s in expected]}},
            {"$set": {name: valid[name] for name in changes}},
            return_document=ReturnDocument.AFTER,
        )
        return Plan.model_validate(strip_keys(doc)) if doc else None

    async def list(self, user_id: int) -> list[Plan]:
        cursor = self._db.plans.find({"user_id": user_id}).sort(
            [("created_at", DESCENDING), ("_id", DESCENDING)]
        )
        return [Plan.model_validate(strip_keys(doc)) async for doc in cursor]

    async def put_link(self, user_id: int, link: RoutineLink) -> None:
        await self._db.routine_links.replace_one(
            {"user_id": user_id, "key": link.key}, to_doc(link, user_id=user_id), upsert=True
        )

    async def get_link(self, user_id: int, key: str) -> RoutineLink | None:
        doc = await self._db.routine_links.find_one({"user_id": user_id, "key": key})
        return RoutineLink.model_validate(strip_keys(doc, "user_id")) if doc else None

    async def list_links(self, user_id: int) -> list[RoutineLink]:
        cursor = self._db.routine_links.find({"user_id": user_id}).sort("key", ASCENDING)
        return [RoutineLink.model_validate(strip_keys(doc, "user_id")) async for doc in cursor]
