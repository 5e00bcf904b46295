"""The Mini App says what is true and keeps its word, in Debian's Chromium against the real
process, with the real snapshot lifter (whose last workout is months ago: away for far more than
eight weeks). A finger's tap on the Progress chart marks the session and names its sets; a range
change never leaves the readout on a session outside the window; the ranges end today. The Today
card names the next session, says when a plan starts instead of "0/0", and since when nothing
was logged instead of rows of zeros. Discard puts back the settings the plan in force was made
under. A time zone nobody has is one sentence under the field, in view, and the field offers the
zones with this device's first. Screenshots at 390 × 844 go to the test's folder."""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e.conftest import TOKEN
from tests.e2e.test_miniapp_browser import CHROMIUM, FLAGS, USER, launch_url, linked
from tests.fakes.telegram import sign_init_data

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)"
)


@asynccontextmanager
async def chromium() -> AsyncIterator:
    """Debian's Chromium, closed however the test ends."""
    from playwright.async_api import async_playwright  # only where Chromium is there to drive

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            await browser.close()


async def open_app(browser, stack, touch: bool = False):
    context = await browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, has_touch=touch,
        is_mobile=touch, timezone_id="Europe/Berlin",
    )  # fmt: skip
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    await page.goto(launch_url(stack.web, sign_init_data(TOKEN, USER, int(time.time()))))
    await page.wait_for_selector("#today", timeout=10_000)
    return page, errors


def last_workout(snapshot_dir: Path) -> datetime:
    raw = json.loads((snapshot_dir / "workouts.json").read_text())
    return max(datetime.fromisoformat(w["start_time"]) for w in raw)


async def test_a_tap_marks_the_session_and_a_range_change_clears_a_point_outside_it(
    stack, snapshot_dir, tmp_path: Path
) -> None:
    await linked(stack, snapshot_dir)
    last = last_workout(snapshot_dir)
    assert (datetime.now(UTC) - last).days > 91, "the snapshot lifter has been away for months"
    async with chromium() as browser:
        page, errors = await open_app(browser, stack, touch=True)
        await page.tap("#tabs a[data-go=progress]")
        await page.wait_for_selector(".chart[data-drawn] canvas", timeout=10_000)
        await page.tap("[data-range='0']")
        over = await page.eval_on_selector(".u-over", "o => o.getBoundingClientRect().toJSON()")
        await page.touchscreen.tap(over["x"] + over["width"] * 0.6, over["y"] + 60)
        await page.wait_for_selector(".chart[data-point]")
        readout = await page.inner_text("#readout")
        assert re.match(r"\w{3} \d+ \w{3} \d{4}: e1RM", readout), readout
        marker = await page.eval_on_selector_all(
            ".u-cursor-pt",
            "ps => ps.filter(p => getComputedStyle(p).display !== 'none')"
            ".map(p => p.getBoundingClientRect().toJSON())",
        )
        inside = [
            m for m in marker
            if over["x"] <= m["x"] + m["width"] / 2 <= over["x"] + over["width"]
            and over["y"] <= m["y"] + m["height"] / 2 <= over["y"] + over["height"]
        ]  # fmt: skip
        assert inside, f"the tapped session is marked on the chart: {marker}"
        await page.screenshot(path=str(tmp_path / "progress-tapped.png"))

        # 3 M counts back from today: the months away are the whole window, and the
        # readout no longer names a session outside it.
        await page.tap("[data-range='91']")
        readout = await page.inner_text("#readout")
        assert readout.startswith("Nothing logged in this range: your last session"), readout
        assert f"{last.day} {last:%b %Y}" in readout, readout
        assert await page.eval_on_selector(".chart", "c => !('point' in c.dataset)")
        await page.screenshot(path=str(tmp_path / "progress-3m.png"))

        # 1 Y holds the last sessions, then the break up to today; a tap there is named.
        await page.tap("[data-range='365']")
        readout = await page.inner_text("#readout")
        assert re.search(r"\d+ sessions? in this range", readout), readout
        await page.touchscreen.tap(over["x"] + 8, over["y"] + 60)
        await page.wait_for_selector(".chart[data-point]")
        assert re.match(r"\w{3} \d+ \w{3} \d{4}: e1RM", await page.inner_text("#readout"))
        await page.screenshot(path=str(tmp_path / "progress-1y.png"))
        assert not errors, errors


async def test_the_today_card_says_what_is_true_before_the_plan_and_after_a_long_break(
    stack, snapshot_dir, tmp_path: Path
) -> None:
    await linked(stack, snapshot_dir)
    last = last_workout(snapshot_dir).astimezone()
    async with chromium() as browser:
        page, errors = await open_app(browser, stack)
        card = await page.inner_text(".today-card")
        assert "No plan yet" in card
        assert re.search(r"Nothing logged since \d+ \w+", card), card
        assert "streak" not in card
        text = await page.inner_text("#today")
        assert "No sets logged this week yet" in text and "0/0" not in text
        assert not await page.query_selector("#today .bars .fill"), "no bars of zeros"
        await page.screenshot(path=str(tmp_path / "today-away.png"))

        await page.click("#tabs a[data-go=progress]")
        await page.wait_for_selector("#progress")
        volume = await page.inner_text("#progress")
        assert "Nothing logged in the last 8 weeks: your last workout was" in volume
        assert f"{last.day} {last:%b %Y}" in volume
        assert not await page.query_selector("#progress .volume .wk.below")

        # A one-day plan (Mondays) approved today: nothing of it falls in the rest of this
        # week unless today is Monday, so the card says when it starts, never "0/0".
        await page.click("#tabs a[data-go=plan]")
        await page.wait_for_selector("#plan form[data-action=plan]")
        await page.select_option("select[name=days_per_week]", "1")
        await page.click("#plan form button[type=submit]")
        approve = await page.wait_for_selector("button[data-action=approve]", timeout=30_000)
        await approve.click()
        await page.wait_for_function(
            "() => document.getElementById('notice').textContent.includes('in your Spotter')",
            timeout=60_000,
        )
        await page.click("#tabs a[data-go=today]")
        await page.wait_for_selector("#today .session")
        card = await page.inner_text(".today-card")
        head = re.match(r"(\w+) · (.+) · (\d+) lifts? · ~(\d+) min", card)
        assert head, card
        lifts = await page.eval_on_selector_all("#today .session li", "ls => ls.length")
        assert int(head.group(3)) == lifts
        monday = datetime.now().isoweekday() == 1
        if monday:
            assert head.group(1) == "Today" and "0/1 sessions done" in card, card
        else:
            assert head.group(1) == "Mon", card
            assert "Your plan starts Monday." in card and "0/0" not in card, card
        assert re.search(r"Nothing logged since \d+ \w+", card), card
        await page.screenshot(path=str(tmp_path / "today-before-plan.png"))
        assert not errors, errors


async def test_discard_puts_back_the_settings_the_plan_in_force_was_made_under(
    stack, snapshot_dir, tmp_path: Path
) -> None:
    await linked(stack, snapshot_dir)
    async with chromium() as browser:
        page, errors = await open_app(browser, stack)
        await page.click("#tabs a[data-go=plan]")
        await page.wait_for_selector("#plan form[data-action=plan]")
        await page.select_option("select[name=days_per_week]", "4")
        await page.select_option("select[name=session_minutes]", "60")
        await page.click("#plan form button[type=submit]")
        approve = await page.wait_for_selector("button[data-action=approve]", timeout=30_000)
        await approve.click()
        await page.wait_for_function(
            "() => document.getElementById('notice').textContent.includes('4 routines')",
            timeout=60_000,
        )
        hint = await page.inner_text("#plan form .hint:last-of-type")
        assert "Discard puts your settings back" in hint, hint

        # Ask for 3 × 45, look, and discard: the form, the profile and the chat's
        # /settings are back at the approved plan's 4 × 60.
        await page.select_option("select[name=days_per_week]", "3")
        await page.select_option("select[name=session_minutes]", "45")
        await page.click("#plan form button[type=submit]")
        discard = await page.wait_for_selector("button[data-action=discard]", timeout=30_000)
        assert len(re.findall(r"~\d+ min", await page.inner_text("#plan"))) == 3
        await discard.click()
        await page.wait_for_function(
            "() => document.getElementById('notice').textContent.includes('discarded')"
        )
        assert "settings are back" in await page.inner_text("#notice")
        assert await page.input_value("select[name=days_per_week]") == "4"
        assert await page.input_value("select[name=session_minutes]") == "60"
        assert "in Hevy" in await page.inner_text("#plan > .hint")
        await page.screenshot(path=str(tmp_path / "plan-discarded.png"))
        await page.click("#tabs a[data-go=profile]")
        await page.wait_for_selector("#profile form")
        assert await page.input_value("#profile select[name=days_per_week]") == "4"
        assert await page.input_value("#profile select[name=session_minutes]") == "60"
        stack.telegram.send_text(USER, "/settings")
        said = await stack.telegram.wait_for(
            lambda c: (
                c.params.get("chat_id") == USER and "4 days a week" in c.params.get("text", "")
            )
        )
        assert "60 min sessions" in said.params["text"], said.params["text"]
        assert not errors, errors


async def test_a_time_zone_nobody_has_is_one_sentence_under_the_field_in_view(
    stack, snapshot_dir, tmp_path: Path
) -> None:
    await linked(stack, snapshot_dir)
    async with chromium() as browser:
        page, errors = await open_app(browser, stack)
        await page.click("#tabs a[data-go=profile]")
        await page.wait_for_selector("#profile form")
        zones = await page.eval_on_selector_all("#zones option", "os => os.map(o => o.value)")
        assert zones[0] == "Europe/Berlin", "this device's zone comes first"
        assert "America/New_York" in zones and "Asia/Kolkata" in zones and len(zones) > 300
        assert await page.get_attribute("input[name=timezone]", "list") == "zones"

        await page.fill("input[name=timezone]", "Mars/Olympus_Mons")
        await page.click("#profile form[data-action=profile] button[type=submit]")
        note = await page.wait_for_selector("#error-timezone", timeout=10_000)
        said = await note.inner_text()
        assert said == (
            "“Mars/Olympus_Mons” is not a time zone I know: pick one from the list, like "
            "Europe/Berlin."
        ), said
        assert "Value error" not in said and "timezone:" not in said
        field = await page.eval_on_selector(
            "input[name=timezone]", "i => i.closest('.field').getBoundingClientRect().toJSON()"
        )
        box = await note.bounding_box()
        assert 0 <= box["y"] - (field["y"] + field["height"]) < 24, "right under the field"
        assert box["y"] >= 0 and box["y"] + box["height"] <= 844, "in view"
        assert await page.get_attribute("input[name=timezone]", "aria-invalid") == "true"
        assert await page.is_hidden("#profile form[data-action=profile] > .error:not(.field-error)")
        await page.screenshot(path=str(tmp_path / "profile-zone-error.png"))

        # Picking a real zone clears the note and saves.
        await page.fill("input[name=timezone]", "America/New_York")
        assert not await page.query_selector("#error-timezone")
        await page.click("#profile form[data-action=profile] button[type=submit]")
        await page.wait_for_selector("#notice:not([hidden])")
        assert "Saved." in await page.inner_text("#notice")
        assert await page.input_value("input[name=timezone]") == "America/New_York"
        errors = [e for e in errors if "status of 400" not in e]  # the refusal we caused
        assert not errors, errors
