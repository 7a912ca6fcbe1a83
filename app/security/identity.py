"""Who is acting: the facts an audit row needs about the operator's session.

Nothing here is proof of identity (every field comes from the process's own
environment); it is the best account a server can give of who typed the
command, recorded beside an admin key that *is* the proof.
"""

from __future__ import annotations

import getpass
import os
import pwd
import socket
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from app import __version__


@dataclass(frozen=True)
class Actor:
    login_user: str
    sudo_user: str | None
    ssh_client: str | None
    tty: str | None
    pid: int
    host: str
    app_version: str

    def describe(self) -> str:
        """For ``set_by`` / ``requested_by``: ``carol (sudo by bob) via ssh 10.0.0.9@host``."""
        text = self.login_user
        if self.sudo_user and self.sudo_user != self.login_user:
            text += f" (sudo by {self.sudo_user})"
        if self.ssh_client:
            text += f" via ssh {self.ssh_client}"
        return f"{text}@{self.host}"

    @property
    def origin(self) -> str:
        """Where attempts come from, for the per-origin lockout: user, sudo user, SSH client.

        The login user comes from the real uid (not ``$USER``); ``SUDO_USER`` and the SSH
        client are the session's environment, so an account can forge them to look like
        several origins (the global limit bounds that) but never like another account.
        """
        return f"user={self.login_user} sudo={self.sudo_user or '-'} ssh={self.ssh_client or '-'}"


def _login_user(environ: Mapping[str, str]) -> str:
    # The real uid first: $USER and $LOGNAME are whatever the caller exported.
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        pass
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        # No passwd entry (containers): the numeric uid still says something.
        return environ.get("USER") or f"uid:{os.getuid()}"


def _ssh_client(environ: Mapping[str, str]) -> str | None:
    # SSH_CONNECTION is "client_ip client_port server_ip server_port"; the port says nothing useful.
    parts = environ.get("SSH_CONNECTION", "").split()
    if parts:
        return parts[0]
    client = environ.get("SSH_CLIENT", "").split()
    return client[0] if client else None


def _tty() -> str | None:
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        try:
            fd = stream.fileno()
        except (AttributeError, ValueError, OSError):
            continue
        if os.isatty(fd):
            try:
                return os.ttyname(fd)
            except OSError:
                return None
    return None


def current_actor(environ: Mapping[str, str] | None = None) -> Actor:
    env = os.environ if environ is None else environ
    return Actor(
        login_user=_login_user(env),
        sudo_user=env.get("SUDO_USER") or None,
        ssh_client=_ssh_client(env),
        tty=_tty(),
        pid=os.getpid(),
        host=socket.gethostname(),
        app_version=__version__,
    )
