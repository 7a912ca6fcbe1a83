"""Acceptance: the real recorded slates replayed through `pressbox replay`, then read back."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from app.cli.main import cli

from .test_record_replay import RECORDINGS, replay, rows


def games(db_path: Path, day: str, *json_flag: str) -> Result:
    return CliRunner().invoke(cli, ["games", "--date", day, "--db", str(db_path), *json_flag])


def test_postponed_games_stay_on_their_day_as_ppd_and_appear_on_the_make_up_day(
    db_path: Path,
) -> None:
    result = replay(RECORDINGS / "postponed_2022-04-07", db_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("run 1 ok: 9 games"), result.stdout

    first = json.loads(games(db_path, "2022-04-07", "--json").stdout)["games"]
    status = {g["game_pk"]: g["status_category"] for g in first}
    assert len(first) == 9, "every game MLB lists under the day"
    assert status[661333] == status[661750] == "postponed"
    assert sum(1 for s in status.values() if s == "final") == 7
    made_up = {g["game_pk"]: g for g in first if g["status_category"] == "postponed"}
    assert {g["reschedule_date"] for g in made_up.values()} == {"2022-04-08"}
    assert all(g["moneyline"]["away"] is None and g["odds_event_id"] is None for g in first)

    table = games(db_path, "2022-04-07").stdout
    ppd_lines = [line for line in table.splitlines() if "PPD → Apr 8" in line]
    assert len(ppd_lines) == 2, table
    assert any("Red Sox @ Yankees" in line for line in ppd_lines), table

    second = json.loads(games(db_path, "2022-04-08", "--json").stdout)["games"]
    assert {g["game_pk"] for g in second} == {661333, 661750}, "the make-up day lists them"


def test_a_split_doubleheader_and_pre_game_zeros(db_path: Path) -> None:
    result = replay(RECORDINGS / "split_doubleheader_2024-05-20", db_path)
    assert result.exit_code == 0, result.output
    listed = {
        g["game_pk"]: g for g in json.loads(games(db_path, "2024-05-20", "--json").stdout)["games"]
    }
    assert len(listed) == 12
    assert (listed[747119]["status_category"], listed[747121]["status_category"]) == (
        "final",
        "live",
    )
    assert listed[747121]["game_number"] == 2
    pre_game = [g for g in listed.values() if g["status_category"] == "scheduled"]
    assert len(pre_game) == 4
    assert all(g["away_score"] is None and g["home_score"] is None for g in pre_game), (
        "MLB sends score 0 before first pitch: no score is shown"
    )


def test_a_suspended_game_is_suspended_unpaired_and_never_priced(db_path: Path) -> None:
    result = replay(RECORDINGS / "suspended_2024-05-20", db_path)
    assert result.exit_code == 0, result.output
    listed = {
        g["game_pk"]: g for g in json.loads(games(db_path, "2024-05-20", "--json").stdout)["games"]
    }
    suspended = listed[745093]
    assert (suspended["status_category"], suspended["status_reason"]) == ("suspended", "Rain")
    assert suspended["odds_event_id"] is None, "a suspended game is never paired"
    assert listed[746307]["odds_event_id"] == "pre00000000000000000000000000001"

    line = next(
        x for x in games(db_path, "2024-05-20").stdout.splitlines() if "Red Sox @ Rays" in x
    )
    assert "Susp: Rain" in line and "B7" not in line
    bets = rows(db_path, "SELECT event_id FROM value_bets")
    assert ("susp0000000000000000000000000001",) not in bets, "never a value bet"
    priced = dict(rows(db_path, "SELECT event_id, COUNT(*) FROM fair_prices GROUP BY event_id"))
    # The same board shape is priced for the pre-game game and not for the suspended one.
    assert priced == {"pre00000000000000000000000000001": 2}
