"""The plan preview as a phone shows it (issue 25, item 8): the real snapshot lifter's 4 × 75
plan, each day one screen (≤ 25 lines at 38 characters, HTML stripped), one line an exercise,
the why behind ❓, what matters for safety still in view, and one rest per exercise wherever the
plan is shown (chat, /today, Mini App, Hevy)."""

from __future__ import annotations

import html
import json
import re
import textwrap
from dataclasses import asdict
from pathlib import Path

import pytest

from bot.telegram.handlers.proposal import preview_messages
from bot.telegram.reports import day_html, today_html
from core.engine.catalogue import builtin_catalogue
from core.engine.generator import generate_plan
from core.engine.lifter import LifterHistory
from core.engine.loads import LoadingProfile
from core.engine.plan import TrainingPlan
from core.engine.plan_text import outline_day, prescription
from core.hevy.models import HevyWorkout
from core.models import Preferences, Units
from core.services.plan_writer import routine_for
from core.services.plans import Proposal

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "hevy" / "fixtures"
CATALOGUE = builtin_catalogue()
GYM = ["barbell", "dumbbell", "machine", "other", "kettlebell", "plate"]
PHONE = 38  # characters on a line of a phone's chat bubble
SCREEN = 25  # lines of one phone screen


def phone_lines(message: str, width: int = PHONE) -> list[str]:
    """`message` as a phone wraps it: tags stripped, entities read, words kept whole."""
    text = html.unescape(re.sub(r"<[^>]+>", "", message))
    return [part for line in text.splitlines() for part in textwrap.wrap(line, width) or [""]]


@pytest.fixture(scope="module")
def history() -> LifterHistory:
    if not (FIXTURES / "workouts.json").exists():
        pytest.skip(f"the real lifter's snapshot is not at {FIXTURES}")
    data = json.loads((FIXTURES / "workouts.json").read_text())
    workouts = data if isinstance(data, list) else data["workouts"]
    rows = [r for w in workouts for r in HevyWorkout.model_validate(w).to_domain().set_rows()]
    return LifterHistory.from_rows(rows)


def plan_of(history: LifterHistory, units: Units, **prefs) -> TrainingPlan:
    preferences = Preferences(equipment=GYM, **{"days_per_week": 4, "session_minutes": 75, **prefs})
    return generate_plan(preferences, CATALOGUE, LoadingProfile.for_units(units), history)


CASES = [
    ("strength", Units.KG, []),
    ("hypertrophy", Units.LB, []),
    ("general", Units.KG, ["knee", "lower back"]),
]


@pytest.mark.parametrize(("goal", "units", "injuries"), CASES)
def test_every_day_of_a_4x75_preview_fits_one_phone_screen(history, goal, units, injuries) -> None:
    plan = plan_of(history, units, goal=goal, injuries=injuries)
    messages = preview_messages(Proposal(None, plan, "", []), CATALOGUE, units)
    days = plan.weeks[0].days
    assert len(messages) == len(days) + 2, "what shaped it, a message a day, the overview"
    for day, message in zip(days, messages[1:-1], strict=True):
        lines = message.splitlines()
        screen = phone_lines(message)
        assert len(screen) <= SCREEN, "\n".join(screen)
        exercise_lines = [line for line in lines if re.match(r"\d+[a-h]?\. <b>", line)]
        assert len(exercise_lines) == len(day.exercises), "one line an exercise"
        for ex in day.exercises:
            if ex.notes:
                assert html.escape(ex.notes, quote=False) not in message, "the why is behind ❓"
        assert max(map(len, lines)) <= 140
    overview = phone_lines(messages[-1])
    assert len(overview) <= 8 and "Weekly hard sets" in messages[-1], overview


def test_a_day_keeps_in_view_a_pick_a_break_and_an_injury_once(history) -> None:
    plan = plan_of(history, Units.KG, goal="general", injuries=["knee", "lower back"])
    messages = preview_messages(Proposal(None, plan, "", []), CATALOGUE, Units.KG)
    text = "\n".join(messages[1:-1])
    assert "load: your pick" in text, "a bodyweight lift the lifter loads themselves"
    for message in messages[1:-1]:
        marked = message.count("↩")
        assert marked == 0 or message.count("back after a break") == 1, message
        assert marked == 0 or marked >= 2, "the lift is marked and the day says why, once"
        for labels, caution in re.findall(
            r"🩹 ([\d, a-h]+): ((?:Knee|Lower back): [^<]+)", message
        ):
            assert message.count(caution) == 1, "a caution said once a day, not per lift"
            for label in labels.split(", "):
                (line,) = [x for x in message.splitlines() if x.startswith(f"{label}. ")]
                assert "🩹" in line, "the caution names the lifts it is for"
    assert re.search(r"🩹 [\d, a-h]+: Knee:", text) and "Lower back: " in text


def test_the_why_behind_a_days_question_mark_reads_each_exercises_reason(history) -> None:
    plan = plan_of(history, Units.KG, goal="strength")
    day = plan.weeks[0].days[0]
    opened = day_html(outline_day(day, CATALOGUE, Units.KG), why=True)
    for ex in day.exercises:
        assert f"<i>{html.escape(ex.notes, quote=False)}</i>" in opened
    lines = opened.splitlines()
    title = CATALOGUE[day.exercises[0].template_id].title
    assert title in lines[1] and lines[2] == f"<i>{html.escape(day.exercises[0].notes)}</i>"


def test_today_reads_as_a_preview_day(history) -> None:
    plan = plan_of(history, Units.LB, goal="hypertrophy")
    day = plan.weeks[0].days[1]
    today = today_html(day, CATALOGUE, Units.LB)
    preview = day_html(outline_day(day, CATALOGUE, Units.LB))
    assert today.startswith(f"<b>Next session: {day.name}</b>")
    assert today.splitlines()[1:] == preview.splitlines()[1:]
    assert "    " not in today, "no space indents"


@pytest.mark.parametrize(("goal", "units", "injuries"), CASES)
def test_one_rest_per_exercise_in_the_chat_the_mini_app_and_hevy(
    history, goal, units, injuries
) -> None:
    plan = plan_of(history, units, goal=goal, injuries=injuries)
    for week in plan.weeks:
        for day in week.days:
            lines = outline_day(day, CATALOGUE, units).lines
            routine = routine_for(day, "Week 1", None, CATALOGUE, units)
            for ex, line, hevy in zip(day.exercises, lines, routine.exercises, strict=True):
                rest = f"{ex.rest_seconds // 60}:{ex.rest_seconds % 60:02d}"
                shown = re.findall(r"\d+:\d\d", line.detail)
                if "straight to" in line.detail:
                    assert shown == [], "a superset's first lift goes straight on, no rest"
                else:
                    assert shown == [rest], line
                mini_app = asdict(prescription(ex, CATALOGUE.get(ex.template_id), units))["rest"]
                assert re.findall(r"\d+:\d\d", mini_app) == [rest]
                assert hevy.rest_seconds == ex.rest_seconds
