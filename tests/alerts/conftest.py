"""Real SMTP servers (aiosmtpd) on loopback, with or without STARTTLS and AUTH."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.support.smtp import Inbox, SmtpServer, Tls, free_port, make_tls


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    return make_tls(tmp_path_factory.mktemp("tls"))


def _serve(inbox: Inbox, **kwargs: Any) -> Iterator[SmtpServer]:
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield SmtpServer(inbox, port)
    finally:
        controller.stop()


@pytest.fixture
def plain_smtp() -> Iterator[SmtpServer]:
    """A local relay: no TLS, no AUTH."""
    yield from _serve(Inbox())


@pytest.fixture
def starttls_smtp(tls: Tls) -> Iterator[SmtpServer]:
    """STARTTLS offered and required before AUTH; the login is checked."""
    inbox = Inbox()
    yield from _serve(
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
    yield from _serve(inbox, authenticator=inbox.authenticate, auth_require_tls=False)
