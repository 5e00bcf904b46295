"""The `spotter` command line (`main`); each command's module loads only when it runs, so
`spotter keygen` starts without Telegram or the engine. `serve` is `spotter run`; `demo` and
`demo_commands` the terminal demo; `plan_command` the engine without Telegram; `backup` an
online copy of the embedded store and its key."""
