"""Idle cost of the trends screen (`t`) and the first-run checklist (`i`) on a still database.

Runs the real desk in a pseudo-terminal (``bench/idle.py``'s child and helpers, its seeded
database, a fixed clock), presses the screen's key once the dashboard has drawn, waits for
the screen to draw, then counts the bytes written over a window while nothing changes;
finally another process records a run and the bytes it costs on the open screen are counted.

    .venv/bin/python bench/idle_screens.py            # ~1 minute
    .venv/bin/python bench/idle_screens.py --record   # also append to bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import idle  # bench/ is not a package: its directory is on the path above

SIZE = (120, 40)
SCREENS = ((b"t", "trends"), (b"i", "first-run checklist"))
NEW_RUN = (
    "INSERT INTO runs (trigger, slate_date, outcome, started_at, finished_at, owner_host, "
    "owner_pid, credits_used) VALUES ('cli', '2025-06-14', 'ok', '2025-06-14T19:59:00.000Z', "
    "'2025-06-14T19:59:07.000Z', 'h', 1, 3)"
)


@dataclass
class ScreenCost:
    screen: str
    opened_bytes: int
    idle_bytes: int
    idle_cpu_s: float
    new_run_bytes: int


def measure(key: bytes, screen: str, *, poll_s: float, window_s: float) -> ScreenCost:
    with tempfile.TemporaryDirectory(prefix="pressbox-idle-screens-") as tmp:
        db = Path(tmp) / "desk.db"
        idle.seed(db)
        pid, fd = idle.spawn(db, "desk", poll_s, SIZE)
        idle.settle(fd, quiet_s=2.0, limit_s=60.0)
        os.write(fd, key)
        opened = idle.settle(fd, quiet_s=2.0, limit_s=30.0)
        cpu0 = idle.cpu_seconds(pid)
        still = idle.drain(fd, window_s)
        cpu = idle.cpu_seconds(pid) - cpu0
        with sqlite3.connect(db) as con:
            con.execute(NEW_RUN)
        new_run = idle.drain(fd, poll_s * 3 + 0.5)
        os.kill(pid, signal.SIGTERM)
        idle.drain(fd, 0.2)
        idle.wait_exit(pid, 10)
        os.close(fd)
    return ScreenCost(screen, opened, still, cpu, new_run)


def report(costs: list[ScreenCost], *, poll_s: float, window_s: float) -> str:
    lines = [
        f"| screen ({SIZE[0]}x{SIZE[1]}, poll {poll_s:g} s) | opening it | "
        f"idle ({window_s:g} s) | CPU idle | one new run |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {c.screen} | {c.opened_bytes:,} B | **{c.idle_bytes} B** | {c.idle_cpu_s:.2f} s | "
        f"{c.new_run_bytes:,} B |"
        for c in costs
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    parser.add_argument("--poll", type=float, default=0.5)
    parser.add_argument("--window", type=float, default=20.0)
    args = parser.parse_args()
    costs = [measure(key, name, poll_s=args.poll, window_s=args.window) for key, name in SCREENS]
    text = report(costs, poll_s=args.poll, window_s=args.window)
    print(text)
    if args.record:
        with (idle.ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as handle:
            handle.write("\n" + text + "\n")


if __name__ == "__main__":
    main()
