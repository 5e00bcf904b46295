"""Typed Hevy failures; each knows the sentence a user should read."""

from __future__ import annotations

from core.errors import SpotterError


class HevyError(SpotterError):
    """Any failure talking to Hevy."""

    user_message = "Hevy did not answer as expected. I'll try again later."

    def __init__(self, detail: str = "", *, status: int | None = None) -> None:
        super().__init__(detail or self.user_message)
        self.status = status


class InvalidApiKey(HevyError):
    """401: the key is wrong or was revoked."""

    user_message = (
        "Hevy did not accept that API key. Copy it again from hevy.com → Settings → Developer."
    )


class HevyForbidden(HevyError):
    """403: not a Pro account, or an account limit (routines) was reached."""

    user_message = "Hevy refused: the API needs Hevy Pro, and free accounts have a routine limit."


class HevyNotFound(HevyError):
    """404: the object does not exist (or is not this account's)."""

    user_message = "Hevy could not find that any more; it may have been deleted in the app."


class HevyBadRequest(HevyError):
    """400: Hevy rejected what we sent."""

    user_message = "Hevy rejected the change. Nothing was written."


class HevyRateLimited(HevyError):
    """429 after every retry."""

    user_message = "Hevy is busy right now. I'll try again in a few minutes."

    def __init__(self, detail: str = "", *, retry_after: float | None = None) -> None:
        super().__init__(detail, status=429)
        self.retry_after = retry_after


class HevyUnavailable(HevyError):
    """5xx, timeouts and network failures after every retry."""

    user_message = "Hevy is not reachable right now. I'll try again later."


class HevyOutcomeUnknown(HevyUnavailable):
    """A write may or may not have landed (timeout or 5xx on POST): look before retrying."""


class HevyProtocolError(HevyError):
    """A 2xx whose body we cannot make sense of."""
