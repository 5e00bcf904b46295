"""Spotter's outer layer, in four rooms; imports point one way, down this list, then into `core`:

- `cli/`: the `spotter` command line — `run` (`serve`: bot, web app and scheduler in one event
  loop), `plan`, `demo`, `backup`, `keygen`, `sandbox`.
- `web/`: the Starlette app — login links, health, metrics, the webhook — and the Mini App
  (`web/miniapp/`, its templates and static files); finishing a login starts the first sync in
  the chat, so `web` may call `telegram`.
- `telegram/`: the PTB application — handlers (`telegram/handlers/`, one module per concern,
  registered in `telegram/app.py`), scheduled work (`jobs`), the access gate, update ordering,
  and what the chat shows (`render`, `reports`, `charts`, the check-in's `readiness`).
- `process/`: what every room shares — the composition root (`runtime`), logs, metrics,
  throttles.

No room imports one above it; `tests/test_layers.py` checks it.
"""
