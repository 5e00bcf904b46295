"""The `spotter` command line: parse, load settings, hand over to the right command."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from bot.logs import configure_logging
from bot.runtime import build_runtime
from core.crypto import generate_master_key
from core.errors import SpotterError
from core.settings import Settings, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spotter", description="Spotter, a strength coach in Telegram for Hevy lifters."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="run the bot, its web app and its scheduler")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates by webhook at PUBLIC_URL (needs TELEGRAM_WEBHOOK_SECRET)",
    )
    commands.add_parser("keygen", help="print a new SPOTTER_SECRET_KEY")
    return parser


async def _run(settings: Settings, *, webhook: bool) -> int:
    runtime = await build_runtime(settings)
    try:
        where = str(settings.sqlite_path) if settings.embedded else "MongoDB"
        print(
            f"Spotter is configured: store {runtime.store.backend} ({where}), schema "
            f"v{await runtime.store.schema_version()}, vault key {runtime.vault.current_key_id}."
        )
        print("The Telegram bot itself is not built yet; this command will start it once it is.")
    finally:
        await runtime.aclose()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `spotter` console script; returns the process exit code."""
    args = _parser().parse_args(argv)
    if args.command == "keygen":
        print(generate_master_key())
        return 0
    try:
        settings = load_settings()
        settings.require("TELEGRAM_BOT_TOKEN")
        if args.webhook:
            settings.require("TELEGRAM_WEBHOOK_SECRET")
        configure_logging(settings.log_level)
        return asyncio.run(_run(settings, webhook=args.webhook))
    except SpotterError as exc:
        print(f"spotter: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
