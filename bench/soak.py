"""Soak: the demo daemon and two desks on one database for a set time; nothing may grow.

Real processes: ``pressbox daemon --demo`` at an accelerated interval and two
``pressbox --demo`` desks in pseudo-terminals, all on the same database file. Every
``--sample-s`` seconds it records, per process, the resident set size, open file
descriptors and threads (from /proc), and for the database its file and WAL size and
the run count. Event-loop lag is probed on both sides: for the daemon, how late its
heartbeat is beyond its tick (``daemon_state.heartbeat_at``); for each desk, the time
from a terminal resize (SIGWINCH) to its first redraw bytes.

After a warm-up (the first ``--warmup`` fraction of the samples), a least-squares line
is fitted to each metric; its slope must stay under that metric's threshold. The database
file grows with the data by design (every run stores its moves), so it is judged per run
(bytes per run must stay flat: the slope of bytes/run over time), not per minute.

    .venv/bin/python bench/soak.py --minutes 10          # CI-sized (make soak-ci)
    .venv/bin/python bench/soak.py --minutes 2           # while developing
    .venv/bin/python bench/soak.py --minutes 60 --record # by hand; appends to bench/RESULTS.md

Exit status 0 when every slope is under its threshold, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.fleet import (  # noqa: E402 - after the path set-up above
    LOCKED_WORDS,
    Desk,
    demo_env,
    log_text,
    rows,
    scalar,
    start_daemon,
    start_desk,
    stop,
    wait_for,
)

DAEMON_INTERVAL_S = 0.5
DESK_POLL_S = 0.5
TICK_S = 0.5  # the daemon ticks at min(interval, lease heartbeat): the interval here

# Slope thresholds, per minute after the warm-up. A leak of one object per run shows
# within minutes at two runs a second; noise of a healthy process stays well below.
THRESHOLDS: dict[str, float] = {
    "rss_mb": 1.0,  # per process
    "fds": 0.2,
    "threads": 0.2,
    "wal_mb": 0.5,
    "db_kb_per_run": 1.0,
    "daemon_lag_ms": 20.0,
    "desk_lag_ms": 20.0,
}


@dataclass
class Sample:
    t_min: float
    values: dict[str, float]


def proc_status(pid: int) -> tuple[float, int]:
    """(RSS in MB, threads) from /proc/PID/status."""
    rss_kb, threads = 0.0, 0
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                rss_kb = float(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss_kb / 1024.0, threads


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def daemon_lag_ms(db: Path) -> float:
    found = rows(db, "SELECT heartbeat_at FROM daemon_state")
    if not found:
        return 0.0
    beat = datetime.fromisoformat(str(found[0][0]).replace("Z", "+00:00"))
    late = (datetime.now(UTC) - beat).total_seconds() - TICK_S
    return max(0.0, late) * 1000.0


def file_mb(path: Path) -> float:
    return path.stat().st_size / 1e6 if path.exists() else 0.0


def sample(t0: float, db: Path, daemon_pid: int, desks: list[Desk]) -> Sample:
    values: dict[str, float] = {}
    for name, pid in [("daemon", daemon_pid)] + [
        (f"desk{i + 1}", d.process.pid) for i, d in enumerate(desks)
    ]:
        rss, threads = proc_status(pid)
        values[f"{name}.rss_mb"] = rss
        values[f"{name}.threads"] = threads
        values[f"{name}.fds"] = open_fds(pid)
    runs = max(1, scalar(db, "SELECT COUNT(*) FROM runs"))
    values["runs"] = runs
    values["db.db_kb_per_run"] = file_mb(db) * 1000.0 / runs
    values["db.wal_mb"] = file_mb(db.with_name(db.name + "-wal"))
    values["db.size_mb"] = file_mb(db)
    values["daemon.daemon_lag_ms"] = daemon_lag_ms(db)
    for i, desk in enumerate(desks):
        # The median of three probes: one repaint that met a data refresh is not lag.
        probes = sorted(desk.redraw_latency() or 10.0 for _ in range(3))
        values[f"desk{i + 1}.desk_lag_ms"] = probes[1] * 1000.0
    return Sample((time.monotonic() - t0) / 60.0, values)


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys over xs (0 for fewer than two points)."""
    n = len(xs)
    if n < 2:
        return 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    var = sum((x - mx) ** 2 for x in xs)
    if var == 0:
        return 0.0
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var


@dataclass(frozen=True)
class Verdict:
    metric: str
    first: float
    last: float
    slope_per_min: float
    threshold: float

    @property
    def ok(self) -> bool:
        return self.slope_per_min < self.threshold


def judge(samples: list[Sample], warmup: float) -> list[Verdict]:
    kept = samples[int(len(samples) * warmup) :]
    verdicts = []
    for metric in sorted(kept[0].values):
        kind = metric.rpartition(".")[2]
        if kind not in THRESHOLDS:
            continue
        xs = [s.t_min for s in kept]
        ys = [s.values[metric] for s in kept]
        verdicts.append(Verdict(metric, ys[0], ys[-1], slope(xs, ys), THRESHOLDS[kind]))
    return verdicts


def soak(minutes: float, sample_s: float, work: Path) -> tuple[list[Sample], dict[str, object]]:
    db = work / "soak.db"
    env = demo_env(
        work,
        PRESSBOX_DEMO__INTERVAL_S=str(DAEMON_INTERVAL_S),
        PRESSBOX_DASHBOARD__POLL_INTERVAL_S=str(DESK_POLL_S),
    )
    daemon = start_daemon(db, env)
    desks: list[Desk] = []
    samples: list[Sample] = []
    try:
        wait_for(lambda: scalar(db, "SELECT COUNT(*) FROM runs WHERE outcome = 'ok'") >= 1)
        desks = [start_desk(db, env) for _ in range(2)]
        for desk in desks:
            desk.drain(5.0)  # start-up and first frame
        t0 = time.monotonic()
        end = t0 + minutes * 60.0
        while time.monotonic() < end:
            next_at = time.monotonic() + sample_s
            samples.append(sample(t0, db, daemon.pid, desks))
            while time.monotonic() < next_at:
                for desk in desks:
                    desk.drain(0.05)
            for proc in [daemon, *(d.process for d in desks)]:
                if proc.poll() is not None:
                    raise SystemExit(f"soak: process {proc.pid} ended early ({proc.returncode})")
    finally:
        for desk in desks:
            desk.close()
        daemon_code = stop(daemon)
    assert daemon.stderr is not None and daemon.stdout is not None
    seen = daemon.stderr.read() + daemon.stdout.read() + log_text(work)
    seen += "".join(d.screen.decode("utf-8", errors="replace") for d in desks)
    outcomes = dict(rows(db, "SELECT outcome, COUNT(*) FROM runs GROUP BY outcome"))
    facts: dict[str, object] = {
        "daemon_exit": daemon_code,
        "runs": outcomes,
        "locked": sum(seen.count(w) for w in LOCKED_WORDS),
        "db_mb": round(file_mb(db), 2),
    }
    return samples, facts


def report(
    minutes: float, samples: list[Sample], verdicts: list[Verdict], facts: dict[str, object]
) -> str:
    lines = [
        f"soak of {minutes:g} min, {len(samples)} samples, daemon interval {DAEMON_INTERVAL_S} s, "
        f"desk poll {DESK_POLL_S} s; runs {facts['runs']}; "
        f"'database is locked': {facts['locked']}; daemon exit {facts['daemon_exit']}; "
        f"database {facts['db_mb']} MB",
        "",
        "| metric | first (after warm-up) | last | slope /min | threshold /min | |",
        "|---|---|---|---|---|---|",
    ]
    for v in verdicts:
        lines.append(
            f"| {v.metric} | {v.first:.2f} | {v.last:.2f} | {v.slope_per_min:+.3f} | "
            f"< {v.threshold:g} | {'ok' if v.ok else '**FAIL**'} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--sample-s", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=0.25, help="fraction of samples ignored")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    parser.add_argument("--json", type=Path, help="write every sample to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pressbox-soak-") as tmp:
        samples, facts = soak(args.minutes, args.sample_s, Path(tmp))
    if len(samples) < 4:
        raise SystemExit("soak: too few samples; raise --minutes or lower --sample-s")
    if args.json:
        args.json.write_text(json.dumps([s.__dict__ for s in samples], indent=1))
    verdicts = judge(samples, args.warmup)
    text = report(args.minutes, samples, verdicts, facts)
    print(text)
    if args.record:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as handle:
            handle.write(f"\n### soak run {stamp}\n\n{text}\n")
    healthy = all(v.ok for v in verdicts) and facts["locked"] == 0 and facts["daemon_exit"] == 0
    sys.exit(0 if healthy else 1)


if __name__ == "__main__":
    main()
