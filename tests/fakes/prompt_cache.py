"""Claude's prompt cache, simulated over the requests a fake received: what each call would
read from the cache, write to it, and pay for fresh (tokens estimated at 4 characters each).

The rules are Anthropic's documented ones: the prompt is tools, then system, then messages,
block by block; a `cache_control` block is a breakpoint whose prefix is written when it is at
least 1,024 tokens; a call reads the longest cached prefix ending at a breakpoint or at any of
the 20 blocks before one; everything after the last breakpoint is fresh input.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

MIN_CACHEABLE = 1024
LOOKBACK = 20


@dataclass
class CacheUsage:
    fresh: int = 0
    read: int = 0
    write: int = 0

    @property
    def read_share(self) -> float:
        total = self.fresh + self.read + self.write
        return self.read / total if total else 0.0


def _blocks(request: dict[str, Any], messages_cached: bool) -> list[tuple[dict, bool]]:
    """(block, is_breakpoint) in prompt order."""
    system = request.get("system") or []
    if isinstance(system, str):
        system = [{"type": "text", "text": system}]
    out = [(t, "cache_control" in t) for t in request.get("tools") or []]
    out += [(b, "cache_control" in b) for b in system]
    for message in request.get("messages", []):
        content = message["content"]
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        for block in content:
            out.append(
                ({"role": message["role"], **block}, messages_cached and "cache_control" in block)
            )
    return out


def simulate(requests: list[dict[str, Any]], *, messages_cached: bool = True) -> CacheUsage:
    """Input tokens of `requests` in order by what the cache makes of them. With
    `messages_cached=False` breakpoints in messages are ignored (system and tools only)."""
    cache: set[str] = set()
    usage = CacheUsage()
    for request in requests:
        blocks = _blocks(request, messages_cached)
        sizes, keys, digest, total = [], [], hashlib.sha256(), 0
        for block, _ in blocks:
            clean = {k: v for k, v in block.items() if k != "cache_control"}
            text = json.dumps(clean, sort_keys=True)
            digest.update(text.encode())
            total += len(text) // 4 + 1
            sizes.append(total)
            keys.append(digest.copy().hexdigest())
        marks = [i for i, (_, mark) in enumerate(blocks) if mark]
        candidates = {j for i in marks for j in range(max(0, i - LOOKBACK), i + 1)}
        hit = max((j for j in candidates if keys[j] in cache), default=-1)
        read = sizes[hit] if hit >= 0 else 0
        last = marks[-1] if marks else -1
        write = 0
        for i in marks:
            if i > hit and sizes[i] >= MIN_CACHEABLE:
                cache.add(keys[i])
        if last > hit and sizes[last] >= MIN_CACHEABLE:
            write = sizes[last] - read
        usage.read += read
        usage.write += write
        usage.fresh += (sizes[-1] if sizes else 0) - read - write
    return usage
