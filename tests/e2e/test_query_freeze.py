"""One lifter's costliest query never freezes the bot: the real process, 32 others asking the
coach at the same time, and `/healthz` timed throughout."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.fakes.claude import Reply, text, tool_use

HOSTILE = 7000
OTHERS = range(7001, 7033)  # with the hostile lifter, one more than the query cache holds

_STRINGS = (  # hostile SQL, on purpose
    "WITH RECURSIVE r(s, n) AS (SELECT 'a', 0 UNION ALL SELECT s || s, n + 1 FROM r "
    "WHERE n < {d}), "
    "x(a, b, c) AS (SELECT s, substr(s, 1, {c}) || 'b', "
    "replace(substr(s, 1, {c}), 'a', 'é') || 'a' FROM r WHERE n = {d}), "
    "k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 100000) "
)
# What took 15 s inside one SQLite call before values were capped and trim(X, Y) made linear.
HUGE_TRIM = _STRINGS.format(d=17, c=65_535) + "SELECT length(trim(a, c)) FROM x"  # noqa: S608
# The costliest that fits under the caps: as many full-size searches per row as the SQL allows.
# Each call names the row (`|| i`), so SQLite cannot compute it once for all rows.
_CALLS = " + ".join(["instr(a || a, b || i)"] * 150)
WORST_ALLOWED = _STRINGS.format(d=13, c=4_000) + f"SELECT count(*) FROM x, k WHERE {_CALLS} > 0"  # noqa: S608


def script(request: dict) -> Reply:
    """The hostile lifter's coach tries the huge trim, then the worst allowed query, then says
    what the tool answered; everyone else's counts their workouts."""
    last = request["messages"][-1]
    blocks = (
        [{"type": "text", "text": last["content"]}]
        if isinstance(last["content"], str)
        else last["content"]
    )
    result = next((b for b in blocks if b["type"] == "tool_result"), None)
    if result is None:
        said = blocks[-1]["text"]
        sql = HUGE_TRIM if said == "grind" else "SELECT count(*) FROM workouts"
        return Reply([tool_use("query_training_log", {"sql": sql})])
    asked = request["messages"][-2]["content"][-1]["input"]["sql"]
    if asked == HUGE_TRIM:
        return Reply([tool_use("query_training_log", {"sql": WORST_ALLOWED})])
    content = result["content"]
    said = content if isinstance(content, str) else content[0]["text"]
    return Reply([text(f"Tool said: {said[:160]}")])


@pytest.fixture
def claude_script():
    return script


async def test_one_lifters_worst_query_delays_no_one_else_and_never_the_health_check(
    stack,
) -> None:
    tg = stack.telegram
    everyone = [HOSTILE, *OTHERS]
    for uid in everyone:  # admitted first, so what is measured is the coach's turn alone
        tg.send_text(uid, "/help")
    await tg.wait_for(lambda c: len(tg.sent("sendMessage")) >= len(everyone), 30)

    health: list[float] = []
    done = asyncio.Event()

    async def watch_health() -> None:
        while not done.is_set():
            started = time.monotonic()
            assert (await stack.get("/healthz", timeout=30)).status_code == 200
            health.append(time.monotonic() - started)
            await asyncio.sleep(0.05)

    watcher = asyncio.create_task(watch_health())
    tg.send_text(HOSTILE, "grind")
    await asyncio.sleep(0.3)  # its first query is running when the others ask
    asked_at = {}
    for uid in OTHERS:  # one after another, as lifters do, at about Telegram's send rate
        asked_at[uid] = time.monotonic()
        tg.send_text(uid, f"how many workouts, {uid}?")
        await asyncio.sleep(0.035)

    def answers() -> dict[int, float]:
        return {
            c.params["chat_id"]: c.at
            for c in tg.sent("sendMessage")
            if c.params.get("text", "").startswith("Tool said")
        }

    await tg.wait_for(lambda c: set(everyone) <= set(answers()), 60)
    done.set()
    await watcher
    answered = answers()
    waits = sorted(answered[uid] - asked_at[uid] for uid in OTHERS)
    print(
        f"\n32 lifters beside a hostile query: answered in {waits[0]:.2f}–{waits[-1]:.2f} s; "
        f"/healthz {len(health)} times, slowest {max(health):.3f} s"
    )
    assert stack.process.returncode is None, stack.log.read_text()[-2000:]
    assert waits[-1] < 2.0, f"the slowest other lifter waited {waits[-1]:.1f} s"
    assert max(health) < 0.5, f"/healthz took {max(health):.2f} s"
    told = next(
        c.params["text"] for c in tg.sent("sendMessage", HOSTILE) if "Tool said" in c.params["text"]
    )
    assert "was stopped" in told, told
