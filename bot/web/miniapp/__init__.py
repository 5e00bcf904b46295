"""The Mini App (issue 15): Spotter's pages inside Telegram, and in a browser through /web.

- `auth.py`: launch data and one-time links in, short-lived sessions out; the bot's gate.
- `routes.py`: the HTTP endpoints, the CSP and the page and action tables.
- `common.py`: the asking lifter, form errors, and what pages share.
- One module per page: `today.py`, `history.py`, `progress.py`, `plan.py`, `profile.py`;
  their templates are in `bot/web/templates/app/`, the script and styles in `bot/web/static/app/`.
"""

from bot.web.miniapp.routes import routes

__all__ = ["routes"]
