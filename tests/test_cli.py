"""`spotter` as an operator runs it: a real process, its exit code and what it prints."""

from __future__ import annotations

import asyncio
import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from core.crypto import parse_master_keys
from core.settings import Settings
from sandbox.server import free_port
from storage.sqlite.schema import LATEST

SPOTTER = Path(sys.executable).with_name("spotter")
TOKEN = "123456789:AAHfakeTokenForTests_abcdefghijk"


def clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in Settings.model_fields}
    env.update(values)
    return env


def spotter(*args: str, cwd: Path, timeout: float = 30, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SPOTTER), *args],
        cwd=cwd,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_run_without_a_bot_token_exits_with_one_line_naming_it(tmp_path: Path) -> None:
    result = spotter("run", cwd=tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "TELEGRAM_BOT_TOKEN" in lines[0] and "@BotFather" in lines[0]
    assert not (tmp_path / "data").exists(), "nothing starts before settings are valid"


def test_python_dash_m_bot_is_the_same_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode != 0 and "TELEGRAM_BOT_TOKEN" in result.stderr


def test_keygen_prints_a_usable_master_key(tmp_path: Path) -> None:
    result = spotter("keygen", cwd=tmp_path)
    assert result.returncode == 0
    (key,) = result.stdout.split()
    assert len(parse_master_keys(key)[0]) == 32
    assert spotter("keygen", cwd=tmp_path).stdout.strip() != key


async def run_briefly(tmp_path: Path, **env: str) -> tuple[int, str, str]:
    """`spotter run` against a fake Telegram: wait until it serves, then stop it (SIGTERM).

    Returns the exit code, stdout and stderr; a run that fails at start returns at once.
    """
    import signal

    import httpx

    from sandbox.server import serve_asgi
    from tests.fakes.telegram import FakeTelegram

    telegram = FakeTelegram()
    async with serve_asgi(telegram.app) as url:
        port = free_port()
        process = await asyncio.create_subprocess_exec(
            str(SPOTTER),
            "run",
            cwd=tmp_path,
            env=clean_env(
                TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=f"{url}/bot", WEB_PORT=str(port), **env
            ),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        async with httpx.AsyncClient() as client:
            for _ in range(300):
                if process.returncode is not None:
                    break
                try:
                    if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                        process.send_signal(signal.SIGTERM)
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, out.decode(), err.decode()


async def test_run_embedded_creates_the_store_and_a_private_key_file(tmp_path: Path) -> None:
    code, out, err = await run_briefly(tmp_path)
    assert code == 0, err
    assert '"backend": "sqlite"' in err and '"msg": "spotter running"' in err
    key_file = tmp_path / "data" / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    with sqlite3.connect(tmp_path / "data" / "spotter.db") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    key = key_file.read_text()
    assert (await run_briefly(tmp_path))[0] == 0
    assert key_file.read_text() == key, "the key is generated once"
    assert TOKEN not in out + err


async def test_a_token_telegram_refuses_is_one_clear_line(tmp_path: Path) -> None:
    from sandbox.server import serve_asgi
    from tests.fakes.telegram import FakeTelegram

    telegram = FakeTelegram()
    telegram.fail(401, method="getMe")
    async with serve_asgi(telegram.app) as url:
        result = await asyncio.to_thread(
            spotter, "run", cwd=tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=f"{url}/bot"
        )
    assert result.returncode != 0
    (line,) = [entry for entry in result.stderr.splitlines() if entry.startswith("spotter:")]
    assert "TELEGRAM_BOT_TOKEN" in line and "Traceback" not in result.stderr


def test_invalid_setting_stops_start_up_before_anything_opens(tmp_path: Path) -> None:
    result = spotter("run", cwd=tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, WEB_PORT="eighty")
    assert result.returncode != 0
    assert result.stderr.strip().startswith("spotter: WEB_PORT is invalid")
    assert not (tmp_path / "data").exists()


def test_webhook_mode_requires_its_secret(tmp_path: Path) -> None:
    result = spotter("run", "--webhook", cwd=tmp_path, TELEGRAM_BOT_TOKEN=TOKEN)
    assert result.returncode != 0 and "TELEGRAM_WEBHOOK_SECRET" in result.stderr


def test_mongodb_without_a_master_key_is_refused_before_connecting(tmp_path: Path) -> None:
    result = spotter(
        "run",
        cwd=tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        DATABASE_URL="mongodb://127.0.0.1:1/spotter",
    )
    assert result.returncode != 0
    assert "SPOTTER_SECRET_KEY is not set" in result.stderr
    assert "did not answer" not in result.stderr


def test_mongodb_that_does_not_answer_fails_within_seconds(tmp_path: Path) -> None:
    port = free_port()
    result = spotter(
        "run",
        cwd=tmp_path,
        timeout=30,
        TELEGRAM_BOT_TOKEN=TOKEN,
        DATABASE_URL=f"mongodb://127.0.0.1:{port}/spotter?directConnection=true",
        SPOTTER_SECRET_KEY=spotter("keygen", cwd=tmp_path).stdout.strip(),
    )
    assert result.returncode != 0
    (line,) = result.stderr.strip().splitlines()
    assert "did not answer" in line and f"127.0.0.1:{port}" in line


@pytest.mark.parametrize("damage", ["garbage database", "data is a file", "damaged key"])
async def test_damaged_data_folder_gets_one_clear_line_and_is_not_overwritten(
    tmp_path: Path, damage: str
) -> None:
    data = tmp_path / "data"
    if damage == "data is a file":
        data.write_text("not a folder")
        victim = data
    else:
        assert (await run_briefly(tmp_path))[0] == 0
        victim = data / ("spotter.db" if damage == "garbage database" else "secret.key")
        for extra in data.glob("spotter.db-*"):
            extra.unlink()
        victim.write_bytes(b"\x00garbage\xff" * 64)
    before = hashlib.sha256(victim.read_bytes()).hexdigest()
    result = spotter("run", cwd=tmp_path, TELEGRAM_BOT_TOKEN=TOKEN)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert hashlib.sha256(victim.read_bytes()).hexdigest() == before


async def test_newer_schema_is_refused_by_the_command(tmp_path: Path) -> None:
    assert (await run_briefly(tmp_path))[0] == 0
    with sqlite3.connect(tmp_path / "data" / "spotter.db") as conn:
        conn.execute(f"PRAGMA user_version = {LATEST + 5}")
    result = spotter("run", cwd=tmp_path, TELEGRAM_BOT_TOKEN=TOKEN)
    assert result.returncode != 0 and "upgrade Spotter" in result.stderr


async def test_run_against_mongodb_over_the_wire(tmp_path: Path) -> None:
    from tests.backends import mongo_server

    async with mongo_server(tmp_path) as url:
        key = spotter("keygen", cwd=tmp_path).stdout.strip()
        code, _out, err = await run_briefly(tmp_path, DATABASE_URL=url, SPOTTER_SECRET_KEY=key)
    assert code == 0, err
    assert '"backend": "mongodb"' in err
    assert not (tmp_path / "data").exists(), "MongoDB mode writes no local files"


def test_sandbox_command_serves_a_generated_lifter(tmp_path: Path) -> None:
    import signal
    import time

    import httpx

    process = subprocess.Popen(
        [str(SPOTTER), "sandbox", "--port", "0", "--api-key", "k-123", "--weeks", "10"],
        cwd=tmp_path,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("Hevy sandbox on http://127.0.0.1:"), line
        base = line.split()[3]
        deadline = time.monotonic() + 10
        while True:
            try:
                count = httpx.get(f"{base}/v1/workouts/count", headers={"api-key": "k-123"})
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert count.status_code == 200 and count.json()["workout_count"] > 20
        assert httpx.get(f"{base}/v1/user/info", headers={"api-key": "nope"}).status_code == 401
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
