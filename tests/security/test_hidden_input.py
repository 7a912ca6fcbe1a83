"""Interactive secret entry: hidden, asked twice, re-asked on a mismatch."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

from app.cli.admin_cmds import read_hidden

FIRST = "first-try-value-1"  # pragma: allowlist secret
TYPO = "first-try-value-2"  # pragma: allowlist secret
FINAL = "final-value-123456"  # pragma: allowlist secret


def test_terminal_entry_is_hidden_and_confirmed(monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    typed = f"{FIRST}\n{TYPO}\n{FINAL}\n{FINAL}\n"
    with runner.isolation(input=typed) as streams:
        monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
        value = read_hidden("New admin key", confirm=True)
        shown = streams[0].getvalue().decode()
    assert value == FINAL
    assert "New admin key (again)" in shown  # asked twice
    assert "do not match" in shown  # and again after the mismatch
    assert FIRST not in shown and TYPO not in shown and FINAL not in shown  # never echoed


def test_piped_entry_reads_one_line() -> None:
    runner = CliRunner()
    with runner.isolation(input=f"{FINAL}\nsecond line\n"):
        assert read_hidden("Admin key") == FINAL
