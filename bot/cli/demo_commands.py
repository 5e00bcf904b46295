"""The demo's commands beyond the engine's reports: the guided setup, /settings, /import,
/export and the plan's Change, all answered by the engine (no Claude key needed), with the same
questions, settings and services the Telegram bot uses."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bot.telegram.handlers.data import imported_text, own_exercise_line
from bot.telegram.handlers.onboarding import QUESTIONS, STEPS, apply_answer, log_units, options
from bot.telegram.handlers.settings import EQUIPMENT, INJURIES, changed, summary
from bot.telegram.plan_edits import apply_edit, parse_edit
from core.models import User, utcnow
from core.ports import Store
from core.services.csv_import import CsvImportError, import_csv
from core.services.export import export_document, export_filename
from core.services.insights import Insights
from core.services.plans import PlanService

DEMO_USER = 1
DEMO_COMMANDS = (
    "/setup", "/plan", "/change", "/today", "/progress", "/week", "/prs", "/settings",
    "/import", "/export", "/help", "/quit",
)  # fmt: skip
DEMO_HELP = """\
In the demo also:
  /setup              the questions a new lifter answers (Enter skips one)
  /settings [k v]     show or change one: days 3, minutes 45, units lb, goal strength,
                      level beginner, equipment barbell dumbbell, injuries knee, tz Europe/Berlin
  /change …           edit the plan: days 3 · minutes 45 · swap bench for dumbbell press
  /import <file.csv>  a Hevy export, as a lifter without Hevy Pro sends it
  /export             all your demo data, as a JSON file here
  /quit               leave"""
CHANGE_HINT = (
    "\n(In Telegram, Approve writes it into Hevy. Change it here with e.g. /change days 3, "
    "/change minutes 45 or /change swap bench for dumbbell press.)"
)


@dataclass
class Demo:
    store: Store
    insights: Insights
    plans: PlanService
    coach: object | None
    read_line: Callable[[], Awaitable[str]]
    say: Callable[[str], None]

    async def user(self) -> User:
        return await self.insights.user(DEMO_USER)

    async def save(self, user: User) -> None:
        await self.store.users.put(user.model_copy(update={"updated_at": utcnow()}))


async def setup(demo: Demo, _: str) -> str:
    """The bot's guided setup as typed answers: a number or a name, Enter to skip."""
    user = await demo.user()
    for step in STEPS:
        choices = options(step, None)
        if step == "units":
            guess = await log_units(demo.store, DEMO_USER)
            if guess:
                choices = tuple(f"{c} (your log)" if c == guess.value else c for c in choices)
        numbered = " ".join(f"({n}) {c}" for n, c in enumerate(choices, 1))
        several = step in ("equipment", "injuries")
        many = " (several: 1 3; Enter keeps what you have)" if several else ""
        demo.say(f"{QUESTIONS[step]}\n  {numbered}{many}")
        answer = (await demo.read_line()).strip()
        words = answer.replace(",", " ").split()
        picked = [
            p.removesuffix(" (your log)") for p in map(_pick, words, [choices] * len(words)) if p
        ]
        if several and picked:  # the answer is the whole list, not toggles
            prefs = user.preferences.model_copy(update={step: list(dict.fromkeys(picked))})
            user = user.model_copy(update={"preferences": prefs})
        elif picked:
            user, _ = apply_answer(user, step, picked[0])
    user = user.model_copy(update={"set_up": True})
    await demo.save(user)
    return summary(user, "All set; /plan builds your plan. Change any of it with /settings.")


async def settings(demo: Demo, rest: str) -> str:
    """`/settings` shows them; `/settings days 3` changes one."""
    user = await demo.user()
    key, _, value = rest.partition(" ")
    value = value.strip()
    if not key:
        return summary(user, "Change one with e.g. /settings days 3 (see /help).")
    try:
        if key in ("equipment", "injuries"):
            allowed = EQUIPMENT if key == "equipment" else INJURIES
            prefs = user.preferences.model_copy(update={key: _listed(value, allowed)})
            user = user.model_copy(update={"preferences": prefs})
        else:
            user = changed(user, key, value)
    except ValueError as exc:
        return f"That isn't a value for {key}: {str(exc).splitlines()[0]}"
    await demo.save(user.model_copy(update={"set_up": True}))
    return summary(user, "Saved.")


async def import_file(demo: Demo, path: str) -> str:
    """A Hevy CSV export from disk, the way a lifter without Hevy Pro sends it to the bot."""
    if not path:
        return "Which file? /import ~/Downloads/workouts.csv (Hevy → Settings → Export data)."
    file = Path(path.replace("~", str(Path.home()), 1) if path.startswith("~") else path)
    try:
        text = await asyncio.to_thread(file.read_text, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return f"I can't read {file}: {exc.__class__.__name__}."
    user = await demo.user()
    try:
        result = await import_csv(demo.store, DEMO_USER, text, user.timezone)
    except CsvImportError as exc:
        return f"Nothing was imported: {exc}."
    lines = [imported_text(result)]
    lines += [f"  new exercise of yours: {own_exercise_line(*made)}" for made in result.created]
    if result.units != user.units.value:
        lines.append(f"Your file is in {result.units}: /settings units {result.units} to match.")
    return "\n".join(lines)


async def export(demo: Demo, _: str) -> str:
    data = await export_document(demo.store, DEMO_USER)
    target = Path.cwd() / export_filename()
    await asyncio.to_thread(target.write_bytes, data)
    return f"Wrote all your demo data to {target} ({len(data) // 1024} kB)."


async def change(demo: Demo, rest: str) -> str:
    """The plan's Change without Claude: days, minutes, or swap one exercise for another."""
    edit = parse_edit(rest)
    if edit is None:
        return "Change what? /change days 3 · /change minutes 45 · /change swap bench for row"
    result = await apply_edit(demo.store, demo.insights, demo.plans, DEMO_USER, edit)
    return result if isinstance(result, str) else result.preview


def _pick(word: str, choices: tuple[str, ...]) -> str | None:
    if word.isdigit() and 1 <= int(word) <= len(choices):
        return choices[int(word) - 1]
    return next((c for c in choices if c.split(" (")[0] == word), None)


def _listed(value: str, allowed: tuple[str, ...]) -> list[str]:
    """The allowed names in `value` ("barbell dumbbell", "knee, lower back"; "none" for none)."""
    chosen = [a for a in allowed if re.search(rf"\b{a}\b", value)]
    left = value
    for a in chosen:
        left = left.replace(a, " ")
    unknown = [w for w in left.replace(",", " ").split() if w != "none"]
    if unknown:
        raise ValueError(f"{', '.join(unknown)} (choose from {', '.join(allowed)})")
    return chosen


DEMO_ONLY: dict[str, Callable[[Demo, str], Awaitable[str]]] = {
    "/setup": setup,
    "/settings": settings,
    "/import": import_file,
    "/export": export,
    "/change": change,
}
