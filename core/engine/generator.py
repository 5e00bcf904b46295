"""The offline plan generator: preferences and the lifter's log in, a plan the validator passes out.

A split gives each day its slots (a movement in a role, in order of importance: `splits`). Each
slot takes the lifter's own staple for that movement, else a Hevy built-in, else anything in
their catalogue that does the movement; an injury removes a movement or swaps it for one that
keeps the slot's intent (`injuries`). The allocator fills the sessions' minutes with the sets
the week needs most (`allocation`). Loads come from rep-matched recent working sets
(`lifter`). Any schedule gets a plan: what it cannot serve is said in `compromises`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.engine.allocation import TIME_TOLERANCE, DayDraft, Item, allocate, week_sets
from core.engine.injuries import (
    CAUTION,
    REPLACEMENT,
    avoided,
    fits_equipment,
    injury_conflict,
    normalize_injury,
)
from core.engine.lifter import REP_MATCH, LifterHistory, WorkingLoad
from core.engine.loads import LoadingProfile, round_load
from core.engine.movements import COMPOUND, Pattern, pattern_of
from core.engine.plan import PlanDay, PlannedExercise, PlanWeek, TrainingPlan
from core.engine.progression import (
    DoubleProgression,
    LinearProgression,
    Prescription,
    RpeTopSet,
    deload_week,
)
from core.engine.splits import (
    DAYS,
    SPLIT_NAMES,
    WEEKDAYS,
    Role,
    Slot,
    Split,
    week_days,
)
from core.engine.validator import errors, validate
from core.engine.volume import BAND_GROUP, BANDS
from core.errors import SpotterError
from core.models import ExerciseTemplate, Preferences

__all__ = ["PlanInfeasible", "Split", "generate_plan"]


class PlanInfeasible(SpotterError):
    """The engine built a plan its own validator rejects (a bug, never a schedule)."""


_REPS: dict[tuple[str, Role], tuple[int, int]] = {
    ("strength", "heavy"): (3, 5),
    ("strength", "moderate"): (5, 8),
    ("strength", "light"): (8, 12),
    ("hypertrophy", "heavy"): (6, 10),
    ("hypertrophy", "moderate"): (8, 12),
    ("hypertrophy", "light"): (10, 15),
    ("general", "heavy"): (5, 8),
    ("general", "moderate"): (8, 12),
    ("general", "light"): (10, 15),
}
_FULL_BODY = ("FA", "FB", "FC")
# Heavy (low-rep, top-set) work is for lifts loaded in small steps: barbells and machines.
_HEAVY_EQUIPMENT = frozenset({"barbell", "machine", "plate"})
_LINEAR_REPS = {"strength": 5, "general": 8}  # beginners' main lifts: same reps, add load
_WORDS: dict[str, str] = {
    "squat": "squats",
    "lunge": "lunges and split squats",
    "hinge": "deadlifts and RDLs",
    "hip_ext": "hip thrusts",
    "knee_ext": "leg extensions",
    "knee_flex": "leg curls",
    "h_press": "bench pressing",
    "fly": "chest flyes",
    "v_press": "overhead pressing",
    "h_pull": "rows",
    "v_pull": "pulldowns and pull-ups",
    "lateral": "lateral raises",
    "rear_delt": "rear-delt work",
    "curl": "curls",
    "triceps": "triceps work",
    "calves": "calf raises",
    "core": "ab work",
}


@dataclass(frozen=True)
class _Choice:
    """A slot filled: the exercise, and the movement it does when an injury changed it."""

    template: ExerciseTemplate
    pattern: Pattern


@dataclass
class _Context:
    prefs: Preferences
    usable: list[ExerciseTemplate]  # fits the lifter's equipment
    history: LifterHistory
    replaced: dict[str, str]  # movement → the exercise that took its place (injury)
    dropped: dict[str, str]  # movement → why it is not in the plan
    used: Counter[str] = field(default_factory=Counter)  # exercise → slots it fills this week
    favourites: set[str] = field(default_factory=set)  # their 6 most-trained they can still do


def generate_plan(
    preferences: Preferences,
    catalogue: Mapping[str, ExerciseTemplate],
    profile: LoadingProfile,
    history: LifterHistory | None = None,
    split: Split = "auto",
    weeks: int = 5,
) -> TrainingPlan:
    """A block of `weeks` weeks (the last a deload) for any schedule, built from the lifter."""
    days = preferences.days_per_week
    chosen, codes, split_note = week_days(split, days)
    ctx = _Context(
        prefs=preferences,
        usable=[t for t in catalogue.values() if fits_equipment(t, preferences.equipment)],
        history=history or LifterHistory(),
        replaced={},
        dropped={},
    )
    ctx.favourites = ctx.history.favourites(
        {t.id for t in ctx.usable if pattern_of(t) and not injury_conflict(t, preferences.injuries)}
    )
    weekdays = (
        preferences.training_days if len(preferences.training_days) == days else WEEKDAYS[days]
    )
    seen: dict[str, int] = {}
    drafts: list[DayDraft] = []
    for index, (code, weekday) in enumerate(zip(codes, weekdays, strict=True)):
        variant = seen.get(code, 0)
        seen[code] = variant + 1
        used = Counter(ctx.used)
        for _attempt in range(5):
            ctx.used = Counter(used)
            draft = _draft(f"day-{index + 1}", code, variant, weekday, ctx)
            if not draft.items and code not in _FULL_BODY:
                code = _FULL_BODY[index % 3]  # nothing for the day's movements fits
            elif _same_as_before(draft, drafts):
                variant += 1  # no two days alike: the next variation, volume emphasis
            else:
                break
        drafts.append(draft)
    bands = dict(BANDS[preferences.level])
    focus = {BAND_GROUP.get(m, m) for m in preferences.focus_muscles}
    allocate(drafts, bands, preferences.session_minutes, focus, _max_sets(preferences))
    rest_days = [d for d in drafts if not d.items]
    drafts = [d for d in drafts if d.items]
    week_one = [_plan_day(d, ctx, profile) for d in drafts]
    plan_weeks = [PlanWeek(number=n, days=week_one) for n in range(1, weeks)]
    plan_weeks.append(
        PlanWeek(number=weeks, deload=True, days=[_deload(d, catalogue, profile) for d in week_one])
    )
    notes = [
        f"{weeks - 1} training weeks, then a deload week "
        "(about half the sets at ~80% of the load).",
    ]
    if any(e.notes.startswith("No history") for d in week_one for e in d.exercises):
        notes.append(
            "Exercises without history start light (RPE 6–7); loads follow your first sessions."
        )
    plan = TrainingPlan(
        title=f"{SPLIT_NAMES[chosen]}, {len(drafts)} day{'s' if len(drafts) > 1 else ''}",
        split=chosen,
        goal=preferences.goal,
        level=preferences.level,
        session_minutes=preferences.session_minutes,
        weeks=plan_weeks,
        notes=notes,
        compromises=[
            *([split_note] if split_note else []),
            *_rest_days(rest_days, days),
            *_compromises(drafts, week_one, bands, ctx),
        ],
    )
    # The validator has the last word: a plan it rejects is never handed out.
    problems = errors(validate(plan, catalogue, preferences, profile))
    if problems:
        raise PlanInfeasible("; ".join(dict.fromkeys(v.message for v in problems[:3])))
    return plan


def _max_sets(prefs: Preferences) -> int:
    return 6 if prefs.session_minutes >= 120 else 5


def _candidates(pattern: str, ctx: _Context) -> list[ExerciseTemplate]:
    return [
        t
        for t in ctx.usable
        if pattern_of(t) == pattern and not injury_conflict(t, ctx.prefs.injuries)
    ]


def _rank(slot: Slot, ctx: _Context):
    """Staples first (sets in the last 12 weeks, then ever), then the slot's built-ins, then
    compounds for heavy slots and simple isolation for light ones."""
    compound_first = -1 if slot.role != "light" else 1

    def key(t: ExerciseTemplate) -> tuple:
        recent, ever = ctx.history.staple_rank(t.id)
        preferred = slot.prefer.index(t.id) if t.id in slot.prefer else len(slot.prefer)
        spread = compound_first * len(t.secondary_muscle_groups)
        return (-recent, -ever, preferred, spread, t.is_custom, t.title)

    return key


def _pick(slot: Slot, variant: int, taken: set[str], ctx: _Context) -> _Choice | None:
    pattern: str = slot.pattern
    options = _candidates(pattern, ctx)
    if not options:
        for injury in ctx.prefs.injuries:
            swap = REPLACEMENT.get(normalize_injury(injury) or "", {}).get(pattern)
            if swap and (options := _candidates(swap, ctx)):
                pattern = swap
                break
    recent = ctx.history.recent_sets
    top = max((recent[t.id] for t in options), default=0)
    options = sorted((t for t in options if t.id not in taken), key=_rank(slot, ctx))
    if not options:
        if slot.pattern not in ctx.dropped and not _candidates(slot.pattern, ctx):
            ctx.dropped[slot.pattern] = _why_not(slot.pattern, ctx)
        return None
    # The lifter's staples (done at least a quarter as often as their favourite) take turns
    # across the week: the one used least so far, a barbell or machine first for a heavy slot.
    # A movement they have never trained rotates only on a repeated day, so a new lifter's main
    # lifts stay the same all week.
    staples = [t for t in options if recent[t.id] > 0 and recent[t.id] * 4 >= top]
    if staples:
        heavy = slot.role == "heavy"
        choice = min(
            staples,
            key=lambda t: (
                ctx.used[t.id],
                heavy and t.equipment not in _HEAVY_EQUIPMENT,
                staples.index(t),
            ),
        )
    else:
        choice = options[variant % len(options)]
    ctx.used[choice.id] += 1
    if pattern != slot.pattern:
        ctx.replaced.setdefault(slot.pattern, choice.title)
    return _Choice(choice, pattern)  # type: ignore[arg-type]


def _why_not(pattern: str, ctx: _Context) -> str:
    if any(pattern_of(t) == pattern for t in ctx.usable):
        return "injury"
    return "equipment"


def _draft(key: str, code: str, variant: int, weekday: int, ctx: _Context) -> DayDraft:
    """A day's slots filled with exercises; a repeated day (variant ≥ 1) trades its heavy work
    for volume and takes other variations where the lifter has them."""
    name, slots = DAYS[code]
    if variant:
        name = f"{name} (volume)"
    day = DayDraft(key=key, name=name, weekday=weekday)
    taken: set[str] = set()
    warmed: set[str] = set()
    for slot in slots:
        choice = _pick(slot, variant, taken, ctx)
        if choice is None:
            continue
        taken.add(choice.template.id)
        role: Role = slot.role
        if role == "heavy" and (variant or choice.template.equipment not in _HEAVY_EQUIPMENT):
            role = "moderate"  # a repeated day's volume, or a lift that is no place for triples
        low, _high = _rep_range(role, choice.pattern, ctx.prefs)
        rest, max_rest = _rest(role, low)
        bodyweight = _bodyweight(choice.template)
        day.items.append(
            Item(
                slot=Slot(choice.pattern, role, slot.prefer),
                template=choice.template,
                staple=ctx.history.recent_sets[choice.template.id] > 0,
                favourite=choice.template.id in ctx.favourites,
                rest=rest,
                max_rest=max_rest,
                warmups=_ramp(role, choice.pattern, choice.template, bodyweight, warmed),
            )
        )
    return day


def _same_as_before(draft: DayDraft, drafts: list[DayDraft]) -> bool:
    def signature(d: DayDraft) -> list[tuple[str, str]]:
        return [(i.template.id, i.slot.role) for i in d.items]

    return any(signature(draft) == signature(d) for d in drafts)


def _bodyweight(template: ExerciseTemplate) -> bool:
    return template.equipment == "none" or template.type == "reps_only"


def _linear(role: Role, pattern: str, prefs: Preferences) -> bool:
    """Beginners after strength or general fitness run their main lifts on linear progression."""
    return (
        prefs.level == "beginner"
        and prefs.goal in _LINEAR_REPS
        and role != "light"
        and pattern in COMPOUND
    )


def _rep_range(role: Role, pattern: str, prefs: Preferences) -> tuple[int, int]:
    if _linear(role, pattern, prefs):
        reps = _LINEAR_REPS[prefs.goal]
        return reps, reps
    return _REPS[(prefs.goal, role)]


def _rest(role: Role, low: int) -> tuple[int, int]:
    """Starting and longest rest (TRAINING.md): heavy compounds 180–300 s, other compounds
    120–180 s, isolation 60–90 s."""
    if role == "light":
        return 60, 90
    if low < 6:
        return 180, 300
    return 120, 180


def _ramp(
    role: Role, pattern: str, template: ExerciseTemplate, bodyweight: bool, warmed: set[str]
) -> int:
    """Warm-up sets before an exercise (TRAINING.md): a two-set ramp before each heavy compound,
    one set before a later one on a pattern already warmed up today, one before a moderate
    barbell compound; none for bodyweight or isolation work."""
    if bodyweight or role == "light" or pattern not in COMPOUND:
        return 0
    if role == "heavy":
        ramp = 1 if pattern in warmed else 2
    else:
        ramp = 1 if template.equipment == "barbell" and pattern not in warmed else 0
    warmed.add(pattern)
    return ramp


def _plan_day(draft: DayDraft, ctx: _Context, profile: LoadingProfile) -> PlanDay:
    warmed: set[str] = set()
    exercises = []
    # Compounds before isolation, each group in the day's order of importance.
    for item in sorted(draft.items, key=lambda i: i.slot.role == "light"):
        bodyweight = _bodyweight(item.template)
        item.warmups = _ramp(item.slot.role, item.slot.pattern, item.template, bodyweight, warmed)
        exercises.append(_prescribe(item, ctx, profile, bodyweight))
    return PlanDay(key=draft.key, name=draft.name, weekday=draft.weekday, exercises=exercises)


def _caution(pattern: str, injuries: list[str]) -> tuple[str, float | None]:
    notes, cap = [], None
    for injury in injuries:
        note, rpe_cap = CAUTION.get(normalize_injury(injury) or "", {}).get(pattern, ("", None))
        if note:
            notes.append(note)
        if rpe_cap is not None:
            cap = rpe_cap if cap is None else min(cap, rpe_cap)
    return " ".join(notes), cap


def _prescribe(
    item: Item, ctx: _Context, profile: LoadingProfile, bodyweight: bool
) -> PlannedExercise:
    prefs, role, pattern = ctx.prefs, item.slot.role, item.slot.pattern
    low, high = _rep_range(role, pattern, prefs)
    rpe = 7.5 if pattern in ("squat", "hinge") and role == "heavy" else 8.0
    caution, cap = _caution(pattern, prefs.injuries)
    if cap is not None:
        rpe = min(rpe, cap)
    template = item.template
    start = None if bodyweight else ctx.history.working_load(template.id, low, high, rpe)
    load = None if start is None else _starting_load(start, template.equipment, profile)
    if bodyweight:
        note = "Bodyweight: add reps within the range, then slow the tempo."
    elif start is not None:
        note = _load_note(start, low, high)
    elif ctx.history.trained(template.id):
        note = (
            "You have logged these without added weight: keep it so, and add weight once the "
            "top of the range is easy."
        )
    else:
        note = (
            f"No history yet: start with a weight you could lift for about {high + 3} reps "
            "(RPE 6–7); Spotter sets the load from your first session."
        )
    if _linear(role, pattern, prefs):
        step = 5.0 if pattern in ("squat", "hinge") else 2.5
        progression = LinearProgression(reps=low, step_kg=step)
    elif role == "heavy" and prefs.goal == "strength" and load and low <= 10:
        progression = RpeTopSet(top_reps=low, top_rpe=rpe, backoff_sets=max(0, item.sets - 1))
    else:
        progression = DoubleProgression(rep_low=low, rep_high=high, target_rpe=rpe)
    return PlannedExercise(
        template_id=template.id,
        sets=item.sets,
        reps=low,
        rep_low=low,
        rep_high=high,
        load_kg=load,
        rpe=rpe,
        rest_seconds=item.rest,
        # A ramp below 20 kg would be lighter than the working weight is already.
        warmup_sets=0 if load is not None and load < 20 else item.warmups,
        notes=" ".join(part for part in (note, caution) if part),
        progression=progression,
    )


def _starting_load(start: WorkingLoad, equipment: str, profile: LoadingProfile) -> float | None:
    """The loadable weight nearest the lifter's working load, kept within 90–105 % of it
    where their plates allow."""
    nearest = round_load(start.kg, equipment, profile)
    if nearest is not None and nearest > start.kg * 1.05:
        lower = round_load(start.kg, equipment, profile, mode="down")
        if lower is not None and lower >= start.kg * 0.9:
            return lower
    return nearest


def _load_note(start: WorkingLoad, low: int, high: int) -> str:
    if start.source == "matched":
        note = (
            f"Load from your recent working sets of {max(1, low - REP_MATCH)}–"
            f"{high + REP_MATCH} reps (median of {start.sets})."
        )
    elif start.sets:
        note = "Load from your recent e1RM: no recent sets near this rep range."
    else:
        note = "Load from your e1RM."
    if start.weeks_since >= 8:
        note += f" Last trained {start.weeks_since} weeks ago, so about 90 % of then."
    return note


def _compromises(
    drafts: list[DayDraft],
    week_one: list[PlanDay],
    bands: dict[str, tuple[float, float]],
    ctx: _Context,
) -> list[str]:
    """What the schedule, equipment or injuries cost the plan, one plain sentence each."""
    prefs, out = ctx.prefs, []
    week = week_sets(drafts)
    trainable = {BAND_GROUP.get(t.primary_muscle_group) for t in ctx.usable if pattern_of(t)}
    short = [(m, week.get(m, 0.0), low) for m, (low, _) in bands.items() if week.get(m, 0.0) < low]
    missing = [m for m, have, _ in short if have == 0 and m not in trainable]
    if missing:
        out.append(
            f"Nothing you can use trains {_join(missing)}; add equipment or a custom exercise "
            "in Hevy to cover it."
        )
    fell_short = [f"{m} {have:g} of {low:g}" for m, have, low in short if m not in missing]
    if fell_short:
        out.append(
            f"{prefs.days_per_week} × {prefs.session_minutes} minutes cannot hold every "
            f"muscle's weekly minimum, so the big muscles come first: {', '.join(fell_short)} "
            "sets a week. More time or another day would close the gap."
        )
    if prefs.days_per_week == 1:
        out.append("One session a week trains each muscle once; a second day grows them better.")
    minutes = [d.estimated_minutes for d in week_one]
    if min(minutes) < prefs.session_minutes * (1 - TIME_TOLERANCE):
        out.append(
            f"Sessions run {min(minutes)}–{max(minutes)} of your {prefs.session_minutes} "
            "minutes: the muscles the shorter days train are at the top of their weekly range, "
            "and more sets would be junk volume."
        )
    out += _injury_sentences(week_one, ctx)
    return out


def _rest_days(rest_days: list[DayDraft], days: int) -> list[str]:
    if not rest_days:
        return []
    return [
        f"What you can train with your equipment reaches its useful weekly volume in "
        f"{days - len(rest_days)} of your {days} days; the other {len(rest_days)} are rest days."
    ]


def _injury_sentences(week_one: list[PlanDay], ctx: _Context) -> list[str]:
    out = []
    for injury in ctx.prefs.injuries:
        what = avoided(injury)
        if what is None:
            out.append(
                f"Spotter has no rule for “{injury}”; tell the coach which movements hurt and "
                "it will swap them."
            )
            continue
        parts = [f"{injury.strip().capitalize()}: no {what}."]
        for pattern, title in ctx.replaced.items():
            parts.append(f"{title} takes the place of {_WORDS.get(pattern, pattern)}.")
        gone = [_WORDS.get(p, p) for p, why in ctx.dropped.items() if why == "injury"]
        if gone:
            parts.append(f"Left out, with nothing safe to replace them: {_join(gone)}.")
        careful = sorted(
            {
                ex.template_id
                for d in week_one
                for ex in d.exercises
                if normalize_injury(injury) and ex.notes and injury_caution(ex.notes, injury)
            }
        )
        if careful:
            parts.append(
                f"{len(careful)} exercise{'s' if len(careful) > 1 else ''} stay with a caution "
                "in their notes (pain-free range, lower effort): stop a set that hurts."
            )
        out.append(" ".join(parts))
    return out


def injury_caution(note: str, injury: str) -> bool:
    rule = normalize_injury(injury) or ""
    return any(text in note for text, _ in CAUTION.get(rule, {}).values())


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _deload(
    day: PlanDay, catalogue: Mapping[str, ExerciseTemplate], profile: LoadingProfile
) -> PlanDay:
    exercises = []
    for ex in day.exercises:
        equipment = catalogue[ex.template_id].equipment
        lighter = deload_week(
            Prescription(sets=ex.sets, reps=ex.reps, load_kg=ex.load_kg, rpe=ex.rpe),
            lambda kg, eq=equipment: round_load(kg, eq, profile, mode="down"),
        )
        update = {
            "sets": lighter.sets,
            "load_kg": lighter.load_kg,
            "rpe": lighter.rpe,
            "notes": "Deload: leave 3–4 reps in reserve.",
        }
        exercises.append(ex.model_copy(update=update))
    return day.model_copy(update={"exercises": exercises})
