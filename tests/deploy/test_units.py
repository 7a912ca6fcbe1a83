"""The systemd units in deploy/: `systemd-analyze verify` clean, hardened; the backup rotation."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from tests.support.pipeline import pressbox_bin

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = sorted(p for p in DEPLOY.iterdir() if p.suffix in {".service", ".timer"})
SERVICES = [p for p in UNITS if p.suffix == ".service"]
INSTALLED = {
    "/opt/pressbox/.venv/bin/pressbox": pressbox_bin(),
    "/opt/pressbox/deploy/pressbox-backup": str(DEPLOY / "pressbox-backup"),
}


def _directives(unit: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in unit.read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def _verify(folder: Path) -> subprocess.CompletedProcess[str]:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    result = subprocess.run(
        [analyze, "verify", *sorted(str(p) for p in folder.iterdir())],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if "Failed to connect to bus" in result.stderr or "System has not been booted" in result.stderr:
        pytest.skip(f"systemd-analyze cannot run here: {result.stderr.strip()[:200]}")
    return result


def _copy_units(folder: Path, edit: dict[str, str] | None = None) -> None:
    """The units as installed, with the real paths of this checkout (verify checks ExecStart)."""
    folder.mkdir()
    for unit in UNITS:
        text = unit.read_text()
        for old, new in {**INSTALLED, **(edit or {})}.items():
            text = text.replace(old, new)
        (folder / unit.name).write_text(text)


def test_systemd_analyze_verify_accepts_the_units(tmp_path: Path) -> None:
    _copy_units(tmp_path / "units")
    result = _verify(tmp_path / "units")
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr


def test_systemd_analyze_verify_catches_a_broken_unit(tmp_path: Path) -> None:
    """The check can fail: a misspelt key is a warning on stderr, a missing binary an error."""
    _copy_units(tmp_path / "typo", {"NoNewPrivileges=yes": "NoNewPrivilegs=yes"})
    assert "Unknown key" in _verify(tmp_path / "typo").stderr
    _copy_units(tmp_path / "missing", {pressbox_bin(): "/nonexistent/bin/pressbox"})
    assert _verify(tmp_path / "missing").returncode != 0


@pytest.mark.parametrize("unit", SERVICES, ids=lambda p: p.name)
def test_every_service_is_hardened(unit: Path) -> None:
    found = _directives(unit)
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "UMask": "0077",
        "User": "pressbox",
    }.items():
        assert found.get(key) == [value], f"{unit.name}: {key}"
    assert "/var/lib/pressbox" in found["ReadWritePaths"][0].split()


def test_the_daemon_restarts_on_failure_but_not_on_a_configuration_mistake() -> None:
    found = _directives(DEPLOY / "pressbox-daemon.service")
    assert found["Restart"] == ["on-failure"] and found["RestartPreventExitStatus"] == ["2"]
    assert found["KillSignal"] == ["SIGTERM"]
    assert found["EnvironmentFile"] == ["/etc/pressbox/keyring.env"]
    timer = _directives(DEPLOY / "pressbox-health.timer")
    assert timer["Unit"] == ["pressbox-health.service"]


@pytest.mark.skipif(sys.platform != "linux", reason="GNU date (%N) in the backup script")
def test_the_backup_script_keeps_the_newest_copies(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    subprocess.run([pressbox_bin(), "--db", str(db), "db", "migrate"], check=True, timeout=60)
    backups = tmp_path / "backups"
    env = {
        **os.environ,
        "BACKUP_DIR": str(backups),
        "BACKUP_KEEP": "2",
        "PRESSBOX": pressbox_bin(),
        "PRESSBOX_DB__PATH": str(db),
    }
    made = []
    for _ in range(3):
        subprocess.run([str(DEPLOY / "pressbox-backup")], env=env, check=True, timeout=60)
        made.append(set(backups.glob("pressbox-*.db")))
    kept = sorted(backups.glob("pressbox-*.db"))
    assert len(kept) == 2 and kept[0] not in made[0]  # the oldest went
    for copy in kept:
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        with closing(sqlite3.connect(copy)) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert stat.S_IMODE(backups.stat().st_mode) == 0o700
