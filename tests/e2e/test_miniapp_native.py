"""The Mini App as Telegram hosts it, in Debian's Chromium against the real process, with a
stubbed Telegram WebView bridge (`window.TelegramWebviewProxy`, as Telegram's Android and iOS
clients inject it) that records every method the page calls. In a light and a dark Telegram
theme, every page: every interactive element is at least 44 × 44 px, every number reads at
4.5:1 or better (computed from the rendered colours), the MainButton carries Build, Approve and
Save with its progress state, haptics mark success and failure, closing asks first while a form
holds unsaved changes, and a theme switch while open restyles the page. The door and the loading
page show no tab bar. Through /web (no Telegram) at 1,280 px the page's own buttons do the same
work and the tabs keep to the page's column.

Screenshots go to the test's folder, and to $SPOTTER_SCREENSHOTS when set under the names
docs/miniapp uses, so `SPOTTER_SCREENSHOTS=docs/miniapp .venv/bin/pytest
tests/e2e/test_miniapp_native.py` remakes them."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.e2e.conftest import TOKEN
from tests.e2e.test_miniapp_browser import CHROMIUM, FLAGS, USER, linked
from tests.fakes.telegram import sign_init_data

# Telegram's own palettes: iOS's day theme (its grey hint is 3.3:1 on white) and the dark one.
LIGHT = {"bg_color": "#ffffff", "text_color": "#000000", "hint_color": "#8e8e93",
         "link_color": "#007aff", "button_color": "#007aff", "button_text_color": "#ffffff",
         "secondary_bg_color": "#efeff4", "destructive_text_color": "#ff3b30"}  # fmt: skip
DARK = {"bg_color": "#17212b", "text_color": "#f5f5f5", "hint_color": "#708499",
        "link_color": "#6ab3f3", "button_color": "#5288c1", "button_text_color": "#ffffff",
        "secondary_bg_color": "#232e3c", "destructive_text_color": "#ec3942"}  # fmt: skip
# A custom theme switched to while the app is open: a dark button text on a yellow button.
SOLAR = {"bg_color": "#fdf6e3", "text_color": "#262626", "hint_color": "#93a1a1",
         "link_color": "#268bd2", "button_color": "#f0c400", "button_text_color": "#262626",
         "secondary_bg_color": "#eee8d5"}  # fmt: skip
SUCCESS = {"type": "notification", "notification_type": "success"}
ERROR = {"type": "notification", "notification_type": "error"}
MIN_TARGET = 44
MIN_CONTRAST = 4.5

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)"
)

# Records what the page tells Telegram, as Telegram's Android client would receive it.
BRIDGE = """
window.__tg = [];
window.TelegramWebviewProxy = {
  postEvent: function (type, data) { window.__tg.push([type, JSON.parse(data || "{}")]); }
};
"""

# Every element a finger can hit, with its size (a check box's or radio's target is its row).
TARGETS = """() => {
  const out = [];
  const all = document.querySelectorAll(
    "a[href], button, select, input, textarea, summary, [data-go], [data-range], [tabindex]");
  for (const el of all) {
    const box = el.matches("input[type=checkbox], input[type=radio]") ? el.closest("label") : el;
    const r = box.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(el).visibility === "hidden") continue;
    out.push({what: (el.outerHTML || "").slice(0, 90), w: r.width, h: r.height});
  }
  return out;
}"""

# Every rendered piece of text holding a digit, with its contrast against what lies behind it
# (the backgrounds of its ancestors composited from the page down, alpha included).
NUMBERS = """() => {
  const parse = c => {
    const p = c.match(/[\\d.]+/g).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3]));
  const lum = c => {
    const l = c.map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
  };
  const ratio = (a, b) => {
    const x = lum(a), y = lum(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  };
  const behind = el => {
    const chain = [];
    for (let e = el; e; e = e.parentElement) chain.unshift(e);
    let colour = [255, 255, 255];
    for (const e of chain) colour = over(parse(getComputedStyle(e).backgroundColor), colour);
    return colour;
  };
  const out = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!/\\d/.test(node.textContent) || seen.has(el) || el.closest("script, option")) continue;
    seen.add(el);
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(el).visibility === "hidden") continue;
    const bg = behind(el);
    out.push({text: node.textContent.trim().slice(0, 40), tag: el.className || el.tagName,
              ratio: ratio(over(parse(getComputedStyle(el).color), bg), bg)});
  }
  const fields = "select, input:not([type=checkbox]):not([type=radio])";
  for (const el of document.querySelectorAll(fields)) {
    const r = el.getBoundingClientRect();
    const shown = el.tagName === "SELECT" ? (el.selectedOptions[0] || {}).text || "" : el.value;
    if (!r.width || !/\\d/.test(shown)) continue;
    const bg = behind(el);
    out.push({text: shown, tag: el.tagName, ratio: ratio(parse(getComputedStyle(el).color), bg)});
  }
  return out;
}"""


def launch_url(web: str, theme: dict, auth_date: int | None = None, forged: bool = False) -> str:
    init_data = sign_init_data(TOKEN, USER, auth_date or int(time.time()))
    if forged:
        init_data = init_data.replace("hash=", "hash=0")
    return (
        f"{web}/app/#tgWebAppData={quote(init_data, safe='')}&tgWebAppVersion=8.0"
        f"&tgWebAppPlatform=ios&tgWebAppThemeParams={quote(json.dumps(theme), safe='')}"
    )


async def shoot(page, folder: Path, name: str) -> None:
    path = folder / f"{name}.png"
    await page.screenshot(path=str(path))
    if target := os.environ.get("SPOTTER_SCREENSHOTS"):
        shutil.copy(path, Path(target) / path.name)


async def telegram_phone(browser, errors: list[str]):
    context = await browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2
    )
    await context.add_init_script(BRIDGE)
    page = await context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page


async def events(page, kind: str) -> list[dict]:
    """What the page has posted to Telegram under `kind`, oldest first."""
    sent = await page.evaluate("window.__tg")
    return [data for name, data in sent if name == kind]


async def last(page, kind: str) -> dict | None:
    """The latest `kind` the page posted to Telegram."""
    sent = await events(page, kind)
    return sent[-1] if sent else None


async def style(page, selector: str, prop: str) -> str:
    return await page.eval_on_selector(selector, f"e => getComputedStyle(e).{prop}")


async def main_button(page) -> dict:
    states = await events(page, "web_app_setup_main_button")
    return states[-1] if states else {"is_visible": False}


async def until(check, timeout: float = 30.0):
    """Poll an async check until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        if value := await check():
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.1)


async def receive(page, kind: str, data: dict | None = None) -> None:
    """Telegram sends the page an event, as its clients do."""
    await page.evaluate(
        "([k, d]) => window.Telegram.WebView.receiveEvent(k, d)", [kind, data or {}]
    )


async def check_page(page, where: str, report: dict) -> None:
    """Every target ≥ 44 × 44 px and every number ≥ 4.5:1 on the page as shown."""
    targets = await page.evaluate(TARGETS)
    small = [t for t in targets if t["w"] < MIN_TARGET - 0.5 or t["h"] < MIN_TARGET - 0.5]
    assert not small, f"{where}: targets under 44 px: {small}"
    numbers = await page.evaluate(NUMBERS)
    faint = [n for n in numbers if n["ratio"] < MIN_CONTRAST]
    assert not faint, f"{where}: numbers under 4.5:1: {faint}"
    assert numbers or where.startswith("door"), f"{where}: no numbers found to check"
    report[where] = (
        min((min(t["w"], t["h"]) for t in targets), default=0),
        min((n["ratio"] for n in numbers), default=0),
        len(targets),
        len(numbers),
    )


async def test_in_telegram_the_main_button_haptics_and_theme_work_and_every_page_passes(
    stack, snapshot_dir, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright

    await linked(stack, snapshot_dir)
    report: dict = {}
    errors: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            # Loading: the session is held back; the page says so and shows no tab bar.
            page = await telegram_phone(browser, errors)
            held, release = asyncio.Event(), asyncio.Event()

            async def hold(route):
                held.set()
                await release.wait()
                await route.continue_()

            await page.route("**/app/api/session", hold)
            await page.goto(launch_url(stack.web, LIGHT))
            await asyncio.wait_for(held.wait(), 10)
            assert "Loading your training" in await page.inner_text("#page")
            assert await page.is_hidden("#tabs"), "no tab bar while loading"
            assert (
                await page.eval_on_selector("#tabs", "t => t.getBoundingClientRect().height") == 0
            )
            await shoot(page, tmp_path, "loading")
            release.set()
            await page.wait_for_selector("#today", timeout=10_000)
            assert await page.is_visible("#tabs")
            sent = [name for name, _ in await page.evaluate("window.__tg")]
            for asked in ("web_app_ready", "web_app_expand", "web_app_request_theme",
                          "web_app_request_viewport", "web_app_request_safe_area"):  # fmt: skip
                assert asked in sent, sent
            assert (await events(page, "web_app_set_background_color"))[-1] == {"color": "#ffffff"}
            assert not (await main_button(page))["is_visible"], "the Week page has no action"

            # Safe areas and the viewport from Telegram become the layout's insets.
            await receive(
                page, "safe_area_changed", {"top": 0, "bottom": 34, "left": 0, "right": 0}
            )
            await receive(page, "content_safe_area_changed", {"top": 46, "bottom": 0})
            await receive(page, "viewport_changed", {"height": 700, "is_state_stable": True})
            assert await style(page, "body", "paddingTop") == "46px"
            assert await style(page, "#tabs", "paddingBottom") == "34px"
            assert await style(page, "body", "minHeight") == "700px"
            await receive(page, "safe_area_changed", {"top": 0, "bottom": 0, "left": 0, "right": 0})
            await receive(page, "content_safe_area_changed", {"top": 0, "bottom": 0})
            await check_page(page, "today light", report)
            await shoot(page, tmp_path, "today-light")

            # Plan with none yet: the MainButton builds it; the page's own button stands down.
            await page.click("#tabs a[data-go=plan]")
            await page.wait_for_selector("#plan form[data-action=plan]")
            assert await page.is_hidden("#plan form button[type=submit]")
            shown = await main_button(page)
            assert shown["is_visible"] and shown["is_active"] and shown["text"] == "Build the plan"
            assert "text_color" not in shown, "Telegram paints it in the theme's colours"
            await check_page(page, "plan form light", report)
            await page.select_option("select[name=days_per_week]", "4")
            await page.select_option("select[name=session_minutes]", "60")
            closing = await events(page, "web_app_setup_closing_behavior")
            assert closing[-1] == {"need_confirmation": True}, "a changed form asks before closing"
            await receive(page, "main_button_pressed")
            await page.wait_for_selector(
                "button[data-action=approve]", state="attached", timeout=30_000
            )
            states = await events(page, "web_app_setup_main_button")
            assert any(s["is_progress_visible"] and not s["is_active"] for s in states), states
            assert await page.is_hidden("button[data-action=approve]")
            assert await page.is_visible("button[data-action=discard]"), "Discard stays on the page"
            shown = await main_button(page)
            assert shown["is_visible"] and shown["text"] == "Approve: write to Hevy", shown
            assert await last(page, "web_app_setup_closing_behavior") == {
                "need_confirmation": False
            }
            assert await last(page, "web_app_trigger_haptic_feedback") == SUCCESS
            await check_page(page, "plan preview light", report)
            await shoot(page, tmp_path, "plan-preview-light")

            # Approve from the MainButton: written once, the button goes (nothing left to do).
            await receive(page, "main_button_pressed")
            await page.wait_for_function(
                "() => document.getElementById('notice').textContent.includes('routines are in')",
                timeout=60_000,
            )
            assert not (await main_button(page))["is_visible"]
            assert await last(page, "web_app_trigger_haptic_feedback") == SUCCESS
            await page.click(".chip >> nth=1")  # week 2
            await page.wait_for_selector(".chip.on >> text=W2")
            assert await last(page, "web_app_trigger_haptic_feedback") == {
                "type": "selection_change"
            }
            await check_page(page, "plan light", report)
            await shoot(page, tmp_path, "plan-light")

            # Profile: Save appears on the MainButton once something changed; a failure buzzes
            # as an error and leaves the form as it was, a retry saves.
            await page.click("#tabs a[data-go=profile]")
            await page.wait_for_selector("#profile form")
            await check_page(page, "profile light", report)
            await shoot(page, tmp_path, "profile-light")
            await page.check("input[name=units]:not(:checked)")
            shown = await main_button(page)
            assert shown["is_visible"] and shown["text"] == "Save", shown
            assert await last(page, "web_app_setup_closing_behavior") == {"need_confirmation": True}
            await page.route("**/app/api/profile", lambda route: route.abort())
            await receive(page, "main_button_pressed")
            await page.wait_for_selector("#profile .error:not([hidden])")
            assert await last(page, "web_app_trigger_haptic_feedback") == ERROR
            shown = await main_button(page)
            assert shown["is_visible"] and shown["is_active"] and not shown["is_progress_visible"]
            await page.unroute("**/app/api/profile")
            errors[:] = [e for e in errors if "ERR_FAILED" not in e]  # the cut we made
            await receive(page, "main_button_pressed")
            await page.wait_for_selector("#notice:not([hidden])")
            assert "Saved." in await page.inner_text("#notice")
            assert await last(page, "web_app_setup_closing_behavior") == {
                "need_confirmation": False
            }
            assert not (await main_button(page))["is_visible"]

            # History and one workout (Telegram's back button shows on it).
            await page.click("#tabs a[data-go=history]")
            await page.wait_for_selector("#history .row")
            await check_page(page, "history light", report)
            await shoot(page, tmp_path, "history-light")
            await page.click("#history .row >> nth=0")
            await page.wait_for_selector("#workout")
            assert (await events(page, "web_app_setup_back_button"))[-1] == {"is_visible": True}
            await check_page(page, "workout light", report)
            await shoot(page, tmp_path, "workout-light")
            await receive(page, "back_button_pressed")
            await page.wait_for_selector("#history .row")

            # Progress; then Telegram switches theme while it is open: the page, its cards, the
            # chart and the buttons take the new colours, and the numbers still read.
            await page.click("#tabs a[data-go=progress]")
            await page.wait_for_selector(".chart[data-drawn] canvas", timeout=10_000)
            await page.click("[data-range='0']")
            await check_page(page, "progress light", report)
            await shoot(page, tmp_path, "progress-light")
            await page.evaluate("document.querySelector('.chart').dataset.drawn = 'old'")
            await receive(page, "theme_changed", {"theme_params": SOLAR})
            assert await style(page, "body", "backgroundColor") == "rgb(253, 246, 227)"
            # The range tap may still be redrawing the cards: read one that is in the page.
            await page.wait_for_function(
                "() => { const c = document.querySelector('.card');"
                " return c && getComputedStyle(c).backgroundColor === 'rgb(238, 232, 213)'; }",
                timeout=5_000,
            )
            await page.wait_for_selector(".chart[data-drawn]:not([data-drawn=old]) canvas")
            assert (await events(page, "web_app_set_background_color"))[-1] == {"color": "#fdf6e3"}
            await check_page(page, "progress after a theme change", report)
            await page.click("#tabs a[data-go=plan]")
            await page.wait_for_selector("#plan form")
            colour = await page.eval_on_selector("button.primary", "b => getComputedStyle(b).color")
            assert colour == "rgb(38, 38, 38)", "button text in the theme's button_text_color"
            assert not errors, errors

            # The same pages in Telegram's dark theme.
            page = await telegram_phone(browser, errors)
            await page.goto(launch_url(stack.web, DARK))
            await page.wait_for_selector("#today", timeout=10_000)
            background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert background == "rgb(23, 33, 43)"
            await check_page(page, "today dark", report)
            await shoot(page, tmp_path, "today")
            for tab, ready, name in [
                ("history", "#history .row", "history"),
                ("progress", ".chart[data-drawn] canvas", "progress"),
                ("plan", "#plan .session", "plan"),
                ("profile", "#profile form", "profile"),
            ]:
                await page.click(f"#tabs a[data-go={tab}]")
                await page.wait_for_selector(ready, timeout=10_000)
                await check_page(page, f"{name} dark", report)
                await shoot(page, tmp_path, name)
                if tab == "history":
                    await page.click("#history .row >> nth=0")
                    await page.wait_for_selector("#workout")
                    await check_page(page, "workout dark", report)
                    await shoot(page, tmp_path, "workout")
                    await receive(page, "back_button_pressed")
                    await page.wait_for_selector("#history .row")
            await page.click("#tabs a[data-go=plan]")
            await page.wait_for_selector("#plan form")
            await page.select_option("select[name=days_per_week]", "3")
            assert (await main_button(page))["text"] == "Build the plan"
            await receive(page, "main_button_pressed")
            await page.wait_for_selector(
                "button[data-action=approve]", state="attached", timeout=30_000
            )
            await check_page(page, "plan preview dark", report)
            await shoot(page, tmp_path, "plan-preview")
            assert not errors, errors

            # The door (forged launch data), in both themes: no tab bar.
            for theme, name in ((DARK, "open-from-telegram"), (LIGHT, "open-from-telegram-light")):
                door = await telegram_phone(browser, errors)
                await door.goto(launch_url(stack.web, theme, forged=True))
                await door.wait_for_selector("#outside:not([hidden])", timeout=10_000)
                assert await door.is_hidden("#tabs") and await door.is_hidden("#page")
                await check_page(door, f"door {name}", report)
                await shoot(door, tmp_path, name)
        finally:
            await browser.close()
    print("\npage: smallest target px, lowest number contrast, targets, numbers")
    for where, (side, ratio, targets, numbers) in report.items():
        print(f"{where:32} {side:5.1f} px  {ratio:5.2f}:1  {targets:3}  {numbers:3}")


async def test_through_web_the_page_buttons_work_and_the_tabs_keep_to_the_column(
    stack, snapshot_dir, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright

    await linked(stack, snapshot_dir)
    stack.telegram.send_text(USER, "/web")
    reply = await stack.telegram.wait_for(lambda c: "/app/#login=" in c.params.get("text", ""))
    url = re.search(r"http://\S+", reply.params["text"]).group(0)
    report: dict = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            desktop = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await desktop.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            await page.goto(url)
            await page.wait_for_selector("#today", timeout=10_000)
            column = await page.eval_on_selector("main", "m => m.getBoundingClientRect().toJSON()")
            tabs = await page.eval_on_selector_all(
                "#tabs a", "as => as.map(a => a.getBoundingClientRect().toJSON())"
            )
            assert (
                tabs[0]["left"] >= column["left"] - 1 and tabs[-1]["right"] <= column["right"] + 1
            )
            spread = (
                tabs[-1]["left"] + tabs[-1]["width"] / 2 - tabs[0]["left"] - tabs[0]["width"] / 2
            )
            assert spread < 600, f"tab labels {spread:.0f} px apart on a 1,280 px window"
            middle = (tabs[0]["left"] + tabs[-1]["right"]) / 2
            assert abs(middle - 640) < 2, "the tabs are centred"
            await check_page(page, "today desktop", report)
            await shoot(page, tmp_path, "web-desktop")

            # No Telegram: the page's own Build and Approve buttons do the work.
            await page.click("#tabs a[data-go=plan]")
            await page.wait_for_selector("#plan form")
            build = page.locator("#plan form button[type=submit]")
            assert await build.is_visible()
            await page.select_option("select[name=days_per_week]", "3")
            await build.click()
            approve = await page.wait_for_selector("button[data-action=approve]", timeout=30_000)
            assert await approve.is_visible()
            cards = await page.eval_on_selector_all(
                ".cards .card", "cs => cs.map(c => c.getBoundingClientRect().top)"
            )
            assert len(set(cards)) <= 1, "the cards stay side by side"
            await check_page(page, "plan preview desktop", report)
            await shoot(page, tmp_path, "web-desktop-plan")
            await approve.click()
            await page.wait_for_function(
                "() => document.getElementById('notice').textContent.includes('routines are in')",
                timeout=60_000,
            )

            await page.click("#tabs a[data-go=profile]")
            await page.wait_for_selector("#profile form")
            save = page.locator("#profile form[data-action=profile] button[type=submit]")
            assert await save.is_visible()
            await save.click()
            await page.wait_for_selector("#notice:not([hidden])")
            assert "Saved." in await page.inner_text("#notice")
            assert not errors, errors
        finally:
            await browser.close()
