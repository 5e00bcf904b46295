"""The web app's faults from the second red-team pass (issue 22), through the real `spotter run`
process: limits that one client behind a proxy cannot spend for everyone, a login page that
survives Telegram's 429, an admin who never sent /start, per-lifter limits on Mini App actions,
uvicorn's lines in the JSON log, and a bounded stop."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import time

import httpx
import pytest

from tests.e2e.conftest import TOKEN
from tests.fakes.telegram import sign_init_data

ADMIN = 5151
LIFTER = 5252


@pytest.fixture
def extra_env() -> dict[str, str]:
    return {"SPOTTER_ACCESS": "open", "SPOTTER_ADMINS": str(ADMIN)}


def log_entries(stack) -> list[dict]:
    """Every line of the process's log, parsed: a line that is not JSON fails the test."""
    return [json.loads(line) for line in stack.log.read_text().splitlines() if line.strip()]


async def login_path(stack, user_id: int) -> str:
    tg = stack.telegram
    tg.send_text(user_id, "/connect")
    link = await tg.wait_for(
        lambda c: c.params.get("chat_id") == user_id and "/link/" in c.params.get("text", "")
    )
    return re.search(r"(/link/[\w-]+)", link.params["text"]).group(1)


async def test_uvicorns_own_lines_are_json_lines_in_the_log(stack) -> None:
    host, port = stack.web.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"\x16\x03\x01 not http at all\r\n\r\n")  # a TLS hello on plain http, say
    await writer.drain()
    await reader.read()
    writer.close()
    await asyncio.sleep(0.3)
    entries = log_entries(stack)
    assert any(e["logger"].startswith("uvicorn") for e in entries), "uvicorn said something"


async def test_a_stop_with_a_slow_request_and_an_idle_connection_ends_within_bounds(stack) -> None:
    path = await login_path(stack, LIFTER)
    stack.hevy.state.faults.latency = 60.0  # Hevy hangs while the key is being checked
    host, port = stack.web.removeprefix("http://").split(":")
    idle_reader, idle_writer = await asyncio.open_connection(host, int(port))
    idle_writer.write(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    await idle_writer.drain()
    assert b"200 OK" in await idle_reader.read(100)  # now an idle keep-alive connection
    async with httpx.AsyncClient(timeout=30) as client:
        posting = asyncio.create_task(
            client.post(stack.web + path, data={"api_key": "0b5c3d2e-1f4a-4b6c-9d8e-7f6a5b4c3d2e"})
        )
        await asyncio.sleep(1.0)
        started = time.monotonic()
        stack.process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(stack.process.wait(), 15)
        took = time.monotonic() - started
        answer = await posting
    idle_writer.close()
    assert took < 9, f"the stop took {took:.1f} s"
    assert answer.status_code == 503 and "restarting" in answer.text
    entries = log_entries(stack)
    assert not any("Traceback" in json.dumps(e) for e in entries)
    assert any(e["msg"] == "request cut short by shutdown" for e in entries)


async def session_request(stack, user_id: int, forwarded_for: str | None = None, **sign):
    init_data = sign_init_data(TOKEN, user_id, int(time.time()), **sign)
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return await stack.post("/app/api/session", json={"init_data": init_data}, headers=headers)


async def junk_sessions(stack, n: int, forwarded_for: str | None = None) -> list[int]:
    """`n` session requests whose launch data is forged; their status codes."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    forged = sign_init_data(TOKEN, 1, int(time.time())).replace("hash=", "hash=0")
    async with httpx.AsyncClient() as client:
        return [
            (
                await client.post(
                    stack.web + "/app/api/session", json={"init_data": forged}, headers=headers
                )
            ).status_code
            for _ in range(n)
        ]


async def started(stack, user_id: int) -> None:
    stack.telegram.send_text(user_id, "/start")
    await stack.telegram.wait_for(lambda c: c.params.get("chat_id") == user_id)


async def test_junk_session_requests_from_a_shared_address_do_not_lock_a_lifter_out(stack) -> None:
    await started(stack, LIFTER)
    codes = await junk_sessions(stack, 40)  # every client behind one proxy address
    assert set(codes[:30]) == {401} and set(codes[30:]) == {429}, "junk is still bounded"
    answer = await session_request(stack, LIFTER)
    assert answer.status_code == 200, answer.text
    mine = [(await session_request(stack, LIFTER)).status_code for _ in range(30)]
    assert mine.count(429) == 1, "a lifter's own session requests have their own bound"


async def test_junk_link_requests_do_not_lock_a_lifter_out_of_their_own_link(stack) -> None:
    path = await login_path(stack, LIFTER)
    async with httpx.AsyncClient() as client:
        codes = [
            (await client.get(f"{stack.web}/link/junk-token-{n}")).status_code for n in range(25)
        ]
        assert set(codes[:20]) == {410} and set(codes[20:]) == {429}, "junk is still bounded"
        own = await client.get(stack.web + path)
        assert own.status_code == 200 and "Hevy API key" in own.text
        again = [(await client.get(stack.web + path)).status_code for _ in range(20)]
    assert again.count(429) == 1, "one link's page has its own bound"


async def test_forwarded_for_from_the_trusted_local_proxy_names_the_client(stack) -> None:
    assert set((await junk_sessions(stack, 31, "203.0.113.7"))[30:]) == {429}
    assert await junk_sessions(stack, 1, "203.0.113.8") == [401], "another client behind it"


class TestUntrustedProxy:
    """With `FORWARDED_ALLOW_IPS` (in `.env`, as operators set it) naming another proxy, a
    header from here changes nothing."""

    @pytest.fixture
    def extra_env(self, tmp_path) -> dict[str, str]:
        (tmp_path / ".env").write_text("FORWARDED_ALLOW_IPS=10.9.8.7\n")
        return {"SPOTTER_ACCESS": "open"}

    @staticmethod
    async def test_a_forged_forwarded_for_does_not_escape_the_limit(stack) -> None:
        assert set((await junk_sessions(stack, 31, "203.0.113.7"))[30:]) == {429}
        assert await junk_sessions(stack, 1, "203.0.113.8") == [429]


async def test_a_telegram_429_after_the_key_is_stored_still_links_and_syncs(stack) -> None:
    tg = stack.telegram
    account = stack.hevy.state.add_account("Rate Limited Lifter")
    path = await login_path(stack, LIFTER)
    tg.fail(429, "sendMessage", chat_id=LIFTER, times=4, retry_after=1)  # past PTB's retries
    page = await stack.post(path, data={"api_key": account.api_key})
    assert page.status_code == 200 and "Linked as Rate Limited Lifter" in page.text
    await tg.wait_for(lambda c: "Synced: 0 workouts" in c.params.get("text", ""), 30)
    assert (await stack.get(path)).status_code == 410, "the link is used up, as it should be"


async def test_an_admin_who_never_sent_start_is_sent_to_the_chat_not_given_500s(stack) -> None:
    refused = await session_request(stack, ADMIN)
    assert refused.status_code == 401 and "/start" in refused.json()["error"]
    await started(stack, ADMIN)
    opened = await session_request(stack, ADMIN)
    assert opened.status_code == 200
    bearer = {"Authorization": f"Bearer {opened.json()['token']}"}
    assert (await stack.get("/app/page/today", headers=bearer)).status_code == 200


async def test_mini_app_actions_spend_the_chats_per_lifter_budget(stack) -> None:
    await started(stack, LIFTER)  # one update of the minute's 30
    bearer = {"Authorization": f"Bearer {(await session_request(stack, LIFTER)).json()['token']}"}
    async with httpx.AsyncClient() as client:
        answers = [
            await client.post(stack.web + "/app/api/link", headers=bearer, json={})
            for _ in range(40)
        ]
    codes = [a.status_code for a in answers]
    assert codes.count(200) == 29 and set(codes[29:]) == {429}
    assert answers[-1].json() == {"error": "That's a lot at once; give me a minute, then carry on."}
    stack.telegram.send_text(LIFTER, "/help")
    await stack.telegram.wait_for(lambda c: "a lot at once" in c.params.get("text", ""))


async def test_a_loop_of_page_renders_is_cut_off_for_that_lifter_only(stack) -> None:
    other = LIFTER + 1
    for uid in (LIFTER, other):
        await started(stack, uid)
    bearers = {
        uid: {"Authorization": f"Bearer {(await session_request(stack, uid)).json()['token']}"}
        for uid in (LIFTER, other)
    }
    async with httpx.AsyncClient() as client:
        codes = [
            (await client.get(stack.web + path, headers=bearers[LIFTER])).status_code
            for path in ["/app/page/today", "/app/api/progress?exercise=x"] * 63
        ]
        theirs = await client.get(stack.web + "/app/page/today", headers=bearers[other])
    assert codes.count(200) == 120 and set(codes[120:]) == {429}, codes[115:]
    assert theirs.status_code == 200
