"""The Mini App in a real browser (Debian's Chromium driven by Playwright) against the real
process. A synced lifter opens it with signed launch data and walks every page: the numbers
shown match the raw Hevy JSON, the chart is drawn, a plan approved in the page lands in the
Hevy fake once, a setting saved shows in the chat's /settings, and a /web link opens the same
pages in a desktop browser once. Forged and stale launch data show the "open from Telegram"
page. Screenshots at 390×844 go to the test's folder (and to $SPOTTER_SCREENSHOTS when set)."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest

from core.units import LB_PER_KG
from tests.e2e.conftest import TOKEN, link_snapshot
from tests.fakes.telegram import sign_init_data

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
USER = 7272
DARK = {"bg_color": "#17212b", "text_color": "#f5f5f5", "hint_color": "#708499",
        "button_color": "#5288c1", "secondary_bg_color": "#232e3c"}  # fmt: skip

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)"
)


def launch_url(web: str, init_data: str) -> str:
    return (
        f"{web}/app/#tgWebAppData={quote(init_data, safe='')}&tgWebAppVersion=8.0"
        f"&tgWebAppPlatform=android&tgWebAppThemeParams={quote(json.dumps(DARK), safe='')}"
    )


async def shoot(page, folder: Path, name: str) -> Path:
    path = folder / f"miniapp-{name}.png"
    await page.screenshot(path=str(path))  # the phone screen, as the lifter sees it first
    if target := os.environ.get("SPOTTER_SCREENSHOTS"):
        shutil.copy(path, Path(target) / path.name)
    return path


async def linked(stack, snapshot_dir: Path):
    return await link_snapshot(stack, snapshot_dir, USER)


async def phone(browser) -> tuple:
    """A 390×844 page at 2× and the list its console and script errors go to."""
    context = await browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2
    )
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, errors


async def linked_with_a_plan(stack, snapshot_dir: Path) -> None:
    tg = stack.telegram
    await linked(stack, snapshot_dir)
    tg.send_text(USER, "/plan")
    preview = await tg.wait_for(lambda c: "plan:approve:" in str(c.params.get("reply_markup")), 30)
    approve = preview.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    tg.press(USER, preview, approve)
    await tg.wait_for(
        lambda c: "routines are in your Spotter folder" in c.params.get("text", ""), 60
    )


async def test_a_lifter_sees_their_week_and_a_forged_launch_sees_the_door(
    stack, snapshot_dir, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright

    await linked_with_a_plan(stack, snapshot_dir)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page, errors = await phone(browser)
            context = page.context
            started = time.perf_counter()
            await page.goto(launch_url(stack.web, sign_init_data(TOKEN, USER, int(time.time()))))
            await page.wait_for_selector("#today", timeout=10_000)
            shown_in = time.perf_counter() - started
            text = await page.inner_text("#today")
            assert "169 workouts logged" in text
            # A plan begun today with nothing left this week says when it starts, not "0/0".
            assert re.search(r"\b0/[1-7]\s+sessions done|Your plan starts \w+day\.", text), text
            assert re.search(r"\w+ · .+ · \d+ lifts · ~\d+ min", text), "the Today card"
            assert "Sets per muscle so far" in text
            bars = await page.eval_on_selector_all(
                ".fill", "els => els.map(e => getComputedStyle(e).getPropertyValue('--w'))"
            )
            if "No sets logged this week yet" in text:  # away for months: a sentence, no zeros
                assert not bars
            else:
                assert bars and all(b.strip().endswith("%") for b in bars), "widths set under CSP"
            background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert background == "rgb(23, 33, 43)", "Telegram's dark theme applied"
            assert not errors, errors  # no CSP violation, no script error
            await shoot(page, tmp_path, "today")
            print(f"\nMini App today page shown in {shown_in * 1000:.0f} ms")

            forged = sign_init_data(TOKEN, USER, int(time.time())).replace("hash=", "hash=0")
            door = await context.new_page()
            await door.goto(launch_url(stack.web, forged))
            await door.wait_for_selector("#outside:not([hidden])", timeout=10_000)
            assert "Open Spotter from Telegram" in await door.inner_text("body")
            assert await door.is_hidden("#page") and await door.is_hidden("#tabs")
            await shoot(door, tmp_path, "open-from-telegram")
        finally:
            await browser.close()


def raw_workouts(snapshot_dir: Path) -> list[dict]:
    return json.loads((snapshot_dir / "workouts.json").read_text())


def heaviest_set(workouts: list[dict], template_id: str) -> tuple[float, int]:
    """The heaviest working set of one exercise, the first time it was lifted, from Hevy's JSON."""
    sets = [
        (s["weight_kg"], w["start_time"], s["reps"])
        for w in workouts
        for e in w["exercises"]
        if e["exercise_template_id"] == template_id
        for s in e["sets"]
        if s["type"] != "warmup" and s["weight_kg"] and s["reps"]
    ]
    top = max(kg for kg, _, _ in sets)
    _, _, reps = min(s for s in sets if s[0] == top)
    return top, reps


async def test_a_lifter_walks_every_page_and_acts_from_it(
    stack, snapshot_dir, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright

    account = await linked(stack, snapshot_dir)
    raw = raw_workouts(snapshot_dir)
    newest = max(raw, key=lambda w: w["start_time"])
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page, errors = await phone(browser)
            context = page.context
            await page.goto(launch_url(stack.web, sign_init_data(TOKEN, USER, int(time.time()))))
            await page.wait_for_selector("#today", timeout=10_000)
            assert "No plan yet" in await page.inner_text("#today")

            # Plan: ask for 4 × 60 min, read the preview, approve (a second, concurrent
            # approval, as a double tap or a retry would send, must not double a routine).
            await page.click("#tabs a[data-go=plan]")
            await page.wait_for_selector("#plan form[data-action=plan]")
            await page.select_option("select[name=days_per_week]", "4")
            await page.select_option("select[name=session_minutes]", "60")
            await page.click("#plan form button[type=submit]")
            approve = await page.wait_for_selector("button[data-action=approve]", timeout=30_000)
            preview = await page.inner_text("#plan")
            assert "proposal, not in Hevy yet" in preview
            assert len(re.findall(r"~\d+ min", preview)) == 4, preview
            await shoot(page, tmp_path, "plan-preview")
            plan_id = await approve.get_attribute("data-plan")
            second = page.evaluate(
                "id => window.spotterApi('/app/api/approve', {method: 'POST', headers: "
                "{'Content-Type': 'application/json'}, body: JSON.stringify({plan: id})})"
                ".then(r => r.status)",
                plan_id,
            )
            await approve.click()
            assert await second == 200
            await page.wait_for_selector("#notice:not([hidden])", timeout=60_000)
            assert "4 routines are in your Spotter folder" in await page.inner_text("#notice")
            (folder,) = [f for f in account.folders if f["title"] == "Spotter"]
            ours = [r for r in account.routines.values() if r["folder_id"] == folder["id"]]
            assert len(ours) == 4, [r["title"] for r in ours]
            assert len({r["title"] for r in ours}) == 4
            shown = await page.inner_text("#plan")
            assert "in Hevy" in shown and "sessions this week" in shown
            await shoot(page, tmp_path, "plan")

            # Today, with the plan.
            await page.click("#tabs a[data-go=today]")
            await page.wait_for_selector("#today .session")
            # Judged on the plan's days from today on: it began today, nothing before was due.
            week = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
            days = re.findall(r"· (Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b", shown)
            assert len(days) == 4, shown
            due = sum(week.index(d) + 1 >= datetime.now(UTC).isoweekday() for d in days)
            today_text = await page.inner_text("#today")
            if due:
                assert re.search(rf"\b0/{due}\s+sessions done", today_text), today_text
            else:  # nothing of it left this week: the card says when it starts
                assert "Your plan starts Monday." in today_text, today_text
            await shoot(page, tmp_path, "today")

            # History: the count and the newest workout as in Hevy; one workout in full, and
            # Telegram's back button returns to the list.
            await page.click("#tabs a[data-go=history]")
            await page.wait_for_selector("#history .row")
            text = await page.inner_text("#history")
            assert f"{len(raw)} workouts logged" in text
            first = await page.inner_text("#history .row >> nth=0")
            assert newest["title"] in first
            assert len(await page.query_selector_all("#history .row")) == 20
            await shoot(page, tmp_path, "history")
            await page.click("#history .row >> nth=0")
            await page.wait_for_selector("#workout")
            detail = await page.inner_text("#workout")
            for exercise in newest["exercises"]:
                assert exercise["title"] in detail
            await shoot(page, tmp_path, "workout")
            await page.evaluate("window.Telegram.WebView.receiveEvent('back_button_pressed')")
            await page.wait_for_selector("#history .row")

            # Progress: the heaviest set matches the raw JSON, the chart is drawn, a tap shows
            # the sets behind a point.
            await page.click("#tabs a[data-go=progress]")
            await page.wait_for_selector(".chart[data-drawn] canvas", timeout=10_000)
            top = await page.eval_on_selector("select[name=exercise]", "s => s.value")
            kg, reps = heaviest_set(raw, top)
            summary = await page.inner_text("#progress .cards")
            # The snapshot lifter logs in lb, and the setup keeps the units the log shows.
            assert f"{round(kg * LB_PER_KG, 2):g} lb × {reps}" in summary, summary
            box = await page.query_selector(".chart .u-over")
            bounds = await box.bounding_box()
            await page.mouse.click(
                bounds["x"] + bounds["width"] * 0.8, bounds["y"] + bounds["height"] / 2
            )
            assert "e1RM" in await page.inner_text("#readout")
            # Away since May: one sentence instead of eight weeks of zeros per muscle.
            assert "Nothing logged in the last 8 weeks" in await page.inner_text("#progress")
            assert not await page.query_selector_all(".volume .muscle .col")
            await shoot(page, tmp_path, "progress")

            # Profile: a setting saved here is what /settings shows in the chat.
            await page.click("#tabs a[data-go=profile]")
            await page.wait_for_selector("#profile form")
            await page.check("input[name=units][value=lb]")
            await page.fill("input[name=timezone]", "Europe/Berlin")
            await page.fill("input[name=reminder]", "07:30")
            await shoot(page, tmp_path, "profile")
            await page.click("#profile form[data-action=profile] button[type=submit]")
            await page.wait_for_selector("#notice:not([hidden])")
            assert "Saved." in await page.inner_text("#notice")
            stack.telegram.send_text(USER, "/settings")
            settings = await stack.telegram.wait_for(
                lambda c: c.method == "sendMessage" and "Your settings" in c.params.get("text", "")
            )
            assert "units lb · time zone Europe/Berlin" in settings.params["text"]
            assert "reminder on training days: 07:30" in settings.params["text"]
            assert not errors, errors

            # Stale launch data shows the door.
            stale = sign_init_data(TOKEN, USER, int(time.time()) - 2 * 86400)
            door = await context.new_page()
            await door.goto(launch_url(stack.web, stale))
            await door.wait_for_selector("#outside:not([hidden])", timeout=10_000)
        finally:
            await browser.close()


async def test_a_web_link_opens_the_pages_in_a_desktop_browser_once(
    stack, snapshot_dir, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright

    await linked(stack, snapshot_dir)
    stack.telegram.send_text(USER, "/web")
    reply = await stack.telegram.wait_for(lambda c: "/app/#login=" in c.params.get("text", ""))
    url = re.search(r"http://\S+", reply.params["text"]).group(0)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            desktop = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await desktop.new_page()
            await page.goto(url)
            await page.wait_for_selector("#today", timeout=10_000)
            assert "#login" not in page.url, "the one-time token leaves the address bar"
            await page.click("#tabs a[data-go=history]")
            await page.wait_for_selector("#history .row")
            await shoot(page, tmp_path, "web-desktop")
            again = await (await browser.new_context()).new_page()
            await again.goto(url)
            await again.wait_for_selector("#outside:not([hidden])", timeout=10_000)
        finally:
            await browser.close()
