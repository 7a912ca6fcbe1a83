"""Backend vetting: only backends that encrypt at rest; a chain is reduced to its first member."""

from __future__ import annotations

import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import pytest
from keyring.backends.SecretService import Keyring as SecretServiceKeyring
from keyrings.cryptfile.cryptfile import CryptFileKeyring
from keyrings.cryptfile.file import PlaintextKeyring as CryptfilePlaintext

from app.core.errors import ConfigurationError
from app.security import backends
from tests.support.keyrings import InMemoryKeyring, PlaintextAltKeyring, UnknownKeyring


def test_accepted_backends_by_exact_class() -> None:
    assert backends.judge(SecretServiceKeyring()).accepted
    assert backends.judge(CryptFileKeyring()).accepted
    for name in (
        "keyring.backends.kwallet.DBusKeyring",
        "keyring.backends.macOS.Keyring",
        "keyring.backends.Windows.WinVaultKeyring",
    ):
        assert name in backends.ACCEPTED


@pytest.mark.parametrize(
    ("backend", "why"),
    [
        (keyring.backends.fail.Keyring(), "no keyring backend is available"),
        (keyring.backends.null.Keyring(), "silently stores nothing"),
        (PlaintextAltKeyring(), "unencrypted"),
        (CryptfilePlaintext(), "unencrypted"),
        (UnknownKeyring(), "unknown backend"),
        # A subclass of an accepted backend may store elsewhere: unknown until vetted.
        (type("Sub", (SecretServiceKeyring,), {})(), "unknown backend"),
    ],
)
def test_refused_backends_say_why_and_show_the_recipes(backend: object, why: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        backends.vet(backend)  # type: ignore[arg-type]
    text = caught.value.one_line()
    assert why in text
    assert "dbus-run-session" in text and "gnome-keyring-daemon --unlock" in text
    assert "KEYRING_CRYPTFILE_PASSWORD" in text


def test_test_backends_need_an_explicit_hook() -> None:
    memory = InMemoryKeyring()
    with pytest.raises(ConfigurationError):
        backends.vet(memory)
    assert backends.vet(memory, allowed_extra=(InMemoryKeyring,)) is memory


def test_chain_uses_its_first_member_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    first, plaintext = InMemoryKeyring(), PlaintextAltKeyring()
    chain = keyring.backends.chainer.ChainerBackend()
    monkeypatch.setattr(keyring.backends.chainer.ChainerBackend, "backends", (first, plaintext))
    chosen = backends.vet(chain, allowed_extra=(InMemoryKeyring,))
    assert chosen is first  # never the chainer: its reads would fall through to plaintext


def test_chain_led_by_a_refused_backend_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    chain = keyring.backends.chainer.ChainerBackend()
    monkeypatch.setattr(
        keyring.backends.chainer.ChainerBackend,
        "backends",
        (PlaintextAltKeyring(), InMemoryKeyring()),
    )
    with pytest.raises(ConfigurationError, match="unencrypted"):
        backends.vet(chain, allowed_extra=(InMemoryKeyring,))
    monkeypatch.setattr(keyring.backends.chainer.ChainerBackend, "backends", ())
    with pytest.raises(ConfigurationError, match="no backend at all"):
        backends.vet(chain)


def test_cryptfile_needs_its_passphrase_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KEYRING_CRYPTFILE_PASSWORD", raising=False)
    with pytest.raises(ConfigurationError, match="KEYRING_CRYPTFILE_PASSWORD"):
        backends.vet(CryptFileKeyring())


def test_unloadable_configured_backend_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring.core

    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    with pytest.raises(ConfigurationError, match="cannot be loaded"):
        backends.current_backend()
