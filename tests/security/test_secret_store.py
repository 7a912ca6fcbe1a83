"""KeyringSecretStore on a real (in-memory) keyring backend, and the environment opt-in."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.core.config import SecretsSettings
from app.core.errors import ConfigurationError
from app.core.logging import SECRETS
from app.security.secret_store import InMemorySecretStore, KeyringSecretStore
from tests.support.keyrings import (
    BlockingKeyring,
    InMemoryKeyring,
    LockedKeyring,
    PlaintextAltKeyring,
)

CANARY = "canary-odds-key-7f3a9c"  # pragma: allowlist secret


def store_on(backend: InMemoryKeyring, **settings: Any) -> KeyringSecretStore:
    return KeyringSecretStore(
        SecretsSettings(**settings),
        backend=backend,
        allowed_extra=(type(backend),),
        environ={"PRESSBOX_ODDS_API_KEY": "env-odds-key-123456"},  # pragma: allowlist secret
    )


async def test_set_get_delete_round_trip_under_the_service_name() -> None:
    backend = InMemoryKeyring()
    store = store_on(backend, service_name="pb-test")
    await store.set("odds-api-key", CANARY)
    assert backend.store == {("pb-test", "odds-api-key"): CANARY}
    value = await store.get("odds-api-key")
    assert value is not None and value.get_secret_value() == CANARY
    assert CANARY not in repr(value)  # SecretStr until the moment of use
    assert await store.delete("odds-api-key") is True
    assert await store.delete("odds-api-key") is False
    assert await store.get("odds-api-key") is None


async def test_every_value_read_is_registered_with_the_redactor() -> None:
    backend = InMemoryKeyring()
    backend.store[("pressbox", "smtp-password")] = "smtp-canary-445566"  # pragma: allowlist secret
    await store_on(backend).get("smtp-password")
    assert SECRETS.redact("login with smtp-canary-445566") == "login with ***"


async def test_status_names_the_backend_and_never_a_value() -> None:
    backend = InMemoryKeyring()
    store = store_on(backend)
    await store.set("odds-api-key", CANARY)
    status = await store.status()
    assert status.backend.endswith("InMemoryKeyring")
    assert [(s.name, s.in_keyring) for s in status.secrets] == [
        ("odds-api-key", True),
        ("smtp-password", False),
    ]
    assert CANARY not in repr(status)


async def test_unknown_names_and_empty_values_are_refused() -> None:
    store = store_on(InMemoryKeyring())
    with pytest.raises(ConfigurationError, match="unknown secret name"):
        await store.get("github-token")
    with pytest.raises(ConfigurationError, match="empty value"):
        await store.set("odds-api-key", "")


async def test_environment_is_ignored_without_the_opt_in() -> None:
    store = store_on(InMemoryKeyring())
    assert await store.get("odds-api-key") is None
    assert store.insecure_env_in_use is False


async def test_environment_fallback_with_the_opt_in_is_flagged_insecure() -> None:
    backend = InMemoryKeyring()
    store = store_on(backend, allow_env=True)
    value = await store.get("odds-api-key")
    assert value is not None and value.get_secret_value() == "env-odds-key-123456"
    assert store.insecure_env_in_use is True
    # The keyring still wins when it holds the secret.
    backend.store[("pressbox", "odds-api-key")] = CANARY
    fresh = store_on(backend, allow_env=True)
    got = await fresh.get("odds-api-key")
    assert got is not None and got.get_secret_value() == CANARY
    assert fresh.insecure_env_in_use is False


async def test_opt_in_environment_serves_when_no_backend_is_usable() -> None:
    refused = PlaintextAltKeyring()
    store = KeyringSecretStore(
        SecretsSettings(allow_env=True),
        backend=refused,
        environ={"PRESSBOX_ODDS_API_KEY": "env-odds-key-123456"},
    )
    value = await store.get("odds-api-key")
    assert value is not None and store.insecure_env_in_use
    with pytest.raises(ConfigurationError, match="unencrypted"):
        await store.get("smtp-password")  # nothing in the environment: the keyring problem shows
    with pytest.raises(ConfigurationError, match="unencrypted"):
        await store.set("smtp-password", "whatever-123456")
    assert refused.store == {}


async def test_a_locked_keyring_times_out_instead_of_hanging() -> None:
    backend = BlockingKeyring()
    store = store_on(backend, keyring_timeout_s=0.2)
    try:
        with pytest.raises(ConfigurationError, match=r"did not answer within 0.2 s"):
            await store.get("odds-api-key")
        # The event loop stayed free while the keyring call was stuck.
        await asyncio.sleep(0)
    finally:
        backend.release.set()


async def test_a_locked_keyring_says_so() -> None:
    with pytest.raises(ConfigurationError, match="is locked") as caught:
        await store_on(LockedKeyring()).get("odds-api-key")
    assert "gnome-keyring-daemon --unlock" in caught.value.one_line()


async def test_in_memory_store_for_the_demo() -> None:
    store = InMemorySecretStore({"odds-api-key": "demo-odds-key-000111"})
    value = await store.get("odds-api-key")
    assert value is not None and value.get_secret_value() == "demo-odds-key-000111"
    assert await store.get("smtp-password") is None
    assert store.names() == ("odds-api-key",)
    assert SECRETS.redact("demo-odds-key-000111") == "***"
