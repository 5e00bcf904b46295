"""Who the users are: profiles, sealed Hevy keys, single-use login/invite tokens."""

from __future__ import annotations

from datetime import datetime

from pymongo import ASCENDING, ReturnDocument

from core.models import (
    HevyCredential,
    LoginToken,
    TokenPurpose,
    User,
    UserChanges,
    UserStatus,
    changed_user,
)
from storage.mongo.common import Doc, Repo, strip_keys, to_doc


def _user_doc(user: User) -> Doc:
    # Preferences as JSON: BSON has no time of day (the reminder), and validation reads it back.
    return to_doc(user, _id=user.id, preferences=user.preferences.model_dump(mode="json"))


class MongoUsers(Repo):
    async def get(self, user_id: int) -> User | None:
        doc = await self._db.users.find_one({"_id": user_id})
        return User.model_validate(strip_keys(doc)) if doc else None

    async def put(self, user: User) -> None:
        await self._db.users.replace_one({"_id": user.id}, _user_doc(user), upsert=True)

    async def update(self, user_id: int, changes: UserChanges) -> User | None:
        # Validated on a stand-in, then set field by field (preferences one by one): one atomic
        # document update that leaves every other field as stored, and no upsert.
        valid = _user_doc(changed_user(User(id=user_id), changes))
        fields = {name: valid[name] for name in changes if name != "preferences"}
        for name in changes.get("preferences", {}):
            fields[f"preferences.{name}"] = valid["preferences"][name]
        if not fields:
            return await self.get(user_id)
        doc = await self._db.users.find_one_and_update(
            {"_id": user_id}, {"$set": fields}, return_document=ReturnDocument.AFTER
        )
        return User.model_validate(strip_keys(doc)) if doc else None

    async def list(self, status: UserStatus | None = None) -> list[User]:
        query = {} if status is None else {"status": status.value}
        cursor = self._db.users.find(query).sort("_id", ASCENDING)
        return [User.model_validate(strip_keys(doc)) async for doc in cursor]

    async def count(self) -> int:
        return await self._db.users.count_documents({})


class MongoCredentials(Repo):
    async def get(self, user_id: int) -> HevyCredential | None:
        doc = await self._db.credentials.find_one({"_id": user_id})
        return HevyCredential.model_validate(strip_keys(doc)) if doc else None

    async def put(self, credential: HevyCredential) -> None:
        await self._db.credentials.replace_one(
            {"_id": credential.user_id}, to_doc(credential, _id=credential.user_id), upsert=True
        )

    async def delete(self, user_id: int) -> None:
        await self._db.credentials.delete_one({"_id": user_id})

    async def user_ids(self) -> set[int]:
        return {doc["_id"] async for doc in self._db.credentials.find({}, {"_id": 1})}


class MongoLoginTokens(Repo):
    async def create(self, token: LoginToken) -> None:
        await self._db.login_tokens.insert_one(to_doc(token, _id=token.token_hash))

    async def get(self, token_hash: str) -> LoginToken | None:
        doc = await self._db.login_tokens.find_one({"_id": token_hash})
        return LoginToken.model_validate(strip_keys(doc)) if doc else None

    async def consume(self, token_hash: str, now: datetime, used_by: int) -> LoginToken | None:
        doc = await self._db.login_tokens.find_one_and_update(
            {"_id": token_hash, "used_at": None, "expires_at": {"$gt": now}},
            {"$set": {"used_at": now, "used_by": used_by}},
            return_document=ReturnDocument.AFTER,
        )
        return LoginToken.model_validate(strip_keys(doc)) if doc else None

    async def purge_expired(self, now: datetime) -> int:
        # The TTL index does this on a real server; this makes it prompt and testable.
        result = await self._db.login_tokens.delete_many({"expires_at": {"$lte": now}})
        return result.deleted_count

    async def revoke(self, purpose: TokenPurpose, user_id: int | None = None) -> int:
        query: dict[str, object] = {"purpose": purpose.value}
        if user_id is not None:
            query["user_id"] = user_id
        result = await self._db.login_tokens.delete_many(query)
        return result.deleted_count
