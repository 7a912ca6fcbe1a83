"""Seed a real SQLite database with a small slate through plain SQL (the schema is the contract)."""

from __future__ import annotations

from datetime import UTC, datetime

from app.domain.status import Mode
from app.storage.database import Database
from app.storage.mode import set_mode

NOW = datetime(2025, 6, 14, 20, 0, tzinfo=UTC)  # 16:00 in New York
SLATE = "2025-06-14"

GAMES = [
    # game_pk, start, away id, away, home id, home, state, code, status, inning, half,
    # away score, home score, odds event
    (
        777001,
        "2025-06-14T23:15:00.000Z",
        147,
        "New York Yankees",
        111,
        "Boston Red Sox",
        "Preview",
        "S",
        "Scheduled",
        None,
        None,
        None,
        None,
        "ev-nyy-bos",
    ),
    (
        777002,
        "2025-06-14T17:05:00.000Z",
        145,
        "Chicago White Sox",
        141,
        "Toronto Blue Jays",
        "Live",
        "I",
        "In Progress",
        5,
        "Top",
        2,
        3,
        "ev-cws-tor",
    ),
    (
        777003,
        "2025-06-14T16:10:00.000Z",
        119,
        "Los Angeles Dodgers",
        137,
        "San Francisco Giants",
        "Final",
        "F",
        "Final",
        9,
        "Bottom",
        4,
        1,
        "ev-lad-sf",
    ),
]

# event, book, market, outcome, price, point
ODDS = [
    ("ev-nyy-bos", "draftkings", "h2h", "New York Yankees", -135, None),
    ("ev-nyy-bos", "draftkings", "h2h", "Boston Red Sox", 114, None),
    ("ev-nyy-bos", "fanduel", "h2h", "New York Yankees", -130, None),
    ("ev-nyy-bos", "fanduel", "h2h", "Boston Red Sox", 110, None),
    ("ev-nyy-bos", "draftkings", "spreads", "New York Yankees", 140, -1.5),
    ("ev-nyy-bos", "draftkings", "spreads", "Boston Red Sox", -166, 1.5),
    ("ev-nyy-bos", "draftkings", "totals", "Over", -110, 9.5),
    ("ev-nyy-bos", "draftkings", "totals", "Under", -110, 9.5),
    ("ev-cws-tor", "draftkings", "h2h", "Chicago White Sox", 180, None),
    ("ev-cws-tor", "draftkings", "h2h", "Toronto Blue Jays", -220, None),
]


async def seed(db: Database, *, mode: Mode = Mode.AUTO) -> None:
    stamp = "2025-06-14T19:58:00.000Z"
    async with db.write() as conn:
        for game in GAMES:
            pk, start, _, away, _, home, *_, event = game
            await conn.execute(
                "INSERT INTO games (game_pk, official_date, start_time, away_team_id, away_team, "
                "home_team_id, home_team, abstract_state, status_code, status, inning, "
                "inning_half, away_score, home_score, odds_event_id, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (pk, SLATE, *game[1:], stamp),
            )
            await conn.execute(
                "INSERT INTO odds_events (event_id, commence_time, home_team, away_team, "
                "official_date, game_pk, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (event, start, home, away, SLATE, pk, stamp),
            )
        for event, book, market, outcome, price, point in ODDS:
            await conn.execute(
                "INSERT INTO odds_latest (event_id, book, market, outcome, price, point, "
                "book_title, observed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (event, book, market, outcome, price, point, book.title(), stamp),
            )
            # Each line moved once: ten cents worse this morning, then to its price now.
            for moved, at in ((price - 10, "2025-06-14T15:00:00.000Z"), (price, stamp)):
                await conn.execute(
                    "INSERT INTO odds_moves (event_id, book, market, outcome, price, point, "
                    "observed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (event, book, market, outcome, moved, point, at),
                )
        await conn.execute(
            "INSERT INTO fair_prices (event_id, market, outcome, point, fair_prob, fair_american, "
            "books, method, computed_at) VALUES ('ev-nyy-bos', 'h2h', 'Boston Red Sox', 0, 0.49, "
            "104, 2, 'power', ?)",
            (stamp,),
        )
        await conn.execute(
            "INSERT INTO value_bets (event_id, market, outcome, point, book, official_date, "
            "game_pk, price, fair_prob, edge, stake, first_seen_at, updated_at) VALUES "
            "('ev-nyy-bos', 'h2h', 'Boston Red Sox', 0, 'draftkings', ?, 777001, 114, 0.49, "
            "0.0486, 12.5, ?, ?)",
            (SLATE, stamp, stamp),
        )
        # What the analytics stage judged: the value bet's price, and the other book's.
        for book, price, fair_prob, edge, is_value, is_best in (
            ("draftkings", 114, 0.49, 0.0486, 1, 1),
            ("fanduel", 110, 0.50, 0.05, 0, 0),
        ):
            await conn.execute(
                "INSERT INTO price_edges (event_id, market, outcome, point, book, price, "
                "fair_prob, edge, is_value, is_best, computed_at) VALUES "
                "('ev-nyy-bos', 'h2h', 'Boston Red Sox', 0, ?, ?, ?, ?, ?, ?, ?)",
                (book, price, fair_prob, edge, is_value, is_best, stamp),
            )
        await conn.execute(
            "INSERT INTO runs (id, trigger, slate_date, outcome, reason, started_at, finished_at, "
            "owner_host, owner_pid, credits_used) VALUES (41, 'schedule', ?, 'degraded', "
            "'odds: timeout', '2025-06-14T19:57:00.000Z', '2025-06-14T19:57:04.200Z', 'h', 1, 3)",
            (SLATE,),
        )
        for pos, (name, status, ms, kind, summary) in enumerate(
            [
                ("schedule", "ok", 310.0, None, None),
                ("odds", "degraded", 3500.0, "transient", "The Odds API timed out after 10 s"),
                ("match", "ok", 12.0, None, None),
                ("analytics", "ok", 40.0, None, None),
                ("record", "ok", 30.0, None, None),
            ],
            start=1,
        ):
            await conn.execute(
                "INSERT INTO run_stages (run_id, position, name, status, started_at, finished_at, "
                "duration_ms, error_kind, error_summary) VALUES (41, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    pos,
                    name,
                    status,
                    "2025-06-14T19:57:00.000Z",
                    "2025-06-14T19:57:01.000Z",
                    ms,
                    kind,
                    summary,
                ),
            )
        await conn.execute(
            "INSERT INTO source_health (source, circuit_state, consecutive_failures, latency_ms, "
            "last_success_at, updated_at) VALUES ('mlb', 'closed', 0, 182, ?, ?)",
            (stamp, stamp),
        )
        await conn.execute(
            "INSERT INTO source_health (source, circuit_state, consecutive_failures, latency_ms, "
            "last_error_kind, last_error, last_error_at, quota_remaining, quota_used, updated_at) "
            "VALUES ('odds', 'open', 3, 10000, 'transient', 'The Odds API timed out after 10 s', "
            "?, 480, 19520, ?)",
            (stamp, stamp),
        )
        await conn.execute(
            "INSERT INTO daemon_state (id, host, pid, started_at, heartbeat_at, next_run_at) "
            "VALUES (1, 'h', 4242, '2025-06-14T10:00:00.000Z', ?, '2025-06-14T20:02:00.000Z')",
            (stamp,),
        )
        if mode is not Mode.AUTO:
            await set_mode(conn, mode, set_by="ops", set_at=stamp, reason="seeded")


async def set_price(
    db: Database, event: str, book: str, market: str, outcome: str, price: int
) -> None:
    async with db.write() as conn:
        await conn.execute(
            "UPDATE odds_latest SET price = ? WHERE event_id = ? AND book = ? AND market = ? "
            "AND outcome = ?",
            (price, event, book, market, outcome),
        )


async def add_audit(
    db: Database, action: str, target: str | None, outcome: str, reason: str
) -> None:
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO audit_log (at, action, target, reason, outcome, login_user, prev_hash, "
            "hash) VALUES ('2025-06-14T19:59:30.000Z', ?, ?, ?, ?, 'ops', '0', '1')",
            (action, target, reason, outcome),
        )
