"""Structured logging: JSON lines to a rotating file, never the terminal.

A redaction processor masks every registered secret value wherever it
appears in an event and strips the query string from anything that looks
like a URL (The Odds API carries its key in ``?apiKey=``). Tracebacks are
rendered without local variables, which would otherwise print credentials.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import threading
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import structlog

from app.core.errors import ConfigurationError

MASK = "***"
_URL_QUERY = re.compile(r"(https?://[^\s?#'\"]+)\?[^\s#'\"]*")


class SecretRegistry:
    """Values that must never be written anywhere. Thread-safe, process-wide."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._lock = threading.Lock()

    def register(self, value: str | None) -> None:
        # Very short values would mask innocent text everywhere; real keys are long.
        if value and len(value) >= 6:
            with self._lock:
                self._values.add(value)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def redact(self, text: str) -> str:
        with self._lock:
            values = sorted(self._values, key=len, reverse=True)
        for value in values:
            if value in text:
                text = text.replace(value, MASK)
        return _URL_QUERY.sub(r"\1?" + MASK, text)


SECRETS = SecretRegistry()


def redact(text: str) -> str:
    return SECRETS.redact(text)


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return SECRETS.redact(value)
    if isinstance(value, dict):
        return {k: _redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(v) for v in value]
    if isinstance(value, int | float | bool) or value is None:
        return value
    return SECRETS.redact(repr(value))


def redaction_processor(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    return {key: _redact_value(value) for key, value in event_dict.items()}


class _RedactingFilter(logging.Filter):
    """Stdlib records (from libraries) pass through the same redaction."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = SECRETS.redact(record.getMessage())
        record.args = None
        record.exc_info = None
        record.exc_text = None
        return True


_configured_path: Path | None = None


def configure_logging(
    log_dir: Path,
    level: str = "info",
    max_bytes: int = 5_000_000,
    backups: int = 5,
    filename: str = "pressbox.log",
) -> Path:
    """Send structlog and stdlib logging to ``log_dir/filename`` as JSON lines."""
    global _configured_path
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            log_dir / filename, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
        )
    except OSError as exc:
        raise ConfigurationError(
            f"log directory {log_dir} is not writable ({exc.strerror})",
            hint="Set PRESSBOX_LOGGING__DIR to a writable directory.",
        ) from None
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(_RedactingFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Libraries that log request URLs at INFO would leak the key; keep them quiet.
    for noisy in ("httpx", "httpcore", "aiosqlite", "asyncio", "mail.log"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.ExceptionRenderer(
                structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
            ),
            redaction_processor,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=False,
    )
    _configured_path = log_dir / filename
    return _configured_path


def get_logger(name: str | None = None) -> Any:
    return structlog.get_logger(name)
