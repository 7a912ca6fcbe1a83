"""Calibration scoring on a slice of the real 2010–2022 closing lines, checked independently.

The slice (every 100th game of ``../shared/data/mlb_closing_lines_2010_2022.csv``, 305
games) is in tests/fixtures/calibration/. The reference numbers are recomputed here from
the CSV text with closed forms (proportional, two-way Shin) and Newton's method (power),
not with ``app.domain.prices``.
"""

from __future__ import annotations

import csv
import importlib.util
import math
from pathlib import Path
from types import ModuleType

import pytest

from app.domain.calibration import (
    GameLine,
    backtest_open,
    bootstrap_difference,
    score_all,
    score_method,
    score_predictions,
)
from app.domain.prices import DevigMethod

ROOT = Path(__file__).resolve().parents[2]
SLICE = ROOT / "tests" / "fixtures" / "calibration" / "mlb_closing_lines_every_100th.csv"


def _implied(price: int) -> float:
    return 100 / (price + 100) if price > 0 else -price / (-price + 100)


def _decimal(price: int) -> float:
    return 1 + price / 100 if price > 0 else 1 + 100 / -price


def _reference_home(home: int, away: int, method: str) -> float:
    a, b = _implied(home), _implied(away)
    if method == "proportional":
        return a / (a + b)
    if method == "shin":
        s = a + b
        a1, a2 = a * a / s, b * b / s
        z = 1 - 2 * (1 - a1 - a2) / (1 - (a1 - a2) ** 2)
        p1 = (math.sqrt(z * z + 4 * (1 - z) * a1) - z) / (2 * (1 - z))
        p2 = (math.sqrt(z * z + 4 * (1 - z) * a2) - z) / (2 * (1 - z))
        return p1 / (p1 + p2)
    k = 1.0
    for _ in range(60):  # Newton on a^k + b^k = 1
        f = a**k + b**k - 1
        k -= f / (a**k * math.log(a) + b**k * math.log(b))
    return a**k / (a**k + b**k)


def _rows() -> list[dict[str, str]]:
    with SLICE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _games() -> list[GameLine]:
    return [
        GameLine(
            int(r["home_ml_close"]),
            int(r["away_ml_close"]),
            r["home_win"] == "1",
            int(r["home_ml_open"]),
            int(r["away_ml_open"]),
        )
        for r in _rows()
    ]


@pytest.mark.parametrize("method", ["proportional", "power", "shin"])
def test_log_loss_brier_and_bias_match_an_independent_computation(method: DevigMethod) -> None:
    rows = _rows()
    assert len(rows) == 305
    probs = [
        (_reference_home(int(r["home_ml_close"]), int(r["away_ml_close"]), method), r["home_win"])
        for r in rows
    ]
    log_loss = -sum(math.log(p if y == "1" else 1 - p) for p, y in probs) / len(probs)
    brier = sum((p - (1 if y == "1" else 0)) ** 2 for p, y in probs) / len(probs)
    fav = [(max(p, 1 - p), (p > 0.5) == (y == "1")) for p, y in probs if p != 0.5]
    fav_bias = sum(won - p for p, won in fav) / len(fav)

    score = score_method(_games(), method)
    assert score.games == 305
    assert score.log_loss == pytest.approx(log_loss, abs=1e-12)
    assert score.brier == pytest.approx(brier, abs=1e-12)
    assert score.favourite_bias == pytest.approx(fav_bias, abs=1e-12)
    assert score.underdog_bias == pytest.approx(-fav_bias, abs=1e-12)
    # Both sides of each game fall in the deciles: 610 predictions, mirrored around 0.5.
    assert sum(d.count for d in score.deciles) == 610
    below = sum(1 for p, _ in probs for q in (p, 1 - p) if 0.3 <= q < 0.4)
    assert next(d.count for d in score.deciles if d.low == pytest.approx(0.3)) == below


def test_the_ranking_and_the_bootstrap_interval_of_the_difference() -> None:
    games = _games()
    ranked = score_all(games)
    assert [s.log_loss for s in ranked] == sorted(s.log_loss for s in ranked)
    proportional = score_method(games, "proportional").log_loss
    power = score_method(games, "power").log_loss
    diff = bootstrap_difference(games, "power", "proportional", resamples=400)
    assert diff.mean == pytest.approx(power - proportional, abs=1e-12)
    assert diff.low <= diff.mean <= diff.high
    again = bootstrap_difference(games, "power", "proportional", resamples=400)
    assert (again.low, again.high) == (diff.low, diff.high), "seeded: reruns agree"


def test_the_opening_line_backtest_counts_flags_by_hand() -> None:
    flags, clvs, profits = 0, [], []
    for r in _rows():
        p_home = _reference_home(int(r["home_ml_close"]), int(r["away_ml_close"]), "proportional")
        home_won = r["home_win"] == "1"
        for price, p, won in (
            (int(r["home_ml_open"]), p_home, home_won),
            (int(r["away_ml_open"]), 1 - p_home, not home_won),
        ):
            ev = p * _decimal(price) - 1
            if ev >= 0.02:
                flags += 1
                clvs.append(ev)
                profits.append(_decimal(price) - 1 if won else -1.0)
    result = backtest_open(_games(), "proportional", threshold=0.02)
    assert flags > 0
    assert result.flags == flags
    assert result.mean_clv == pytest.approx(sum(clvs) / flags, abs=1e-12)
    assert result.realised_return == pytest.approx(sum(profits) / flags, abs=1e-12)


def test_games_without_an_opening_line_are_left_out_of_the_backtest() -> None:
    games = [GameLine(-150, 130, True), GameLine(-150, 130, False, -110, -110)]
    assert backtest_open(games, "power").flags == 1
    assert backtest_open(games[:1], "power").flags == 0
    with pytest.raises(ValueError, match="at least one game"):
        score_predictions("power", [])


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_calibration", ROOT / "bench" / "calibration.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bench_reads_the_archive_columns_it_scores() -> None:
    games = _bench().load_games(SLICE)
    assert games == _games()
