"""Import, export, delete, settings, metrics; and webhook mode with its secret."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from sandbox.server import free_port
from tests.e2e.conftest import TOKEN

USER = 5151
CSV = (
    '"title","start_time","end_time","description","exercise_title","superset_id",'
    '"exercise_notes","set_index","set_type","weight_lbs","reps","distance_miles",'
    '"duration_seconds","rpe"\n'
    '"Push","8 Apr 2026, 16:50","8 Apr 2026, 17:55","","Bench Press (Barbell)","","","0",'
    '"normal","135","8","","",""\n'
    '"Push","8 Apr 2026, 16:50","8 Apr 2026, 17:55","","Spoto Press","","","0",'
    '"normal","115","6","","",""\n'
    '"Push","8 Apr 2026, 16:50","8 Apr 2026, 17:55","","weighted decline pushups","","","0",'
    '"normal","25","10","","",""\n'
)


async def test_import_export_settings_and_delete(stack) -> None:
    tg = stack.telegram
    tg.send_text(USER, "/start")
    setup = await tg.wait_for(lambda c: "Setup 1 of 9" in c.params.get("text", ""))
    tg.send_document(USER, "export.csv", CSV.encode())
    imported = await tg.wait_for(lambda c: c.params.get("text", "").startswith("Imported"), 20)
    assert "1 workouts (3 sets, lb file)" in imported.params["text"]
    assert "set:units:lb" in str(imported.params["reply_markup"]), "an lb file offers lb"
    own = await tg.wait_for(lambda c: "became your own" in c.params.get("text", ""))
    assert "Bench Press" not in own.params["text"], "no Hevy link: the bundled catalogue maps it"
    assert "• Spoto Press → other (no guess)" in own.params["text"]
    assert "• weighted decline pushups → chest (like Decline Push Up)" in own.params["text"]
    (spoto,) = [
        row[0]["callback_data"]
        for row in own.params["reply_markup"]["inline_keyboard"]
        if row[0]["text"] == "Spoto Press"
    ]
    tg.press(USER, own, spoto)
    muscles = await tg.wait_for(lambda c: "which muscle" in c.params.get("text", ""))
    tg.press(USER, muscles, f"{spoto}:chest")
    fixed = await tg.wait_for(
        lambda c: "Spoto Press now counts for chest" in c.params.get("text", "")
    )
    # The list stays, the corrected one updated in place: the others can still be corrected.
    assert "• Spoto Press → chest (your pick)" in fixed.params["text"]
    assert "• weighted decline pushups → chest (like Decline Push Up)" in fixed.params["text"]
    buttons = [row[0]["text"] for row in fixed.params["reply_markup"]["inline_keyboard"]]
    assert "weighted decline pushups" in buttons and "Spoto Press" in buttons

    # Setup before the first plan proposes lb from the file's loads; then the plan, kept in Spotter.
    tg.send_text(USER, "/plan")
    again = await tg.wait_for(lambda c: "Before your first plan" in c.params.get("text", ""))
    assert "Setup 1 of 9" in again.params["text"]
    assert any(
        c.params["chat_id"] == USER and not c.params.get("reply_markup")
        for c in tg.sent("editMessageReplyMarkup")
        if c.at < again.at
    ), "one setup message at a time: the one from /start lost its buttons"
    tg.press(USER, again, "ob:goal:hypertrophy")
    for step in ("level", "days", "minutes", "equipment", "injuries"):
        shown = await tg.wait_for(
            lambda c, s=step: f"ob:{s}:skip" in str(c.params.get("reply_markup"))
        )
        tg.press(USER, shown, f"ob:{step}:skip")
    units = await tg.wait_for(lambda c: "ob:units:skip" in str(c.params.get("reply_markup")))
    labels = [b["text"] for row in units.params["reply_markup"]["inline_keyboard"] for b in row]
    # Selected, not only proposed: a lifter who skips it keeps the log's lb (issue 23).
    assert "• lb (your log)" in labels
    tg.press(USER, units, "ob:units:skip")
    await tg.wait_for(lambda c: "Setup 8 of 9" in c.params.get("text", ""))
    tg.send_text(USER, "Europe/Berlin")  # typed where the setup asks for it
    reminder = await tg.wait_for(lambda c: "ob:reminder:rest" in str(c.params.get("reply_markup")))
    assert reminder.params["text"].startswith("Time zone set to Europe/Berlin.")
    assert "Setup 9 of 9" in reminder.params["text"]
    tg.press(USER, reminder, "ob:reminder:rest")
    await tg.wait_for(lambda c: "All set. Your plan follows." in c.params.get("text", ""))
    preview = await tg.wait_for(lambda c: "plan:approve:" in str(c.params.get("reply_markup")), 30)
    button = preview.params["reply_markup"]["inline_keyboard"][0][0]
    assert button["text"] == "✅ Approve", "nothing can be written to Hevy without a link"
    tg.press(USER, preview, button["callback_data"])
    await tg.wait_for(
        lambda c: "With no Hevy link, the plan lives here" in c.params.get("text", "")
    )
    tg.send_text(USER, "/today")
    today = await tg.wait_for(lambda c: c.params.get("text", "").startswith("<b>Next session:"))
    assert today.params["parse_mode"] == "HTML", "the same lines as a preview's day"
    assert setup

    tg.send_text(USER, "/export")
    export = await tg.wait_for(lambda c: c.method == "sendDocument", 20)
    payload = json.loads(export.files["document"])
    assert payload["workouts"][0]["exercises"][0]["sets"][0]["weight_kg"] == pytest.approx(
        135 / 2.20462
    )
    assert "ciphertext" not in export.files["document"].decode()

    tg.send_text(USER, "/settings")
    menu = await tg.wait_for(
        lambda c: c.method == "sendMessage" and c.params.get("text", "").startswith("Your settings")
    )
    tg.press(USER, menu, "set:units:lb")
    edited = await tg.wait_for(
        lambda c: c.method == "editMessageText" and "units lb" in c.params.get("text", "")
    )
    assert edited

    tg.send_text(USER, "/delete")
    confirm = await tg.wait_for(lambda c: "Delete everything" in c.params.get("text", ""))
    tg.press(USER, confirm, "delete:yes")
    await tg.wait_for(lambda c: "everything is deleted" in c.params.get("text", ""))

    metrics = await stack.get("/metrics")
    assert metrics.status_code == 200
    assert 'spotter_updates_total{kind="document"}' in metrics.text
    assert "spotter_sync_lag_seconds" in metrics.text


@pytest.fixture
def extra_env(tmp_path) -> dict[str, str]:
    return {"SPOTTER_ACCESS": "open", "TELEGRAM_WEBHOOK_SECRET": "s3cret-Value_1"}


async def test_health_and_forged_links(stack) -> None:
    health = await stack.get("/healthz")
    assert health.json() == {
        "ok": True,
        "store": "sqlite",
        "updates": "polling",
        "scheduler": "running",
    }
    forged = await stack.get("/link/not-a-real-token")
    assert forged.status_code == 410 and "no longer valid" in forged.text
    posted = await stack.post("/link/not-a-real-token", data={"api_key": "x"})
    assert posted.status_code == 410


async def test_webhook_mode_accepts_only_telegrams_secret(tmp_path) -> None:
    import asyncio
    import signal

    from sandbox.server import serve_asgi
    from tests.fakes.telegram import FakeTelegram
    from tests.test_cli import SPOTTER, clean_env

    telegram = FakeTelegram()
    async with serve_asgi(telegram.app) as url:
        port = free_port()
        web = f"http://127.0.0.1:{port}"
        process = await asyncio.create_subprocess_exec(
            str(SPOTTER),
            "run",
            "--webhook",
            cwd=tmp_path,
            env=clean_env(
                TELEGRAM_BOT_TOKEN=TOKEN,
                TELEGRAM_BASE_URL=f"{url}/bot",
                WEB_PORT=str(port),
                PUBLIC_URL=web,
                TELEGRAM_WEBHOOK_SECRET="s3cret-Value_1",
                SPOTTER_ACCESS="open",
            ),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            hook = await telegram.wait_for(lambda c: c.method == "setWebhook", 30)
            assert hook.params["url"] == f"{web}/telegram"
            assert hook.params["secret_token"] == "s3cret-Value_1"
            update = {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "text": "/help",
                    "chat": {"id": USER, "type": "private"},
                    "from": {"id": USER, "is_bot": False, "first_name": "W"},
                    "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
                },
            }
            async with httpx.AsyncClient() as client:
                for _ in range(100):
                    try:
                        await client.get(f"{web}/healthz")
                        break
                    except httpx.HTTPError:
                        await asyncio.sleep(0.1)
                wrong = await client.post(
                    f"{web}/telegram",
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": "nope"},
                )
                assert wrong.status_code == 403
                right = await client.post(
                    f"{web}/telegram",
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Value_1"},
                )
                assert right.status_code == 200
            reply = await telegram.wait_for(lambda c: c.method == "sendMessage", 20)
            assert reply.params["chat_id"] == USER and "/progress" in reply.params["text"]
            assert len(telegram.sent("sendMessage")) == 1, "the forged update did nothing"
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 20)
