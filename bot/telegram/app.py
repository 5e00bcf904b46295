"""The Telegram application: handlers registered in one place, the menu of commands, and
meeting Telegram at start (`initialize`, then `post_init`: menu, Mini App button, jobs)."""

from __future__ import annotations

import logging

from telegram import MenuButtonWebApp, Update, WebAppInfo
from telegram.error import Forbidden, InvalidToken, NetworkError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.process.runtime import Runtime
from bot.telegram.access import gate
from bot.telegram.handlers import (
    chat,
    checkin,
    data,
    link,
    onboarding,
    plan,
    progress,
    settings,
    start,
    sync,
)
from bot.telegram.jobs import schedule_all
from bot.telegram.ratelimit import PreviewAwareRateLimiter
from bot.telegram.updates import PerChatUpdateProcessor
from core.errors import ConfigError, SpotterError
from core.models import UserStatus, utcnow
from core.services.insights import UnknownUser
from core.services.user_lease import UserGone
from core.settings import Settings

log = logging.getLogger(__name__)


def register(app: Application) -> None:
    """Every handler, flat and in order. Group -2 runs first: the access gate; then group -1:
    a typed setup answer (else the update goes on to group 0)."""
    app.add_handler(TypeHandler(Update, gate), group=-2)
    app.add_handler(CommandHandler("start", start.start))
    app.add_handler(CommandHandler("help", start.help_command))
    app.add_handler(CommandHandler("invite", start.invite))
    app.add_handler(CommandHandler("stats", start.stats))
    app.add_handler(CommandHandler("connect", link.connect))
    app.add_handler(CommandHandler("disconnect", link.disconnect))
    app.add_handler(CommandHandler("web", link.web))
    app.add_handler(CommandHandler("sync", sync.sync_command))
    app.add_handler(CommandHandler("plan", plan.plan_command))
    app.add_handler(CommandHandler("today", plan.today))
    app.add_handler(CommandHandler("changes", plan.changes_command))
    app.add_handler(CommandHandler("progress", progress.progress))
    app.add_handler(CommandHandler("week", progress.week))
    app.add_handler(CommandHandler("prs", progress.prs))
    app.add_handler(CommandHandler("settings", settings.settings_command))
    app.add_handler(CommandHandler("import", data.import_command))
    app.add_handler(CommandHandler("export", data.export))
    app.add_handler(CommandHandler("delete", data.delete))
    app.add_handler(CallbackQueryHandler(plan.plan_button, pattern=r"^plan:"))
    app.add_handler(CallbackQueryHandler(plan.term_button, pattern=r"^term:"))
    app.add_handler(CallbackQueryHandler(plan.why_button, pattern=r"^why:"))
    app.add_handler(CallbackQueryHandler(checkin.checkin_button, pattern=r"^ck:"))
    app.add_handler(CallbackQueryHandler(progress.progress_choice, pattern=r"^progress:"))
    app.add_handler(CallbackQueryHandler(settings.settings_button, pattern=r"^set:"))
    app.add_handler(CallbackQueryHandler(onboarding.setup_button, pattern=r"^ob:"))
    app.add_handler(CallbackQueryHandler(data.delete_button, pattern=r"^delete:"))
    app.add_handler(CallbackQueryHandler(data.muscle_button, pattern=r"^mus:"))
    app.add_handler(CallbackQueryHandler(start.stale_button))  # any other tap: answered, ignored
    app.add_handler(MessageHandler(filters.Document.ALL, data.document))
    app.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND, onboarding.typed_answer), group=-1
    )
    # Order matters: a pasted key must never reach the coach.
    app.add_handler(MessageHandler(filters.TEXT & filters.Regex(link.KEY_SHAPE), link.pasted_key))
    app.add_handler(
        MessageHandler(filters.TEXT & filters.Regex(r"(?i)^tz\s+\S+"), settings.timezone_message)
    )
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, chat.chat))
    app.add_handler(MessageHandler(filters.COMMAND, start.unknown_command))  # after every command
    app.add_error_handler(on_error)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One friendly sentence for the user, the detail in the log; blocked users go inactive."""
    error = context.error
    if (
        isinstance(update, Update)
        and update.effective_user is not None
        and isinstance(error, Forbidden)
    ):
        rt: Runtime = context.application.bot_data["runtime"]
        await rt.store.users.update(  # only a lifter still stored: an erased one stays erased
            update.effective_user.id, {"status": UserStatus.INACTIVE, "updated_at": utcnow()}
        )
        log.info("user blocked the bot", extra={"user_id": update.effective_user.id})
        return
    if isinstance(error, UserGone | UnknownUser):  # a /delete while this was under way
        log.info("work stopped: the user was erased meanwhile")
        message = error.user_message
    else:
        log.error("handler failed", exc_info=error)
        message = "Sorry, something went wrong on my side. Please try again."
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, message)
        except Exception:
            log.exception("could not tell the user about an error")


CONNECTIONS = 16


def build_application(runtime: Runtime, *, sequential: bool = False) -> Application:
    """The bot. `sequential` gives PTB's default one-update-at-a-time processing (a benchmark
    baseline), instead of concurrent chats with each chat in order."""
    settings = runtime.settings
    base = settings.telegram_base_url
    app = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(base)
        .base_file_url(base.removesuffix("/bot") + "/file/bot")
        .defaults(Defaults(parse_mode=None, link_preview_options=None))
        .concurrent_updates(False if sequential else PerChatUpdateProcessor(256))
        .rate_limiter(PreviewAwareRateLimiter())
        # Telegram takes about 30 messages a second, so more connections only add bookkeeping:
        # httpcore scans every pooled connection on each request (a third of a turn's CPU at
        # PTB's default of 256). A request waits up to 5 s for a free one under a burst.
        .connection_pool_size(CONNECTIONS)
        .pool_timeout(5.0)
        .build()
    )
    app.bot_data["runtime"] = runtime
    register(app)
    return app


async def post_init(app: Application) -> None:
    await app.bot.set_my_commands(start.COMMANDS)
    rt: Runtime = app.bot_data["runtime"]
    public = rt.settings.public_url.rstrip("/")
    if public.startswith("https://"):  # Telegram opens Mini Apps over https only
        await app.bot.set_chat_menu_button(
            menu_button=MenuButtonWebApp("Spotter", WebAppInfo(f"{public}/app/"))
        )
    await schedule_all(app)
    if rt.settings.spotter_access == "invite" and not rt.settings.spotter_admins:
        issued = await rt.links.issue_admin_claim()
        if issued is not None:
            log.warning(
                "no admin yet: open this link in Telegram to become the admin",
                extra={
                    "claim_link": f"https://t.me/{app.bot.username}?start={issued.token}",
                    # The one secret meant for the log: see bot/process/logs.py.
                    "operator_secret": True,
                },
            )


async def initialize(app: Application, settings: Settings) -> None:
    """Meet Telegram (getMe); a refused token or an unreachable API is one clear line."""
    try:
        await app.initialize()
    except InvalidToken:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN was refused by Telegram: copy the token from @BotFather again."
        ) from None
    except NetworkError as exc:
        raise SpotterError(
            f"cannot reach Telegram at {settings.telegram_base_url} ({exc}): check the network "
            "or TELEGRAM_BASE_URL."
        ) from None
