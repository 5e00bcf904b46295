"""The readiness check-in from the Mini App's Today card (issue 24), through the real web app
(ASGI), a real SQLite store and the Hevy sandbox: a "½ time, tired" answer fits today's session
through the same service as the chat's taps, PUTs today's routine once (a second identical tap
writes nothing new), and the card shows the answer as chosen when opened again. A session is
one lifter's: another's cannot answer for them. Hevy refusing is one sentence, nothing lost."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.process.runtime import Runtime, build_runtime
from bot.telegram.app import build_application
from bot.web.app import build_web
from bot.web.miniapp.auth import issue_session
from core.crypto import generate_master_key
from core.engine.plan import PlanDay
from core.engine.readiness import Answer
from core.models import ExerciseTemplate, HevyCredential, Plan, User, utcnow
from core.services.checkin import CheckIns
from core.services.hevy_accounts import HevyAccounts
from core.services.hevy_writes import HevyWriter
from core.services.plan_writer import PlanWriter
from core.settings import load_settings
from sandbox.catalogue import built_in_templates
from sandbox.server import RunningSandbox
from tests.e2e.test_checkin import BENCH, CURL, PUSHDOWN, RAISE, block
from tests.hevy.conftest import connector_for

TOKEN = "123456789:AAHfakeTokenForTests_abcdefghijk"
USER, OTHER = 5401, 5402


@dataclass
class Spotter:
    runtime: Runtime
    web: httpx.AsyncClient
    hevy: RunningSandbox
    upper_id: str

    def session(self, user_id: int = USER) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue_session(user_id, TOKEN, utcnow())}"}

    async def tap(self, body: dict, user_id: int = USER) -> httpx.Response:
        return await self.web.post("/app/api/checkin", json=body, headers=self.session(user_id))

    async def today(self, user_id: int = USER) -> str:
        page = await self.web.get("/app/page/today", headers=self.session(user_id))
        assert page.status_code == 200
        return page.text

    async def session_today(self) -> PlanDay:
        training = await self.runtime.checkins.training_day(USER, utcnow().date())
        assert training is not None
        return training.session

    def routine_writes(self) -> list[tuple[str, str]]:
        return [
            (r.method, r.path)
            for r in self.hevy.state.requests
            if r.method in ("PUT", "POST") and r.path.startswith("/v1/routines")
        ]


@pytest.fixture
async def spotter(tmp_path: Path, sandbox: RunningSandbox) -> AsyncIterator[Spotter]:
    settings = load_settings(
        telegram_bot_token=TOKEN,
        database_url=f"sqlite:///{tmp_path}/spotter.db",
        spotter_access="open",
        spotter_secret_key=generate_master_key(),
        hevy_base_url=sandbox.base_url,
    )
    runtime = await build_runtime(settings, services=True)
    # The same services over a connector without Hevy's 1 s pacing (loopback speed).
    runtime.accounts = HevyAccounts(
        runtime.store, runtime.vault, connector_for(sandbox.base_url, runtime.http)
    )
    runtime.plan_writer = PlanWriter(
        runtime.store, runtime.accounts, HevyWriter(runtime.store), runtime.leases
    )
    runtime.checkins = CheckIns(
        runtime.store, runtime.accounts, HevyWriter(runtime.store), runtime.leases
    )
    store = runtime.store
    templates = [
        ExerciseTemplate(id=t["id"], title=t["title"], equipment=t["equipment_category"],
                         primary_muscle_group=t["primary_muscle_group"])
        for t in built_in_templates()
    ]  # fmt: skip
    account = sandbox.state.add_account("Lifter")
    for user_id in (USER, OTHER):
        await store.users.put(User(id=user_id, chat_id=user_id, name="Lifter", set_up=True))
        await store.templates.replace_all(user_id, templates)
    sealed = runtime.vault.encrypt(account.api_key, owner=USER)
    await store.credentials.put(HevyCredential(user_id=USER, ciphertext=sealed))
    body = block().model_dump(mode="json")
    await store.plans.put(Plan(id="p1", user_id=USER, title="Upper/Lower", body=body))
    written = await runtime.plan_writer.approve(USER, "p1")
    web = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=build_web(runtime, build_application(runtime))),
        base_url="http://spotter",
    )
    try:
        yield Spotter(runtime, web, sandbox, written.routines["day-1"].hevy_id)
    finally:
        await web.aclose()
        await runtime.aclose()


HALF_TIRED = {"time": "half", "feel": "tired", "area": ""}


async def test_half_time_tired_from_the_card_fits_today_and_puts_hevys_routine_once(
    spotter: Spotter,
) -> None:
    on = utcnow().date().isoformat()
    page = await spotter.today()
    assert "How much time do you have today" in page, "a training day offers the check-in"
    assert "No answer means the plan as written." in page
    planned = await spotter.session_today()
    before = len(spotter.routine_writes())

    answer = await spotter.tap({"on": on, **HALF_TIRED})
    assert answer.status_code == 200, answer.text
    line = answer.json()["params"]["fitted"]
    assert line.startswith("Today: ") and " of 6 lifts" in line and "lighter" in line, line
    assert line.endswith("Hevy's “Upper” is updated."), line

    fitted = await spotter.session_today()
    assert len(fitted.exercises) < len(planned.exercises)
    assert {CURL, PUSHDOWN, RAISE} - {e.template_id for e in fitted.exercises}
    bench = next(e for e in fitted.exercises if e.template_id == BENCH)
    assert bench.load_kg is not None and bench.load_kg < 80, "tired: lighter"
    assert spotter.routine_writes()[before:] == [("PUT", f"/v1/routines/{spotter.upper_id}")]
    put = spotter.hevy.state.bodies("PUT", f"/v1/routines/{spotter.upper_id}")[-1]
    assert len(put["routine"]["exercises"]) == len(fitted.exercises)

    # The card, as the app draws it after the tap: the fitted line and the fitted lifts.
    shown = (await spotter.web.get(
        "/app/page/today", params=answer.json()["params"], headers=spotter.session()
    )).text  # fmt: skip
    assert line in html.unescape(shown)
    assert f"{len(fitted.exercises)} lifts" in shown
    assert "Bench Press (Barbell)" in shown
    assert "Bicep Curl (Dumbbell)" not in shown and "Triceps Pushdown" not in shown

    # A second identical tap writes nothing new; reopened, the answer is shown as chosen.
    again = await spotter.tap({"on": on, **HALF_TIRED})
    assert again.status_code == 200
    assert spotter.routine_writes()[before:] == [("PUT", f"/v1/routines/{spotter.upper_id}")]
    reopened = await spotter.today()
    assert 'value="half" aria-pressed="true"' in reopened
    assert 'value="tired" aria-pressed="true"' in reopened
    assert 'value="all" aria-pressed="false"' in reopened
    assert "lighter" in reopened and "No answer means" not in reopened


async def test_another_lifters_session_cannot_answer_for_this_one(spotter: Spotter) -> None:
    on = utcnow().date().isoformat()
    planned = await spotter.session_today()
    writes = len(spotter.hevy.state.requests)

    # The session names the lifter; a body naming someone else is refused, not obeyed.
    named = await spotter.tap({"on": on, **HALF_TIRED, "user_id": USER}, user_id=OTHER)
    assert named.status_code == 400
    theirs = await spotter.tap({"on": on, **HALF_TIRED}, user_id=OTHER)
    assert theirs.status_code == 200
    assert theirs.json()["notice"] == "No session is planned today."
    unsigned = await spotter.web.post(
        "/app/api/checkin", json={"on": on, **HALF_TIRED}, headers={"Authorization": "Bearer x"}
    )
    assert unsigned.status_code == 401

    assert await spotter.session_today() == planned, "this lifter's session is as planned"
    assert len(spotter.hevy.state.requests) == writes, "nothing went to Hevy"
    assert "How much time do you have" not in await spotter.today(OTHER), "no plan: no check-in"


async def test_hevy_refusing_is_one_sentence_and_nothing_is_lost(spotter: Spotter) -> None:
    on = utcnow().date().isoformat()
    planned = await spotter.session_today()
    spotter.hevy.state.faults.inject(500, method="PUT", path="/v1/routines/", times=50)

    refused = await spotter.tap({"on": on, **HALF_TIRED})
    assert refused.status_code == 400
    assert refused.json()["error"] == (
        "Hevy didn't take the change, so today stays as it was: tap again in a moment."
    )
    assert await spotter.session_today() == planned
    training = await spotter.runtime.checkins.training_day(USER, utcnow().date())
    assert training is not None and training.answer == Answer(), "no half-stored answer"

    spotter.hevy.state.faults.rules.clear()
    assert (await spotter.tap({"on": on, **HALF_TIRED})).status_code == 200, "a tap again works"
    assert len((await spotter.session_today()).exercises) < len(planned.exercises)
