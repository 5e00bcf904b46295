"""Start-up stays lean: the SDK and the chart library load when first used, not with the bot."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_the_bot_starts_without_loading_anthropic_or_matplotlib() -> None:
    probe = (
        "import sys, bot.telegram.app, bot.cli.main, bot.process.runtime, core.coach.service;"
        "print(sorted(m for m in ('anthropic', 'matplotlib', 'httpx2') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
