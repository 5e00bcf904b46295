"""Everything Spotter keeps about a lifter, as one JSON document (the Hevy key excluded): what
`/export` in the chat and the Mini App's profile page send."""

from __future__ import annotations

import asyncio
import json

from core.models import utcnow
from core.ports import Store


async def export_document(store: Store, user_id: int) -> bytes:
    user = await store.users.get(user_id)
    linked = await store.credentials.get(user_id) is not None
    workouts = await store.workouts.list(user_id)
    plans = await store.plans.list(user_id)
    conversation = await store.conversations.load(user_id)
    sync_state = await store.sync_state.get(user_id)

    def serialize() -> bytes:  # years of workouts: seconds of CPU, so in a worker thread
        payload = {
            "exported_at": utcnow(),
            "user": user.model_dump(mode="json") if user else None,
            "hevy_linked": linked,
            "workouts": [w.model_dump(mode="json") for w in workouts],
            "plans": [p.model_dump(mode="json") for p in plans],
            "conversation": conversation.model_dump(mode="json"),
            "sync": sync_state.model_dump(mode="json"),
        }
        return json.dumps(payload, indent=1, default=str).encode()

    return await asyncio.to_thread(serialize)


def export_filename() -> str:
    return f"spotter-export-{utcnow().date()}.json"
