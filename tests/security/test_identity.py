"""Who is acting, from the session's environment."""

from __future__ import annotations

import os
import socket

from app.security.identity import Actor, current_actor


def test_ssh_and_sudo_are_recorded() -> None:
    actor = current_actor(
        {"SSH_CONNECTION": "203.0.113.7 52144 10.0.0.2 22", "SUDO_USER": "bob", "USER": "svc"}
    )
    assert actor.ssh_client == "203.0.113.7" and actor.sudo_user == "bob"
    assert actor.pid == os.getpid() and actor.host == socket.gethostname()
    assert actor.app_version


def test_ssh_client_fallback_and_local_session() -> None:
    assert current_actor({"SSH_CLIENT": "198.51.100.4 5000 22"}).ssh_client == "198.51.100.4"
    local = current_actor({})
    assert local.ssh_client is None and local.sudo_user is None


def test_describe() -> None:
    actor = Actor("carol", "bob", "10.0.0.9", "/dev/pts/3", 1, "srv", "0.1.0")
    assert actor.describe() == "carol (sudo by bob) via ssh 10.0.0.9@srv"
    assert Actor("svc", None, None, None, 1, "srv", "0.1.0").describe() == "svc@srv"
