"""Real SMTP servers (aiosmtpd) on loopback, with or without STARTTLS and AUTH."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.smtp import Inbox, SmtpServer, Tls, make_tls, serve


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    return make_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def plain_smtp() -> Iterator[SmtpServer]:
    """A local relay: no TLS, no AUTH."""
    yield from serve(Inbox())


@pytest.fixture
def starttls_smtp(tls: Tls) -> Iterator[SmtpServer]:
    """STARTTLS offered and required before AUTH; the login is checked."""
    inbox = Inbox()
    yield from serve(
        inbox,
        tls_context=tls.server,
        require_starttls=True,
        authenticator=inbox.authenticate,
        auth_require_tls=True,
    )


@pytest.fixture
def no_starttls_smtp() -> Iterator[SmtpServer]:
    """A server that does not offer STARTTLS (or a man in the middle stripping it)."""
    inbox = Inbox()
    yield from serve(inbox, authenticator=inbox.authenticate, auth_require_tls=False)
