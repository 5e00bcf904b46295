"""Spotter's outer layer: the command line (`cli`), the composition root (`runtime`, `app`),
Telegram (`handlers/`, one module per concern, registered in `app`), the web app (`web`: login
links, health, metrics, webhook; `miniapp/`: the Mini App), scheduled work (`jobs`), the
terminal demo (`demo`, `demo_commands`), charts and text rendering (`charts`, `render`,
`reports`) and `spotter plan` (`plan_command`)."""
