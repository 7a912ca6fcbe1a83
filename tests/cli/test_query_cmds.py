"""`pressbox games|bets|runs`: human and --json output on a database filled by a real demo run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli.main import cli
from tests.support.pipeline import STAGE_NAMES


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def filled_db(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    code, out, _ = invoke("run", "--demo", "--db", str(path))
    assert code == 0, out
    code, out, _ = invoke("run", "--demo", "--db", str(path))
    assert code == 0, out
    return path


def today(path: Path) -> str:
    _code, out, _ = invoke("runs", "--json", "--db", str(path))
    return json.loads(out)["runs"][0]["slate_date"]


def test_games_json_shape(filled_db: Path) -> None:
    code, out, _ = invoke("games", "--json", "--db", str(filled_db))
    assert code == 0
    payload = json.loads(out)
    assert payload["date"] == today(filled_db)
    games = payload["games"]
    assert len(games) >= 14
    keys = {
        "game_pk",
        "official_date",
        "start_time",
        "away_team",
        "home_team",
        "abstract_state",
        "status_code",
        "status",
        "inning",
        "inning_half",
        "away_score",
        "home_score",
        "status_category",
        "status_reason",
        "reschedule_date",
        "start_tbd",
        "also_on",
        "game_number",
        "odds_event_id",
        "moneyline",
        "run_line",
        "total",
        "value_bets",
    }
    assert all(set(g) == keys for g in games)
    priced = [g for g in games if g["moneyline"]["home"] is not None]
    assert priced, "a demo run prices games"
    for game in priced:
        for side in ("away", "home"):
            price = game["moneyline"][side]["price"]
            assert price <= -100 or price >= 100
    postponed = [g for g in games if g["status_code"] == "D"]
    assert postponed and all(g["moneyline"]["home"] is None for g in postponed)


def test_games_human_lists_every_game(filled_db: Path) -> None:
    _, out_json, _ = invoke("games", "--json", "--db", str(filled_db))
    code, out, _ = invoke("games", "--db", str(filled_db))
    assert code == 0
    assert len(out.strip().splitlines()) == 1 + len(json.loads(out_json)["games"])
    assert "PPD" in out  # the scorebook form, with the make-up date when known


def test_bets_json_matches_stored_value_bets(filled_db: Path) -> None:
    code, out, _ = invoke("bets", "--json", "--db", str(filled_db))
    assert code == 0
    bets = json.loads(out)["bets"]
    assert bets
    for bet in bets:
        assert bet["edge"] > 0 and bet["stake"] >= 0
        assert 0 < bet["fair_prob"] < 1
        assert bet["market"] in {"h2h", "spreads", "totals"}
    code, human, _ = invoke("bets", "--db", str(filled_db))
    table = [line for line in human.strip().splitlines() if "suspicious line at" not in line]
    assert len(table) == 1 + len(bets)
    outliers = json.loads(out)["outliers"]
    assert len(human.strip().splitlines()) == 1 + len(bets) + len(outliers)


def test_runs_json_lists_stages(filled_db: Path) -> None:
    code, out, _ = invoke("runs", "--json", "--limit", "5", "--db", str(filled_db))
    assert code == 0
    runs = json.loads(out)["runs"]
    assert [r["outcome"] for r in runs] == ["ok", "ok"]
    assert runs[0]["id"] > runs[1]["id"]
    assert [s["name"] for s in runs[0]["stages"]] == STAGE_NAMES
    assert runs[0]["finished_at"] >= runs[0]["started_at"]


def test_other_date_is_empty_not_an_error(filled_db: Path) -> None:
    code, out, _ = invoke("games", "--date", "2020-01-01", "--db", str(filled_db))
    assert code == 0 and "No games stored for 2020-01-01" in out
    code, out, _ = invoke("bets", "--json", "--date", "2020-01-01", "--db", str(filled_db))
    assert json.loads(out) == {"date": "2020-01-01", "bets": [], "outliers": []}


def test_bad_date_is_one_line(filled_db: Path) -> None:
    code, _, err = invoke("games", "--date", "06/14/2025", "--db", str(filled_db))
    assert code == 2 and err.count("\n") == 1 and "YYYY-MM-DD" in err


def test_missing_database_is_not_created(tmp_path: Path) -> None:
    for command in ("games", "bets", "runs"):
        code, _, err = invoke(command, "--db", str(tmp_path / "none.db"))
        assert code == 1 and "does not exist" in err
    assert not (tmp_path / "none.db").exists()


def test_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    invoke("db", "migrate", "--db", str(path))
    assert invoke("runs", "--db", str(path))[1].strip() == "No runs yet."
    assert json.loads(invoke("runs", "--json", "--db", str(path))[1]) == {"runs": []}
