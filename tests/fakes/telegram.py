"""A fake Telegram Bot API on loopback: getUpdates long polling fed by the test, every other
call recorded and answered in the Bot API's shapes, faults (429, 403) injectable.

PTB sends form fields with JSON-encoded values (multipart when it uploads a file); the fake
decodes both, so the bot under test is the real PTB speaking real HTTP.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

BOT = {
    "id": 777000111,
    "is_bot": True,
    "first_name": "Spotter",
    "username": "spotter_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
RAW_STRINGS = {
    "text",
    "caption",
    "parse_mode",
    "callback_query_id",
    "data",
    "url",
    "secret_token",
    "file_id",
    "draft_text",
    "action",
    "filename",
}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class Fault:
    method: str | None
    chat_id: int | None
    status: int
    times: int
    retry_after: int | None = None


class FakeTelegram:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.files: dict[str, bytes] = {}
        self.blocked: set[int] = set()
        self.max_per_second: int | None = None  # enforce Telegram's flood limit on sends
        self.rate_limited = 0
        self._recent_sends: list[float] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._new_update = asyncio.Event()
        self.app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._method, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._file, methods=["GET"]),
            ]
        )

    # --- what the test does -------------------------------------------------------------------

    def _push(self, update: dict[str, Any]) -> None:
        update["update_id"] = next(self._update_ids)
        self.updates.append(update)
        self._new_update.set()

    def _user(self, user_id: int, name: str) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": name}

    def send_text(self, user_id: int, text: str, name: str = "Lifter") -> int:
        """A user sends `text` (commands get their bot_command entity, as Telegram adds)."""
        message_id = next(self._message_ids)
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": name},
            "from": self._user(user_id, name),
            "text": text,
        }
        if command := re.match(r"/[A-Za-z0-9_]+(@\w+)?", text):  # as Telegram marks them
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": command.end()}]
        self._push({"message": message})
        return message_id

    def send_document(
        self, user_id: int, filename: str, content: bytes, name: str = "Lifter"
    ) -> None:
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = content
        self._push(
            {
                "message": {
                    "message_id": next(self._message_ids),
                    "date": int(time.time()),
                    "chat": {"id": user_id, "type": "private", "first_name": name},
                    "from": self._user(user_id, name),
                    "document": {
                        "file_id": file_id,
                        "file_unique_id": file_id,
                        "file_name": filename,
                        "file_size": len(content),
                        "mime_type": "text/csv",
                    },
                }
            }
        )

    def press(self, user_id: int, message: Call, data: str, name: str = "Lifter") -> None:
        """The user presses an inline button `data` under `message` (a message the bot sent)."""
        shown = {
            "message_id": message.params.get("message_id") or 5000 + self.calls.index(message),
            "date": int(time.time()),
            "chat": {"id": message.params["chat_id"], "type": "private"},
            "text": message.params.get("text", ""),
            "reply_markup": message.params.get("reply_markup"),
        }
        self._push(
            {
                "callback_query": {
                    "id": f"cq-{next(self._message_ids)}",
                    "from": self._user(user_id, name),
                    "chat_instance": f"ci-{user_id}",
                    "message": shown,
                    "data": data,
                }
            }
        )

    def fail(
        self,
        status: int,
        method: str | None = None,
        chat_id: int | None = None,
        times: int = 1,
        retry_after: int | None = None,
    ) -> None:
        self.faults.append(Fault(method, chat_id, status, times, retry_after))

    def sent(self, method: str | None = None, chat_id: int | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if (method is None or c.method == method)
            and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    def texts(self, chat_id: int) -> list[str]:
        """What the user saw as messages (sends and final edits), in order."""
        return [
            c.params.get("text") or c.params.get("caption") or ""
            for c in self.calls
            if c.params.get("chat_id") == chat_id
            and c.method in ("sendMessage", "editMessageText", "sendPhoto", "sendDocument")
        ]

    async def wait_for(self, predicate, timeout: float = 20.0) -> Call:
        """The first recorded call matching `predicate`, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for call in self.calls:
                if predicate(call):
                    return call
            await asyncio.sleep(0.05)
        raise AssertionError(
            f"no matching call within {timeout}s; calls: {[c.method for c in self.calls][-30:]}"
        )

    # --- the Bot API --------------------------------------------------------------------------

    async def _params(self, request: Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        params: dict[str, Any] = dict(request.query_params)
        files: dict[str, bytes] = {}
        if request.method == "POST":
            content_type = request.headers.get("content-type", "")
            if content_type.startswith("application/json"):
                params.update(await request.json())
            else:
                form = await request.form()
                for key, value in form.multi_items():
                    if isinstance(value, UploadFile):
                        files[key] = await value.read()
                    else:
                        params[key] = value
        for key, value in list(params.items()):
            if isinstance(value, str) and key not in RAW_STRINGS:
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    pass
        return params, files

    async def _method(self, request: Request) -> Response:
        method = request.path_params["method"]
        params, files = await self._params(request)
        if method == "getUpdates":
            return await self._get_updates(params)
        self.calls.append(Call(method, params, time.monotonic(), files))
        chat_id = params.get("chat_id")
        for fault in self.faults:
            if (
                fault.times > 0
                and fault.method in (None, method)
                and fault.chat_id in (None, chat_id)
            ):
                fault.times -= 1
                return self._error(fault.status, fault.retry_after)
        if chat_id in self.blocked and method.startswith(("send", "edit")):
            return self._error(403)
        if self.max_per_second and method == "sendMessage":
            now = time.monotonic()
            self._recent_sends = [t for t in self._recent_sends if now - t < 1.0]
            if len(self._recent_sends) >= self.max_per_second:
                self.rate_limited += 1
                self.calls.pop()  # refused: not delivered
                return self._error(429, 1)
            self._recent_sends.append(now)
        return JSONResponse({"ok": True, "result": self._result(method, params, files)})

    def _error(self, status: int, retry_after: int | None = None) -> Response:
        descriptions = {
            403: "Forbidden: bot was blocked by the user",
            429: f"Too Many Requests: retry after {retry_after or 1}",
            400: "Bad Request: something",
        }
        body: dict[str, Any] = {
            "ok": False,
            "error_code": status,
            "description": descriptions.get(status, "Error"),
        }
        if status == 429:
            body["parameters"] = {"retry_after": retry_after or 1}
        return JSONResponse(body, status_code=status)

    async def _get_updates(self, params: dict[str, Any]) -> Response:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        while True:
            pending = [u for u in self.updates if u["update_id"] >= offset]
            if pending or time.monotonic() >= deadline:
                return JSONResponse(
                    {"ok": True, "result": pending[: int(params.get("limit") or 100)]}
                )
            self._new_update.clear()
            try:
                await asyncio.wait_for(
                    self._new_update.wait(), max(0.01, deadline - time.monotonic())
                )
            except TimeoutError:
                pass

    def _message(self, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        message = {
            "message_id": params.get("message_id") or next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return {**message, **extra}

    def _result(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if method == "getMe":
            return BOT
        if method in ("sendMessage", "editMessageText"):
            return self._message(params, text=params.get("text", ""))
        if method == "sendPhoto":
            photo = [{"file_id": "photo-1", "file_unique_id": "p1", "width": 800, "height": 400}]
            return self._message(params, photo=photo, caption=params.get("caption"))
        if method == "sendDocument":
            doc = {"file_id": "doc-1", "file_unique_id": "d1", "file_name": "export.json"}
            return self._message(params, document=doc, caption=params.get("caption"))
        if method == "editMessageReplyMarkup":
            return self._message(params)
        if method == "getFile":
            file_id = params["file_id"]
            return {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_path": f"documents/{file_id}",
                "file_size": len(self.files.get(file_id, b"")),
            }
        return True  # setMyCommands, deleteMessage, sendMessageDraft, answerCallbackQuery, …

    async def _file(self, request: Request) -> Response:
        file_id = request.path_params["path"].rsplit("/", 1)[-1]
        if file_id not in self.files:
            return Response(status_code=404)
        return Response(self.files[file_id], media_type="application/octet-stream")


def sign_init_data(bot_token: str, user_id: int, auth_date: int, **fields: str) -> str:
    """Mini App launch data as Telegram signs it for `bot_token` (core.telegram.org/bots/
    webapps#validating-data-received-via-the-mini-app), URL-encoded like `tgWebAppData`."""
    import hashlib
    import hmac
    import json
    from urllib.parse import urlencode

    data = {
        "auth_date": str(auth_date),
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": user_id, "first_name": "Lifter"}, separators=(",", ":")),
        **fields,
    }
    check = "\n".join(f"{key}={value}" for key, value in sorted(data.items()))
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    data["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(data)
