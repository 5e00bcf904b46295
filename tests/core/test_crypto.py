"""The key vault: sealed per owner, rotation-friendly, and the embedded key file."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.crypto import (
    KeyVault,
    generate_master_key,
    load_or_create_key_file,
    parse_master_keys,
)
from core.errors import ConfigError, VaultError

HEVY_KEY = "3f0c8a52-1b7e-4c8e-9d51-0a6b2f1e9c44"


def vault(*keys: str) -> KeyVault:
    return KeyVault(parse_master_keys(",".join(keys)))


@given(secret=st.text(max_size=200), owner=st.integers(min_value=1, max_value=2**53))
def test_round_trip_for_any_secret_and_owner(secret: str, owner: int) -> None:
    v = vault(KEY)
    sealed = v.encrypt(secret, owner=owner)
    assert v.decrypt(sealed, owner=owner) == secret


KEY = generate_master_key()


def test_ciphertext_hides_the_secret_and_differs_each_time() -> None:
    v = vault(KEY)
    first, second = v.encrypt(HEVY_KEY, owner=1), v.encrypt(HEVY_KEY, owner=1)
    assert first != second
    assert HEVY_KEY not in first and HEVY_KEY[:8] not in first


def test_a_ciphertext_copied_to_another_user_does_not_open() -> None:
    v = vault(KEY)
    sealed = v.encrypt(HEVY_KEY, owner=1)
    with pytest.raises(VaultError):
        v.decrypt(sealed, owner=2)


def test_tampered_or_foreign_ciphertexts_are_refused() -> None:
    v = vault(KEY)
    sealed = v.encrypt(HEVY_KEY, owner=1)
    version, key_id, body = sealed.split(".")
    flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
    for bad in (f"{version}.{key_id}.{flipped}", "garbage", f"v9.{key_id}.{body}", ""):
        with pytest.raises(VaultError):
            v.decrypt(bad, owner=1)
    with pytest.raises(VaultError, match="not configured"):
        vault(generate_master_key()).decrypt(sealed, owner=1)


def test_rotation_old_ciphertexts_open_new_ones_use_the_current_key() -> None:
    old_key, new_key = KEY, generate_master_key()
    old_sealed = vault(old_key).encrypt(HEVY_KEY, owner=5)
    rotated = vault(new_key, old_key)
    assert rotated.decrypt(old_sealed, owner=5) == HEVY_KEY
    assert rotated.needs_rotation(old_sealed)
    new_sealed = rotated.encrypt(HEVY_KEY, owner=5)
    assert not rotated.needs_rotation(new_sealed)
    assert new_sealed.split(".")[1] == rotated.current_key_id
    with pytest.raises(VaultError):
        vault(old_key).decrypt(new_sealed, owner=5)


# A well-formed key cut short; fixed bytes, so parallel workers collect the same test ids.
TRUNCATED_KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()[:-4]


@pytest.mark.parametrize("bad", ["", "short", "a" * 43 + "!", TRUNCATED_KEY])
def test_malformed_master_keys_are_a_config_error_naming_the_variable(bad: str) -> None:
    with pytest.raises(ConfigError, match="SPOTTER_SECRET_KEY"):
        parse_master_keys(bad)


def test_key_file_is_created_once_with_owner_only_permissions(tmp_path: Path) -> None:
    path = tmp_path / "data" / "secret.key"
    first = load_or_create_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key_file(path) == first


def test_damaged_key_file_is_refused_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    path.write_text("not a key\n")
    with pytest.raises(ConfigError, match="damaged"):
        load_or_create_key_file(path)
    assert path.read_text() == "not a key\n"


def test_unreadable_key_file_gets_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    path.mkdir()  # a folder where the file should be: unreadable as text for anyone, root too
    with pytest.raises(ConfigError, match="cannot read the key file"):
        load_or_create_key_file(path)
