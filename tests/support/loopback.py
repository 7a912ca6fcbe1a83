"""Helpers of the resilience tests: a real HTTP server on 127.0.0.1 (ephemeral port).

Every test tells the server what to answer on a path prefix (status, headers,
body, a delay before answering) and reads back how many requests reached it.
The real httpx clients talk to it over real sockets, so timeouts, refused
connections and oversized bodies are the genuine article.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from app.core.config import Settings, load_settings

ODDS_PATH = "/v4/sports/baseball_mlb/odds"
MLB_PATH = "/api/v1/schedule"
# Shaped like a real key; every leak test looks for it.
ODDS_KEY = "canary0dds0key0123456789abcdef"


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0

    @classmethod
    def json(cls, payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Answer:
        return cls(
            status,
            json.dumps(payload).encode(),
            {"content-type": "application/json", **(headers or {})},
        )


class LoopbackServer:
    """Threaded HTTP server; ``program(path, answer)`` sets what a path prefix answers."""

    def __init__(self) -> None:
        self._answers: dict[str, Answer] = {}
        self._counts: dict[str, int] = {}
        self.queries: list[str] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                answer = server._answer_for(path, query)
                if answer.delay_s:
                    time.sleep(answer.delay_s)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    if "content-length" not in {k.lower() for k in answer.headers}:
                        self.send_header("content-length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to do

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self.port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def _answer_for(self, path: str, query: str) -> Answer:
        with self._lock:
            self.queries.append(query)
            for prefix, answer in self._answers.items():
                if path.startswith(prefix):
                    self._counts[prefix] = self._counts.get(prefix, 0) + 1
                    return answer
        return Answer(404, b'{"message": "no such route"}')

    def program(self, prefix: str, answer: Answer) -> None:
        with self._lock:
            self._answers[prefix] = answer

    def count(self, prefix: str) -> int:
        with self._lock:
            return self._counts.get(prefix, 0)

    def reset_counts(self) -> None:
        with self._lock:
            self._counts.clear()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def load_fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def make_settings(db_path: Path, base_url: str, **resilience: Any) -> Settings:
    return load_settings(
        dotenv_path=None,
        db={"path": db_path},
        mlb_api={"base_url": base_url, "timeout_s": 0.5},
        odds_api={"base_url": base_url, "timeout_s": 0.5},
        resilience={
            "retry_attempts": 3,
            "breaker_failure_threshold": 2,
            "breaker_cooldown_s": 300,
            "max_response_bytes": 100_000,
            **resilience,
        },
    )


def good_answers(server: LoopbackServer, remaining: int = 10_000) -> None:
    server.program(MLB_PATH, Answer.json(load_fixture("mlb_statsapi_schedule_2025-06-14.json")))
    server.program(
        ODDS_PATH,
        Answer.json(
            load_fixture("odds_api_v4_baseball_mlb_odds.json"),
            headers={
                "x-requests-remaining": str(remaining),
                "x-requests-used": "100",
                "x-requests-last": "3",
            },
        ),
    )
