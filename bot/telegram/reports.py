"""Plain-text answers to the engine commands (/today, /progress, /week, /prs), in the lifter's
units: what the terminal demo prints and what Telegram messages are made from."""

from __future__ import annotations

from collections.abc import Mapping

from bot.telegram.render import escape
from core.engine.loads import format_load
from core.engine.plan import PlanDay
from core.engine.plan_text import DayOutline, outline_day
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


def day_html(day: DayOutline, heading: str = "", why: bool = False) -> str:
    """A training day for a phone (HTML): a header, one line per exercise, what is said once
    for the day; with `why`, each exercise's reasons under it."""
    rpe = f" · RPE {day.rpe:g}" if day.rpe is not None else ""
    when = f" · {day.weekday}" if day.weekday else ""
    lines = [f"<b>{escape(heading + day.name)}</b>{when} · ~{day.minutes} min{rpe}"]
    for line in day.lines:
        marks = f" {line.marks}" if line.marks else ""
        lines.append(f"{line.label}. <b>{escape(line.title)}</b>{marks} {escape(line.detail)}")
        if why and line.why:
            lines.append(f"<i>{escape(line.why)}</i>")
    lines += [f"<i>{escape(note)}</i>" for note in day.notes]
    return "\n".join(lines)


def today_text(day: PlanDay, catalogue: Mapping[str, ExerciseTemplate], units: Units) -> str:
    """The next session in the terminal demo: the chat's lines, without the HTML."""
    outline = outline_day(day, catalogue, units)
    rpe = f" · RPE {outline.rpe:g}" if outline.rpe is not None else ""
    when = f" ({_WEEKDAY[day.weekday]})" if day.weekday else ""
    lines = [f"Next session: {day.name}{when} · ~{outline.minutes} min{rpe}"]
    for line in outline.lines:
        marks = f" {line.marks}" if line.marks else ""
        lines.append(f"{line.label}. {line.title}{marks} {line.detail}")
    return "\n".join(lines + outline.notes)


def today_html(day: PlanDay, catalogue: Mapping[str, ExerciseTemplate], units: Units) -> str:
    """/today in the chat: the session in the same lines as a plan preview's day."""
    return day_html(outline_day(day, catalogue, units), heading="Next session: ")


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


def week_text(rows: list[MuscleVolume], week_label: str, last_logged: str = "") -> str:
    """Hard sets per muscle against each band, one muscle a line with no column alignment (a
    photo's caption is set in a proportional font). A week with nothing logged says so, and
    since when (`last_logged`, "9 Apr"), instead of calling a row of zeros "on track"."""
    if not any(row.sets for row in rows):
        since = f" Nothing logged since {last_logged}." if last_logged else ""
        return f"No hard sets logged in the week of {week_label} yet.{since}"
    in_progress = any(row.expected is not None for row in rows)
    when = " so far, against what's due by now" if in_progress else ""
    lines = [f"Hard sets per muscle, week of {week_label}{when}:"]
    for row in rows:
        if row.low is None and row.sets == 0:
            continue
        line = f"• {row.muscle} {row.sets:g}"
        if row.low is not None:
            line += f" of {row.low:g}–{row.high:g} · {_STATUS[row.status]}"
            if row.status == "below" and row.expected is not None:
                line += f", {row.expected:g} due by now"
        lines.append(line)
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
