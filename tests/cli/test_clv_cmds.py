"""`pressbox clv` and `pressbox calibration` on empty and missing databases, and `--days`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from app.cli.main import cli

from ..pipeline.test_record_replay import RECORDINGS


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_an_empty_database_is_one_clear_line(tmp_path: Path) -> None:
    path = str(tmp_path / "empty.db")
    invoke("db", "migrate", "--db", path)
    code, out, err = invoke("calibration", "--db", path)
    assert code == 0 and err == ""
    assert out.count("\n") == 1 and out.startswith("No finished game with a stored closing")
    code, out, _ = invoke("clv", "--db", path)
    assert code == 0 and out.strip() == "No flagged bet has reached first pitch."
    assert json.loads(invoke("calibration", "--json", "--db", path)[1]) == {
        "games": 0,
        "methods": [],
    }
    report = json.loads(invoke("clv", "--json", "--db", path, "--days", "7")[1])
    assert report["bets"] == [] and report["total"]["bets"] == 0
    assert report["since"] is not None


def test_a_missing_database_is_not_created(tmp_path: Path) -> None:
    for command in ("clv", "calibration"):
        code, _, err = invoke(command, "--db", str(tmp_path / "none.db"))
        assert code == 1 and "does not exist" in err
    assert not (tmp_path / "none.db").exists()


def test_days_leaves_out_older_games(tmp_path: Path) -> None:
    path = str(tmp_path / "day.db")
    invoke("replay", str(RECORDINGS / "clv_day_2024-07-01"), "--db", path)
    assert len(json.loads(invoke("clv", "--json", "--db", path)[1])["bets"]) == 2
    recent = json.loads(invoke("clv", "--json", "--db", path, "--days", "30")[1])
    assert recent["bets"] == [], "2024 games are not in the last 30 days"
    code, _, err = invoke("clv", "--db", path, "--days", "0")
    assert code == 2 and "--days" in err
