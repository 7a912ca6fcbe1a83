"""Fuzz: hostile text planted in the database never reaches a terminal unescaped.

A real demo run fills a database; every untrusted text column (team names,
statuses, book titles, outcomes, stage errors, run reasons, breaker errors,
the mode's reason, typed audit reasons) is then overwritten with strings from
a corpus of real terminal-injection sequences plus seeded generated ones.
Every text command then runs as a subprocess on a pseudo-terminal, and what
the terminal receives must hold no ESC, no C0 control but the line end, no C1,
no bidi control, and no traceback.
"""

from __future__ import annotations

import itertools
import json
import os
import select
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from tests.support.hostile_corpus import CORPUS, FORBIDDEN, generated

HOSTILE_SERVICE = "press\x1b]0;title\x07box\x1b[2J"
PRESSBOX = str(Path(sys.executable).with_name("pressbox"))
HOSTILE = [*CORPUS, *generated(count=60)]

# (table, text column) pairs that carry upstream or typed text to a terminal.
COLUMNS = [
    ("games", "away_team"),
    ("games", "home_team"),
    ("games", "status"),
    ("games", "inning_half"),
    ("odds_latest", "book_title"),
    ("value_bets", "book"),
    ("value_bets", "outcome"),
    ("runs", "reason"),
    ("run_stages", "error_summary"),
    ("source_health", "last_error"),
]


def on_pty(args: list[str], env: dict[str, str], stdin: str = "") -> tuple[int, bytes]:
    """Run ``pressbox ARGS`` with stdout and stderr on a pseudo-terminal; all it wrote."""
    master, slave = os.openpty()
    process = subprocess.Popen(
        [PRESSBOX, *args],
        stdin=subprocess.PIPE,
        stdout=slave,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    assert process.stdin is not None
    process.stdin.write(stdin.encode())
    process.stdin.close()
    seen = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed its side
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
    return process.wait(timeout=60), seen


def assert_clean(args: list[str], output: bytes) -> None:
    text = output.decode("utf-8")  # never a broken UTF-8 sequence either
    assert "Traceback" not in text, (args, text[-2000:])
    # The terminal's own line discipline turns each newline into CR LF.
    for line in text.replace("\r\n", "\n").split("\n"):
        found = FORBIDDEN.search(line)
        assert found is None, (args, repr(found.group()), repr(line[:300]))


def plant(db_path: Path) -> None:
    """Overwrite every untrusted text column, row by row, with the hostile strings."""
    strings = itertools.cycle(HOSTILE)
    with closing(sqlite3.connect(db_path)) as conn, conn:
        for table, column in COLUMNS:
            keys = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[5]]
            rows = list(conn.execute(f"SELECT {', '.join(keys)} FROM {table}"))
            assert rows, f"the demo run left {table} empty"
            where = " AND ".join(f"{key} IS ?" for key in keys)
            for row in rows:
                conn.execute(
                    f"UPDATE {table} SET {column} = ? WHERE {where}", (next(strings), *row)
                )
        conn.execute(
            "UPDATE source_health SET circuit_state = 'open', consecutive_failures = 3, "
            "last_error_kind = 'transient', opened_at = last_success_at"
        )
        conn.execute(
            "INSERT OR REPLACE INTO system_mode (id, mode, set_by, set_at, reason) "
            "VALUES (1, 'paused', ?, '2025-06-14T19:00:00.000Z', ?)",
            ("\x1b]0;ops\x07ops", CORPUS[13]),
        )


@pytest.fixture
def hostile_db(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PRESSBOX_")}
    env.update(
        TERM="xterm-256color",
        PRESSBOX_LOGGING__DIR=str(tmp_path / "log"),
    )
    # A config value is untrusted text too: it is printed by `secrets status`.
    env["PRESSBOX_SECRETS__SERVICE_NAME"] = HOSTILE_SERVICE  # pragma: allowlist secret
    db_path = tmp_path / "hostile.db"
    code, out = on_pty(["run", "--demo", "--db", str(db_path)], env)
    assert code == 0, out
    plant(db_path)
    return db_path, env


@pytest.mark.integration
def test_no_hostile_byte_reaches_the_terminal(hostile_db: tuple[Path, dict[str, str]]) -> None:
    db_path, env = hostile_db
    db = ["--db", str(db_path)]
    # Wrong-key attempts (the demo run installed the demo key) with crafted reasons:
    # written to the audit trail as typed.
    for reason in (CORPUS[13], CORPUS[14], HOSTILE[30]):
        code, out = on_pty(["control", "execute", "--reason", reason, *db], env, "wrong-key\n")
        assert code == 4, out
        assert_clean(["control", "execute"], out)
    code, out = on_pty(["runs", "--json", *db], env)
    slate = json.loads(out.decode())["runs"][0]["slate_date"]
    commands = [
        ["games", "--date", slate, *db],
        ["bets", "--date", slate, *db],
        ["runs", "--limit", "100", *db],
        ["audit", *db],
        ["audit", "--verify", *db],
        ["health", *db],
        ["db", "check", *db],
        ["secrets", "status"],
        ["control", "override", "auto", "--reason", CORPUS[1], *db],
        # Error lines on stderr carry typed text back: a bad date, a bad path, a bad option.
        ["games", "--date", CORPUS[0], *db],
        ["games", "--db", str(db_path.with_name("\x1b]0;x\x07missing\x1b[2J.db"))],
        ["runs", "--limit", "\x1b[31m9\x9b2J", *db],
        ["control", "override", "\x1b]52;c;cGF5bG9hZA==\x07auto", *db],
    ]
    outputs: list[str] = []
    for args in commands:
        stdin = "wrong-key\n" if args[0] == "control" else ""
        code, out = on_pty(args, env, stdin)
        assert code in (0, 1, 2, 3, 4), (args, code, out)
        assert_clean(args, out)
        outputs.append(out.decode())
    games, _bets, _runs, audit, _verify, health = outputs[:6]
    # The commands really showed the planted data, cleaned rather than dropped.
    visible = ("Cleared", "Moved", "BLINK RED", "copied", "[/]", "DCS", "truecolor", "isolate")
    assert len(games.splitlines()) >= 4 and any(word in games for word in visible), games
    assert "WRONG_KEY⏎#99" in audit and 'fake\\" by root' in audit
    assert "scheduled maintenance" in health
    assert "Cleared" in outputs[9]  # the bad --date, echoed back clean
