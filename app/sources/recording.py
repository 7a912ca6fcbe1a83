"""Record every upstream answer of a run as one JSON file (``pipeline.record_dir``).

``RecordingTransport`` wraps the transport of a run's HTTP client: each answer
is read, written as ``NNNNNN-<source>.json`` and handed on unchanged. A file is

    {"run": 12, "fetched_at": "2025-06-14T20:00:00.000Z", "source": "odds",
     "url": "https://api.the-odds-api.com/v4/sports/baseball_mlb/odds?regions=us&...",
     "status": 200, "headers": {...}, "body": <the JSON value, or text>}

The URL loses its credential parameters (``apiKey``), the headers lose cookies and
anything that authenticates, and the whole file passes the secret redactor. Files
are owner-only (0600, the folder 0700), created exclusively so two processes never
overwrite each other's numbers. ``pressbox replay`` reads the same format back
(``app.sources.replay``).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from app.core.clock import Clock
from app.core.errors import ConfigurationError
from app.core.logging import SECRETS, get_logger

log = get_logger("pressbox.recording")

MLB = "mlb"
ODDS = "odds"
FILE_NAME = re.compile(r"^(\d{6})-(mlb|odds)\.json$")
_CREDENTIAL_PARAM = re.compile(r"(?i)^(api_?key|key|token|access_token|password|secret)$")
_PRIVATE_HEADER = re.compile(r"(?i)cookie|auth|token|api-?key|secret|password")


def source_of(path: str) -> str:
    """Which upstream an endpoint path belongs to."""
    return MLB if path.startswith("/api/") else ODDS


def public_url(url: httpx.URL) -> str:
    """The URL without its credential parameters."""
    kept = [(k, v) for k, v in url.params.multi_items() if not _CREDENTIAL_PARAM.match(k)]
    return str(url.copy_with(query=urlencode(kept).encode() if kept else None))


def public_headers(headers: httpx.Headers) -> dict[str, str]:
    return {k: SECRETS.redact(v) for k, v in headers.items() if not _PRIVATE_HEADER.search(k)}


def body_value(content: bytes) -> Any:
    """The JSON value of a body, else its text; secrets an upstream echoed are masked."""
    try:
        return scrub(json.loads(content))
    except (ValueError, RecursionError):
        return SECRETS.redact(content.decode("utf-8", errors="replace"))


def scrub(value: Any) -> Any:
    """Every string of a JSON value through the secret redactor (an echoed key, a URL query)."""
    if isinstance(value, str):
        return SECRETS.redact(value)
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    return value


@dataclass
class RecordFolder:
    """The folder of a recording: owner-only, numbered files, never overwritten."""

    path: Path

    def prepare(self) -> None:
        try:
            self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigurationError(
                f"pipeline.record_dir {self.path} cannot be created ({exc.strerror})",
                hint="Point pipeline.record_dir at a writable folder, or unset it.",
            ) from None

    def next_number(self) -> int:
        numbers = [int(m.group(1)) for p in self.path.iterdir() if (m := FILE_NAME.match(p.name))]
        return max(numbers, default=0) + 1

    def write(self, source: str, record: dict[str, Any]) -> Path:
        text = json.dumps(record, ensure_ascii=False, indent=1)
        while True:
            target = self.path / f"{self.next_number():06d}-{source}.json"
            try:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue  # another process took that number
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            return target


class RecordingTransport(httpx.AsyncBaseTransport):
    """Hands each answer on unchanged after writing it to the recording folder."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, folder: RecordFolder, run_id: int, clock: Clock
    ) -> None:
        self.inner = inner
        self.folder = folder
        self.run_id = run_id
        self.clock = clock
        folder.prepare()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        fetched_at = self.clock.now_iso()
        response = await self.inner.handle_async_request(request)
        content = await response.aread()
        await response.aclose()
        source = source_of(request.url.path)
        record = {
            "run": self.run_id,
            "fetched_at": fetched_at,
            "source": source,
            "url": public_url(request.url),
            "status": response.status_code,
            "headers": public_headers(response.headers),
            "body": body_value(content),
        }
        try:
            self.folder.write(source, record)
        except OSError as exc:
            # A full disk must not cost the run its data: the answer still goes on.
            log.warning("recording failed", error=exc.strerror or type(exc).__name__)
        # The body is decoded now: its encoding and length headers no longer apply.
        headers = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx.Response(
            response.status_code, headers=headers, content=content, request=request
        )

    async def aclose(self) -> None:
        await self.inner.aclose()


def recording(
    record_dir: Path | None,
    inner: httpx.AsyncBaseTransport | None,
    run_id: int,
    clock: Clock,
) -> httpx.AsyncBaseTransport | None:
    """The run's transport: ``inner`` wrapped in a recorder when ``record_dir`` is set."""
    if record_dir is None:
        return inner
    return RecordingTransport(
        inner or httpx.AsyncHTTPTransport(), RecordFolder(record_dir.expanduser()), run_id, clock
    )
