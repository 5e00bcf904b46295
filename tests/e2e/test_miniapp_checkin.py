"""The readiness check-in on the Mini App's Today card, in Debian's Chromium against the real
`spotter run` (issue 24), as Telegram's Android client opens it: on a training day the card asks
for time today and how it feels; a tap is selected at once with a haptic tick, answers through the
chat's service, and the card shows the fitted line and lifts without a reload; "Something hurts"
asks where first; opened again, the answer is shown as chosen. Every target is ≥ 44 px and
every number reads at 4.5:1 in both themes. Screenshots at 390 × 844 go to the test's folder (and
to $SPOTTER_SCREENSHOTS, as tests/e2e/test_miniapp_native.py's do)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.e2e.conftest import TOKEN
from tests.e2e.test_checkin import SECRET_KEY, USER, seed
from tests.e2e.test_miniapp_native import (
    DARK,
    LIGHT,
    check_page,
    events,
    shoot,
    telegram_phone,
    until,
)
from tests.e2e.test_miniapp_states import chromium
from tests.fakes.telegram import sign_init_data

SELECTION = {"type": "selection_change"}
SUCCESS = {"type": "notification", "notification_type": "success"}


@pytest.fixture
def extra_env() -> dict[str, str]:
    return {"SPOTTER_ACCESS": "open", "SPOTTER_SECRET_KEY": SECRET_KEY}


@pytest.fixture
def before_start():
    return seed  # a linked lifter whose Upper (6 lifts) is today's session, in Hevy


def launch(web: str, theme: dict) -> str:
    init_data = sign_init_data(TOKEN, USER, int(time.time()))
    return (
        f"{web}/app/#tgWebAppData={quote(init_data, safe='')}&tgWebAppVersion=8.0"
        f"&tgWebAppPlatform=android&tgWebAppThemeParams={quote(json.dumps(theme), safe='')}"
    )


async def open_today(browser, stack, theme: dict, errors: list[str]):
    page = await telegram_phone(browser, errors)
    await page.goto(launch(stack.web, theme))
    await page.wait_for_selector("#today [data-checkin]", timeout=10_000)
    return page


async def said_has(page, words: str) -> None:
    """Wait until the card's line holds `words` (the CSP allows no string evaluation, so
    Playwright's wait_for_function cannot run here)."""
    await until(lambda: page.locator(".said").filter(has_text=words).count(), 20)


async def pressed(page) -> list[str]:
    return await page.eval_on_selector_all(
        "[data-checkin] [aria-pressed=true]", "bs => bs.map(b => b.value)"
    )


async def test_the_card_takes_the_check_in_and_shows_todays_session_fitted(
    stack, tmp_path: Path
) -> None:
    report: dict = {}
    errors: list[str] = []
    async with chromium() as browser:
        page = await open_today(browser, stack, LIGHT, errors)
        card = page.locator(".today-card")
        assert "How much time do you have today" in await card.inner_text()
        assert await pressed(page) == ["all", "good"], "no answer: the plan as written"
        assert "6 lifts" in await card.locator("h2").inner_text()
        assert await page.is_hidden(".areas")
        await check_page(page, "check-in light", report)
        await shoot(page, tmp_path, "checkin-light")

        # ½ time, then tired: each tap is chosen at once, ticks, and the card is fitted in place.
        await page.evaluate("window.__marker = 1")  # gone if the page were loaded again
        await page.get_by_role("button", name="About ½").click()
        assert "half" in await pressed(page)
        assert SELECTION in await events(page, "web_app_trigger_haptic_feedback")
        await said_has(page, "is updated")
        await page.get_by_role("button", name="Tired").click()
        await said_has(page, "lighter")
        said = await page.inner_text(".said")
        assert said.startswith("Today: ") and " of 6 lifts" in said, said
        assert said.endswith("Hevy's “Upper” is updated."), said
        assert await pressed(page) == ["half", "tired"]
        assert await page.evaluate("window.__marker") == 1, "no page reload"
        assert SUCCESS in await events(page, "web_app_trigger_haptic_feedback")
        lifts = await page.locator("ol.session li").count()
        assert 0 < lifts < 6
        assert f"{lifts} lift" in await card.locator("h2").inner_text()
        session = await page.inner_text("ol.session")
        assert "Bench Press (Barbell)" in session and "Triceps Pushdown" not in session
        await check_page(page, "check-in answered light", report)
        await shoot(page, tmp_path, "checkin-answered-light")

        # Something hurts: where, first (nothing is sent until then).
        puts = stack.hevy.state.requests_to("/v1/routines", "PUT")
        await page.get_by_role("button", name="Something hurts").click()
        await page.wait_for_selector(".areas:not([hidden])")
        assert "Tap where it hurts." in await page.inner_text(".said")
        assert stack.hevy.state.requests_to("/v1/routines", "PUT") == puts
        await check_page(page, "check-in where light", report)
        await page.get_by_role("button", name="Shoulder").click()
        await said_has(page, "Today: ")
        assert await pressed(page) == ["half", "hurts", "shoulder"]
        await page.close()

        # Opened again, in the dark theme: the answer given today is shown as chosen.
        page = await open_today(browser, stack, DARK, errors)
        assert await pressed(page) == ["half", "hurts", "shoulder"]
        assert await page.is_visible(".areas")
        assert (await page.inner_text(".said")).startswith("Today: ")
        await check_page(page, "check-in dark", report)
        await shoot(page, tmp_path, "checkin")

        # Back to the plan as written: all of it, good.
        await page.get_by_role("button", name="All of it").click()
        await said_has(page, "Today: ")
        await page.get_by_role("button", name="Good").click()
        await said_has(page, "as planned")
        assert "6 lifts" in await page.locator(".today-card h2").inner_text()
        assert await page.is_hidden(".areas")
    assert not errors, errors
    print(report)
