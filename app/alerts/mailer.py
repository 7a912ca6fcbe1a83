"""Send one alert email over SMTP (aiosmtplib), encrypted unless a plain local relay is configured.

``alerts.tls_mode``:

* ``starttls`` (default) -- STARTTLS is *required* (aiosmtplib ``start_tls=True``):
  a server that does not offer it is refused before anything is sent, so a
  downgrade by a man in the middle cannot expose the password. Certificates
  are verified.
* ``tls`` -- implicit TLS from the first byte (port 465), certificates verified.
* ``plain-local`` -- no encryption, for a relay on the same host. The password
  is never sent in this mode: configuring a username with it is refused.

The password is asked from the secret store at send time, held as
``SecretStr`` until the call, and never appears in an error message.
"""

from __future__ import annotations

import re
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

import aiosmtplib

from app.core.config import AlertsSettings
from app.core.errors import ConfigurationError, TransientError
from app.core.logging import MASK, redact
from app.core.secrets import SMTP_PASSWORD, SecretProvider


class AlertDeliveryError(TransientError):
    """The SMTP server could not be reached or refused the message; the alert is retried later."""

    default_hint = "The alert stays in the database and is retried after the next run."


class Mailer(Protocol):
    async def send(self, subject: str, body: str) -> None: ...


# A server may echo what it was sent; during AUTH that is the credential in base64.
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/=_-]{12,}")


def _server_text(text: str) -> str:
    """A server reply fit to store: one line, secrets and base64-looking runs masked, bounded."""
    return _BASE64_RUN.sub(MASK, redact(" ".join(text.split())))[:120]


def _describe_smtp_failure(exc: BaseException) -> str:
    """Status code and the server's first line (masked), or the error class: never more.

    Nothing of an AUTH exchange is kept but its status code: the server's reply to
    ``AUTH PLAIN``/``LOGIN`` may carry the blob it was sent.
    """
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return f"{exc.code} authentication refused (server reply not kept)"
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return f"{exc.code} {_server_text(str(exc.message))}".strip()
    if isinstance(exc, aiosmtplib.SMTPException):
        text = _server_text(str(exc))
        return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    if isinstance(exc, ssl.SSLError):
        return f"TLS failure ({type(exc).__name__})"
    return type(exc).__name__


class SmtpMailer:
    def __init__(
        self,
        settings: AlertsSettings,
        secrets: SecretProvider,
        *,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        """``tls_context`` replaces the system trust store (a private CA, or tests)."""
        self.settings = settings
        self.secrets = secrets
        self.tls_context = tls_context

    def build(self, subject: str, body: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.settings.sender
        message["To"] = ", ".join(self.settings.recipients)
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = make_msgid(domain="pressbox")
        message.set_content(body)
        return message

    async def _password(self) -> str | None:
        if not self.settings.smtp_username:
            return None
        if self.settings.tls_mode == "plain-local":
            raise ConfigurationError(
                "alerts.smtp_username is set but alerts.tls_mode is plain-local; "
                "the SMTP password is never sent unencrypted",
                hint="Use tls_mode starttls or tls, or clear alerts.smtp_username "
                "for a local relay.",
            )
        secret = await self.secrets.get(SMTP_PASSWORD)
        if secret is None:
            raise ConfigurationError(
                "alerts.smtp_username is set but the smtp-password secret is not",
                hint="Set it with `pressbox secrets set smtp-password`.",
            )
        return secret.get_secret_value()

    async def send(self, subject: str, body: str) -> None:
        settings = self.settings
        if not settings.recipients:
            raise ConfigurationError(
                "alerts are enabled but alerts.recipients is empty",
                hint="Set alerts.recipients (PRESSBOX_ALERTS__RECIPIENTS), "
                "e.g. oncall@example.com,backup@example.com.",
            )
        message = self.build(subject, body)
        password = await self._password()
        mode = settings.tls_mode
        failure: str | None = None
        try:
            await aiosmtplib.send(
                message,
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_username or None,
                password=password,
                use_tls=mode == "tls",
                start_tls=mode == "starttls",  # required, not opportunistic (None)
                validate_certs=mode != "plain-local",
                tls_context=self.tls_context if mode != "plain-local" else None,
                timeout=settings.timeout_s,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            failure = _describe_smtp_failure(exc)
        if failure is not None:
            # Raised outside the except block: the library's exception (which may hold
            # server text or addresses) is not attached as __context__.
            raise AlertDeliveryError(
                f"alert email via {settings.smtp_host}:{settings.smtp_port} ({mode}) failed: "
                f"{failure}"
            )
