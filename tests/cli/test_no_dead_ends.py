"""No dead ends: the desk refuses a mistyped --db; a bad setting is one line everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli.main import cli

COMMANDS = [
    (),  # the desk
    ("games",),
    ("bets",),
    ("runs",),
    ("audit",),
    ("db", "check"),
    ("db", "migrate"),
    ("run",),
]


def test_the_desk_refuses_a_missing_database_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "mistyped" / "pressbox.db"
    result = CliRunner().invoke(cli, ["--db", str(missing)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "does not exist; nothing was created" in lines[0]
    assert "--create" in lines[0] and "db migrate" in lines[0]
    assert not missing.parent.exists()


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "desk")
def test_an_unknown_time_zone_is_one_line_in_every_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: tuple[str, ...]
) -> None:
    monkeypatch.setenv("PRESSBOX_PIPELINE__TIMEZONE", "Mars/Olympus")
    path = tmp_path / "pressbox.db"
    result = CliRunner().invoke(cli, ["--db", str(path), *args])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "PRESSBOX_PIPELINE__TIMEZONE" in lines[0] and "Mars/Olympus" in lines[0]
    assert "Traceback" not in result.output
    assert not path.exists()  # refused before anything was opened


def test_an_unknown_time_zone_is_unknown_in_health(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PRESSBOX_PIPELINE__TIMEZONE", "Mars/Olympus")
    result = CliRunner().invoke(cli, ["health", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 3
    assert result.stdout.startswith("UNKNOWN: invalid setting pipeline.timezone")
    assert len(result.stdout.strip().splitlines()) == 1


def test_text_times_are_local_with_the_zone_or_utc_on_request(tmp_path: Path) -> None:
    import asyncio

    from app.storage.database import Database
    from tests.support.desk_seed import add_audit

    path = tmp_path / "pressbox.db"
    assert CliRunner().invoke(cli, ["db", "migrate", "--db", str(path)]).exit_code == 0

    async def entry() -> None:
        db = Database(path, busy_timeout_ms=5000)
        await db.open()
        try:
            await add_audit(db, "override", "paused", "done", "rain")
        finally:
            await db.close()

    asyncio.run(entry())
    local = CliRunner().invoke(cli, ["audit", "--db", str(path)])
    assert local.exit_code == 0 and "2025-06-14 15:59:30 EDT override paused" in local.stdout
    utc = CliRunner().invoke(cli, ["audit", "--utc", "--db", str(path)])
    assert utc.exit_code == 0 and "2025-06-14 19:59:30 UTC override paused" in utc.stdout
