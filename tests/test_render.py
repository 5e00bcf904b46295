"""Telegram HTML made from model output is always valid, and splitting never breaks a tag."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.telegram.render import ALLOWED_TAGS, MAX_MESSAGE, markdown_to_html, split_html


class StrictTelegramHtml(HTMLParser):
    """Telegram's subset, strictly: allowed tags only, balanced, every & an entity."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.errors.append(f"tag <{tag}> not allowed")
        if tag == "a" and [k for k, _ in attrs] != ["href"]:
            self.errors.append("a needs exactly href")
        if tag != "a" and attrs:
            self.errors.append(f"<{tag}> has attributes")
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unbalanced </{tag}>")
        else:
            self.stack.pop()

    def handle_data(self, data):
        if "<" in data or ">" in data:
            self.errors.append(f"raw angle bracket in {data!r}")

    def handle_entityref(self, name):
        if name not in ("lt", "gt", "amp", "quot"):
            self.errors.append(f"unknown entity &{name};")


def check(fragment: str) -> list[str]:
    parser = StrictTelegramHtml()
    parser.feed(fragment)
    parser.close()
    errors = list(parser.errors)
    if parser.stack:
        errors.append(f"unclosed {parser.stack}")
    if re.search(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", fragment):
        errors.append("bare &")
    return errors


MARKDOWNISH = st.lists(
    st.sampled_from(
        [
            "**",
            "*",
            "_",
            "__",
            "`",
            "```",
            "~~",
            "[",
            "]",
            "(",
            ")",
            "https://x.io/a?b=1&c=2",
            "<",
            ">",
            "&",
            "&amp;",
            "# ",
            "\n",
            "- ",
            " ",
            "kg",
            "Bench 3×8 @ RPE 8",
            "💪",
            "<b>",
            "</i>",
            '"',
            "'",
            "1.",
            "\x00",
        ]
    )
    | st.text(max_size=12),
    max_size=80,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(MARKDOWNISH)
def test_html_from_any_model_output_passes_the_strict_check(source: str) -> None:
    assert check(markdown_to_html(source)) == []


@settings(max_examples=200, deadline=None)
@given(MARKDOWNISH, st.integers(min_value=30, max_value=300))
def test_splitting_never_breaks_a_tag(source: str, limit: int) -> None:
    html_text = markdown_to_html(source * 8)
    parts = split_html(html_text, limit)
    for part in parts:
        assert len(part) <= limit, (len(part), limit)
        assert check(part) == [], part


def test_common_markdown_becomes_telegram_html() -> None:
    out = markdown_to_html(
        "## Week 1\n**Bench**: 3×8 @ *RPE 8* — see [guide](https://x.io/?a=1&b=2)\n"
        "- squat `5x5`\n```\nA<B\n```\n1 < 2 & 3 > 2"
    )
    assert out == (
        "<b>Week 1</b>\n<b>Bench</b>: 3×8 @ <i>RPE 8</i> — see "
        "guide (https://x.io/?a=1&amp;b=2)\n• squat <code>5x5</code>\n"
        "<pre>A&lt;B</pre>\n1 &lt; 2 &amp; 3 &gt; 2"
    )


def test_a_link_never_hides_its_target_behind_its_text() -> None:
    out = markdown_to_html("Log in [here](https://evil.example/steal) or https://hevy.com")
    assert "<a " not in out
    assert "here (https://evil.example/steal)" in out


def test_a_long_reply_splits_into_valid_parts_under_4096() -> None:
    long = markdown_to_html(("**Bold paragraph** with _some_ text & more. " * 40 + "\n\n") * 10)
    parts = split_html(long)
    assert len(parts) > 1 and all(len(p) <= MAX_MESSAGE for p in parts)
    assert all(check(p) == [] for p in parts)
    visible = re.sub(r"<[^>]+>", "", "".join(parts))
    assert visible == re.sub(r"<[^>]+>", "", long)
