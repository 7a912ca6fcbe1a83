"""Acceptance: the real recorded slates replayed through `pressbox replay`, then read back."""

from __future__ import annotations

import json
import shutil
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


def test_a_make_up_game_played_later_still_reads_ppd_on_its_original_day(
    db_path: Path, tmp_path: Path
) -> None:
    """Run 2 variation: MLB's 2022-04-08 answer lists the make-up games as their own day's
    games (scheduled, then final), as it does once they are played. The one stored row
    follows the newest state, and the original day still says where the game went."""
    folder = tmp_path / "made_up"
    shutil.copytree(RECORDINGS / "postponed_2022-04-07", folder)
    second = folder / "000003-mlb.json"
    recorded = json.loads(second.read_text(encoding="utf-8"))
    listed = recorded["body"]["dates"][0]
    made_up = [g for g in listed["games"] if g["gamePk"] in (661333, 661750)]
    for game in made_up:
        game["gameDate"] = "2022-04-08T17:05:00Z"
        game["status"] = {
            "abstractGameState": "Final",
            "codedGameState": "F",
            "detailedState": "Final",
            "statusCode": "F",
            "startTimeTBD": False,
        }
        game.pop("rescheduleDate", None)
        game.pop("rescheduleGameDate", None)
        game["rescheduledFrom"] = "2022-04-07T17:05:00Z"
    recorded["body"]["dates"] = [{**listed, "date": "2022-04-08", "games": made_up}]
    second.write_text(json.dumps(recorded), encoding="utf-8")

    result = replay(folder, db_path)
    assert result.exit_code == 0, result.output

    on_the_day = {
        g["game_pk"]: g for g in json.loads(games(db_path, "2022-04-08", "--json").stdout)["games"]
    }
    assert {pk: g["status_category"] for pk, g in on_the_day.items()} == {
        661333: "final",
        661750: "final",
    }
    assert "Final" in games(db_path, "2022-04-08").stdout
    original = games(db_path, "2022-04-07").stdout
    assert sum(1 for line in original.splitlines() if "PPD → Apr 8" in line) == 2, original
