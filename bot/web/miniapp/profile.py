"""The Profile page: the settings /settings changes (units, days, session length, goal, level,
equipment, injuries, time zone, reminder time) as one form, the Hevy link's status with a
relink, the data export (sent into the chat) and deletion behind a confirmation."""

from __future__ import annotations

import io
from datetime import time
from functools import cache
from zoneinfo import available_timezones

from pydantic import Field, field_validator

from bot.telegram.handlers import drop_stale_drafts
from bot.telegram.handlers.data import erase_everything
from bot.telegram.handlers.settings import EQUIPMENT, INJURIES
from bot.telegram.jobs import schedule_reminder
from bot.web.miniapp.common import (
    Asking,
    Context,
    FormError,
    Params,
    TrainingForm,
    go,
    loaded,
    parse_edit,
    save_user,
)
from core.models import Units, time_zone, user_changes, utcnow
from core.services.export import export_document, export_filename


class ProfileForm(TrainingForm):
    units: Units
    timezone: str = Field(max_length=64)
    reminder: str = Field(default="", max_length=5)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            time_zone(value.strip())
        except ValueError:
            raise ValueError(
                f"“{value}” is not a time zone I know: pick one from the list, like Europe/Berlin."
            ) from None
        return value.strip()

    @field_validator("reminder")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        if value:
            try:
                time.fromisoformat(value)
            except ValueError:
                raise ValueError("The reminder needs a time like 07:30, or none.") from None
        return value


@cache
def zone_names() -> tuple[str, ...]:
    """The IANA zones a lifter can pick (the time zone field's list), without the legacy
    aliases ("US/Pacific", "Etc/GMT+3") that only repeat a city's zone."""
    legacy = ("Etc/", "SystemV/", "US/", "posixrules", "localtime", "Factory")
    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith(legacy))
    return (*zones, "UTC")


async def page(asking: Asking, params: Params) -> Context:
    rt, user = asking.runtime, asking.user
    p = user.preferences
    credential = await rt.store.credentials.get(user.id)
    form = {
        **TrainingForm.values(p),
        "units": user.units.value,
        "timezone": user.timezone,
        "reminder": p.reminder_time.strftime("%H:%M") if p.reminder_time else "",
    }
    return {
        "form": form,
        "loaded": loaded(form),
        "choices": {"equipment": EQUIPMENT, "injuries": INJURIES},
        "zone_set": user.timezone != "UTC",
        "zones": zone_names(),
        "hevy": credential.hevy_name or "your account" if credential else "",
        "workouts": await rt.store.workouts.count(user.id),
    }


async def save(asking: Asking, body: dict) -> Context:
    """Only the fields the lifter changed on this form are saved: one changed in the chat since
    the form loaded keeps the chat's value unless it was changed here as well."""
    rt, user = asking.runtime, asking.user
    form, edited = parse_edit(ProfileForm, body)
    prefs = form.model_dump(include=set(TrainingForm.model_fields) & edited)
    if "reminder" in edited:
        prefs["reminder_time"] = time.fromisoformat(form.reminder) if form.reminder else None
    changed = user.model_copy(
        update={
            **form.model_dump(include={"units", "timezone"} & edited),
            "preferences": user.preferences.model_copy(update=prefs),
            "set_up": True,  # the profile form asks everything the setup does
        }
    )
    await save_user(asking, {**user_changes(user, changed), "updated_at": utcnow()})
    await schedule_reminder(asking.application, user.id)
    await drop_stale_drafts(asking.application.bot, rt, user.chat_id, user.id)
    return go("profile", "Saved.")


async def relink(asking: Asking, body: dict) -> Context:
    """A fresh login link for the Hevy key, opened by the app (the same page as /connect's)."""
    issued = await asking.runtime.links.login_link(asking.user_id)
    url = f"{asking.runtime.settings.public_url.rstrip('/')}/link/{issued.token}"
    return {**go("profile", "Opened the Hevy link page; paste your API key there."), "open": url}


async def export(asking: Asking, body: dict) -> Context:
    """Everything Spotter keeps, as the chat's /export sends it, into the lifter's chat (a
    download inside Telegram's webview is not dependable)."""
    user = asking.user
    if user.chat_id is None:
        raise FormError("Send /start to Spotter in Telegram first.")
    data = await export_document(asking.runtime.store, user.id)
    await asking.application.bot.send_document(
        user.chat_id, io.BytesIO(data), filename=export_filename(), caption="All your Spotter data."
    )
    return go("profile", "Sent: the file is in your chat with Spotter.")


async def delete(asking: Asking, body: dict) -> Context:
    if body.get("confirm") != "delete":
        raise FormError("Type “delete” to confirm.")
    await erase_everything(asking.application, asking.user_id)
    return {"gone": True, "notice": "Everything is deleted. Send /start to come back."}
