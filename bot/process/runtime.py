"""The composition root: settings in; the store, the vault, the clients and the services out.

Everything is created inside the running event loop and closed by `aclose`, in reverse.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import httpx

from core.coach.service import Coach, CoachConfig
from core.crypto import KeyVault, load_or_create_key_file, parse_master_keys
from core.errors import ConfigError
from core.hevy.client import HevyConnector
from core.ports import Store
from core.services.checkin import CheckIns
from core.services.erasure import Erasure
from core.services.hevy_accounts import HevyAccounts
from core.services.hevy_writes import HevyWriter
from core.services.insights import Insights
from core.services.linking import LinkService
from core.services.outbox import Outbox
from core.services.plan_loop import PlanLoop
from core.services.plan_writer import PlanWriter
from core.services.plans import PlanService
from core.services.rounds import Rounds
from core.services.sync import SyncService
from core.services.user_lease import UserLeases
from core.settings import Settings
from storage.factory import open_store

log = logging.getLogger(__name__)

KEY_FILE_NAME = "secret.key"


@dataclass(slots=True)
class Runtime:
    """Everything a running Spotter holds; closed with `aclose`."""

    settings: Settings
    store: Store
    vault: KeyVault
    http: httpx.AsyncClient | None = None
    accounts: HevyAccounts | None = None
    sync: SyncService | None = None
    insights: Insights | None = None
    plans: PlanService | None = None
    plan_writer: PlanWriter | None = None
    links: LinkService | None = None
    coach: Coach | None = None
    outbox: Outbox | None = None
    loop: PlanLoop | None = None
    rounds: Rounds | None = None
    leases: UserLeases | None = None
    erasure: Erasure | None = None
    checkins: CheckIns | None = None
    _closers: list = field(default_factory=list)

    async def aclose(self) -> None:
        for close in reversed(self._closers):
            try:
                await close()
            except Exception:
                log.exception("close failed")
        await self.store.close()


def build_vault(settings: Settings) -> KeyVault:
    """The vault from `SPOTTER_SECRET_KEY`, or in embedded mode from (a new) `data/secret.key`."""
    if settings.spotter_secret_key is not None:
        return KeyVault(parse_master_keys(settings.spotter_secret_key.get_secret_value()))
    if not settings.embedded:
        raise ConfigError(
            "SPOTTER_SECRET_KEY is not set: with MongoDB the key must be given explicitly; "
            "run `spotter keygen` and set the line it prints."
        )
    return KeyVault(load_or_create_key_file(settings.data_dir / KEY_FILE_NAME))


def build_coach(
    settings: Settings, store: Store, insights: Insights, plans: PlanService
) -> Coach | None:
    """The coach, when ANTHROPIC_API_KEY is set (None otherwise: commands still work)."""
    if settings.anthropic_api_key is None:
        return None
    import anthropic

    client = anthropic.AsyncAnthropic(
        api_key=settings.anthropic_api_key.get_secret_value(),
        base_url=settings.anthropic_base_url,
        timeout=120.0,
        max_retries=3,
    )
    config = CoachConfig(
        model=settings.spotter_model,
        small_model=settings.spotter_small_model,
        daily_token_budget=settings.spotter_daily_token_budget,
        # The bot token is this deployment's secret that Anthropic never sees: lifters' ids
        # reach Claude hashed with it, so they cannot be guessed back from the hash.
        user_id_key=(
            settings.telegram_bot_token.get_secret_value().encode()
            if settings.telegram_bot_token is not None
            else b"spotter"
        ),
    )
    return Coach(client, store, insights, plans, config)


async def build_runtime(settings: Settings, *, services: bool = False, observer=None) -> Runtime:
    """Open the store and the vault (and with `services`, the clients and services)."""
    if not settings.embedded and settings.spotter_secret_key is None:
        build_vault(settings)  # raises the ConfigError before any connection is made
    store = await open_store(settings.database_url)
    try:
        vault = build_vault(settings)
    except BaseException:
        await store.close()
        raise
    log.info(
        "store opened",
        extra={"backend": store.backend, "schema": await store.schema_version()},
    )
    runtime = Runtime(settings=settings, store=store, vault=vault)
    if services:
        runtime.http = httpx.AsyncClient()
        runtime._closers.append(runtime.http.aclose)
        connector = HevyConnector(settings.hevy_base_url, runtime.http, observer=observer)
        runtime.accounts = HevyAccounts(store, vault, connector)
        runtime.leases = UserLeases(store)
        runtime.erasure = Erasure(store, runtime.leases)
        runtime.insights = Insights(store)
        runtime.sync = SyncService(store, leases=runtime.leases, after_change=runtime.insights.warm)
        runtime.plans = PlanService(store, runtime.insights)
        runtime.plan_writer = PlanWriter(store, runtime.accounts, HevyWriter(store), runtime.leases)
        runtime.checkins = CheckIns(store, runtime.accounts, HevyWriter(store), runtime.leases)
        runtime.links = LinkService(store, runtime.accounts)
        runtime.outbox = Outbox(store)
        runtime.loop = PlanLoop(store, runtime.plan_writer, runtime.outbox)
        runtime.rounds = Rounds(
            store, runtime.accounts, runtime.sync, runtime.loop, settings.sync_interval_seconds
        )
        runtime.coach = build_coach(settings, store, runtime.insights, runtime.plans)
        if runtime.coach is not None:
            runtime._closers.append(runtime.coach.aclose)
    return runtime
