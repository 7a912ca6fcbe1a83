"""Credentials in the OS keyring (``SecretProvider``), with the opt-in environment fallback.

Every keyring call runs in a daemon thread with a timeout: a locked Secret
Service can wait forever for an unlock prompt nobody will see. We do not use
``asyncio.to_thread`` because its executor is joined when ``asyncio.run``
returns, so one stuck call would keep the process from ever exiting; a
daemon thread is abandoned instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import keyring.errors
from keyring.backend import KeyringBackend
from pydantic import SecretStr

from app.core.config import SecretsSettings
from app.core.errors import ConfigurationError
from app.core.logging import SECRETS, get_logger
from app.core.secrets import ENV_NAMES, SECRET_NAMES
from app.security import backends

T = TypeVar("T")
log = get_logger(__name__)


def check_name(name: str) -> str:
    if name not in SECRET_NAMES:
        raise ConfigurationError(
            f"unknown secret name {name!r}",
            hint=f"Use one of: {', '.join(SECRET_NAMES)}.",
        )
    return name


async def call_with_timeout(fn: Callable[[], T], timeout_s: float, what: str) -> T:
    """``fn()`` in a daemon thread; ConfigurationError if it has not answered in ``timeout_s``."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def deliver(outcome: Callable[[], None]) -> None:
        if not future.done():
            outcome()

    def hand_over(outcome: Callable[[], None]) -> None:
        # RuntimeError: the loop is gone (we timed out and the command ended); nobody waits.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(deliver, outcome)

    def work() -> None:
        try:
            value = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the awaiting coroutine
            error = exc
            hand_over(lambda: future.set_exception(error))
        else:
            hand_over(lambda: future.set_result(value))

    threading.Thread(target=work, name=f"keyring-{what}", daemon=True).start()
    try:
        return await asyncio.wait_for(future, timeout_s)
    except TimeoutError:
        raise ConfigurationError(
            f"the keyring did not answer within {timeout_s:g} s ({what}); it is probably locked",
            hint="Unlock it (gnome-keyring-daemon --unlock) or raise secrets.keyring_timeout_s; "
            "see docs/headless-keyring.md.",
        ) from None


@dataclass(frozen=True)
class SecretState:
    name: str
    in_keyring: bool
    in_environment: bool  # only reported when secrets.allow_env is on


@dataclass(frozen=True)
class StoreStatus:
    backend: str
    service_name: str
    allow_env: bool
    secrets: tuple[SecretState, ...]


class KeyringSecretStore:
    """The production ``SecretProvider``.

    ``backend`` is normally keyring's own choice; tests pass one. ``allowed_extra``
    widens the allow-list for a test's in-memory backend; production never passes it.
    """

    def __init__(
        self,
        settings: SecretsSettings,
        *,
        backend: KeyringBackend | None = None,
        allowed_extra: tuple[type[KeyringBackend], ...] = (),
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.settings = settings
        self._backend = backend
        self._allowed_extra = allowed_extra
        self._environ = os.environ if environ is None else environ
        self._vetted: KeyringBackend | None = None
        self._env_used: set[str] = set()

    @property
    def insecure_env_in_use(self) -> bool:
        """True once a credential was served from the environment (the desk shows INSECURE)."""
        return bool(self._env_used)

    @property
    def service(self) -> str:
        return self.settings.service_name

    def backend(self) -> KeyringBackend:
        """The vetted backend; ConfigurationError with the headless recipes when none is usable."""
        if self._vetted is None:
            chosen = self._backend if self._backend is not None else backends.current_backend()
            self._vetted = backends.vet(chosen, self._allowed_extra)
        return self._vetted

    def backend_name(self) -> str:
        return backends.backend_name(self.backend())

    async def ready(self) -> str:
        """Vet (and for the file backend, unlock) the backend off the loop; its name."""
        backend = await call_with_timeout(self.backend, self.settings.keyring_timeout_s, "open")
        return backends.backend_name(backend)

    async def _call(self, fn: Callable[[KeyringBackend], T], what: str) -> T:
        timeout = self.settings.keyring_timeout_s

        def vetted_call() -> T:
            # Vetting may unlock the file backend (argon2), so it runs off the loop too.
            backend = self.backend()
            try:
                return fn(backend)
            except keyring.errors.PasswordDeleteError:
                raise
            except keyring.errors.KeyringLocked:
                raise ConfigurationError(
                    f"the keyring ({backends.backend_name(backend)}) is locked and nobody "
                    f"can answer its unlock prompt here; could not {what}",
                    hint="Unlock it first (`gnome-keyring-daemon --unlock` reads the "
                    "passphrase on stdin); see docs/headless-keyring.md.",
                ) from None
            except keyring.errors.KeyringError as exc:
                raise ConfigurationError(
                    f"the keyring backend {backends.backend_name(backend)} failed to {what} "
                    f"({type(exc).__name__})",
                    hint=backends.HEADLESS_RECIPES + ".",
                ) from None

        return await call_with_timeout(vetted_call, timeout, what)

    def _from_env(self, name: str) -> str | None:
        if not self.settings.allow_env:
            return None
        value = self._environ.get(ENV_NAMES[name]) or None
        if value is not None:
            self._env_used.add(name)
            log.warning("credential read from the environment (insecure opt-in)", secret=name)
        return value

    async def get(self, name: str) -> SecretStr | None:
        check_name(name)
        try:
            value = await self._call(lambda b: b.get_password(self.service, name), "read")
        except ConfigurationError:
            # With the opt-in, a server without a keyring may still run on the environment.
            value = self._from_env(name)
            if value is None:
                raise
        if value is None:
            value = self._from_env(name)
        if value is None:
            return None
        SECRETS.register(value)
        return SecretStr(value)

    async def get_from_keyring(self, name: str) -> str | None:
        """The keyring's value only (no environment fallback), registered with the redactor."""
        check_name(name)
        value = await self._call(lambda b: b.get_password(self.service, name), "read")
        SECRETS.register(value)
        return value

    async def set(self, name: str, value: str) -> None:
        check_name(name)
        if not value:
            raise ConfigurationError(
                f"refusing to store an empty value for {name}",
                hint=f"Use `pressbox secrets delete {name}` to remove it.",
            )
        SECRETS.register(value)
        await self._call(lambda b: b.set_password(self.service, name, value), "store")
        stored = await self._call(lambda b: b.get_password(self.service, name), "read back")
        if stored != value:
            raise ConfigurationError(
                f"the keyring accepted {name} but does not return it",
                hint="The backend is not keeping credentials; check `pressbox secrets status`.",
            )

    async def delete(self, name: str) -> bool:
        """False when there was nothing to delete."""
        check_name(name)

        def remove(backend: KeyringBackend) -> bool:
            if backend.get_password(self.service, name) is None:
                return False
            try:
                backend.delete_password(self.service, name)
            except keyring.errors.PasswordDeleteError:
                return False
            return True

        return await self._call(remove, "delete")

    async def status(self) -> StoreStatus:
        """Which secrets are set, never their values."""
        states = []
        for name in SECRET_NAMES:
            value = await self.get_from_keyring(name)
            in_env = bool(self.settings.allow_env and self._environ.get(ENV_NAMES[name]))
            states.append(SecretState(name, value is not None, in_env))
        return StoreStatus(
            backend=self.backend_name(),
            service_name=self.service,
            allow_env=self.settings.allow_env,
            secrets=tuple(states),
        )


class InMemorySecretStore:
    """A ``SecretProvider`` that lives and dies with the process: the demo's keyring."""

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        self._values: dict[str, str] = {}
        for name, value in (values or {}).items():
            self.put(name, value)

    insecure_env_in_use = False

    def put(self, name: str, value: str) -> None:
        check_name(name)
        SECRETS.register(value)
        self._values[name] = value

    def remove(self, name: str) -> bool:
        return self._values.pop(check_name(name), None) is not None

    async def get(self, name: str) -> SecretStr | None:
        value = self._values.get(check_name(name))
        return SecretStr(value) if value is not None else None

    def names(self) -> tuple[str, ...]:
        return tuple(n for n in SECRET_NAMES if n in self._values)
