"""Keyring fixtures: the process-wide keyring backend, swapped per test and restored."""

from __future__ import annotations

from collections.abc import Iterator

import keyring.core
import pytest
from keyring.backend import KeyringBackend

from app.security import backends
from tests.support.keyrings import InMemoryKeyring


@pytest.fixture
def use_backend(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """``use_backend(instance, accept=True)`` makes ``keyring.get_keyring()`` return it."""

    def install(backend: KeyringBackend, *, accept: bool = True) -> KeyringBackend:
        monkeypatch.setattr(keyring.core, "_keyring_backend", backend)
        backends.allow_for_tests(*((type(backend),) if accept else ()))
        return backend

    yield install
    backends.allow_for_tests()


@pytest.fixture
def memory_keyring(use_backend) -> InMemoryKeyring:
    return use_backend(InMemoryKeyring())
