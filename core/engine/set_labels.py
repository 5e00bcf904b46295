"""How a logged exercise's sets are labelled, as the Hevy app labels them: W for a warm-up, D for
a drop set, F for a failure set, and the normal sets numbered 1, 2, 3… among themselves (a
warm-up before them does not make the first working set "2")."""

from __future__ import annotations

from collections.abc import Iterable

from core.models import SetType

LETTERS = {SetType.WARMUP: "W", SetType.DROPSET: "D", SetType.FAILURE: "F"}


def set_labels(types: Iterable[SetType]) -> list[str]:
    """One label per set, in the order the sets were logged."""
    labels, n = [], 0
    for kind in types:
        if kind in LETTERS:
            labels.append(LETTERS[kind])
        else:
            n += 1
            labels.append(str(n))
    return labels
