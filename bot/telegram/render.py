"""Telegram HTML: the model's markdown converted safely, and long messages split without
breaking a tag.

Only Telegram's subset is produced (b, i, s, u, code, pre, a, blockquote); everything else is
escaped text. Splitting keeps a stack of open tags, closes them at the end of a part and
reopens them at the start of the next, and never cuts inside an entity like `&amp;`.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Iterable

MAX_MESSAGE = 4096
ALLOWED_TAGS = {"b", "i", "u", "s", "code", "pre", "a", "blockquote"}

_FENCE = re.compile(r"```[a-zA-Z0-9_+-]*\n?(.*?)```", re.S)
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__", re.S)
_ITALIC = re.compile(
    r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"
)
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.M)
_BULLET = re.compile(r"^(\s*)[-*+]\s+", re.M)
_TOKEN = re.compile(r"(<[^>]+>)")
_PLACEHOLDER = "\x00{}\x00"


def markdown_to_html(text: str) -> str:
    """Convert the model's markdown to Telegram HTML (unknown syntax stays as escaped text)."""
    stash: list[str] = []

    def keep(fragment: str) -> str:
        stash.append(fragment)
        return _PLACEHOLDER.format(len(stash) - 1)

    text = text.replace("\x00", "")
    text = _FENCE.sub(
        lambda m: keep(f"<pre>{html.escape(m.group(1).rstrip(), quote=False)}</pre>"), text
    )
    text = _INLINE_CODE.sub(
        lambda m: keep(f"<code>{html.escape(m.group(1), quote=False)}</code>"), text
    )
    # A link's target is shown, never hidden behind its text: the words come from a model that
    # may have read a note planted in someone's log.
    text = _LINK.sub(lambda m: keep(html.escape(_shown_link(m.group(1), m.group(2)))), text)
    text = html.escape(text, quote=False)
    text = _HEADING.sub(r"<b>\1</b>", text)
    text = _BULLET.sub(r"\1• ", text)
    text = _BOLD.sub(lambda m: f"<b>{m.group(1) or m.group(2)}</b>", text)
    text = _STRIKE.sub(r"<s>\1</s>", text)
    text = _ITALIC.sub(lambda m: f"<i>{m.group(1) or m.group(2)}</i>", text)
    text = _balance(text)
    return re.sub(r"\x00(\d+)\x00", lambda m: stash[int(m.group(1))], text)


def _shown_link(label: str, target: str) -> str:
    return target if label.strip() == target.strip() else f"{label} ({target})"


def escape(text: str) -> str:
    """Plain text made safe for Telegram HTML."""
    return html.escape(text, quote=False)


def _balance(fragment: str) -> str:
    """Drop tags that ended up crossing each other (e.g. bold spanning an italic's end)."""
    out, stack = [], []
    for token in _TOKEN.split(fragment):
        match = re.fullmatch(r"<(/?)(b|i|s)>", token)
        if not match:
            out.append(token)
            continue
        closing, name = match.groups()
        if not closing:
            stack.append((name, len(out)))
            out.append(token)
        elif stack and stack[-1][0] == name:
            stack.pop()
            out.append(token)
        else:
            out.append("")  # a stray closer: drop it
    for _name, index in stack:
        out[index] = ""  # an opener never closed: drop it
    return "".join(out)


def _units(text: str) -> list[str]:
    """Text cut into pieces that must stay whole: entities, or single characters."""
    return re.findall(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);|.", text, re.S)


def split_html(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split Telegram HTML into parts of at most `limit` characters, each one well-formed."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    stack: list[tuple[str, str]] = []  # (name, opening tag)
    current = ""

    def closers() -> str:
        return "".join(f"</{name}>" for name, _ in reversed(stack))

    def flush() -> None:
        nonlocal current
        if current.strip():
            parts.append(current + closers())
        current = "".join(tag for _, tag in stack)

    for token in _TOKEN.split(text):
        if not token:
            continue
        if token.startswith("<"):
            name = re.match(r"</?([a-z-]+)", token).group(1)
            if len(current) + len(token) + len(closers()) + len(f"</{name}>") > limit:
                flush()
            current += token
            if token.startswith("</"):
                if stack and stack[-1][0] == name:
                    stack.pop()
            else:
                stack.append((name, token))
            continue
        for piece in _pieces(token, max(1, limit // 4)):
            if len(current) + len(piece) + len(closers()) > limit:
                flush()
            current += piece
    if current.strip():
        parts.append(current + closers())
    return parts


def _pieces(text: str, longest: int) -> list[str]:
    """Words (with their trailing space), so a split falls between words where it can; a word
    longer than `longest` is cut into whole units (never inside an entity)."""
    pieces = []
    for word in re.findall(r"\S+\s*|\s+", text):
        if len(word) <= longest:
            pieces.append(word)
            continue
        chunk = ""
        for unit in _units(word):
            if chunk and len(chunk) + len(unit) > longest:
                pieces.append(chunk)
                chunk = ""
            chunk += unit
        pieces.append(chunk)
    return pieces


def did_you_mean(typed: str, commands: Iterable[str]) -> str | None:
    """The command a mistyped `/plna` most likely meant (with its slash), or None."""
    word = typed.lstrip("/").split("@")[0].casefold()
    found = difflib.get_close_matches(word, [c.lstrip("/") for c in commands], n=1, cutoff=0.6)
    return f"/{found[0]}" if found else None
