"""A draft's Cancel and Approve at once: only one wins. A Cancel that loses says the plan is
already approved and leaves it approved; an Approve after a Cancel writes nothing. Both orders,
in the chat and the Mini App."""

from __future__ import annotations

import pytest

from core.models import HevyCredential, Plan, PlanStatus, plan_settings, utcnow
from core.services.plan_writer import PlanCancelled
from tests.fakes.telegram import Call
from tests.races import after_next
from tests.test_import_chat import USER, Spotter, spotter  # noqa: F401  (the fixture)

DRAFT = "p-draft"
PREVIEW = Call("sendMessage", {"chat_id": USER, "message_id": 7, "text": "Your plan"}, 0.0)


async def a_draft(spotter: Spotter) -> None:  # noqa: F811
    user = await spotter.runtime.store.users.get(USER)
    draft = Plan(id=DRAFT, user_id=USER, title="Block", settings=plan_settings(user))
    await spotter.runtime.store.plans.put(draft)


def after_the_next_plan_read(spotter: Spotter, monkeypatch, then) -> None:  # noqa: F811
    """Run `then` right after the next read of the draft, before the reader writes."""
    after_next(monkeypatch, spotter.runtime.store.plans, "get", then)


async def tap(spotter: Spotter, data: str) -> None:  # noqa: F811
    """The lifter taps a button under the draft's preview in the chat."""
    spotter.telegram.press(USER, PREVIEW, data)
    await spotter.handle()


async def test_a_chat_cancel_that_loses_to_an_approve_says_so_and_the_plan_stays_approved(
    spotter: Spotter,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await a_draft(spotter)
    rt = spotter.runtime
    after_the_next_plan_read(spotter, monkeypatch, lambda: rt.plan_writer.approve(USER, DRAFT))
    await tap(spotter, f"plan:cancel:{DRAFT}")
    (answer,) = spotter.telegram.sent("answerCallbackQuery")
    assert answer.params["text"] == (
        "Too late to cancel: Already approved: with no Hevy link it lives here in Spotter."
    )
    plan = await rt.store.plans.get(USER, DRAFT)
    assert plan.status == PlanStatus.APPROVED and plan.started_at is not None


async def test_an_approve_after_a_cancel_writes_nothing(
    spotter: Spotter,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await a_draft(spotter)
    rt = spotter.runtime

    async def discard_in_the_mini_app() -> None:
        answer = await spotter.web.post(
            "/app/api/discard", json={"plan": DRAFT}, headers=spotter.mini_app()
        )
        assert answer.json()["notice"] == "Proposal discarded."

    after_the_next_plan_read(spotter, monkeypatch, discard_in_the_mini_app)
    with pytest.raises(PlanCancelled):
        await rt.plan_writer.approve(USER, DRAFT)
    plan = await rt.store.plans.get(USER, DRAFT)
    assert plan.status == PlanStatus.CANCELLED and plan.started_at is None


async def test_a_mini_app_discard_that_loses_to_an_approve_says_the_plan_is_approved(
    spotter: Spotter,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await a_draft(spotter)
    rt = spotter.runtime
    after_the_next_plan_read(spotter, monkeypatch, lambda: rt.plan_writer.approve(USER, DRAFT))
    answer = await spotter.web.post(
        "/app/api/discard", json={"plan": DRAFT}, headers=spotter.mini_app()
    )
    assert answer.json()["notice"] == (
        "Too late to discard: that plan is already approved; with no Hevy link it lives here "
        "in Spotter."
    )
    assert (await rt.store.plans.get(USER, DRAFT)).status == PlanStatus.APPROVED


async def test_a_cancel_after_an_approve_says_the_plan_is_on_its_way_to_hevy_only_when_linked(
    spotter: Spotter,  # noqa: F811
) -> None:
    await a_draft(spotter)
    rt = spotter.runtime
    await rt.store.credentials.put(HevyCredential(user_id=USER, ciphertext="sealed"))
    await rt.store.plans.update(
        USER, DRAFT, {PlanStatus.DRAFT}, {"status": PlanStatus.APPROVED}, utcnow()
    )  # approved, its routines not written yet
    await tap(spotter, f"plan:cancel:{DRAFT}")
    (answer,) = spotter.telegram.sent("answerCallbackQuery")
    assert answer.params["text"] == (
        "Too late to cancel: Already approved: it's being written to Hevy now."
    )


async def test_a_mini_app_approve_of_a_cancelled_draft_says_it_was_cancelled(
    spotter: Spotter,  # noqa: F811
) -> None:
    await a_draft(spotter)
    rt = spotter.runtime
    await tap(spotter, f"plan:cancel:{DRAFT}")
    answer = await spotter.web.post(
        "/app/api/approve", json={"plan": DRAFT}, headers=spotter.mini_app()
    )
    assert answer.json()["error"] == (
        "That plan was cancelled, so nothing went to Hevy; ask for a new one below."
    )
    assert (await rt.store.plans.get(USER, DRAFT)).status == PlanStatus.CANCELLED
