"""Typed errors the core raises; each carries a message fit to show an operator or a user."""


class SpotterError(Exception):
    """Base of every error Spotter raises on purpose."""


class ConfigError(SpotterError):
    """A setting is missing or invalid; the message names the variable and how to fix it."""


class VaultError(SpotterError):
    """A secret could not be encrypted or decrypted (wrong key, wrong owner, tampered data)."""


class StoreError(SpotterError):
    """The store cannot be used."""


class StoreUnavailable(StoreError):
    """The database does not answer or cannot be opened."""


class SchemaTooNew(StoreError):
    """The database was written by a newer Spotter; it is left untouched."""
