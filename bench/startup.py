"""Start-up cost of pressbox commands, as ratios against baselines measured in the same run.

* ``pressbox --help`` and ``pressbox --version`` against ``python -c "import click"`` (aim <= 2);
* ``pressbox health`` against ``python -c "import pydantic_settings"`` (aim <= 1.5);
* the desk's first frame with data (``pressbox --db DB``, and ``--read-only``, on a database
  filled by one demo run, headless) against a bare Textual app drawing a ``DataTable`` with
  the same rows (aim <= 1.5).

Each is the wall time of a fresh process, median of ``--runs`` runs, the sides interleaved so
that a load change on the machine hits both. The desk runs the real console entry point; the
child only makes Textual headless and exits at the first frame whose games table has rows.
For the desk and the bare app the time is taken when that frame is drawn (the child says so
on a pipe), not at the exit: what the desk wires after its first frame (the control service,
the demo's scheduler) is not start-up the operator waits for.

    .venv/bin/python bench/startup.py             # 9 runs each, about a minute
    .venv/bin/python bench/startup.py --runs 3    # smoke run
    .venv/bin/python bench/startup.py --record    # also append to bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PRESSBOX = str(Path(PYTHON).parent / "pressbox")
AIMS = {"help": 2.0, "version": 2.0, "health": 1.5, "desk": 1.5, "desk_read_only": 1.5}
# The child writes one line on this file descriptor when its first frame with data is drawn.
FRAME_FD_ENV = "PRESSBOX_BENCH_FRAME_FD"


def _first_frame_then_exit() -> Callable[..., object]:
    """Every Textual app in this process runs headless and exits once a table shows rows."""
    from textual.app import App
    from textual.widgets import DataTable

    original = App.run_async

    async def first_frame(pilot: object) -> None:
        app = pilot.app  # type: ignore[attr-defined]
        while not any(t.row_count for t in app.screen.query(DataTable)):
            await pilot.pause(0.005)  # type: ignore[attr-defined]
        # Every pending message handled, then the screen drawn now (not "once the CPU is
        # idle", which would count what the desk does after its first frame).
        await pilot.pause(0)
        frame_fd = os.environ.get(FRAME_FD_ENV)
        if frame_fd is not None:
            os.write(int(frame_fd), b"frame\n")
        app.exit(0)

    async def run_async(self: App[object], **kwargs: object) -> object:
        kwargs.update(headless=True, auto_pilot=first_frame)
        return await original(self, **kwargs)  # type: ignore[arg-type]

    App.run_async = run_async  # type: ignore[method-assign]
    return original


def child_desk(db: str, *flags: str) -> int:
    _first_frame_then_exit()
    from app.cli.main import main

    sys.argv = ["pressbox", *flags, "--db", db]
    main()
    return 0


def child_bare(db: str) -> int:
    """A bare Textual app with one DataTable holding the desk's game rows (same size)."""
    import sqlite3

    _first_frame_then_exit()
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT away_team, home_team, status, start_time FROM games").fetchall()

    class Bare(App[int]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Time", "Game", "Status", "Score", "Away", "Home", "RL", "Total")
            for away, home, status, start in rows:
                table.add_row(start[11:16], f"{away} @ {home}", status, "", "", "", "", "")

    Bare().run()
    return 0


def _wall(cmd: list[str], env: dict[str, str]) -> float:
    """Seconds to the child's first frame (when it reports one), else to its exit."""
    read_fd, write_fd = os.pipe()
    start = time.perf_counter()
    with subprocess.Popen(
        cmd,
        env={**env, FRAME_FD_ENV: str(write_fd)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(write_fd,),
    ) as child:
        os.close(write_fd)
        with os.fdopen(read_fd, "rb") as frames:
            framed = frames.readline()  # b"" at the child's exit: it drew no frame
        elapsed = time.perf_counter() - start
        child.wait()
    return elapsed if framed else time.perf_counter() - start


def measure(runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="pressbox-startup-") as tmp:
        home = Path(tmp)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PRESSBOX_")},
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"),
            "PRESSBOX_DEMO__FAULT_EVERY": "0",
        }
        db = str(home / "desk.db")
        subprocess.run(
            [PRESSBOX, "--db", db, "run", "--demo"], env=env, check=True, capture_output=True
        )
        me = str(Path(__file__).resolve())
        cases = {
            "click": [PYTHON, "-c", "import click"],
            "pydantic_settings": [PYTHON, "-c", "import pydantic_settings"],
            "help": [PRESSBOX, "--help"],
            "version": [PRESSBOX, "--version"],
            "health": [PRESSBOX, "--db", db, "health"],
            "bare": [PYTHON, me, "--child-bare", db],
            "desk": [PYTHON, me, "--child-desk", db],
            "desk_read_only": [PYTHON, me, "--child-desk", db, "--read-only"],
        }
        for cmd in cases.values():  # warm the page cache and the .pyc files
            _wall(cmd, env)
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(runs):
            for name, cmd in cases.items():
                samples[name].append(_wall(cmd, env))
    return {name: statistics.median(values) for name, values in samples.items()}


def ratios(medians: dict[str, float]) -> dict[str, float]:
    return {
        "help": medians["help"] / medians["click"],
        "version": medians["version"] / medians["click"],
        "health": medians["health"] / medians["pydantic_settings"],
        "desk": medians["desk"] / medians["bare"],
        "desk_read_only": medians["desk_read_only"] / medians["bare"],
    }


def report(medians: dict[str, float], runs: int) -> str:
    r = ratios(medians)
    baseline = {
        "help": "click",
        "version": "click",
        "health": "pydantic_settings",
        "desk": "bare",
        "desk_read_only": "bare",
    }
    lines = [
        f"| measure ({runs} runs, medians, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC) "
        "| pressbox | baseline | ratio | aim |",
        "|---|---|---|---|---|",
    ]
    names = {
        "help": "`pressbox --help` / `import click`",
        "version": "`pressbox --version` / `import click`",
        "health": "`pressbox health` / `import pydantic_settings`",
        "desk": "desk (`pressbox --db DB`) first frame with data / bare Textual table",
        "desk_read_only": "desk `--read-only` first frame with data / bare Textual table",
    }
    for key, label in names.items():
        ok = "met" if r[key] <= AIMS[key] else "MISSED"
        lines.append(
            f"| {label} | {medians[key]:.3f} s | {medians[baseline[key]]:.3f} s "
            f"| **{r[key]:.2f}** | <= {AIMS[key]} ({ok}) |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--record", action="store_true")
    parser.add_argument("--child-desk")
    parser.add_argument("--read-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-bare")
    args = parser.parse_args()
    if args.child_desk:
        return child_desk(args.child_desk, *(["--read-only"] if args.read_only else []))
    if args.child_bare:
        return child_bare(args.child_bare)
    medians = measure(args.runs)
    table = report(medians, args.runs)
    print(table)
    if args.record:
        with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as handle:
            handle.write("\n" + table + "\n")
    return 0 if all(v <= AIMS[k] for k, v in ratios(medians).items()) else 1


if __name__ == "__main__":
    sys.exit(main())
