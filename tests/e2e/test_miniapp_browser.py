"""The Mini App in a real browser (Debian's Chromium driven by Playwright) against the real
process: a synced lifter with an approved plan opens it with signed launch data and sees their
week; forged launch data shows the "open from Telegram" page. Screenshots at 390×844 go to the
test's folder (and to $SPOTTER_SCREENSHOTS when set)."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from sandbox.seed import load_snapshot
from tests.e2e.conftest import TOKEN
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
    await page.screenshot(path=str(path), full_page=True)
    if target := os.environ.get("SPOTTER_SCREENSHOTS"):
        shutil.copy(path, Path(target) / path.name)
    return path


async def linked_with_a_plan(stack, snapshot_dir: Path) -> None:
    tg = stack.telegram
    account = stack.hevy.state.add_account("Snapshot Lifter")
    load_snapshot(account, snapshot_dir)
    tg.send_text(USER, "/connect")
    link = await tg.wait_for(lambda c: "/link/" in c.params.get("text", ""))
    path = re.search(r"http://127\.0\.0\.1:\d+(/link/[\w-]+)", link.params["text"]).group(1)
    assert (await stack.post(path, data={"api_key": account.api_key})).status_code == 200
    await tg.wait_for(lambda c: "Synced: 169 workouts" in c.params.get("text", ""), 60)
    tg.send_text(USER, "/plan")
    preview = await tg.wait_for(
        lambda c: c.method == "sendMessage" and bool(c.params.get("reply_markup")), 30
    )
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
            context = await browser.new_context(
                viewport={"width": 390, "height": 844}, device_scale_factor=2
            )
            page = await context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            started = time.perf_counter()
            await page.goto(launch_url(stack.web, sign_init_data(TOKEN, USER, int(time.time()))))
            await page.wait_for_selector("#today", timeout=10_000)
            shown_in = time.perf_counter() - started
            text = await page.inner_text("#today")
            assert "169 workouts logged" in text
            assert re.search(r"\b0/\d+\s+sessions done", text), text
            assert "Next:" in text and "Sets per muscle so far" in text
            bars = await page.eval_on_selector_all(
                ".fill", "els => els.map(e => getComputedStyle(e).getPropertyValue('--w'))"
            )
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
            assert await door.is_hidden("#page")
            await shoot(door, tmp_path, "open-from-telegram")
        finally:
            await browser.close()
