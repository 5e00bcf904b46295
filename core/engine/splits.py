"""The shapes of a training week: slots (a movement in a role), days (slots in order of
importance) and splits (which days, for how many days a week).

A day lists more slots than a short session holds; the allocator opens them in order of what the
week needs. The `prefer` ids are Hevy built-ins, tried after the lifter's own staples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.engine.movements import Pattern

Role = Literal["heavy", "moderate", "light"]
Split = Literal["auto", "full_body", "upper_lower", "ppl"]


@dataclass(frozen=True)
class Slot:
    pattern: Pattern
    role: Role
    prefer: tuple[str, ...] = ()  # built-in template ids, best first


SQUAT = Slot("squat", "heavy", ("D04AC939", "5046D0A9", "1E42FD5F", "C7973E0E", "3D0C7C75"))
LEG_PRESS = Slot("squat", "moderate", ("C7973E0E", "1E42FD5F", "3D0C7C75", "D04AC939"))
SPLIT_SQUAT = Slot("lunge", "moderate", ("B5D3A742", "B537D09F"))
RDL = Slot("hinge", "moderate", ("2B4B7310", "72CFFAD5", "4180C405"))
DEADLIFT = Slot("hinge", "heavy", ("C6272009", "D20D7BBE", "2B4B7310"))
HIP_THRUST = Slot("hip_ext", "moderate", ("D57C2EC7", "CDA23948", "68CE0B9B"))
LEG_CURL = Slot("knee_flex", "light", ("11A123F3", "B8127AD1"))
LEG_EXT = Slot("knee_ext", "light", ("75A4F6C4",))
CALVES = Slot("calves", "light", ("E05C2C38", "062AB91A", "6DA40660"))
ABS = Slot("core", "light", ("23A48484", "F8356514", "DCF3B31B", "99D5F10E"))
BENCH = Slot("h_press", "heavy", ("79D0BB3A", "3601968B", "7EB3F7C3", "756EE329"))
INCLINE = Slot("h_press", "moderate", ("07B38369", "50DFDFAB", "3601968B", "7EB3F7C3"))
FLY = Slot("fly", "light", ("651F844C", "12017185", "78683336"))
ROW = Slot("h_pull", "moderate", ("55E6546F", "0393F233", "1DF4A847", "F1E57334"))
CABLE_ROW = Slot("h_pull", "moderate", ("0393F233", "1DF4A847", "F1E57334", "55E6546F"))
PULLDOWN = Slot("v_pull", "moderate", ("6A6C31A5", "1B2B1E7C", "29083183"))
OVERHEAD = Slot("v_press", "moderate", ("7B8D84E8", "878CD1D0", "9930DF71", "059E835D"))
LATERAL = Slot("lateral", "light", ("422B08F1", "BE289E45"))
REAR_DELT = Slot("rear_delt", "light", ("BE640BA0", "E5988A0A"))
CURL = Slot("curl", "light", ("37FCC2BB", "A5AC6449", "ADA8623C"))
HAMMER = Slot("curl", "light", ("7E3BC8B6", "37FCC2BB"))
PUSHDOWN = Slot("triceps", "light", ("93A552C6", "94B7239B", "3765684D"))
OVERHEAD_EXT = Slot("triceps", "light", ("B5EFBF9C", "3765684D", "93A552C6"))

DAYS: dict[str, tuple[str, tuple[Slot, ...]]] = {
    "FA": (
        "Full Body A",
        (SQUAT, BENCH, ROW, RDL, LATERAL, CURL, PUSHDOWN, CALVES, ABS, LEG_CURL, OVERHEAD),
    ),
    "FB": (
        "Full Body B",
        (DEADLIFT, OVERHEAD, PULLDOWN, LEG_PRESS, INCLINE, PUSHDOWN, LEG_CURL, CURL, CALVES, ABS),
    ),
    "FC": (
        "Full Body C",
        (SQUAT, INCLINE, CABLE_ROW, HIP_THRUST, LATERAL, HAMMER, LEG_EXT, REAR_DELT, CALVES, ABS),
    ),
    "UA": ("Upper A", (BENCH, ROW, OVERHEAD, PULLDOWN, LATERAL, CURL, PUSHDOWN, FLY)),
    "LA": ("Lower A", (SQUAT, RDL, LEG_PRESS, LEG_CURL, LEG_EXT, CALVES, ABS, HIP_THRUST)),
    "UB": ("Upper B", (INCLINE, CABLE_ROW, PULLDOWN, OVERHEAD, LATERAL, HAMMER, OVERHEAD_EXT)),
    "LB": ("Lower B", (DEADLIFT, SPLIT_SQUAT, HIP_THRUST, LEG_CURL, LEG_EXT, CALVES, ABS)),
    "PU": ("Push", (BENCH, OVERHEAD, INCLINE, LATERAL, PUSHDOWN, OVERHEAD_EXT, FLY)),
    "PL": ("Pull", (ROW, PULLDOWN, CABLE_ROW, REAR_DELT, CURL, HAMMER)),
    "LE": ("Legs", (SQUAT, RDL, SPLIT_SQUAT, HIP_THRUST, LEG_CURL, LEG_EXT, CALVES, ABS)),
}

# The days of each split by days a week; a code seen again in a week is a variant of its day
# (other exercise choices where the lifter has them, volume rather than heavy emphasis).
_CYCLES: dict[str, tuple[str, ...]] = {
    "full_body": ("FA", "FB", "FC"),
    "upper_lower": ("UA", "LA", "UB", "LB"),
    "ppl": ("PU", "PL", "LE"),
}
_AUTO: dict[int, tuple[str, tuple[str, ...]]] = {
    1: ("full_body", ("FA",)),
    2: ("full_body", ("FA", "FB")),
    3: ("full_body", ("FA", "FB", "FC")),
    4: ("upper_lower", ("UA", "LA", "UB", "LB")),
    5: ("upper_lower", ("UA", "LA", "PU", "PL", "LE")),
    6: ("ppl", ("PU", "PL", "LE", "PU", "PL", "LE")),
    7: ("upper_lower", ("UA", "LA", "PU", "PL", "LE", "UB", "LB")),
}
_MIN_DAYS = {"full_body": 1, "upper_lower": 2, "ppl": 3}
WEEKDAYS: dict[int, tuple[int, ...]] = {
    1: (1,),
    2: (1, 4),
    3: (1, 3, 5),
    4: (1, 2, 4, 5),
    5: (1, 2, 3, 5, 6),
    6: (1, 2, 3, 4, 5, 6),
    7: (1, 2, 3, 4, 5, 6, 7),
}
SPLIT_NAMES = {"full_body": "Full body", "upper_lower": "Upper/lower", "ppl": "Push/pull/legs"}


def week_days(split: Split, days: int) -> tuple[str, tuple[str, ...], str | None]:
    """The split used, its day codes, and a sentence when the asked-for split did not fit."""
    if split == "auto":
        return (*_AUTO[days], None)
    if days < _MIN_DAYS[split]:
        chosen, codes = _AUTO[days]
        return (
            chosen,
            codes,
            f"{SPLIT_NAMES[split]} needs at least {_MIN_DAYS[split]} days a week; "
            f"{days} get {SPLIT_NAMES[chosen].lower()} instead.",
        )
    cycle = _CYCLES[split]
    return split, tuple(cycle[i % len(cycle)] for i in range(days)), None
