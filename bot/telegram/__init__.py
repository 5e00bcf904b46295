"""Spotter in Telegram: the PTB application (`app`: every handler registered in one place),
`handlers/` (one module per concern), scheduled work (`jobs`: sync rounds, outbox delivery,
reminders, check-ins), the access gate (`access`), per-chat update ordering (`updates`),
Telegram's rate limits (`ratelimit`), and what the chat shows: `render` (Markdown to Telegram
HTML), `reports` (/today, /week, /prs…), `charts` (photos), `readiness` (the check-in),
`plan_edits` (a plan change typed in words)."""
