"""Movement patterns: what an exercise does (a squat, a hinge, a horizontal press …).

Read from Hevy's titles and muscle groups, so a plan slot can be filled with the lifter's own
variation of a movement (a machine chest press lifter keeps the machine), and an injury can
remove or adapt a movement rather than a muscle tag (TRAINING.md, "Injuries").
"""

from __future__ import annotations

from typing import Literal

from core.models import ExerciseTemplate

Pattern = Literal[
    "squat",  # knee-dominant, both legs: squats, leg press, hack squat
    "lunge",  # one leg at a time: lunges, split squats, step-ups
    "hinge",  # hip-dominant with a loaded spine: deadlifts, RDLs, good mornings
    "hip_ext",  # hip extension without spinal load: hip thrusts, glute bridges
    "knee_ext",  # leg extensions
    "knee_flex",  # leg curls
    "h_press",  # bench, chest press, push-ups
    "fly",  # chest isolation
    "v_press",  # overhead and landmine pressing
    "h_pull",  # rows
    "v_pull",  # pulldowns, pull-ups, pullovers
    "lateral",  # side delts
    "rear_delt",  # rear delts
    "curl",
    "triceps",
    "calves",
    "core",
]

# The compound patterns: a slot for one of these is never filled by a random exercise that merely
# shares a muscle tag.
COMPOUND: frozenset[str] = frozenset(
    {"squat", "lunge", "hinge", "hip_ext", "h_press", "v_press", "h_pull", "v_pull"}
)

# (pattern, title fragments, primary muscles it needs or None), first match wins.
_RULES: tuple[tuple[Pattern, tuple[str, ...], frozenset[str] | None], ...] = (
    ("lunge", ("lunge", "split squat", "step up", "pistol"), None),
    ("knee_ext", ("leg extension",), None),
    ("knee_flex", ("leg curl", "nordic"), None),
    ("hip_ext", ("hip thrust", "glute bridge"), None),
    (
        "hinge",
        ("deadlift", "good morning", "romanian", "rdl", "pull through"),
        frozenset({"hamstrings", "glutes", "lower_back"}),
    ),
    ("squat", ("squat", "leg press", "hack"), frozenset({"quadriceps", "glutes"})),
    ("rear_delt", ("face pull", "rear delt", "reverse fly"), None),
    ("lateral", ("lateral raise", "y raise", "upright row"), None),
    (
        "v_pull",
        ("pulldown", "pull up", "chin up", "pullover", "straight arm", "vertical traction"),
        frozenset({"lats", "upper_back"}),
    ),
    ("h_pull", ("row",), frozenset({"lats", "upper_back"})),
    ("v_press", ("press",), frozenset({"shoulders"})),
    ("fly", ("fly", "flye", "pec deck", "butterfly", "crossover"), frozenset({"chest"})),
    ("h_press", ("press", "push up", "dip"), frozenset({"chest"})),
)
_BY_MUSCLE: dict[str, Pattern] = {
    "biceps": "curl",
    "triceps": "triceps",
    "calves": "calves",
    "abdominals": "core",
    "obliques": "core",
}


# Plyometric, momentum and drill variations never fill a strength slot.
_NOT_FOR_PLANS = ("jump", "clap", "kipping", "scapular", "21s", "renegade")


def pattern_of(template: ExerciseTemplate) -> Pattern | None:
    """The movement `template` trains, or None for what no plan slot uses (cardio, carries…)."""
    title = template.title.casefold().replace("-", " ")
    if template.type not in ("weight_reps", "reps_only") or any(
        word in title for word in _NOT_FOR_PLANS
    ):
        return None
    primary = template.primary_muscle_group
    for pattern, fragments, muscles in _RULES:
        if any(f in title for f in fragments) and (muscles is None or primary in muscles):
            return pattern
    return _BY_MUSCLE.get(primary)
