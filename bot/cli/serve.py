"""`spotter run`: the bot, its web app and its scheduler in one event loop, until SIGINT or
SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal

from telegram import Update

from bot.process import metrics
from bot.process.runtime import build_runtime
from bot.telegram.app import build_application, initialize, post_init
from bot.web.app import build_web
from bot.web.server import web_server
from core.settings import Settings

log = logging.getLogger(__name__)


async def serve(settings: Settings, *, webhook: bool) -> int:
    """Run the bot and its web app until SIGINT/SIGTERM."""
    runtime = await build_runtime(settings, services=True, observer=metrics.observe_hevy)
    try:
        app = build_application(runtime)
        web = build_web(runtime, app, webhook=webhook)
        server = web_server(settings, web)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await initialize(app, settings)
        async with app:
            await post_init(app)  # run_polling would call it; this lifecycle is manual
            await app.start()
            if webhook:
                await app.bot.set_webhook(
                    f"{settings.public_url}/telegram",
                    secret_token=settings.telegram_webhook_secret.get_secret_value(),
                    allowed_updates=Update.ALL_TYPES,
                )
            else:
                await app.updater.start_polling(
                    allowed_updates=Update.ALL_TYPES, drop_pending_updates=False
                )
            web_task = asyncio.create_task(server.serve())
            log.info(
                "spotter running",
                extra={
                    "mode": "webhook" if webhook else "polling",
                    "web": f"{settings.web_host}:{settings.web_port}",
                },
            )
            await stop.wait()
            server.should_exit = True
            await web_task
            if not webhook:
                await app.updater.stop()
            await app.stop()
    finally:
        await runtime.aclose()
    return 0
