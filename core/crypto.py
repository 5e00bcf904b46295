"""The key vault: secrets (Hevy API keys) encrypted at rest with AES-GCM, bound to their owner.

A ciphertext reads `v1.<key id>.<base64url(nonce | ciphertext+tag)>`. The owner's user id is the
associated data, so a ciphertext copied onto another user's record does not decrypt. The key id
names which master key sealed it: `SPOTTER_SECRET_KEY` may list several keys separated by commas,
the first one current (used for new writes) and the others still accepted for reading, so keys
rotate without re-encrypting everything at once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.errors import ConfigError, VaultError

KEY_BYTES = 32
_VERSION = "v1"
_NONCE_BYTES = 12


def generate_master_key() -> str:
    """A new master key: 32 random bytes, URL-safe base64 (what `spotter keygen` prints)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def parse_master_keys(value: str) -> list[bytes]:
    """Decode `SPOTTER_SECRET_KEY` (one key, or several comma-separated, current first)."""
    keys = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        try:
            key = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != KEY_BYTES:
            raise ConfigError(
                "SPOTTER_SECRET_KEY is invalid (each key must be 32 bytes in URL-safe base64): "
                "run `spotter keygen` and set the line it prints."
            )
        keys.append(key)
    if not keys:
        raise ConfigError("SPOTTER_SECRET_KEY is empty: run `spotter keygen` and set its output.")
    return keys


def load_or_create_key_file(path: Path) -> list[bytes]:
    """Read the embedded-mode key file, creating it (mode 0600) on first use."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as exc:
        raise ConfigError(
            f"cannot create the key file {path} ({exc.strerror}): "
            "make its folder writable or set SPOTTER_SECRET_KEY."
        ) from None
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(generate_master_key() + "\n")
    try:
        text = path.read_text().strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not text"
        raise ConfigError(
            f"cannot read the key file {path} ({reason}): fix its permissions, or set "
            "SPOTTER_SECRET_KEY to the key it held (stored Hevy keys need the same key)."
        ) from None
    try:
        return parse_master_keys(text)
    except ConfigError:
        raise ConfigError(
            f"the key file {path} is damaged (not a 32-byte URL-safe base64 key): restore it "
            "from a backup, or set SPOTTER_SECRET_KEY; linked users must link again otherwise."
        ) from None


def _key_id(master: bytes) -> str:
    return hashlib.sha256(b"spotter-key-id" + master).hexdigest()[:8]


def _derive(master: bytes) -> AESGCM:
    # A purpose-bound subkey, so the master key never touches data directly.
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"spotter vault v1")
    return AESGCM(hkdf.derive(master))


class KeyVault:
    """Seals and opens secrets owned by one user; the first key seals, every key opens."""

    def __init__(self, master_keys: list[bytes]) -> None:
        if not master_keys:
            raise ValueError("at least one master key is required")
        self._ciphers = {_key_id(key): _derive(key) for key in master_keys}
        self._current = _key_id(master_keys[0])

    @property
    def current_key_id(self) -> str:
        """The id of the key new ciphertexts are sealed with."""
        return self._current

    def encrypt(self, plaintext: str, *, owner: int) -> str:
        """Seal `plaintext` for user `owner`."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._ciphers[self._current].encrypt(nonce, plaintext.encode(), _aad(owner))
        body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
        return f"{_VERSION}.{self._current}.{body}"

    def decrypt(self, ciphertext: str, *, owner: int) -> str:
        """Open a ciphertext sealed for `owner`; VaultError when it is not theirs or is damaged."""
        try:
            version, key_id, body = ciphertext.split(".", 2)
        except ValueError:
            raise VaultError("not a vault ciphertext") from None
        if version != _VERSION:
            raise VaultError(f"unknown vault format {version!r}")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise VaultError(f"sealed with key {key_id}, which is not configured")
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            plain = cipher.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _aad(owner))
        except (InvalidTag, binascii.Error, ValueError):
            raise VaultError("ciphertext does not open for this owner") from None
        return plain.decode()

    def needs_rotation(self, ciphertext: str) -> bool:
        """True when `ciphertext` was sealed with an older key than the current one."""
        parts = ciphertext.split(".", 2)
        return len(parts) != 3 or parts[1] != self._current


def _aad(owner: int) -> bytes:
    return f"spotter-user:{owner}".encode()
