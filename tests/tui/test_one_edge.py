"""One price, one edge: game detail, the desk's value-bets table and `bets --json` agree.

The database is filled by real demo runs (the pipeline prices the simulated books and
stores what it computed); the three readers are then checked on that one file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from textual.widgets import DataTable

from app.cli.main import cli
from app.core.config import load_settings
from app.storage.database import open_database
from app.storage.read.desk_data import StoredDeskData
from app.tui import formatting as fmt
from app.tui.app import PressboxApp
from app.tui.screens.game_detail import GameDetailScreen
from widgets.keyed_table import KeyedTable

from .conftest import wait_for


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def priced_db(tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    """A database two demo runs filled, and what `pressbox bets --json` says of it."""
    path = tmp_path / "demo.db"
    for _ in range(2):
        invoke("run", "--demo", "--db", str(path))
    return path, json.loads(invoke("bets", "--json", "--db", str(path)))["bets"]


def cell_text(cell: object) -> str:
    return str(cell)


async def test_a_price_has_the_same_edge_in_detail_value_bets_and_json(
    priced_db: tuple[Path, list[dict[str, Any]]],
) -> None:
    path, bets = priced_db
    assert bets, "the demo slate has value bets"
    bet = bets[0]
    key = f"{bet['event_id']}|{bet['market']}|{bet['outcome']}|{bet['point']:g}|{bet['book']}"

    settings = load_settings(
        dotenv_path=None, db={"path": path}, dashboard={"poll_interval_s": 0.05}
    )
    async with open_database(path) as db:
        data = StoredDeskData(db)
        detail = await data.game_detail(bet["game_pk"])
        assert detail is not None
        (judged,) = [
            p
            for p in detail.prices
            if (p.market, p.outcome, p.book) == (bet["market"], bet["outcome"], bet["book"])
            and (p.point or 0.0) == bet["point"]
        ]
        # The very number the pipeline stored, not a recomputation of it.
        assert judged.price == bet["price"] and judged.is_value
        assert judged.edge is not None and round(judged.edge, 6) == bet["edge"]
        assert judged.fair_prob is not None and round(judged.fair_prob, 6) == bet["fair_prob"]

        app = PressboxApp(settings, data)
        async with app.run_test(size=(160, 50)) as pilot:
            await wait_for(pilot, lambda: app.poller.loads >= 1, timeout=10)
            value_table = app.dashboard.query_one("#value-bets", KeyedTable)
            await wait_for(pilot, lambda: key in value_table.row_keys())
            value_edge = cell_text(value_table.get_cell(key, "edge"))

            app.push_screen(GameDetailScreen(app.ctx, bet["game_pk"]))
            await wait_for(pilot, lambda: isinstance(app.screen, GameDetailScreen))
            screen = app.screen
            assert isinstance(screen, GameDetailScreen)
            await wait_for(pilot, lambda: screen.detail is not None)
            prices = screen.query_one("#detail-prices", DataTable)
            row = prices.get_row(f"{bet['market']}|{bet['outcome']}|{bet['book']}")
            detail_edge = cell_text(row[5])

    shown = fmt.edge_text(bet["edge"])
    assert value_edge == detail_edge == shown
    assert shown.startswith("[green]+")
