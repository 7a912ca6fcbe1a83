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
import importlib.abc
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PRESSBOX = str(Path(PYTHON).parent / "pressbox")
AIMS = {"help": 2.0, "version": 2.0, "health": 1.5, "desk": 1.5, "desk_read_only": 1.5}
# The child writes its phase marks, then one ``frame`` line, on this file descriptor. Not a
# ``PRESSBOX_`` name: pressbox refuses an unknown one, and the desk would exit before drawing.
FRAME_FD_ENV = "STARTUP_BENCH_FRAME_FD"
# The project's packages, byte-compiled before the warm-up: an installed pressbox has its
# .pyc files (pip compiles them), and PYTHONDONTWRITEBYTECODE would otherwise make every desk
# compile ~100 modules from source, which the bare app (site-packages only) never does.
PACKAGES = ("app", "widgets", "styles")
# Phases of a start, in the order the child reaches them (not every child has every one).
PHASES = ("python", "cli", "textual", "settings", "app", "frame")
PHASE_LABELS = {
    "python": "interpreter and site",
    "cli": "import Click, app.cli.main and app.cli.common",
    "textual": "import Textual (for the desk: with the desk modules imported before it)",
    "settings": "the desk's other modules, then the settings (loaded by a forked child meanwhile)",
    "app": "open the database, build the app",
    "frame": "mount, first read and first paint",
}


def _mark(phase: str) -> None:
    """Tell the parent this child reached ``phase`` (a monotonic time, shared by processes)."""
    frame_fd = os.environ.get(FRAME_FD_ENV)
    if frame_fd:
        # With the CPU time the process has used so far: the machine is shared, and CPU time
        # moves much less with its load than the wall clock does.
        os.write(int(frame_fd), f"{phase} {time.monotonic()!r} {time.process_time()!r}\n".encode())


class _OnImport(importlib.abc.MetaPathFinder):
    """Runs ``then(module)`` right after ``name`` is first imported, by whoever imports it."""

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self.name, self.then = name, then

    def find_spec(self, fullname: str, path: object, target: object = None) -> Any:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        assert spec is not None and spec.loader is not None
        loader, then = spec.loader, self.then
        run = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run(module)
            then(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _first_frame_then_exit() -> None:
    """Every Textual app in this process runs headless and exits once a table shows rows.

    Hooked when ``textual.app`` is imported, not by importing it here: the desk imports
    Textual while its settings load in a child, and the bench must see that as it happens.
    """
    _mark("python")
    sys.meta_path.insert(0, _OnImport("textual.app", _hook_app))


def _hook_app(module: ModuleType) -> None:
    _mark("textual")
    app_class = module.App
    original = app_class.run_async
    original_init = app_class.__init__

    def init(self: Any, *args: object, **kwargs: object) -> None:
        _mark("app")
        original_init(self, *args, **kwargs)

    async def first_frame(pilot: Any) -> None:
        from textual.widgets import DataTable

        app = pilot.app
        while not any(t.row_count for t in app.screen.query(DataTable)):
            await pilot.pause(0.005)
        # Every pending message handled, then the screen drawn now (not "once the CPU is
        # idle", which would count what the desk does after its first frame).
        await pilot.pause(0)
        _mark("frame")
        app.exit(0)

    async def run_async(self: Any, **kwargs: object) -> object:
        kwargs.update(headless=True, auto_pilot=first_frame)
        return await original(self, **kwargs)

    app_class.run_async = run_async
    app_class.__init__ = init


def child_desk(db: str, *flags: str) -> int:
    # As the console script's main() does first, before it imports Textual or the settings.
    from app.core.collector import COLLECTOR

    COLLECTOR.hold()
    _first_frame_then_exit()
    import app.cli.common as common  # the desk command imports it first, before the fork
    from app.cli.main import main

    _mark("cli")
    settings = common.CliContext.settings

    def loaded(self: Any) -> Any:
        got = settings(self)
        _mark("settings")
        return got

    common.CliContext.settings = loaded  # type: ignore[method-assign]
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


def _wall(cmd: list[str], env: dict[str, str], *, frame: bool = False) -> dict[str, float]:
    """Seconds from the start to each phase the child reports, ``total`` to its first frame.

    Without ``frame`` the total is the time to the child's exit. With it, a child that exits
    without drawing one fails the bench (a desk refusing to start is not a fast desk).
    """
    read_fd, write_fd = os.pipe()
    start = time.monotonic()
    with subprocess.Popen(
        cmd,
        env={**env, FRAME_FD_ENV: str(write_fd)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        pass_fds=(write_fd,),
    ) as child:
        os.close(write_fd)
        marks: dict[str, float] = {}
        with os.fdopen(read_fd, "rb") as lines:
            for line in lines:  # until the frame, or the child's exit
                phase, at, cpu = line.decode().split()
                marks[phase] = float(at) - start
                marks[f"{phase}.cpu"] = float(cpu)
                if phase == "frame":
                    break
        exited = time.monotonic() - start
        _, err = child.communicate()
    if frame and "frame" not in marks:
        tail = err.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise SystemExit(f"{' '.join(cmd)} drew no frame (exit {child.returncode}): {tail[0]}")
    return {**marks, "total": marks.get("frame", exited)}


def _compile_packages(env: dict[str, str]) -> None:
    paths = [str(ROOT / package) for package in PACKAGES]
    subprocess.run(
        [PYTHON, "-m", "compileall", "-q", *paths],
        env={k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"},
        check=True,
        stdout=subprocess.DEVNULL,
    )


def measure(runs: int) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Median seconds per case, and per framed case the median time at which each phase ended."""
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
        framed = {"bare", "desk", "desk_read_only"}
        _compile_packages(env)
        for name, cmd in cases.items():  # warm the page cache
            _wall(cmd, env, frame=name in framed)
        samples: dict[str, list[dict[str, float]]] = {name: [] for name in cases}
        for _ in range(runs):
            for name, cmd in cases.items():
                samples[name].append(_wall(cmd, env, frame=name in framed))
    medians = {name: statistics.median(s["total"] for s in got) for name, got in samples.items()}
    phases = {
        name: {
            key: statistics.median(s[key] for s in samples[name])
            for phase in PHASES
            for key in (phase, f"{phase}.cpu")
            if all(key in s for s in samples[name])
        }
        for name in framed
    }
    return medians, phases


def phase_report(phases: dict[str, dict[str, float]]) -> str:
    """Milliseconds spent in each phase (median end of a phase minus that of the one before),
    wall clock and the process's CPU time."""
    cases = ("desk", "desk_read_only", "bare")
    lines = [
        "| phase (ms wall / ms CPU, medians of the same runs) | desk | desk `--read-only` | bare |",
        "|---|---|---|---|",
    ]
    for phase in [*PHASES, "total"]:
        cells = []
        for case in cases:
            ends = phases[case]
            if phase == "total":
                cells.append(f"{ends['frame'] * 1000:.0f} / {ends['frame.cpu'] * 1000:.0f}")
                continue
            if phase not in ends:
                cells.append("—")
                continue
            before = [p for p in PHASES[: PHASES.index(phase)] if p in ends]
            wall = ends[phase] - (ends[before[-1]] if before else 0.0)
            cpu = ends[f"{phase}.cpu"] - (ends[f"{before[-1]}.cpu"] if before else 0.0)
            cells.append(f"{wall * 1000:.0f} / {cpu * 1000:.0f}")
        label = PHASE_LABELS.get(phase, "**to the first frame with data**")
        lines.append(f"| {label} | {' | '.join(cells)} |")
    return "\n".join(lines)


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
    medians, phases = measure(args.runs)
    table = report(medians, args.runs) + "\n\n" + phase_report(phases)
    print(table)
    if args.record:
        with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as handle:
            handle.write("\n" + table + "\n")
    return 0 if all(v <= AIMS[k] for k, v in ratios(medians).items()) else 1


if __name__ == "__main__":
    sys.exit(main())
