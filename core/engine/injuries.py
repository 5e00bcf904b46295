"""Which exercises a stated injury rules out, and why (keyword rules over exercise titles)."""

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
        "loaded spinal flexion and heavy hinging",
        (
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
        if any(fragment in title for fragment in fragments):
            return f"{injury}: avoid {avoid}"
    return None


def fits_equipment(template: ExerciseTemplate, equipment: Iterable[str]) -> bool:
    """True when the lifter has what `template` needs (bodyweight always fits)."""
    return template.equipment == "none" or template.equipment in set(equipment)
