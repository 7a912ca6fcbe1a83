"""The interface through which the rest of the package asks for a credential.

Implementations: ``app.security.secret_store.KeyringSecretStore`` (the OS
keyring, with the opt-in environment fallback) and ``StaticSecrets`` (demo
and tests). Values travel as ``SecretStr`` until the moment of use, and every
value handed out is registered with the log redactor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from app.core.logging import SECRETS

if TYPE_CHECKING:
    # Imported where a value is handed out: the desk names this interface but never
    # asks it for a value before its first frame, and pydantic is not imported for it.
    from pydantic import SecretStr

ODDS_API_KEY = "odds-api-key"
SMTP_PASSWORD = "smtp-password"  # noqa: S105 - a name, not a value
SECRET_NAMES = (ODDS_API_KEY, SMTP_PASSWORD)
ENV_NAMES = {ODDS_API_KEY: "PRESSBOX_ODDS_API_KEY", SMTP_PASSWORD: "PRESSBOX_SMTP_PASSWORD"}


class SecretProvider(Protocol):
    async def get(self, name: str) -> SecretStr | None:
        """The secret's value, or None when it is not set anywhere reachable."""
        ...


class StaticSecrets:
    """Fixed values, for the demo and tests."""

    def __init__(self, values: dict[str, str] | None = None) -> None:
        self._values = dict(values or {})
        for value in self._values.values():
            SECRETS.register(value)

    async def get(self, name: str) -> SecretStr | None:
        from pydantic import SecretStr

        value = self._values.get(name)
        return SecretStr(value) if value is not None else None
