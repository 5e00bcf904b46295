"""Remembering a draft's preview message races the lifter's own taps: an Approve, a Cancel or a
/delete that lands between the draft's read and the preview's write keeps what it did (the write
used to put the whole draft back, reverting an approved plan to a draft, a cancelled one to a
live draft, and an erased lifter's plan into the store)."""

from __future__ import annotations

import pytest

from core.models import PlanStatus
from core.services.plan_writer import PlanCancelled
from tests.races import before_next
from tests.test_draft_cancel_races import DRAFT, a_draft, tap
from tests.test_import_chat import USER, Spotter, spotter  # noqa: F401  (the fixture)


def before_the_next_plan_write(spotter: Spotter, monkeypatch, then) -> None:  # noqa: F811
    """Run `then` right before the next plan write (whole or field-level)."""
    before_next(monkeypatch, spotter.runtime.store.plans, ("put", "update"), then)


async def test_an_approve_while_the_preview_is_remembered_stays_approved(
    spotter: Spotter,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await a_draft(spotter)
    rt = spotter.runtime
    before_the_next_plan_write(spotter, monkeypatch, lambda: tap(spotter, f"plan:approve:{DRAFT}"))
    await rt.plans.remember_preview(USER, DRAFT, 7)
    plan = await rt.store.plans.get(USER, DRAFT)
    assert plan.status == PlanStatus.APPROVED and plan.started_at is not None
    assert (await rt.plans.current(USER)).id == DRAFT


async def test_a_cancel_while_the_preview_is_remembered_stays_cancelled(
    spotter: Spotter,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await a_draft(spotter)
    rt = spotter.runtime
    before_the_next_plan_write(spotter, monkeypatch, lambda: tap(spotter, f"plan:cancel:{DRAFT}"))
    await rt.plans.remember_preview(USER, DRAFT, 7)
    assert spotter.telegram.sent("answerCallbackQuery")[-1].params["text"] == "Cancelled."
    assert (await rt.store.plans.get(USER, DRAFT)).status == PlanStatus.CANCELLED
    with pytest.raises(PlanCancelled):  # nothing goes to Hevy on a later Approve
        await rt.plan_writer.approve(USER, DRAFT)


async def test_a_delete_while_the_preview_is_remembered_leaves_no_plan(
    spotter: Spotter,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await a_draft(spotter)
    rt = spotter.runtime

    async def delete_in_the_mini_app() -> None:
        answer = await spotter.web.post(
            "/app/api/delete", json={"confirm": "delete"}, headers=spotter.mini_app()
        )
        assert answer.status_code == 200

    before_the_next_plan_write(spotter, monkeypatch, delete_in_the_mini_app)
    await rt.plans.remember_preview(USER, DRAFT, 7)
    assert await rt.store.plans.list(USER) == []
    assert await rt.store.users.get(USER) is None
