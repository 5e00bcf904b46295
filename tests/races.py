"""Races made on purpose: another request's action runs at an exact point of the one under test
(right after its read, right before its write), once; every later call passes straight through."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import pytest

Then = Callable[[], Awaitable[Any]]


def after_next(monkeypatch: pytest.MonkeyPatch, owner: object, name: str, then: Then) -> None:
    """Run `then` right after the next call of `owner.name` returns, before its caller goes on."""
    original = getattr(owner, name)

    async def racing(*args, **kwargs):
        monkeypatch.setattr(owner, name, original)
        result = await original(*args, **kwargs)
        await then()
        return result

    monkeypatch.setattr(owner, name, racing)


def before_next(
    monkeypatch: pytest.MonkeyPatch, owner: object, names: Iterable[str], then: Then
) -> None:
    """Run `then` right before the next call of any of `owner`'s methods `names` (a write, whole
    or field-level: after the caller read whatever it read, before its write lands)."""
    originals = {name: getattr(owner, name) for name in names}

    def racing(name: str):
        async def call(*args, **kwargs):
            for each, original in originals.items():
                monkeypatch.setattr(owner, each, original)
            await then()
            return await originals[name](*args, **kwargs)

        return call

    for name in originals:
        monkeypatch.setattr(owner, name, racing(name))
