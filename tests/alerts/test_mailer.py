"""The SMTP mailer against a real aiosmtpd server on loopback."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller

from app.alerts.mailer import AlertDeliveryError, SmtpMailer
from app.core.config import AlertsSettings, TlsMode
from app.core.errors import ConfigurationError
from app.core.secrets import StaticSecrets
from tests.support.smtp import SMTP_PASSWORD, SMTP_USER, Inbox, SmtpServer, Tls, free_port


def _alerts(port: int, mode: TlsMode = "starttls", user: str = SMTP_USER) -> AlertsSettings:
    return AlertsSettings(
        enabled=True,
        smtp_host="127.0.0.1",
        smtp_port=port,
        tls_mode=mode,
        smtp_username=user,
        sender="pressbox@example.test",
        recipients=["oncall@example.test", "lead@example.test"],
        timeout_s=5,
    )


def _secrets(password: str = SMTP_PASSWORD) -> StaticSecrets:
    return StaticSecrets({"smtp-password": password})


async def test_starttls_login_and_delivery(starttls_smtp: SmtpServer, tls: Tls) -> None:
    mailer = SmtpMailer(_alerts(starttls_smtp.port), _secrets(), tls_context=tls.client)
    await mailer.send("[pressbox] run 7 failed", "Pipeline run 7 failed.\nReason: boom\n")
    [message] = starttls_smtp.inbox.messages
    assert message["Subject"] == "[pressbox] run 7 failed"
    assert message["To"] == "oncall@example.test, lead@example.test"
    assert message["From"] == "pressbox@example.test"
    assert "Reason: boom" in message.get_payload()
    assert starttls_smtp.inbox.logins == [(SMTP_USER, True)]
    assert SMTP_PASSWORD not in message.as_string()


async def test_starttls_is_required_not_opportunistic(no_starttls_smtp: SmtpServer) -> None:
    mailer = SmtpMailer(_alerts(no_starttls_smtp.port), _secrets())
    with pytest.raises(AlertDeliveryError) as caught:
        await mailer.send("subject", "body")
    assert "STARTTLS" in str(caught.value)
    assert no_starttls_smtp.inbox.messages == []
    assert no_starttls_smtp.inbox.logins == [], "the password never went out in clear"


async def test_certificate_is_verified(starttls_smtp: SmtpServer) -> None:
    """The self-signed certificate is not in the system trust store: refused."""
    mailer = SmtpMailer(_alerts(starttls_smtp.port), _secrets())
    with pytest.raises(AlertDeliveryError):
        await mailer.send("subject", "body")
    assert starttls_smtp.inbox.messages == []
    assert starttls_smtp.inbox.logins == []


async def test_rejected_login_is_a_delivery_error_without_the_password(
    starttls_smtp: SmtpServer, tls: Tls
) -> None:
    wrong = "wrong-password-canary-0987"
    mailer = SmtpMailer(_alerts(starttls_smtp.port), _secrets(wrong), tls_context=tls.client)
    with pytest.raises(AlertDeliveryError) as caught:
        await mailer.send("subject", "body")
    assert "535" in str(caught.value)
    assert wrong not in str(caught.value) and SMTP_PASSWORD not in str(caught.value)
    assert caught.value.__context__ is None, "the library's exception is not attached"
    assert starttls_smtp.inbox.messages == []


async def test_server_down() -> None:
    mailer = SmtpMailer(_alerts(free_port(), mode="plain-local", user=""), _secrets())
    with pytest.raises(AlertDeliveryError) as caught:
        await mailer.send("subject", "body")
    assert "plain-local" in str(caught.value)


async def test_plain_local_relay_without_login(plain_smtp: SmtpServer) -> None:
    mailer = SmtpMailer(_alerts(plain_smtp.port, mode="plain-local", user=""), _secrets())
    await mailer.send("[pressbox] hello", "body\n")
    assert [m["Subject"] for m in plain_smtp.inbox.messages] == ["[pressbox] hello"]


async def test_plain_local_never_sends_the_password(plain_smtp: SmtpServer) -> None:
    mailer = SmtpMailer(_alerts(plain_smtp.port, mode="plain-local"), _secrets())
    with pytest.raises(ConfigurationError):
        await mailer.send("subject", "body")
    assert plain_smtp.inbox.messages == []


async def test_missing_password_or_recipients_are_configuration_errors(
    starttls_smtp: SmtpServer, tls: Tls
) -> None:
    mailer = SmtpMailer(_alerts(starttls_smtp.port), StaticSecrets({}), tls_context=tls.client)
    with pytest.raises(ConfigurationError, match="smtp-password"):
        await mailer.send("subject", "body")
    settings = _alerts(starttls_smtp.port)
    settings.recipients = []
    with pytest.raises(ConfigurationError, match="recipients"):
        await SmtpMailer(settings, _secrets(), tls_context=tls.client).send("s", "b")
    assert starttls_smtp.inbox.messages == []


async def test_implicit_tls_mode(tls: Tls) -> None:
    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        ssl_context=tls.server,
        authenticator=inbox.authenticate,
        # aiosmtpd only counts STARTTLS as "TLS" for AUTH; here the whole session is TLS.
        auth_require_tls=False,
    )
    controller.start()
    try:
        mailer = SmtpMailer(_alerts(port, mode="tls"), _secrets(), tls_context=tls.client)
        await mailer.send("[pressbox] over TLS", "body\n")
    finally:
        controller.stop()
    assert [m["Subject"] for m in inbox.messages] == ["[pressbox] over TLS"]
    assert inbox.logins == [(SMTP_USER, True)]
