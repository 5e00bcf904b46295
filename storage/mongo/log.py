"""The training log: workouts with their sets, the exercise catalogue, the log version."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

from pymongo import ASCENDING, DESCENDING, ReplaceOne

from core.models import (
    ExerciseTemplate,
    LoggedSet,
    SetRow,
    SetType,
    Workout,
    WorkoutHead,
)
from storage.mongo.common import Doc, Repo, strip_keys, to_doc


def _window(start: datetime | None, end: datetime | None) -> Doc:
    bounds: Doc = {}
    if start is not None:
        bounds["$gte"] = start
    if end is not None:
        bounds["$lt"] = end
    return {"start_time": bounds} if bounds else {}


_DOCS_ON_LOOP = 200  # validating this many workouts takes a few ms; more go to a worker thread


def _workouts(docs: list[Doc]) -> list[Workout]:
    return [Workout.model_validate(doc) for doc in docs]


_SET_TYPES = {t.value: t for t in SetType}
# What a whole log's sets need of each workout document: the rest is never read.
_SET_FIELDS = {
    "_id": 0,
    "id": 1,
    "start_time": 1,
    "exercises.index": 1,
    "exercises.template_id": 1,
    "exercises.title": 1,
    "exercises.sets": 1,
}


def _logged_sets(docs: list[Doc]) -> list[LoggedSet]:
    # Documents this store wrote from validated Workouts (to_doc: every field present), so the
    # values are read as they are, in Workout.set_rows' order; the contract test checks them.
    return [
        LoggedSet(
            doc["id"],
            doc["start_time"],
            e["index"],
            s["index"],
            e["template_id"],
            e["title"],
            _SET_TYPES[s["type"]],
            s["weight_kg"],
            s["reps"],
            s["distance_m"],
            s["duration_s"],
            s["rpe"],
        )
        for doc in docs
        for e in doc["exercises"]
        for s in e["sets"]
    ]


def _workout_key(user_id: int, workout_id: str) -> str:
    # A compound primary key: point reads and upserts go by _id, the cheapest path everywhere.
    return f"{user_id}:{workout_id}"


class MongoWorkouts(Repo):
    async def upsert(self, user_id: int, workouts: Sequence[Workout]) -> None:
        if not workouts:
            return
        await self._db.workouts.bulk_write(
            [
                ReplaceOne(
                    {"_id": _workout_key(user_id, w.id)},
                    to_doc(w, _id=_workout_key(user_id, w.id), user_id=user_id),
                    upsert=True,
                )
                for w in workouts
            ],
            ordered=True,
        )
        await self._bump(user_id)

    async def delete(self, user_id: int, workout_id: str) -> bool:
        result = await self._db.workouts.delete_one({"_id": _workout_key(user_id, workout_id)})
        await self._bump(user_id)
        return result.deleted_count > 0

    async def _bump(self, user_id: int) -> None:
        """Count a change to the log (after it, so a reader never caches the old log as new)."""
        await self._db.log_versions.update_one(
            {"_id": user_id}, {"$inc": {"version": 1}}, upsert=True
        )

    async def version(self, user_id: int) -> int:
        doc = await self._db.log_versions.find_one({"_id": user_id})
        return int(doc["version"]) if doc else 0

    async def get(self, user_id: int, workout_id: str) -> Workout | None:
        doc = await self._db.workouts.find_one({"_id": _workout_key(user_id, workout_id)})
        return Workout.model_validate(strip_keys(doc, "user_id")) if doc else None

    async def list(
        self, user_id: int, start: datetime | None = None, end: datetime | None = None
    ) -> list[Workout]:
        return await self._find({"user_id": user_id, **_window(start, end)})

    async def start_times(
        self, user_id: int, start: datetime | None = None, end: datetime | None = None
    ) -> list[datetime]:
        cursor = self._db.workouts.find(
            {"user_id": user_id, **_window(start, end)}, {"_id": 0, "start_time": 1}
        ).sort([("start_time", ASCENDING), ("id", ASCENDING)])
        return [doc["start_time"] async for doc in cursor]

    async def recent(
        self,
        user_id: int,
        before: datetime | None = None,
        limit: int = 20,
        template_id: str | None = None,
    ) -> list[Workout]:
        query = {"user_id": user_id, **_window(None, before)}
        if template_id is not None:
            query["exercises.template_id"] = template_id
        cursor = (
            self._db.workouts.find(query)
            .sort([("start_time", DESCENDING), ("id", DESCENDING)])
            .limit(limit)
        )
        return _workouts([strip_keys(doc, "user_id") async for doc in cursor])

    async def sets(
        self,
        user_id: int,
        start: datetime | None = None,
        end: datetime | None = None,
        template_id: str | None = None,
    ) -> list[SetRow]:
        query = {"user_id": user_id, **_window(start, end)}
        if template_id is not None:
            query["exercises.template_id"] = template_id
        return [
            row
            for workout in await self._find(query)
            for row in workout.set_rows()
            if template_id is None or row.template_id == template_id
        ]

    async def logged_sets(self, user_id: int) -> list[LoggedSet]:
        cursor = self._db.workouts.find({"user_id": user_id}, _SET_FIELDS).sort(
            [("start_time", ASCENDING), ("id", ASCENDING)]
        )
        docs = [doc async for doc in cursor]
        if len(docs) < _DOCS_ON_LOOP:
            return _logged_sets(docs)
        return await asyncio.to_thread(_logged_sets, docs)

    async def heads(self, user_id: int) -> list[WorkoutHead]:
        cursor = self._db.workouts.find(
            {"user_id": user_id}, {"_id": 0, "id": 1, "title": 1, "start_time": 1, "end_time": 1}
        ).sort([("start_time", ASCENDING), ("id", ASCENDING)])
        return [
            WorkoutHead(doc["id"], doc["title"], doc["start_time"], doc["end_time"])
            async for doc in cursor
        ]

    async def _find(self, query: Doc) -> list[Workout]:
        cursor = self._db.workouts.find(query).sort([("start_time", ASCENDING), ("id", ASCENDING)])
        docs = [strip_keys(doc, "user_id") async for doc in cursor]
        if len(docs) < _DOCS_ON_LOOP:
            return _workouts(docs)
        return await asyncio.to_thread(_workouts, docs)  # years of training: not on the loop

    async def count(self, user_id: int) -> int:
        return await self._db.workouts.count_documents({"user_id": user_id})

    async def working_set_counts(self, user_id: int) -> dict[str, int]:
        cursor = await self._db.workouts.aggregate(
            [
                {"$match": {"user_id": user_id}},
                {"$unwind": "$exercises"},
                {"$unwind": "$exercises.sets"},
                {"$match": {"exercises.sets.type": {"$ne": "warmup"}}},
                {"$group": {"_id": "$exercises.template_id", "n": {"$sum": 1}}},
            ]
        )
        return {doc["_id"]: int(doc["n"]) async for doc in cursor}


class MongoTemplates(Repo):
    """One document per user holds the whole catalogue, so replacing it is atomic."""

    async def replace_all(self, user_id: int, templates: Sequence[ExerciseTemplate]) -> None:
        await self._db.templates.replace_one(
            {"_id": user_id},
            {"_id": user_id, "templates": [t.model_dump() for t in templates]},
            upsert=True,
        )

    async def list(self, user_id: int) -> list[ExerciseTemplate]:
        doc = await self._db.templates.find_one({"_id": user_id})
        templates = [ExerciseTemplate.model_validate(t) for t in (doc or {}).get("templates", [])]
        return sorted(templates, key=lambda t: t.id)

    async def get(self, user_id: int, template_id: str) -> ExerciseTemplate | None:
        doc = await self._db.templates.find_one(
            {"_id": user_id}, {"templates": {"$elemMatch": {"id": template_id}}}
        )
        found = (doc or {}).get("templates") or []
        return ExerciseTemplate.model_validate(found[0]) if found else None
