"""Serve recorded upstream answers (``app.sources.recording`` format) to the real clients.

``load_recording(DIR)`` reads every ``NNNNNN-<source>.json`` and groups them by
``run``. ``ReplayTransport`` answers a request from the run's records by source
and endpoint path, plus the ``date`` parameter for the MLB schedule (other query
parameters are ignored). Several records under one key are served in order (a
retried 500 then its 200); the last one is served again after that. A request
without any recorded answer raises ``ReplayMissing``, which fails that stage with
a clear reason.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from app.core.clock import parse_iso
from app.core.errors import ConfigurationError, PermanentError
from app.sources.recording import FILE_NAME, MLB, source_of

SCHEDULE_PATH = "/api/v1/schedule"

Key = tuple[str, str, str | None]


class ReplayMissing(PermanentError):
    """The recording has no answer for a request the run made."""


@dataclass(frozen=True)
class Recorded:
    number: int
    run: int
    fetched_at: datetime
    source: str
    url: httpx.URL
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def key(self) -> Key:
        return answer_key(self.source, self.url)

    def content(self) -> bytes:
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


@dataclass
class RecordedRun:
    run: int
    records: list[Recorded] = field(default_factory=list)

    @property
    def started_at(self) -> datetime:
        return min(r.fetched_at for r in self.records)


def answer_key(source: str, url: httpx.URL) -> Key:
    day = url.params.get("date") if source == MLB and url.path == SCHEDULE_PATH else None
    return (source, url.path, day)


def _bad(path: Path, why: str) -> ConfigurationError:
    return ConfigurationError(
        f"recording {path.name} is not a pressbox recording ({why})",
        hint="Each file needs run, fetched_at, source, url, status, headers and body.",
    )


def _read(path: Path, number: int) -> Recorded:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        raise _bad(path, "not readable JSON") from None
    if not isinstance(data, dict):
        raise _bad(path, "not a JSON object")
    try:
        run, status = data["run"], data["status"]
        if not isinstance(run, int) or not isinstance(status, int):
            raise _bad(path, "run and status must be integers")
        headers = data.get("headers") or {}
        if not isinstance(headers, dict):
            raise _bad(path, "headers must be an object")
        return Recorded(
            number=number,
            run=run,
            fetched_at=parse_iso(str(data["fetched_at"])),
            source=str(data["source"]),
            url=httpx.URL(str(data["url"])),
            status=status,
            headers={str(k): str(v) for k, v in headers.items()},
            body=data["body"],
        )
    except KeyError as exc:
        raise _bad(path, f"{exc.args[0]} is missing") from None
    except (ValueError, httpx.InvalidURL):
        raise _bad(path, "fetched_at or url is not valid") from None


def load_recording(folder: Path) -> list[RecordedRun]:
    """The recorded runs in ``folder``, in run order, each with its records in file order."""
    if not folder.is_dir():
        raise ConfigurationError(
            f"{folder} is not a folder", hint="Give the folder that pipeline.record_dir wrote."
        )
    files = sorted((int(m.group(1)), p) for p in folder.iterdir() if (m := FILE_NAME.match(p.name)))
    if not files:
        raise ConfigurationError(
            f"{folder} holds no recorded answers (NNNNNN-mlb.json / NNNNNN-odds.json)",
            hint="Record with pipeline.record_dir set, or copy a recording folder here.",
        )
    runs: dict[int, RecordedRun] = {}
    for number, path in files:
        record = _read(path, number)
        runs.setdefault(record.run, RecordedRun(record.run)).records.append(record)
    return [runs[n] for n in sorted(runs)]


class ReplayTransport(httpx.AsyncBaseTransport):
    """Answers each request of one run from that run's records."""

    def __init__(self, run: RecordedRun) -> None:
        self._queues: dict[Key, deque[Recorded]] = defaultdict(deque)
        self._last: dict[Key, Recorded] = {}
        for record in run.records:
            self._queues[record.key].append(record)
        self.served: list[Key] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = answer_key(source_of(request.url.path), request.url)
        queue = self._queues.get(key)
        if queue:
            record = queue.popleft()
            self._last[key] = record
        elif key in self._last:
            record = self._last[key]
        else:
            source, path, day = key
            asked = f"{path} for {day}" if day else path
            raise ReplayMissing(
                f"the recording has no {source} answer for {asked}",
                hint="Record that request too, or replay a folder that holds it.",
            )
        self.served.append(key)
        return httpx.Response(
            record.status,
            headers=_replayed_headers(record.headers),
            content=record.content(),
            request=request,
        )


def _replayed_headers(headers: dict[str, str]) -> dict[str, str]:
    # The body is re-encoded from JSON: the recorded length and encoding no longer apply.
    dropped = ("content-encoding", "content-length", "transfer-encoding")
    return {k: v for k, v in headers.items() if k.lower() not in dropped}
