"""The first-run checklist's read models (no SQL driver imported: the desk may hold them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class KeyringCheck:
    """The keyring's inspection (``app.security.backends.diagnose``) in the checklist's words."""

    usable: bool
    backend: str
    why: str
    fix: str = "pressbox secrets init"


KeyringProbe = Callable[[], Awaitable[KeyringCheck]]


@dataclass(frozen=True)
class CheckItem:
    """One line: ``ok`` is True, False, or None (not checked yet); ``fix`` is the command.

    ``at`` is the stored time the detail is about (shown after it, in the desk's time form).
    """

    key: str
    label: str
    ok: bool | None
    detail: str
    fix: str
    at: str | None = None

    @property
    def mark(self) -> str:
        return {True: "✓", False: "✗", None: "?"}[self.ok]


@dataclass(frozen=True)
class Checklist:
    items: tuple[CheckItem, ...]

    def item(self, key: str) -> CheckItem:
        return next(item for item in self.items if item.key == key)

    @property
    def all_ok(self) -> bool:
        return all(item.ok for item in self.items)

    @property
    def setup_incomplete(self) -> bool:
        """What makes the desk open on the checklist: no admin key, no keyring, no run yet.

        A daemon that is down is not one of them: cron or a person running
        ``pressbox run`` is a valid set-up, and the header says the data is old.
        """
        return any(not self.item(key).ok for key in ("admin-key", "keyring", "first-run"))
