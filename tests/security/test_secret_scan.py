"""scripts/secret-scan: the CI check fails on a new credential and never prints it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "secret-scan"
LEAK = "AKIAIOSFODNN7EXAMPLQ"  # pragma: allowlist secret


def scan(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "secret-scan"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_new_secret_fails_the_check_known_ones_do_not(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(SCRIPT, root / "scripts" / "secret-scan")
    known = 'password = "known-test-value-1"'  # pragma: allowlist secret
    (root / "settings.py").write_text(f"timeout = 10\n{known}\n")
    (root / ".venv").mkdir()
    (root / ".venv" / "junk.py").write_text(f'key = "{LEAK}"\n')  # never scanned

    assert scan(root).returncode == 2  # no baseline yet
    assert scan(root, "--update").returncode == 0
    clean = scan(root)
    assert clean.returncode == 0, clean.stderr

    (root / "app.py").write_text(f'aws = "{LEAK}"\n')
    leaked = scan(root)
    assert leaked.returncode == 1
    assert "app.py:1: possible AWS Access Key" in leaked.stderr
    assert LEAK not in leaked.stdout + leaked.stderr

    (root / "app.py").write_text(f'aws = "{LEAK}"  # pragma: allowlist secret\n')
    assert scan(root).returncode == 0
