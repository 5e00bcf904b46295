"""The training engine: small pure functions over plain data. Numbers come from here."""
