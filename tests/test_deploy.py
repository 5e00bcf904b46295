"""Deployment files: no Docker engine runs here, so their wiring is checked by reading them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from core.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in lines
        if line and not line.startswith("#")
    ]


def test_compose_bot_reaches_the_mongo_service_by_name() -> None:
    services = compose()["services"]
    bot, env = services["bot"], services["bot"]["environment"]
    url = urlsplit(env["DATABASE_URL"])
    assert url.scheme == "mongodb"
    assert url.hostname in services, "DATABASE_URL must name a compose service"
    mongo = services[url.hostname]
    assert mongo["image"].startswith("mongo:")
    assert url.port == 27017
    assert bot["depends_on"][url.hostname]["condition"] == "service_healthy"
    assert "healthcheck" in mongo


def test_compose_keeps_mongo_data_in_a_named_volume() -> None:
    doc = compose()
    mounts = doc["services"]["mongo"]["volumes"]
    named = {m.split(":")[0]: m.split(":")[1] for m in mounts}
    assert any(target == "/data/db" and name in doc["volumes"] for name, target in named.items())


def test_compose_requires_the_secrets_and_uses_only_known_variables() -> None:
    env = compose()["services"]["bot"]["environment"]
    known = {name.upper() for name in Settings.model_fields}
    assert set(env) <= known
    for required in ("TELEGRAM_BOT_TOKEN", "SPOTTER_SECRET_KEY"):
        assert re.fullmatch(rf"\$\{{{required}:\?.+\}}", env[required]), required
    host, published, _inside = compose()["services"]["bot"]["ports"][0].split(":")
    assert published == env["WEB_PORT"]
    assert host == "127.0.0.1", "the web app and its /metrics are not published to the world"
    assert env["WEB_HOST"] == "0.0.0.0"  # noqa: S104 (inside the container, by design)


def test_dockerfile_builds_the_package_and_runs_as_non_root() -> None:
    steps = dockerfile_instructions()
    froms = [arg for op, arg in steps if op == "FROM"]
    assert all(arg.split()[0] == "python:3.13-slim" for arg in froms)
    final = steps[max(i for i, (op, _) in enumerate(steps) if op == "FROM") :]
    users = [arg for op, arg in final if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert ("CMD", '["spotter", "run"]') in final
    (health,) = [arg for op, arg in final if op == "HEALTHCHECK"]
    assert "/healthz" in health and "WEB_PORT" in health


def test_dockerfile_copies_every_package_the_wheel_ships() -> None:
    packages = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["hatch"]["build"][
        "targets"
    ]["wheel"]["packages"]
    copied = {arg.split()[0] for op, arg in dockerfile_instructions() if op == "COPY"}
    for package in packages:
        assert package in copied and (REPO / package).is_dir()
    for source in copied - {"--from=build"}:
        assert (REPO / source).exists(), f"COPY {source}: no such path"


def lock_pins(name: str) -> dict[str, str]:
    """`package: version` for every pin of a lock file (names normalised as pip does)."""
    pins = {}
    for line in (REPO / name).read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", line):
            pins[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return pins


def test_the_locks_pin_every_declared_dependency_within_its_range() -> None:
    from packaging.requirements import Requirement

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    app, dev = lock_pins("requirements.lock"), lock_pins("requirements-dev.lock")
    for text in project["dependencies"]:
        requirement = Requirement(text)
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert name in app, f"{name} is missing from requirements.lock: run make lock"
        assert requirement.specifier.contains(app[name]), f"{name}=={app[name]} vs {text}"
    for text in project["optional-dependencies"]["dev"]:
        requirement = Requirement(text)
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert requirement.specifier.contains(dev[name]), f"{name}=={dev[name]} vs {text}"
    # The image runs what the suite ran: the app's lock is the dev lock less the dev tools.
    assert {name: dev[name] for name in app} == app
    assert "apscheduler" in app, "PTB's job-queue extra brings it"


def test_every_install_is_from_the_lock_with_hashes() -> None:
    installs = [
        arg for op, arg in dockerfile_instructions() if op == "RUN" and "pip install" in arg
    ]
    assert "--require-hashes" in installs[0] and "-r requirements.lock" in installs[0]
    assert all("--no-deps" in arg for arg in installs), "the package itself adds nothing unpinned"
    makefile = (REPO / "Makefile").read_text()
    stamp = re.search(r"^\$\(STAMP\):(.*)$", makefile, re.M)[1]
    assert "$(LOCK)" in stamp, "the venv is rebuilt when the lock changes"
    assert "--require-hashes --no-deps -r $(LOCK)" in makefile
    assert re.search(r"^lock:", makefile, re.M), "make lock refreshes the lock files"
    assert re.search(r"^check:(.|\n)*pytest -m \"not process\"", makefile, re.M), "make check"
    assert "make test" in (REPO / ".ci" / "run").read_text()
    assert (REPO / "LICENSE").read_text().startswith("MIT License")


def test_compose_https_profile_puts_caddy_in_front_with_public_url_as_the_one_setting() -> None:
    services = compose()["services"]
    caddy, bot = services["caddy"], services["bot"]
    assert caddy["profiles"] == ["https"], "the default `docker compose up` stays as it was"
    assert caddy["image"].startswith("caddy:")
    assert {"80:80", "443:443"} <= set(caddy["ports"])
    mounts = {m.split(":")[1]: m.split(":")[0] for m in caddy["volumes"]}
    assert mounts["/data"] in compose()["volumes"], "certificates survive a restart"
    caddyfile = (REPO / mounts["/etc/caddy/Caddyfile"]).read_text()
    assert "{$PUBLIC_URL} {" in caddyfile and "reverse_proxy bot:8080" in caddyfile
    assert caddy["environment"]["PUBLIC_URL"].startswith("${PUBLIC_URL")
    assert bot["environment"]["PUBLIC_URL"].startswith("${PUBLIC_URL")
    assert "172.16.0.0/12" in bot["environment"]["FORWARDED_ALLOW_IPS"], "Caddy's address"


def test_compose_rotates_every_containers_log() -> None:
    for name, service in compose()["services"].items():
        options = service["logging"]["options"]
        assert service["logging"]["driver"] == "json-file", name
        assert options["max-size"] and int(options["max-file"]) >= 2, name


def test_the_operators_guide_is_linked_and_covers_its_topics() -> None:
    guide = (REPO / "docs" / "operating.md").read_text()
    assert "docs/operating.md" in (REPO / "README.md").read_text()
    topics = ["--profile https", "FORWARDED_ALLOW_IPS", "spotter backup", "mongodump"]
    topics += ["mongorestore", "secret.key", "/healthz", "max-size", "schema version"]
    for topic in topics:
        assert topic in guide, topic
