"""Plain-text answers to the engine commands (/today, /progress, /week, /prs), in the lifter's
units: what the terminal demo prints and what Telegram messages are made from."""

from __future__ import annotations

from collections.abc import Mapping

from core.engine.loads import format_load
from core.engine.plan import PlanDay
from core.engine.plan_text import describe_exercise
from core.engine.records import RepPR
from core.engine.volume import MuscleVolume
from core.models import ExerciseTemplate, Units
from core.services.insights import Progress, PrReport

_STATUS = {
    "below": "below",
    "on track": "on track",
    "in": "in band",
    "above": "above",
    "no band": "",
}
_WEEKDAY = {
    1: "Monday",
    2: "Tuesday",
    3: "Wednesday",
    4: "Thursday",
    5: "Friday",
    6: "Saturday",
    7: "Sunday",
}


def today_text(day: PlanDay, catalogue: Mapping[str, ExerciseTemplate], units: Units) -> str:
    when = f" ({_WEEKDAY[day.weekday]})" if day.weekday else ""
    lines = [f"Next session: {day.name}{when}"]
    for ex in day.exercises:
        lines.append(f"• {describe_exercise(ex, catalogue.get(ex.template_id), units)}")
    return "\n".join(lines)


def progress_text(progress: Progress, units: Units) -> str:
    lines = [f"{progress.template.title}: best e1RM by month"]
    for period, best in progress.by_period.items():
        lines.append(
            f"  {period}  {format_load(best.estimate.value, units, estimate=True)}"
            f"  ({format_load(best.weight_kg, units)} × {best.reps}"
            f"{f' @ RPE {best.rpe:g}' if best.rpe else ''})"
        )
    if not progress.by_period:
        lines.append("  no sets with a load yet")
    records = progress.records
    if records is not None:
        lines.append(
            f"Heaviest: {format_load(records.heaviest.weight_kg, units)} × {records.heaviest.reps}"
            f" on {records.heaviest.at.date()}"
        )
    if progress.stalled_since:
        lines.append(
            f"No e1RM progress since {progress.stalled_since.date()}: time to change something."
        )
    return "\n".join(lines)


def week_text(rows: list[MuscleVolume], week_label: str) -> str:
    in_progress = any(row.expected is not None for row in rows)
    when = " so far (judged against what's due by now)" if in_progress else ""
    lines = [f"Hard sets per muscle, week of {week_label}{when} (target band):"]
    for row in rows:
        if row.low is None and row.sets == 0:
            continue
        band = f" ({row.low:g}–{row.high:g}) {_STATUS[row.status]}" if row.low is not None else ""
        if row.status == "below" and row.expected is not None:
            band += f", {row.expected:g} due by now"
        lines.append(f"  {row.muscle:<11} {row.sets:>5.1f}{band}")
    return "\n".join(lines)


def prs_text(
    report: PrReport,
    catalogue: Mapping[str, ExerciseTemplate],
    units: Units,
    window: str = "the last 4 weeks",
    limit: int = 10,
) -> str:
    def title(tid: str) -> str:
        return catalogue[tid].title if tid in catalogue else tid

    def load(kg: float) -> str:
        return format_load(kg, units)

    if not report.lifts:
        return "No sets with a load yet: your records appear here once you log some."
    lines = [f"Your main lifts (by sessions in the {report.habit_weeks} weeks to your last):"]
    for pr, sessions in report.lifts:
        heaviest = pr.heaviest
        line = f"• {title(pr.template_id)}: heaviest {load(heaviest.weight_kg)} × {heaviest.reps}"
        line += f" ({heaviest.at.date()})"
        if pr.best_e1rm is not None:
            best = pr.best_e1rm
            line += (
                f"; best e1RM {format_load(best.estimate.value, units, estimate=True)}"
                f" from {load(best.weight_kg)} × {best.reps} ({best.at.date()})"
            )
        lines.append(f"{line}; {sessions} sessions")
    groups: dict[tuple[str, str], list[RepPR]] = {}
    for p in report.rep_prs:
        groups.setdefault((p.at.date().isoformat(), p.template_id), []).append(p)
    if groups:
        lines.append(f"Rep-PRs in {window}:")
        shown = list(groups.items())[-limit:]
        if len(groups) > limit:
            lines.append(f"  … {len(groups) - limit} earlier days not shown")
        for (day, tid), prs in shown:
            beaten = ", ".join(
                f"{load(p.weight_kg)} × {p.reps} (was {load(p.previous_kg)})" for p in prs
            )
            lines.append(f"  {day} {title(tid)}: {beaten}")
    else:
        lines.append(f"No rep-PRs in {window}.")
    if report.new_exercises:
        new = ", ".join(f"{title(t)} ({at.date()})" for t, at in report.new_exercises)
        lines.append(f"New exercises in {window} (a first session is a baseline, not a PR): {new}")
    return "\n".join(lines)


HELP = """\
Commands:
  /plan               a training plan built for you (preview)
  /today              your next session, with loads
  /progress <lift>    e1RM over time, e.g. /progress bench
  /week               this week's sets per muscle against your targets
  /prs                personal records
  /help               this list
Anything else is a question for the coach."""
