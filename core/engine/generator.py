"""The offline plan generator: preferences and the lifter's log in, a plan the validator passes out.

A split gives each day its slots (a movement in a role, in order of importance: `splits`). Each
slot takes the lifter's own staple for that movement, else a Hevy built-in, else anything in
their catalogue that does the movement; an injury removes a movement or swaps it for one that
keeps the slot's intent (`injuries`). The allocator fills the sessions' minutes with the sets
the week needs most (`allocation`). Each exercise's reps, rest, ramp and load come from
`prescription` (loads from rep-matched recent working sets, `lifter`). Any schedule gets a
plan: what it cannot serve is said in sentences (`compromises`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise

from core.engine.allocation import DayDraft, Item, allocate
from core.engine.breaks import bands_for
from core.engine.compromises import InjuryChanges, compromises, rest_days
from core.engine.injuries import (
    REPLACEMENT,
    fits_equipment,
    injury_conflict,
    normalize_injury,
)
from core.engine.lifter import LifterHistory
from core.engine.loads import LoadingProfile, format_load
from core.engine.movements import COMPOUND, Pattern, pattern_of
from core.engine.plan import PlanDay, PlanWeek, TrainingPlan
from core.engine.prescription import (
    bodyweight_only,
    lighter_day,
    linear_main_lift,
    prescribe,
    ramp,
    rep_range,
    rest_range,
    warmups,
)
from core.engine.progression import DELOAD_WORDS, Prescription, deload_week
from core.engine.ramp import ramp_sentence, ramped_days, recent_muscle_sets, week_targets
from core.engine.splits import (
    DAYS,
    SPLIT_NAMES,
    WEEKDAYS,
    Role,
    Slot,
    Split,
    week_days,
)
from core.engine.supersets import together
from core.engine.validator import MAX_EXERCISES_PER_SESSION, errors, validate, week_sets_per_muscle
from core.engine.volume import BAND_GROUP, BANDS
from core.errors import SpotterError
from core.models import ExerciseTemplate, Preferences

__all__ = ["PlanInfeasible", "Split", "generate_plan"]


class PlanInfeasible(SpotterError):
    """The engine built a plan its own validator rejects (a bug, never a schedule)."""


_FULL_BODY = ("FA", "FB", "FC")
REGULAR_SETS = 12  # sets in the last 12 weeks that make an exercise the lifter's regular work
# Heavy (low-rep, top-set) work is for lifts loaded in small steps: barbells and machines.
_HEAVY_EQUIPMENT = frozenset({"barbell", "machine", "plate"})


@dataclass(frozen=True)
class _Choice:
    """A slot filled: the exercise, and the movement it does when an injury changed it."""

    template: ExerciseTemplate
    pattern: Pattern


@dataclass
class _Context:
    prefs: Preferences
    usable: list[ExerciseTemplate]  # fits the lifter's equipment and does a plannable movement
    safe: dict[str, list[ExerciseTemplate]]  # movement → the usable ones no injury rules out
    equipped: set[str]  # movements the equipment allows, injuries aside
    history: LifterHistory
    changes: InjuryChanges  # movements an injury or the equipment replaced or removed
    used: Counter[str] = field(default_factory=Counter)  # exercise → slots it fills this week
    favourites: set[str] = field(default_factory=set)  # their 6 most-trained they can still do
    roles: dict[str, list[Role]] = field(default_factory=dict)  # exercise → its roles this week


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
    # Each template's movement and injury check, once for the whole plan.
    usable, safe, equipped = [], defaultdict(list), set()
    for template in catalogue.values():
        pattern = pattern_of(template)
        if pattern is None or not fits_equipment(template, preferences.equipment):
            continue
        usable.append(template)
        equipped.add(pattern)
        if not injury_conflict(template, preferences.injuries):
            safe[pattern].append(template)
    ctx = _Context(
        prefs=preferences,
        usable=usable,
        safe=dict(safe),
        equipped=equipped,
        history=history or LifterHistory(),
        changes=InjuryChanges(),
    )
    doable = {t.id for ts in ctx.safe.values() for t in ts}
    # Their most-trained, and every lift they do regularly now (a leg curl of 3 sets twice a
    # week is a staple, not a slot to give away to an exercise they stopped years ago).
    ctx.favourites = ctx.history.favourites(doable) | {
        tid for tid in doable if ctx.history.recent_sets[tid] >= REGULAR_SETS
    }
    weekdays = (
        preferences.training_days if len(preferences.training_days) == days else WEEKDAYS[days]
    )
    seen: dict[str, int] = {}
    drafts: list[DayDraft] = []
    for index, (code, weekday) in enumerate(zip(codes, weekdays, strict=True)):
        variant = seen.get(code, 0)
        seen[code] = variant + 1
        used, roles = Counter(ctx.used), {k: list(v) for k, v in ctx.roles.items()}
        for _attempt in range(5):
            ctx.used, ctx.roles = Counter(used), {k: list(v) for k, v in roles.items()}
            draft = _draft(f"day-{index + 1}", code, variant, weekday, ctx)
            if not draft.items and code not in _FULL_BODY:
                code = _FULL_BODY[index % 3]  # nothing for the day's movements fits
            elif _same_as_before(draft, drafts):
                variant += 1  # no two days alike: the next variation, volume emphasis
            else:
                break
        drafts.append(draft)
    _keep_regular(drafts, ctx)
    back = ctx.history.comeback()
    # Back after a break: the volume the table allows (lower half of the band, or its floor).
    bands = bands_for(dict(BANDS[preferences.level]), back.volume)
    focus = {BAND_GROUP.get(m, m) for m in preferences.focus_muscles}
    allocate(drafts, bands, preferences.session_minutes, focus, _max_sets(preferences))
    _differ_after_allocation(drafts, ctx)
    idle = [d for d in drafts if not d.items]
    drafts = [d for d in drafts if d.items]
    full = _lighter_days([_plan_day(d, ctx, profile) for d in drafts], ctx, catalogue, profile)
    # Back from a long break the ramp's light weeks are the rest: no deload right after them.
    hard_weeks = weeks - 1 if back.deloads(weeks) else weeks
    # Volume builds from the lifter's recent weeks to the full week by the last hard week.
    peak = week_sets_per_muscle(PlanWeek(number=hard_weeks, days=full), catalogue)
    recent = recent_muscle_sets(ctx.history.weekly_sets, catalogue)
    targets = week_targets(peak, recent, bands, hard_weeks)
    sets_by_week = [full] if targets else []
    for target in reversed(targets[:-1]):
        sets_by_week.insert(0, ramped_days(sets_by_week[0], target, bands, catalogue))
    plan_weeks = [
        PlanWeek(number=n, days=[_ramped(d, n, ctx.history, catalogue, profile) for d in days])
        for n, days in enumerate(sets_by_week, start=1)
    ]
    week_one = plan_weeks[0].days
    if hard_weeks < weeks:
        plan_weeks.append(
            PlanWeek(
                number=weeks,
                deload=True,
                days=[_deload(d, catalogue, profile, ctx.history) for d in full],
            )
        )
        notes = [f"{weeks - 1} training weeks, then a deload week ({DELOAD_WORDS})."]
    else:
        notes = [
            f"{weeks} training weeks: the lighter weeks back are this block's rest, so the "
            "deload comes in the next block."
        ]
    if back.lighter:
        notes.insert(0, back.sentence() + ".")
    if builds := ramp_sentence(week_one, full, catalogue, hard_weeks):
        notes.append(builds)
    if any(e.notes.startswith(("No history", "Last done")) for d in week_one for e in d.exercises):
        notes.append(
            "Exercises without recent history start light (RPE 6–7); loads follow your first "
            "sessions."
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
            *rest_days(idle, days),
            *compromises(drafts, full, bands, preferences, ctx.usable, ctx.changes),
        ],
    )
    # The validator has the last word: a plan it rejects is never handed out.
    problems = errors(validate(plan, catalogue, preferences, profile, ctx.history.loads()))
    if problems:
        raise PlanInfeasible("; ".join(dict.fromkeys(v.message for v in problems[:3])))
    return plan


def _max_sets(prefs: Preferences) -> int:
    return 6 if prefs.session_minutes >= 120 else 5


def _candidates(pattern: str, ctx: _Context) -> list[ExerciseTemplate]:
    return ctx.safe.get(pattern, [])


def _rank(slot: Slot, ctx: _Context):
    """Staples first (sets in the last 12 weeks, then ever), then the slot's built-ins, then
    compounds for heavy slots and simple isolation for light ones."""
    compound_first = -1 if slot.role != "light" else 1
    linear = linear_main_lift(slot.role, slot.pattern, "barbell", ctx.prefs)

    def key(t: ExerciseTemplate) -> tuple:
        recent, ever = ctx.history.staple_rank(t.id)
        preferred = slot.prefer.index(t.id) if t.id in slot.prefer else len(slot.prefer)
        spread = compound_first * len(t.secondary_muscle_groups)
        # A compound slot takes a loaded lift the kit allows over a bodyweight one (a goblet
        # squat, not a lateral squat, as the quad lift); a linear beginner's, the barbell.
        unloaded = slot.role != "light" and bodyweight_only(t)
        no_bar = linear and t.equipment != "barbell"
        return (-recent, -ever, unloaded, no_bar, preferred, spread, t.is_custom, t.title)

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
        if slot.pattern not in ctx.changes.dropped and not _candidates(slot.pattern, ctx):
            ctx.changes.dropped[slot.pattern] = _why_not(slot.pattern, ctx)
            ctx.changes.ruled_out_by[slot.pattern] = _ruled_out_by(slot.pattern, ctx)
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
    if pattern != slot.pattern and slot.pattern not in ctx.changes.replaced:
        ctx.changes.replaced[slot.pattern] = choice.title
        ctx.changes.ruled_out_by[slot.pattern] = _ruled_out_by(slot.pattern, ctx)
    return _Choice(choice, pattern)  # type: ignore[arg-type]


def _why_not(pattern: str, ctx: _Context) -> str:
    if pattern in ctx.equipped:
        return "injury"
    return "equipment"


def _ruled_out_by(pattern: str, ctx: _Context) -> tuple[str, ...]:
    """The lifter's injuries that rule out an exercise of `pattern` their equipment allows (a
    knee's leg extensions are the knee's, not a shoulder's)."""
    mine = [t for t in ctx.usable if pattern_of(t) == pattern]
    return tuple(i for i in ctx.prefs.injuries if any(injury_conflict(t, [i]) for t in mine))


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
        if _new_second(choice, day, ctx):
            ctx.used[choice.template.id] -= 1
            continue
        taken.add(choice.template.id)
        role: Role = slot.role
        if role == "heavy" and (
            variant
            or choice.template.equipment not in _HEAVY_EQUIPMENT
            or choice.pattern not in COMPOUND
        ):
            role = "moderate"  # a repeated day's volume, or a lift that is no place for triples
        role = _varied(role, choice, ctx)
        low, high = rep_range(role, choice.pattern, choice.template.equipment, ctx.prefs)
        rest, max_rest = rest_range(role, low, choice.pattern)
        bodyweight = bodyweight_only(choice.template)
        day.items.append(
            Item(
                slot=Slot(choice.pattern, role, slot.prefer),
                template=choice.template,
                staple=ctx.history.recent_sets[choice.template.id] > 0,
                favourite=choice.template.id in ctx.favourites,
                rest=rest,
                max_rest=max_rest,
                warmups=ramp(role, choice.pattern, choice.template, bodyweight, warmed),
                reps=high,  # the longest the sets get as the block progresses
                rep_low=low,
                top_set=role == "heavy" and ctx.prefs.goal == "strength",
            )
        )
    return day


def _varied(role: Role, choice: _Choice, ctx: _Context) -> Role:
    """The loading an exercise takes on its n-th day of the week: days differ (TRAINING.md,
    "Building a plan"), so a lift repeated in the week takes a rep range it does not have yet
    (moderate, then light) — a beginner's linear main lifts aside, which repeat by design. A
    knee injury keeps squatting out of the heavy range (limited deep loaded knee flexion)."""
    t = choice.template
    knee = choice.pattern == "squat" and "knee" in _injury_rules(ctx)
    if role == "heavy" and knee:
        role = "moderate"
    if linear_main_lift(role, choice.pattern, t.equipment, ctx.prefs):
        return role
    had = ctx.roles.setdefault(t.id, [])
    options = _role_options(choice.pattern, t, ctx)
    if role in had:
        role = next((r for r in options if r not in had), had[-2] if len(had) > 1 else role)
    had.append(role)
    return role


def _role_options(pattern: str, template: ExerciseTemplate, ctx: _Context) -> tuple[Role, ...]:
    """The loadings a lift takes across the week, in order: heavy on a third day only where
    triples or 6–10s suit it (a compound: a barbell or machine one for strength goals), never
    isolation work or a knee-limited squat."""
    knee = pattern == "squat" and "knee" in _injury_rules(ctx)
    heavy_ok = (
        not knee
        and pattern in COMPOUND
        and (ctx.prefs.goal != "strength" or template.equipment in _HEAVY_EQUIPMENT)
    )
    return ("moderate", "light", "heavy") if heavy_ok else ("moderate", "light")


def _differ_after_allocation(drafts: list[DayDraft], ctx: _Context) -> None:
    """The minutes can leave a lift out of the day between two of its days, and the two days it
    keeps would then share a range: the later one takes a range of the lift's it does not have
    yet, where that makes its day no longer (a beginner's linear lifts repeat by design)."""
    kept: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for day in drafts:
        for item in day.items:
            if not item.sets:
                continue
            t, pattern = item.template, item.slot.pattern
            shapes = kept[t.id]
            shape = (item.rep_low, item.reps)
            if shape in shapes:
                linear = linear_main_lift(item.slot.role, pattern, t.equipment, ctx.prefs)
                for role in () if linear else _role_options(pattern, t, ctx):
                    low, high = rep_range(role, pattern, t.equipment, ctx.prefs)
                    if (low, high) in shapes:
                        continue
                    rest, max_rest = rest_range(role, low, pattern)
                    if item.superset is not None:  # a superset's rounds keep their shared rest
                        rest, max_rest = item.rest, item.max_rest
                    before, old = day.seconds, (item.slot, item.rep_low, item.reps, item.rest)
                    item.slot = Slot(pattern, role, item.slot.prefer)  # type: ignore[arg-type]
                    item.rep_low, item.reps, item.rest = low, high, rest
                    if day.seconds <= before:
                        item.max_rest, item.top_set = (
                            max_rest,
                            (role == "heavy" and ctx.prefs.goal == "strength"),
                        )
                        shape = (low, high)
                        break
                    item.slot, item.rep_low, item.reps, item.rest = old
            shapes.append(shape)


def _new_second(choice: _Choice, day: DayDraft, ctx: _Context) -> bool:
    """A movement the day already trains with the lifter's own lift gets no second, never-done
    variation ("Don't introduce exercises they have never done when a trained one fits": a
    leg press beside their hack squat would take the sets of their leg curls)."""
    return (
        bool(ctx.history.recent_sets)
        and not ctx.history.trained(choice.template.id)
        and any(i.slot.pattern == choice.pattern and i.staple for i in day.items)
    )


def _injury_rules(ctx: _Context) -> set[str]:
    return {rule for i in ctx.prefs.injuries if (rule := normalize_injury(i))}


_UPPER = frozenset(
    {"h_press", "v_press", "h_pull", "v_pull", "fly", "lateral", "rear_delt", "curl", "triceps"}
)


def _keep_regular(drafts: list[DayDraft], ctx: _Context) -> None:
    """The lifter's regular isolation work (about a set a week or more over the last 12 weeks:
    rear delts, say) that no slot of the split holds joins the least full day of its half of
    the body, so the plan keeps what they do."""
    planned = {i.slot.pattern for d in drafts for i in d.items}
    regular: dict[str, ExerciseTemplate] = {}
    for tid, sets in ctx.history.recent_sets.most_common():
        template = next((t for ts in ctx.safe.values() for t in ts if t.id == tid), None)
        pattern = pattern_of(template) if template else None
        if sets < REGULAR_SETS or template is None or pattern is None or pattern in COMPOUND:
            continue
        if pattern not in planned and pattern not in regular:
            regular[pattern] = template  # type: ignore[index]
    for pattern, template in regular.items():
        upper = pattern in _UPPER
        fitting = [
            d
            for d in drafts
            if d.items
            and len(d.items) < MAX_EXERCISES_PER_SESSION
            and any((i.slot.pattern in _UPPER) == upper for i in d.items)
        ]
        for day in sorted(fitting, key=lambda d: len(d.items))[:2]:
            low, high = rep_range("light", pattern, template.equipment, ctx.prefs)
            rest, max_rest = rest_range("light", low)
            day.items.append(
                Item(
                    slot=Slot(pattern, "light"),  # type: ignore[arg-type]
                    template=template,
                    staple=True,
                    favourite=template.id in ctx.favourites,
                    rest=rest,
                    max_rest=max_rest,
                    warmups=0,
                    reps=high,
                    rep_low=low,
                )
            )


def _same_as_before(draft: DayDraft, drafts: list[DayDraft]) -> bool:
    def signature(d: DayDraft) -> list[tuple[str, str]]:
        return [(i.template.id, i.slot.role) for i in d.items]

    return any(signature(draft) == signature(d) for d in drafts)


def _plan_day(draft: DayDraft, ctx: _Context, profile: LoadingProfile) -> PlanDay:
    warmed: set[str] = set()
    exercises = []
    # Compounds before isolation, each group in the day's order of importance; a knee injury
    # puts the hinge first (TRAINING.md, "Injuries": hinge emphasis).
    knee = "knee" in _injury_rules(ctx)
    for item in sorted(
        draft.items,
        key=lambda i: (i.slot.pattern not in COMPOUND, knee and i.slot.pattern == "squat"),
    ):
        bodyweight = bodyweight_only(item.template)
        # Done without weight in their log: no ramp, and the next lift opens the session.
        tid = item.template.id
        unloaded = bodyweight or (
            ctx.history.trained(tid) and ctx.history.working_load(tid, 8, 12, 8.0) is None
        )
        item.warmups = ramp(item.slot.role, item.slot.pattern, item.template, unloaded, warmed)
        planned = prescribe(item, ctx.prefs, ctx.history, profile, bodyweight)
        exercises.append(planned.model_copy(update={"superset": item.superset}))
    return PlanDay(
        key=draft.key, name=draft.name, weekday=draft.weekday, exercises=together(exercises)
    )


def _lighter_days(
    days: list[PlanDay],
    ctx: _Context,
    catalogue: Mapping[str, ExerciseTemplate],
    profile: LoadingProfile,
) -> list[PlanDay]:
    """A lift on two days of the week differs in loading as well as range: each higher range
    is a lighter day than the lift's next lower one, which would otherwise start at that very
    load for about its reps (the same 67.5 × 11 on both) — lighter, for more reps
    (`lighter_day`)."""
    exercises = [list(day.exercises) for day in days]
    places: dict[str, list[tuple[int, int]]] = defaultdict(list)  # lift → (day, position)
    for d, day in enumerate(days):
        for i, ex in enumerate(day.exercises):
            places[ex.template_id].append((d, i))
    for tid, where in places.items():
        where.sort(key=lambda p: exercises[p[0]][p[1]].rep_low or exercises[p[0]][p[1]].reps)
        equipment = catalogue[tid].equipment
        grid = ctx.history.grid(tid, equipment, profile)
        for (hd, hi), (d, i) in pairwise(where):
            ex, heavier = exercises[d][i], exercises[hd][hi]
            last = ctx.history.last_exposure(tid, ex.rep_low or ex.reps, ex.rep_high or ex.reps)
            exercises[d][i] = lighter_day(
                ex, heavier, days[hd].name, grid, equipment, profile, last and last.kg
            )
    return [
        day.model_copy(update={"exercises": exs}) for day, exs in zip(days, exercises, strict=True)
    ]


def _ramped(
    day: PlanDay,
    week: int,
    history: LifterHistory,
    catalogue: Mapping[str, ExerciseTemplate],
    profile: LoadingProfile,
) -> PlanDay:
    """`day` in plan week `week` of a return from time off: each exercise at the share of its
    full load its own time off gives that week (TRAINING.md, "Return from a break"), so the
    weekly advance finds the ramp in the plan's weeks."""
    exercises = []
    for ex in day.exercises:
        share = history.comeback(ex.template_id).share(week)
        if ex.load_kg is None or share >= 1.0:
            exercises.append(ex)
            continue
        equipment = catalogue[ex.template_id].equipment
        lighter = history.grid(ex.template_id, equipment, profile).round(ex.load_kg * share)
        load = min(lighter or ex.load_kg, ex.load_kg)  # on the lifter's grid, as week 1's load
        text = format_load(load, profile.units)
        if load >= ex.load_kg - 1e-6:  # nothing lighter on their kit (a 45 lb empty bar)
            note = f"{ex.notes} This week {text} all the same: nothing lighter to ramp from."
            exercises.append(ex.model_copy(update={"notes": note.strip()}))
            continue
        # The load named beside its share: "same load" or "one step heavier" stands for the full
        # load, this week's lighter one is said in the same note.
        whole = format_load(ex.load_kg, profile.units)
        note = (
            f"{ex.notes} This week {text}, ~{round(share * 100)} % of {whole} after the time off."
        )
        ramp = len(warmups(load, ex.warmup_sets, equipment, profile))  # still below the work
        update = {"load_kg": load, "notes": note.strip(), "warmup_sets": ramp, "ramp_share": share}
        exercises.append(ex.model_copy(update=update))
    return day.model_copy(update={"exercises": exercises})


def _deload(
    day: PlanDay,
    catalogue: Mapping[str, ExerciseTemplate],
    profile: LoadingProfile,
    history: LifterHistory,
) -> PlanDay:
    """The plan's deload week from its last hard week: the weekly advance's one definition
    (`deload_week`, TRAINING.md "Deloads"), on the same grid and rounding, so the week the plan
    shows is the week the advance writes. Where ~10 % lighter is not on the lifter's grid
    (light cables, small dumbbells) the load stays and half the sets, the bottom of the range
    and the lower RPE make the week lighter ("a cut that rounds back to the same load changes
    reps or sets instead")."""
    exercises = []
    for ex in day.exercises:
        grid = history.grid(ex.template_id, catalogue[ex.template_id].equipment, profile)
        lighter = deload_week(
            Prescription(sets=ex.sets, reps=ex.reps, load_kg=ex.load_kg, rpe=ex.rpe),
            grid,
            ex.rep_low,
        )
        update = {
            "sets": lighter.sets,
            "reps": lighter.reps,
            "load_kg": lighter.load_kg,
            "rpe": lighter.rpe,
            "notes": "Deload: leave 3–4 reps in reserve.",
            "warmup_sets": len(
                warmups(
                    lighter.load_kg, ex.warmup_sets, catalogue[ex.template_id].equipment, profile
                )
            ),
        }
        exercises.append(ex.model_copy(update=update))
    return day.model_copy(update={"exercises": exercises})
