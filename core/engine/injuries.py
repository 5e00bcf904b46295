"""What a stated injury rules out (keyword rules over exercise titles), which movement takes the
place of one it rules out, and what stays with a caution (TRAINING.md, "Injuries")."""

from __future__ import annotations

from collections.abc import Iterable

from core.models import ExerciseTemplate

# injury → (what to avoid, title fragments that mark such an exercise)
_RULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "shoulder": (
        "overhead pressing and dips",
        (
            "overhead press",
            "shoulder press",
            "arnold press",
            "military press",
            "push press",
            "upright row",
            "behind the neck",
            "dip",
            "handstand",
            "snatch",
            "jerk",
        ),
    ),
    "knee": (
        "deep knee bends under load",
        ("squat", "lunge", "leg extension", "step up", "jump", "pistol"),
    ),
    "lower back": (
        "heavy spinal loading and hinging",
        (
            "squat (barbell)",
            "front squat",
            "full squat",
            "pause squat",
            "zercher",
            "deadlift",
            "good morning",
            "bent over row",
            "pendlay row",
            "t bar row",
            "back extension",
            "hyperextension",
        ),
    ),
    "elbow": (
        "heavy elbow extension",
        ("skullcrusher", "triceps extension", "close grip", "dip"),
    ),
    "wrist": (
        "loaded wrist extension",
        ("front squat", "wrist curl", "push up", "clean"),
    ),
    "hip": (
        "deep loaded hip flexion",
        ("squat", "lunge", "step up", "deadlift", "good morning", "hip thrust", "pistol"),
    ),
    "ankle": (
        "loaded ankle bending and impact",
        ("squat", "lunge", "step up", "calf raise", "jump", "pistol"),
    ),
}
# Titles a rule's fragments would catch that are the adaptation the rule recommends.
_EXCEPT: dict[str, tuple[str, ...]] = {"knee": ("box squat",)}

# Where every variation of a movement is ruled out: the movement that keeps the slot's intent.
REPLACEMENT: dict[str, dict[str, str]] = {
    "lower back": {"hinge": "hip_ext"},
    "knee": {"lunge": "hinge"},
}

# What stays in a plan with a caution: injury → movement → (the exercise's note, an RPE cap).
CAUTION: dict[str, dict[str, tuple[str, float | None]]] = {
    "shoulder": {
        "h_press": ("Shoulder: pain-free range only, stop 3 reps short; skip it if it hurts.", 7.0),
        "fly": ("Shoulder: stretch only as far as is pain-free.", 7.0),
        "lateral": ("Shoulder: raise only through the pain-free range.", None),
    },
    "knee": {
        "squat": ("Knee: only as deep as stays pain-free; control the descent.", 7.0),
        "hinge": ("Knee: soft knees, the hips do the work.", None),
    },
    "lower back": {
        "squat": ("Lower back: hips stay on the pad; stop before the back rounds.", None),
        "hip_ext": ("Lower back: brace, ribs down, no arching at the top.", None),
        "h_pull": ("Lower back: keep the chest on the pad.", None),
    },
}

_ALIASES = {
    "shoulders": "shoulder",
    "rotator cuff": "shoulder",
    "knees": "knee",
    "back": "lower back",
    "low back": "lower back",
    "lumbar": "lower back",
    "elbows": "elbow",
    "tennis elbow": "elbow",
    "wrists": "wrist",
    "hips": "hip",
    "ankles": "ankle",
}


def normalize_injury(text: str) -> str | None:
    """The injury rule a free-text injury names ("left shoulder" → "shoulder"), if any."""
    lowered = text.casefold().strip()
    for alias, rule in sorted(_ALIASES.items(), key=lambda a: -len(a[0])):
        if alias in lowered:
            return rule
    return next((rule for rule in _RULES if rule in lowered), None)


def injury_conflict(template: ExerciseTemplate, injuries: Iterable[str]) -> str | None:
    """Why `template` does not suit someone with `injuries` (None when it does)."""
    title = template.title.casefold()
    for injury in injuries:
        rule = normalize_injury(injury)
        if rule is None:
            continue
        avoid, fragments = _RULES[rule]
        if any(fragment in title for fragment in fragments) and not any(
            keep in title for keep in _EXCEPT.get(rule, ())
        ):
            return f"{injury}: avoid {avoid}"
    return None


def avoided(injury: str) -> str | None:
    """What `injury` rules out, in words ("overhead pressing and dips")."""
    rule = normalize_injury(injury)
    return None if rule is None else _RULES[rule][0]


# Bodyweight exercises that still need kit Hevy does not list: a bar to hang from, an anchor
# for the heels, parallel bars. A gym ("machine" or "other" among the lifter's kit) has them.
_NEEDS_A_STATION = ("hanging", "toes to bar", "pull up", "chin up", "muscle up", "nordic", "dip")


def fits_equipment(template: ExerciseTemplate, equipment: Iterable[str]) -> bool:
    """True when the lifter has what `template` needs: its equipment, and for a bodyweight
    exercise that hangs, dips or anchors the heels, a gym's stations (a dumbbell-only home gets
    no hanging leg raise and no Nordic curl)."""
    kit = set(equipment)
    if template.equipment != "none":
        return template.equipment in kit
    title = template.title.casefold().replace("-", " ")
    return not any(f in title for f in _NEEDS_A_STATION) or bool(kit & {"machine", "other"})
