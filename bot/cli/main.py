"""The `spotter` command line: parse, load settings, hand over to the right command."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.process.logs import configure_logging
from core.crypto import generate_master_key
from core.errors import SpotterError
from core.settings import load_settings


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
    backup = commands.add_parser(
        "backup", help="copy the embedded store and its key into a folder, while Spotter runs"
    )
    backup.add_argument("dest", type=Path, help="a new folder for spotter.db and secret.key")
    from bot.cli.plan_command import add_arguments

    add_arguments(
        commands.add_parser("plan", help="the plan engine without Telegram (--json for machines)")
    )
    commands.add_parser(
        "demo", help="try Spotter in the terminal against a local Hevy sandbox (no accounts)"
    )
    sandbox = commands.add_parser(
        "sandbox", help="serve a local Hevy-compatible API with a generated lifter"
    )
    sandbox.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    sandbox.add_argument("--port", type=int, default=8090, help="port (default 8090; 0 = any)")
    sandbox.add_argument("--api-key", help="the account's API key (default: a new UUID)")
    source = sandbox.add_mutually_exclusive_group()
    source.add_argument("--snapshot", type=Path, help="folder with workouts.json etc. to serve")
    source.add_argument("--seed", type=int, default=1, help="generated lifter's seed (default 1)")
    sandbox.add_argument("--weeks", type=int, default=56, help="weeks of generated history")
    sandbox.add_argument("--units", choices=["kg", "lb"], default="kg", help="lifter's units")
    return parser


def _sandbox(args: argparse.Namespace) -> int:
    from sandbox.generator import Lifter
    from sandbox.seed import load_generated, load_snapshot
    from sandbox.server import RunningSandbox, serve_until_stopped
    from sandbox.state import SandboxState

    state = SandboxState()
    account = state.add_account("Sandbox Lifter", api_key=args.api_key)
    if args.snapshot:
        if not (args.snapshot / "workouts.json").is_file():
            print(f"spotter: {args.snapshot} has no workouts.json", file=sys.stderr)
            return 2
        load_snapshot(account, args.snapshot)
    else:
        load_generated(account, Lifter(seed=args.seed, weeks=args.weeks, units=args.units))

    def announce(running: RunningSandbox) -> None:
        print(f"Hevy sandbox on {running.base_url} with {len(account.workouts)} workouts.")
        print(f"  HEVY_BASE_URL={running.base_url}")
        print(f"  api-key: {account.api_key}")
        print("Ctrl-C stops it.", flush=True)

    asyncio.run(serve_until_stopped(state, args.host, args.port, announce))
    return 0


def _demo() -> int:
    from bot.cli.demo import read_stdin_line, run_demo

    try:
        settings = load_settings()
    except SpotterError as exc:
        print(f"spotter: {exc}", file=sys.stderr)
        return 2
    configure_logging("WARNING")
    return asyncio.run(run_demo(settings, read_stdin_line, lambda text: print(text, flush=True)))


def _backup(args: argparse.Namespace) -> int:
    from bot.cli.backup import backup

    try:
        done = backup(load_settings(), args.dest)
    except SpotterError as exc:
        print(f"spotter: {exc}", file=sys.stderr)
        return 2
    print(f"{done.database} ({done.bytes / 1e6:.1f} MB, schema {done.schema})")
    if done.key is not None:
        print(f"{done.key} (the key that opens the stored Hevy keys: keep it with the copy)")
    else:
        print("The key is SPOTTER_SECRET_KEY: keep it with the copy, it is not in the folder.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `spotter` console script; returns the process exit code."""
    args = _parser().parse_args(argv)
    if args.command == "keygen":
        print(generate_master_key())
        return 0
    if args.command == "sandbox":
        return _sandbox(args)
    if args.command == "backup":
        return _backup(args)
    if args.command == "demo":
        return _demo()
    if args.command == "plan":
        from bot.cli.plan_command import run

        return run(args)
    try:
        settings = load_settings()
        settings.require("TELEGRAM_BOT_TOKEN")
        if args.webhook:
            settings.require("TELEGRAM_WEBHOOK_SECRET")
        configure_logging(settings.log_level, settings.secret_values())
        from bot.cli.serve import serve

        return asyncio.run(serve(settings, webhook=args.webhook))
    except SpotterError as exc:
        print(f"spotter: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
