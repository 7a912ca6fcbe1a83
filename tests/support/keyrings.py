"""A real ``keyring`` backend that keeps credentials in a dict, for unit tests.

It is not on the production allow-list: tests accept it explicitly with
``backends.allow_for_tests`` or ``allowed_extra``.
"""

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class InMemoryKeyring(KeyringBackend):
    priority = -1  # never picked by auto-detection in other tests

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}
        self.writes = 0

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.writes += 1
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


class FailingOnSecondWrite(InMemoryKeyring):
    """Accepts one write, then fails like a keyring that went away mid-import."""

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.writes >= 1 and (service, username) not in self.store:
            self.writes += 1
            from keyring.errors import KeyringError

            raise KeyringError("backend went away")
        super().set_password(service, username, password)


class BlockingKeyring(InMemoryKeyring):
    """A locked keyring: every call waits for an unlock that never comes (until released)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(30)
        return super().get_password(service, username)


class LockedKeyring(InMemoryKeyring):
    """A Secret Service whose collection is locked and no prompter can unlock it."""

    def get_password(self, service: str, username: str) -> str | None:
        from keyring.errors import KeyringLocked

        raise KeyringLocked("Failed to unlock the collection!")


# Classes that look like the refused backends, by module (the vetting goes by class name).
PlaintextAltKeyring = type(
    "PlaintextKeyring", (InMemoryKeyring,), {"__module__": "keyrings.alt.file"}
)
UnknownKeyring = type("HomeMadeKeyring", (InMemoryKeyring,), {"__module__": "somevendor.keyring"})
