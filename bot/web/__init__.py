"""Spotter on the web: the Starlette app (`app`: login links, /healthz, /metrics, the
Telegram webhook, the Mini App), the uvicorn server with its proxy and size limits
(`server`, `bodies`), and the Mini App itself (`miniapp/`, with `templates/` and `static/`)."""
