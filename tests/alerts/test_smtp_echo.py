"""An SMTP server that echoes the AUTH exchange back: nothing of the credential is kept."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from aiosmtpd.smtp import AuthResult

from app.alerts.mailer import AlertDeliveryError, SmtpMailer
from app.core.config import AlertsSettings
from app.core.logging import SECRETS
from app.core.secrets import StaticSecrets
from tests.support.smtp import SMTP_PASSWORD, SMTP_USER, Inbox, SmtpServer, Tls, serve

BLOB = base64.b64encode(f"\0{SMTP_USER}\0{SMTP_PASSWORD}".encode()).decode()
FORMS = (
    SMTP_PASSWORD,
    SMTP_PASSWORD.upper(),
    quote(SMTP_PASSWORD, safe=""),
    BLOB,
    BLOB[8:34],  # any long run of the blob
    base64.b64encode(SMTP_PASSWORD.encode()).decode()[:24],
)


class EchoingInbox(Inbox):
    """Refuses every login and, like some real servers, repeats what it was sent."""

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        echoed = f"535 5.7.8 rejected AUTH {mechanism} {BLOB} {SMTP_PASSWORD.upper()}"
        return AuthResult(success=False, handled=False, message=echoed)


@pytest.fixture
def echoing(tls: Tls) -> Iterator[SmtpServer]:
    """Implicit TLS (the whole session), AUTH offered, every login refused with an echo."""
    inbox = EchoingInbox()
    yield from serve(
        inbox, ssl_context=tls.server, authenticator=inbox.authenticate, auth_require_tls=False
    )


async def test_an_echoed_auth_blob_is_not_kept(echoing: SmtpServer, tls: Tls) -> None:
    SECRETS.register(SMTP_PASSWORD)
    settings = AlertsSettings(
        enabled=True,
        smtp_host="127.0.0.1",
        smtp_port=echoing.port,
        tls_mode="tls",
        smtp_username=SMTP_USER,
        recipients=["oncall@example.test"],
        timeout_s=5,
    )
    mailer = SmtpMailer(
        settings, StaticSecrets({"smtp-password": SMTP_PASSWORD}), tls_context=tls.client
    )
    with pytest.raises(AlertDeliveryError) as caught:
        await mailer.send("subject", "body")
    text = str(caught.value)
    assert "535" in text and "authentication refused" in text
    for form in FORMS:
        assert form not in text, form
