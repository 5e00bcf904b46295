"""What every mongo repository shares."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

Doc = dict[str, Any]


def to_doc(model: Any, **extra: Any) -> Doc:
    return {**model.model_dump(mode="python"), **extra}


def strip_keys(doc: Doc, *keys: str) -> Doc:
    return {k: v for k, v in doc.items() if k not in ("_id", *keys)}


class Repo:
    def __init__(self, db: AsyncDatabase) -> None:
        self._db = db
