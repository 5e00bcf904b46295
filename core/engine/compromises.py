"""What a plan could not serve, in plain sentences: muscles a short schedule leaves below
their floor, movements no equipment covers, sessions that end early because the useful volume
is spent, rest days, and what an injury removed, replaced or left with a caution."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.engine.allocation import TIME_TOLERANCE, DayDraft, week_sets
from core.engine.injuries import CAUTION, avoided, normalize_injury
from core.engine.plan import PlanDay
from core.engine.session_time import working_sets
from core.engine.volume import BAND_GROUP
from core.models import ExerciseTemplate, Preferences


@dataclass
class InjuryChanges:
    """What the slot picker changed for injuries (and equipment), for the sentences."""

    replaced: dict[str, str] = field(default_factory=dict)  # movement → exercise in its place
    dropped: dict[str, str] = field(default_factory=dict)  # movement → "injury" | "equipment"
    # movement → the injuries (as the lifter wrote them) that ruled out its exercises
    ruled_out_by: dict[str, tuple[str, ...]] = field(default_factory=dict)


WORDS: dict[str, str] = {  # a movement in a sentence
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


def compromises(
    drafts: list[DayDraft],
    week_one: list[PlanDay],
    bands: dict[str, tuple[float, float]],
    prefs: Preferences,
    usable: list[ExerciseTemplate],  # what the equipment allows for a plannable movement
    changes: InjuryChanges,
) -> list[str]:
    """What the schedule, equipment or injuries cost the plan, one plain sentence each."""
    out: list[str] = []
    week = week_sets(drafts)
    trainable = {BAND_GROUP.get(t.primary_muscle_group) for t in usable}
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
    out += _early_end(drafts, week_one, prefs)
    out += _injury_sentences(week_one, prefs, changes)
    return out


_STOPS = {
    "band": "a muscle's weekly range",
    "session": "~8 sets for one muscle in a session",
    "table": "the {sets} sets a {minutes}-minute session holds",
    "exercise": "{most} sets of one exercise",
}


def _early_end(drafts: list[DayDraft], full: list[PlanDay], prefs: Preferences) -> list[str]:
    """Sessions that end before the minutes do, and what ended them (the allocator's `stops`)."""
    minutes = [d.estimated_minutes for d in full]
    budget = prefs.session_minutes
    short = [d for d, m in zip(drafts, minutes, strict=True) if m < budget * (1 - TIME_TOLERANCE)]
    if not short:
        return []
    reasons = sorted(set().union(*(d.stops for d in short)), key=list(_STOPS).index)
    most = max(e.sets for d in full for e in d.exercises)
    words = [
        _STOPS[r].format(sets=working_sets(budget)[1], minutes=budget, most=most) for r in reasons
    ]
    if not words:
        return [
            f"Full-volume sessions: {min(minutes)}–{max(minutes)} of {budget} minutes; shorter "
            "ones end early, with nothing useful left to add."
        ]
    return [
        f"Full-volume sessions: {min(minutes)}–{max(minutes)} of {budget} minutes; shorter "
        f"ones end early, as another set would pass {_join(words, 'or')}."
    ]


def rest_days(rest_days: list[DayDraft], days: int) -> list[str]:
    if not rest_days:
        return []
    return [
        f"What you can train with your equipment reaches its useful weekly volume in "
        f"{days - len(rest_days)} of your {days} days; the other {len(rest_days)} are rest days."
    ]


def _injury_sentences(
    week_one: list[PlanDay], prefs: Preferences, changes: InjuryChanges
) -> list[str]:
    out = []
    for injury in prefs.injuries:
        what = avoided(injury)
        if what is None:
            out.append(
                f"Spotter has no rule for “{injury}”; tell the coach which movements hurt and "
                "it will swap them."
            )
            continue
        parts = [f"{injury.strip().capitalize()}: no {what}."]
        mine = {p for p, by in changes.ruled_out_by.items() if injury in by}
        for pattern, title in changes.replaced.items():
            if pattern in mine:
                parts.append(f"{title} takes the place of {WORDS.get(pattern, pattern)}.")
        gone = [
            WORDS.get(p, p) for p, why in changes.dropped.items() if why == "injury" and p in mine
        ]
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
        if len(careful) == 1:
            parts.append(
                "1 exercise stays with a caution in its notes (pain-free range, lower effort): "
                "stop a set that hurts."
            )
        elif careful:
            parts.append(
                f"{len(careful)} exercises stay with a caution in their notes (pain-free range, "
                "lower effort): stop a set that hurts."
            )
        out.append(" ".join(parts))
    return out


def injury_caution(note: str, injury: str) -> bool:
    rule = normalize_injury(injury) or ""
    return any(text in note for text, _ in CAUTION.get(rule, {}).values())


def _join(words: list[str], last: str = "and") -> str:
    """ "a, b and c": a phrase that is itself a pair ("lunges and split squats") joins the list
    as two items, so no sentence reads "squats and lunges and split squats"."""
    items = list(dict.fromkeys(part for w in words for part in w.split(" and ")))
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"
