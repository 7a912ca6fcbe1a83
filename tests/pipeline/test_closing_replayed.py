"""Acceptance: a replayed day (flag at -2 h, close at first pitch, final) read by `pressbox clv`.

The recording (tests/fixtures/recordings/clv_day_2024-07-01, see its README row) has four
runs: 17:07Z flags Astros +110 and Under 8.5 +105 at Caesars; 19:00Z moves the Astros line
(their close: first pitch is 19:07Z); 19:40Z has the Astros game in play at -300 (which
must not count) and the Mets–Nationals close; 02:30Z the finals, HOU 3-1, NYM 9-7.

Hand-computed with the proportional method (the other three books quote the same line,
so their median is that line devigged):

* Astros: flagged against 0.545455 / (0.545455 + 0.5) = 12/23; closing fair of the other
  books at -140/+120: (140/240) / (140/240 + 100/220) = 77/137 = 0.562044;
  CLV = 77/137 × 2.10 − 1 = +0.180292; won: +1.10 per unit.
* Under 8.5 +105: closing fair of the others at Over -120 / Under +100:
  0.5 / (0.545455 + 0.5) = 11/23 = 0.478261; CLV = 11/23 × 2.05 − 1 = −0.019565;
  16 runs: lost, −1 per unit.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from app.cli.main import cli

from .test_record_replay import RECORDINGS

DAY = RECORDINGS / "clv_day_2024-07-01"
ENV = {"PRESSBOX_PIPELINE__DEVIG_METHOD": "proportional"}

ASTROS_CLV = 77 / 137 * 2.10 - 1  # +0.180292
UNDER_CLV = 11 / 23 * 2.05 - 1  # -0.019565


def _replay(folder: Path, db_path: Path) -> None:
    result = CliRunner().invoke(cli, ["replay", str(folder), "--db", str(db_path)], env=ENV)
    assert result.exit_code == 0, result.output


def _clv(db_path: Path) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["clv", "--json", "--db", str(db_path)], env=ENV)
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def test_the_close_is_the_last_line_before_first_pitch_even_when_a_run_is_late(
    db_path: Path, tmp_path: Path
) -> None:
    partial = tmp_path / "three_runs"
    partial.mkdir()
    for path in sorted(DAY.glob("00000[1-6]-*.json")):
        shutil.copy(path, partial / path.name)
    _replay(partial, db_path)
    bets = _clv(db_path)["bets"]
    # Only the Astros game has started; run 3 (19:40, in play at -300) noticed it.
    assert [b["outcome"] for b in bets] == ["Houston Astros"]
    astros = bets[0]
    assert astros["closed_at"] == "2024-07-01T19:07:00.000Z"
    assert astros["close_price"] == -130, "Caesars at 19:00, not its in-play price"
    assert astros["close_fair_prob"] == pytest.approx(77 / 137, abs=1e-9)
    assert astros["result"] is None and astros["profit"] is None, "no final score yet"


def test_clv_and_results_of_each_bet_of_a_replayed_day(db_path: Path) -> None:
    _replay(DAY, db_path)
    report = _clv(db_path)
    bets = {b["outcome"]: b for b in report["bets"]}
    assert set(bets) == {"Houston Astros", "Under"}

    astros = bets["Houston Astros"]
    assert (astros["book"], astros["market"], astros["price"]) == ("caesars", "h2h", 110)
    assert astros["flagged_at"] == "2024-07-01T17:07:00.000Z"
    assert astros["fair_prob"] == pytest.approx(12 / 23, abs=1e-9)
    assert astros["clv"] == pytest.approx(0.180292, abs=1e-6)
    assert astros["clv"] == pytest.approx(ASTROS_CLV, abs=1e-12)
    assert astros["beat_close"] is True
    assert (astros["result"], astros["profit"]) == ("won", pytest.approx(1.10))

    under = bets["Under"]
    assert (under["market"], under["point"], under["price"]) == ("totals", 8.5, 105)
    assert under["closed_at"] == "2024-07-01T22:45:00.000Z"
    assert under["close_price"] == -105
    assert under["close_fair_prob"] == pytest.approx(11 / 23, abs=1e-9)
    assert under["clv"] == pytest.approx(-0.019565, abs=1e-6)
    assert under["beat_close"] is False
    assert (under["result"], under["profit"]) == ("lost", -1.0)

    total = report["total"]
    assert total["bets"] == total["settled"] == 2
    assert total["mean_clv"] == pytest.approx((ASTROS_CLV + UNDER_CLV) / 2, abs=1e-12)
    assert total["beat_share"] == 0.5
    assert total["expected"] == pytest.approx(ASTROS_CLV + UNDER_CLV, abs=1e-12)
    assert total["realised"] == pytest.approx(0.10, abs=1e-12)
    markets = {s["key"]: s for s in report["by_market"]}
    assert markets["h2h"]["mean_clv"] == pytest.approx(ASTROS_CLV)
    assert markets["totals"]["beat_share"] == 0.0
    assert [s["key"] for s in report["by_book"]] == ["caesars"]
    assert [s["key"] for s in report["by_day"]] == ["2024-07-01"]


def test_a_second_pass_does_not_close_a_bet_twice(db_path: Path) -> None:
    _replay(DAY, db_path)
    first = _clv(db_path)
    _replay(DAY, db_path)
    assert _clv(db_path)["bets"] == first["bets"]


def test_the_text_report_and_calibration_over_the_replayed_day(db_path: Path) -> None:
    _replay(DAY, db_path)
    text = CliRunner().invoke(cli, ["clv", "--db", str(db_path)], env=ENV)
    assert text.exit_code == 0, text.output
    assert "Astros @ Blue Jays" in text.stdout and "+18.03%" in text.stdout
    assert "Under 8.5" in text.stdout and "-1.96%" in text.stdout
    assert "market totals" in text.stdout

    calibration = CliRunner().invoke(cli, ["calibration", "--json", "--db", str(db_path)])
    assert calibration.exit_code == 0, calibration.output
    scores = {s["method"]: s for s in json.loads(calibration.stdout)["methods"]}
    # One finished game with a moneyline: Astros (away) won; home Blue Jays' closing
    # consensus is the median of four devigged books: 60/137 for three of them.
    assert scores["proportional"]["games"] == 1
    assert scores["proportional"]["log_loss"] == pytest.approx(-math.log(1 - 60 / 137))
