"""Plain-text answers to the engine commands (/today, /progress, /week, /prs), in the lifter's
units: what the terminal demo prints and what Telegram messages are made from."""

from __future__ import annotations

from collections.abc import Mapping

from core.engine.loads import format_load
from core.engine.plan import PlanDay
from core.engine.plan_text import describe_exercise
from core.engine.records import PersonalRecords, RepPR
from core.engine.volume import MuscleVolume
from core.models import ExerciseTemplate, Units
from core.services.insights import Progress

_STATUS = {"below": "below", "in": "in band", "above": "above", "no band": ""}
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
        title = catalogue[ex.template_id].title if ex.template_id in catalogue else ex.template_id
        lines.append(f"• {describe_exercise(ex, title, units)}")
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
    lines = [f"Hard sets per muscle, week of {week_label} (target band):"]
    for row in rows:
        if row.low is None and row.sets == 0:
            continue
        band = f" ({row.low:g}–{row.high:g}) {_STATUS[row.status]}" if row.low is not None else ""
        lines.append(f"  {row.muscle:<11} {row.sets:>5.1f}{band}")
    return "\n".join(lines)


def prs_text(
    records: Mapping[str, PersonalRecords],
    recent: list[RepPR],
    catalogue: Mapping[str, ExerciseTemplate],
    units: Units,
    limit: int = 10,
) -> str:
    def title(tid: str) -> str:
        return catalogue[tid].title if tid in catalogue else tid

    ranked = sorted(
        (r for r in records.values() if r.best_e1rm is not None),
        key=lambda r: -r.best_e1rm.estimate.value,
    )[:limit]
    lines = ["Best e1RM per exercise:"]
    for r in ranked:
        lines.append(
            f"  {title(r.template_id)}: e1RM "
            f"{format_load(r.best_e1rm.estimate.value, units, estimate=True)}"
            f" (heaviest {format_load(r.heaviest.weight_kg, units)} × {r.heaviest.reps},"
            f" {r.heaviest.at.date()})"
        )
    if recent:
        lines.append("Rep-PRs in the last 4 weeks:")
        for p in recent[-limit:]:
            before = f", was {format_load(p.previous_kg, units)}" if p.previous_kg else ""
            lines.append(
                f"  {p.at.date()} {title(p.template_id)}: {format_load(p.weight_kg, units)}"
                f" × {p.reps}{before}"
            )
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
