"""Named failpoints: places where a test can kill the process (as `kill -9` would).

`SPOTTER_FAILPOINT=name` (or `name#n` for the n-th time it is reached) makes `reach(name)`
end the process at once with exit code 137, skipping every cleanup, so crash-recovery tests
can stop Spotter exactly between two writes. Unset (always, outside those tests) it is a
dictionary lookup and nothing else.
"""

from __future__ import annotations

import os

_TARGET, _, _NTH = os.environ.get("SPOTTER_FAILPOINT", "").partition("#")
_hits: dict[str, int] = {}


def reach(name: str) -> None:
    """Die here if the environment asks for it."""
    if not _TARGET or name != _TARGET:
        return
    _hits[name] = _hits.get(name, 0) + 1
    if _hits[name] == int(_NTH or 1):
        os._exit(137)
