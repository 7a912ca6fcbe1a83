"""Read-only commands on a missing database: one line, exit 1 (health: 3), nothing created."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli.main import cli

READ_ONLY = [
    ("audit",),
    ("audit", "--verify"),
    ("audit", "head"),
    ("games",),
    ("bets",),
    ("runs",),
    ("db", "check"),
    ("admin-key", "unlock", "--reason", "x"),
]


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_missing_database_is_one_line_and_nothing_is_created(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    missing = tmp_path / "mistyped" / "path.db"
    result = CliRunner().invoke(cli, [*args, "--db", str(missing)])
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "does not exist; nothing was created" in lines[0]
    assert result.stdout == ""
    assert not missing.parent.exists()


def test_health_on_a_missing_database_is_unknown_with_a_line(tmp_path: Path) -> None:
    missing = tmp_path / "mistyped" / "path.db"
    result = CliRunner().invoke(cli, ["health", "--db", str(missing)])
    assert result.exit_code == 3
    assert result.stdout.startswith("UNKNOWN") and "does not exist" in result.stdout
    assert not missing.parent.exists()


def test_migrate_still_creates(tmp_path: Path) -> None:
    path = tmp_path / "new" / "pressbox.db"
    result = CliRunner().invoke(cli, ["db", "migrate", "--db", str(path)])
    assert result.exit_code == 0 and path.is_file()
    listed = CliRunner().invoke(cli, ["audit", "head", "--db", str(path)])
    assert listed.exit_code == 0 and listed.stdout.strip() == "0:" + "0" * 64
