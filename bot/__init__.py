"""Spotter's outer layer: the command line, the composition root and (later) Telegram and web."""
