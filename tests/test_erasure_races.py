"""A /delete while a draft is being made: the draft does not outlive the erasure, and the lifter
is told their data is gone (the coach's turn: tests/coach/test_coach.py)."""

from __future__ import annotations

import asyncio
import contextvars

import pytest

from core.hevy.models import HevyTemplate
from core.models import Plan, User
from core.ports import Store
from core.services.erasure import Erasure
from core.services.insights import Insights
from core.services.plans import PlanService
from core.services.user_lease import UserGone, UserLeases
from sandbox.catalogue import built_in_templates
from tests.races import before_next
from tests.test_import_chat import USER, Spotter, spotter  # noqa: F401  (the fixture)

CATALOGUE = [HevyTemplate.model_validate(t).to_domain() for t in built_in_templates()]


def delete_before_the_next_plan_write(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lifter's /delete runs to its end just before the next plan is stored."""
    erase = Erasure(store, UserLeases(store)).erase
    before_next(monkeypatch, store.plans, ("put",), lambda: erase(USER))


async def test_a_draft_made_while_the_lifter_is_deleted_is_not_kept(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.users.put(User(id=USER, chat_id=USER))
    await store.templates.replace_all(USER, CATALOGUE)
    delete_before_the_next_plan_write(store, monkeypatch)
    with pytest.raises(UserGone):
        await PlanService(store, Insights(store)).propose(USER)
    assert await store.plans.list(USER) == []
    assert await store.users.get(USER) is None


async def test_a_plan_command_raced_by_a_delete_says_the_data_is_gone_and_keeps_no_draft(
    spotter: Spotter,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = spotter.runtime.store
    await store.templates.replace_all(USER, CATALOGUE)
    delete_before_the_next_plan_write(store, monkeypatch)
    spotter.telegram.send_text(USER, "/plan")
    await spotter.handle()
    said = [c.params["text"] for c in spotter.telegram.sent("sendMessage")]
    assert said[-1] == "Your data was deleted, so I stopped.", said
    assert not any("went wrong" in s for s in said)
    assert await store.plans.list(USER) == []


async def test_a_draft_stored_during_an_erasure_that_cannot_get_the_lease_is_still_erased(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sync holds the lease past the erasure's wait, and a draft lands during the erasure's
    first pass (on MongoDB, after the plans went and before the lifter did, so the draft's own
    check still found the lifter): the erasure clears it anyway."""
    await store.users.put(User(id=USER, chat_id=USER))
    erase_user = store.erase_user

    async def a_draft_lands_during_the_first_pass(user_id: int) -> None:
        monkeypatch.setattr(store, "erase_user", erase_user)  # once
        await erase_user(user_id)
        await store.plans.put(Plan(id="p", user_id=USER, title="Block"))

    monkeypatch.setattr(store, "erase_user", a_draft_lands_during_the_first_pass)
    async with UserLeases(store).hold(USER):  # the sync; the erasure is another request's task
        erasing = Erasure(store, UserLeases(store)).erase(USER, wait=0.2)
        await asyncio.create_task(erasing, context=contextvars.Context())
    assert await store.plans.list(USER) == []
