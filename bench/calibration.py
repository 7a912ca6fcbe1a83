"""Calibration benchmark: every devig method scored on 30,490 real MLB closing lines.

Reads ``../shared/data/mlb_closing_lines_2010_2022.csv`` (its README says where it comes
from and what was dropped): closing moneylines ``home_ml_close``/``away_ml_close``,
opening ``home_ml_open``/``away_ml_open``, and ``home_win``. Scores each method of
``app.domain.prices`` with ``app.domain.calibration`` (the same code ``pressbox
calibration`` runs on a database): log loss, Brier, calibration by decile,
favourite/underdog bias, bootstrap CI of the log-loss differences, and the backtest of
flagging opening prices at +2% against the closing fair price.

Run: ``.venv/bin/python bench/calibration.py [--csv PATH] [--resamples N]``. Results go to
bench/RESULTS.md under "## calibration" by hand.
"""

from __future__ import annotations

import argparse
import csv
import itertools
from pathlib import Path

from app.domain.calibration import (
    GameLine,
    backtest_open,
    bootstrap_difference,
    score_all,
)
from app.domain.prices import DEVIG_METHODS

# CI and the helpers' machines keep ../shared beside the clone.
SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
DEFAULT_CSV = SHARED_DATA / "mlb_closing_lines_2010_2022.csv"


def _price(text: str) -> int | None:
    return int(text) if text.strip() else None


def load_games(path: Path) -> list[GameLine]:
    """The archive's games: closing and opening moneylines and whether the home side won."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            GameLine(
                home_close=int(row["home_ml_close"]),
                away_close=int(row["away_ml_close"]),
                home_won=row["home_win"] == "1",
                home_open=_price(row["home_ml_open"]),
                away_open=_price(row["away_ml_open"]),
            )
            for row in csv.DictReader(handle)
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--threshold", type=float, default=0.02)
    args = parser.parse_args()
    games = load_games(args.csv)
    print(f"{len(games)} games from {args.csv.name}\n")
    print("| method | log loss | Brier | favourite bias | underdog bias |")
    print("|---|---|---|---|---|")
    scores = score_all(games)
    for s in scores:
        print(
            f"| {s.method} | {s.log_loss:.6f} | {s.brier:.6f} | "
            f"{s.favourite_bias:+.4f} | {s.underdog_bias:+.4f} |"
        )
    print("\nCalibration by decile (both sides of every game), method", scores[0].method)
    print("| predicted | games | mean predicted | observed |")
    print("|---|---|---|---|")
    for d in scores[0].deciles:
        print(
            f"| {d.low:.1f}–{d.high:.1f} | {d.count} | {d.mean_predicted:.4f} | {d.observed:.4f} |"
        )
    print(f"\nLog-loss difference per game, bootstrap 95% CI ({args.resamples} resamples)")
    print("| first − second | mean | 95% CI |")
    print("|---|---|---|")
    for first, second in itertools.combinations(DEVIG_METHODS, 2):
        d = bootstrap_difference(games, first, second, resamples=args.resamples)
        print(f"| {first} − {second} | {d.mean:+.2e} | [{d.low:+.2e}, {d.high:+.2e}] |")
    print(f"\nBacktest: opening prices flagged at ≥ {args.threshold:+.0%} EV vs closing fair")
    print("| method | flags | mean CLV | realised return per unit |")
    print("|---|---|---|---|")
    for method in DEVIG_METHODS:
        b = backtest_open(games, method, threshold=args.threshold)
        print(f"| {method} | {b.flags} | {b.mean_clv:+.4f} | {b.realised_return:+.4f} |")


if __name__ == "__main__":
    main()
