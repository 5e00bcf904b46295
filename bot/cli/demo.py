"""`spotter demo`: the coach in a terminal, against a local Hevy sandbox with a generated lifter.

No accounts needed: the sandbox serves a year of generated training on loopback, the embedded
store lives in a temporary folder, and the engine answers every command. Free-form questions go
to Claude when ANTHROPIC_API_KEY is set. Lines come from standard input, so piping works too.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bot.cli.demo_commands import (
    CHANGE_HINT,
    DEMO_COMMANDS,
    DEMO_HELP,
    DEMO_ONLY,
    DEMO_USER,
    Demo,
)
from bot.process.runtime import build_coach
from bot.telegram.render import did_you_mean
from bot.telegram.reports import HELP, progress_text, prs_text, today_text, week_text
from core.coach.service import CoachError
from core.crypto import KeyVault, generate_master_key, parse_master_keys
from core.engine.periods import week_start
from core.errors import SpotterError
from core.hevy.client import HevyConnector
from core.hevy.pacing import PacerRegistry
from core.models import Preferences, User, utcnow
from core.services.hevy_accounts import HevyAccounts
from core.services.insights import Insights, UnknownExercise
from core.services.plans import PlanService
from core.services.sync import SyncService
from core.settings import Settings
from sandbox.generator import Lifter
from sandbox.seed import load_generated
from sandbox.server import serve
from sandbox.state import SandboxState
from storage.sqlite import SqliteStore

NO_KEY = (
    "Free-form coaching needs Claude: set ANTHROPIC_API_KEY and run the demo again.\n"
    "Meanwhile the engine answers these:\n"
)

Print = Callable[[str], None]


async def run_demo(settings: Settings, read_line: Callable[[], Awaitable[str]], say: Print) -> int:
    """The demo session: set up, then answer lines until /quit or end of input."""
    # A year of history that runs up to today, so "this week" has sessions in it.
    monday = week_start((utcnow() - timedelta(weeks=52)).date())
    start = datetime.combine(monday, datetime.min.time(), UTC) + timedelta(hours=17)
    state = SandboxState()
    account = state.add_account("Demo Lifter")
    load_generated(account, Lifter(seed=7, weeks=53, start=start), until=utcnow())
    with tempfile.TemporaryDirectory(prefix="spotter-demo-") as folder:
        async with serve(state) as sandbox, httpx.AsyncClient() as http:
            store = await SqliteStore.open(Path(folder) / "spotter.db")
            try:
                return await _session(
                    settings, store, sandbox.base_url, account.api_key, http, read_line, say
                )
            finally:
                await store.close()


async def _session(settings, store, hevy_url, api_key, http, read_line, say) -> int:
    await store.users.put(
        User(
            id=DEMO_USER,
            name="Demo Lifter",
            preferences=Preferences(days_per_week=4, goal="hypertrophy"),
        )
    )
    connector = HevyConnector(hevy_url, http, pacers=PacerRegistry(min_interval=0))
    vault = KeyVault(parse_master_keys(generate_master_key()))
    accounts = HevyAccounts(store, vault, connector)
    info = await accounts.link(DEMO_USER, api_key)
    say(f"Linked the sandbox Hevy account “{info.name}”. Syncing…")

    async def progress(done: int, total: int) -> None:
        if done == total:
            say(f"Synced {done} workouts.")

    await SyncService(store).sync(DEMO_USER, await accounts.client_for(DEMO_USER), progress)
    insights = Insights(store)
    plans = PlanService(store, insights)
    coach = build_coach(settings, store, insights, plans)
    say("Spotter demo. " + HELP.splitlines()[0] + " " + " ".join(DEMO_COMMANDS))
    say("New here? /setup asks what a plan needs to know (Enter skips a question).")
    demo = Demo(store, insights, plans, coach, read_line, say)
    while True:
        line = await read_line()
        if not line:
            break
        line = line.strip()
        if not line:
            continue
        if line in ("/quit", "/exit"):
            break
        try:
            say(await _answer(line, demo))
        except SpotterError as exc:
            say(getattr(exc, "user_message", None) or str(exc))
    say("Bye.")
    return 0


async def _answer(line: str, demo: Demo) -> str:
    insights, plans, coach = demo.insights, demo.plans, demo.coach
    user = await insights.user(DEMO_USER)
    catalogue = await insights.catalogue(DEMO_USER)
    command, _, rest = line.partition(" ")
    if command == "/help":
        return HELP + "\n" + DEMO_HELP
    if command in DEMO_ONLY:
        return await DEMO_ONLY[command](demo, rest.strip())
    if command == "/plan":
        proposal = await plans.propose(DEMO_USER)
        if proposal.refused:
            return f"No plan: {proposal.refused}"
        return proposal.preview + CHANGE_HINT
    if command == "/today":
        found = await plans.next_session(DEMO_USER, utcnow().date())
        if found is None:
            return "No plan yet: send /plan first."
        return today_text(found[1], catalogue, user.units)
    if command == "/progress":
        if not rest.strip():
            return "Which exercise? For example: /progress bench"
        try:
            return progress_text(await insights.progress(DEMO_USER, rest.strip()), user.units)
        except UnknownExercise as exc:
            if exc.choices:
                return "Which one? " + "; ".join(t.title for t in exc.choices)
            return str(exc)
    if command == "/week":
        monday = week_start(utcnow().date())
        rows = await plans.week_volume(DEMO_USER, monday, utcnow())
        return week_text(rows, monday.isoformat())
    if command == "/prs":
        report = await insights.pr_report(DEMO_USER, utcnow() - timedelta(weeks=4))
        return prs_text(report, catalogue, user.units)
    if command.startswith("/"):
        meant = did_you_mean(command, DEMO_COMMANDS)
        return (
            f"Unknown command {command}."
            + (f" Did you mean {meant}?" if meant else "")
            + (" /help lists them.")
        )
    if coach is None:
        return NO_KEY + HELP
    try:
        result = await coach.reply(DEMO_USER, line)
    except CoachError as exc:
        return exc.user_message
    return result.text


async def read_stdin_line() -> str:
    """One line from standard input without blocking the event loop ('' at the end); a prompt
    when a person types (not when input is piped)."""
    if sys.stdin.isatty():
        print("you › ", end="", flush=True)
    return await asyncio.to_thread(sys.stdin.readline)
