"""Record every upstream answer of a run, and replay a recording through the real clients."""

from __future__ import annotations

import asyncio
import json
import shutil
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner, Result

from app.cli.main import cli
from app.core.clock import FixedClock
from app.core.config import Settings
from app.core.secrets import StaticSecrets
from app.pipeline.replay import replay_recording
from app.pipeline.runner import PipelineRunner
from app.storage.database import Database

RECORDINGS = Path(__file__).resolve().parents[1] / "fixtures" / "recordings"
REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
KEY = "rec0rding0key0abcdef0123456789"  # pragma: allowlist secret


def replay(folder: Path, db_path: Path) -> Result:
    return CliRunner().invoke(cli, ["replay", str(folder), "--db", str(db_path)])


async def _rows(db_path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    async with Database(db_path) as db, db.read() as conn, conn.execute(sql, params) as cur:
        return [tuple(r) for r in await cur.fetchall()]


def rows(db_path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    return asyncio.run(_rows(db_path, sql, params))


class Upstreams(httpx.AsyncBaseTransport):
    """The real 2024-08-13 slate and the real 2022-08-22 board, with headers to be filtered."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/schedule":
            body = (REAL / "mlb" / "schedule_2024-08-13_linescore_offset_times.json").read_bytes()
            return httpx.Response(200, content=body, headers={"set-cookie": "session=abc"})
        body = (REAL / "odds" / "odds_2022-08-22_h2h_pregame_us_uk_eu.json").read_bytes()
        headers = {"x-requests-remaining": "4000", "x-requests-used": "1000", "authorization": "x"}
        return httpx.Response(200, content=body, headers=headers)


async def test_a_run_is_recorded_owner_only_without_secrets(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "rec" / "incident"
    settings.pipeline.record_dir = folder
    clock = FixedClock(datetime(2024, 8, 13, 20, 0, tzinfo=UTC))
    runner = PipelineRunner(
        db,
        settings,
        transport=Upstreams(),
        secrets=StaticSecrets({"odds-api-key": KEY}),
        clock=clock,
    )
    result = await runner.run("cli")
    assert result.outcome == "ok", result.reason

    files = sorted(p.name for p in folder.iterdir())
    assert files == ["000001-mlb.json", "000002-odds.json"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in files:
        path = folder / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        text = path.read_text(encoding="utf-8")
        assert KEY not in text
        record = json.loads(text)
        assert set(record) == {"run", "fetched_at", "source", "url", "status", "headers", "body"}
        assert record["run"] == result.run_id and record["status"] == 200
        assert record["fetched_at"] == "2024-08-13T20:00:00.000Z"
        assert "apiKey" not in record["url"]
        assert not {"set-cookie", "authorization"} & set(record["headers"])
    odds = json.loads((folder / "000002-odds.json").read_text())
    assert odds["source"] == "odds" and isinstance(odds["body"], list) and len(odds["body"]) == 9
    assert odds["headers"]["x-requests-remaining"] == "4000"
    mlb = json.loads((folder / "000001-mlb.json").read_text())
    assert "date=2024-08-13" in mlb["url"] and mlb["body"]["totalGames"] == 15

    # A second run continues the numbering.
    clock.advance(300)
    await runner.run("cli")
    assert sorted(p.name for p in folder.iterdir())[-1] == "000004-odds.json"

    # The recording replays into a fresh database as the same two runs.
    fresh = tmp_path / "replayed.db"
    async with Database(fresh) as other:
        replayed = await replay_recording(settings, other, folder)
        assert [r.outcome for r in replayed] == ["ok", "ok"]
        async with other.read() as conn:
            counts = [
                tuple(await (await conn.execute(sql)).fetchone() or ())
                for sql in (
                    "SELECT COUNT(*) FROM games WHERE official_date = '2024-08-13'",
                    "SELECT COUNT(*) FROM odds_events",
                    "SELECT MIN(started_at) FROM runs",
                )
            ]
    assert counts == [(15,), (9,), ("2024-08-13T20:00:00.000Z",)]
    assert sorted(p.name for p in folder.iterdir())[-1] == "000004-odds.json", "not re-recorded"


def test_the_cli_replays_a_recording_and_exits_as_the_last_run(db_path: Path) -> None:
    result = replay(RECORDINGS / "linescore_2024-08-13", db_path)
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    assert line == "run 1 ok: 15 games, 0 moves, 0 value bets"


def test_a_request_without_a_recorded_answer_fails_that_stage(db_path: Path) -> None:
    result = replay(RECORDINGS / "odds_only_2022-08-22", db_path)
    assert result.exit_code == 2, result.output  # degraded: the odds landed
    assert "the recording has no mlb answer for /api/v1/schedule for 2022-08-22" in result.stdout
    (stage,) = rows(db_path, "SELECT status, error_summary FROM run_stages WHERE name = 'schedule'")
    assert stage[0] == "failed" and "no mlb answer" in stage[1]
    assert rows(db_path, "SELECT COUNT(*) FROM odds_events") == [(9,)]


def test_the_real_out_of_credits_answer_holds_the_odds(db_path: Path) -> None:
    result = replay(RECORDINGS / "out_of_credits_2024-07-01", db_path)
    assert result.exit_code == 2, result.output
    assert "quota is exhausted" in result.stdout
    assert rows(db_path, "SELECT quota_remaining FROM source_health WHERE source = 'odds'") == [
        (0,)
    ]
    assert rows(db_path, "SELECT COUNT(*) FROM games") == [(3,)]


def test_replay_of_a_folder_without_recordings_is_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = replay(empty, tmp_path / "x.db")
    assert result.exit_code != 0
    assert "holds no recorded answers" in result.output
    assert "Traceback" not in result.output


def test_replay_of_a_broken_record_names_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(RECORDINGS / "linescore_2024-08-13", folder)
    (folder / "000002-odds.json").write_text('{"run": 1}', encoding="utf-8")
    result = replay(folder, tmp_path / "x.db")
    assert result.exit_code != 0
    assert "000002-odds.json is not a pressbox recording (status is missing)" in result.output
