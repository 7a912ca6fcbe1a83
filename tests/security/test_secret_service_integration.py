"""`pressbox secrets` against a real Secret Service: gnome-keyring-daemon under dbus-run-session.

This is the headless-server recipe of docs/headless-keyring.md, run for real.
CI installs the system packages (.ci/run: gnome-keyring dbus dbus-x11 libsecret-tools).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        shutil.which("dbus-run-session") is None or shutil.which("gnome-keyring-daemon") is None,
        reason="needs dbus-run-session and gnome-keyring-daemon "
        "(apt-get install gnome-keyring dbus dbus-x11 libsecret-tools)",
    ),
]

VALUE = "real-secret-service-canary-8c1f"  # pragma: allowlist secret
PRESSBOX = f'"{sys.executable}" -c "from app.cli.main import main; main()"'

SESSION = f"""
set -u
printf %s "$KEYRING_PASS" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
echo "== set"; printf '%s\\n' "$VALUE" | {PRESSBOX} secrets set odds-api-key; echo "rc=$?"
echo "== status"; {PRESSBOX} secrets status; echo "rc=$?"
echo "== lookup"; secret-tool lookup service pressbox username odds-api-key 2>/dev/null \
    | sha256sum; echo
echo "== delete"; {PRESSBOX} secrets delete odds-api-key; echo "rc=$?"
echo "== after"; {PRESSBOX} secrets status; echo "rc=$?"
"""


def test_set_status_delete_through_a_real_secret_service(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in ("PYTHON_KEYRING_BACKEND", "DBUS_SESSION_BUS_ADDRESS", "KEYRING_CRYPTFILE_PASSWORD")
    }
    env.update(KEYRING_PASS="integration-keyring-pass", VALUE=VALUE)
    done = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", SESSION],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    out = done.stdout
    sections = {
        part.split("\n", 1)[0].strip(): part.split("\n", 1)[1] if "\n" in part else ""
        for part in out.split("== ")[1:]
    }
    assert set(sections) == {"set", "status", "lookup", "delete", "after"}, out + done.stderr
    assert "stored in keyring.backends.SecretService.Keyring" in sections["set"], out + done.stderr
    assert "rc=0" in sections["set"]
    assert "backend: keyring.backends.SecretService.Keyring" in sections["status"]
    assert "odds-api-key: set in keyring" in sections["status"]
    if shutil.which("secret-tool"):
        import hashlib

        # The value is really in the Secret Service, under our service name (compared by hash
        # so that the test output never carries it).
        assert hashlib.sha256(VALUE.encode()).hexdigest() in sections["lookup"]
    assert "odds-api-key deleted" in sections["delete"] and "rc=0" in sections["delete"]
    assert "odds-api-key: not set" in sections["after"]
    assert VALUE not in out and VALUE not in done.stderr
    # Nothing fell back to a file keyring in the test's home.
    assert not list((tmp_path / "home").rglob("cryptfile_pass.cfg"))
