"""Structured logging: JSON lines to a rotating file, never the terminal.

A redaction processor masks every registered secret value wherever it
appears in an event and strips the query string from anything that looks
like a URL (The Odds API carries its key in ``?apiKey=``). Tracebacks are
rendered without local variables, which would otherwise print credentials.

structlog (with Rich, which it pulls in) is imported on the first log call, not at
import: ``pressbox health`` and ``--help`` never log and should not pay for it.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import logging.handlers
import re
import sys
import threading
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from app.core.errors import ConfigurationError
from app.core.private_files import private_dir, private_opener

MASK = "***"
_URL_QUERY = re.compile(r"(https?://[^\s?#'\"]+)\?[^\s#'\"]*")


# A copy echoed back may be folded over lines (SMTP, long headers): let a line break
# (and the indentation after it) sit between any two characters of a form.
_FOLD = r"(?:[\r\n]+[ \t]*)?"
_MIN_BASE64_CORE = 8


def _folded(form: str) -> str:
    return _FOLD.join(re.escape(ch) for ch in form)


def _base64_cores(value: str) -> set[str]:
    """The base64 characters that depend on ``value`` alone, at each of the three alignments.

    A secret inside a larger blob (``AUTH PLAIN`` is base64 of ``\\0user\\0password``)
    starts at any byte offset; the characters that mix in a neighbour's bits differ,
    the core between them does not.
    """
    raw = value.encode("utf-8")
    cores: set[str] = set()
    for offset in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(b"\0" * offset + raw).decode("ascii")
            start = -(-8 * offset // 6)
            end = 8 * (offset + len(raw)) // 6
            core = text[start:end]
            if len(core) >= _MIN_BASE64_CORE:
                cores.add(core)
    return cores


_BASE64_CHARS = "[A-Za-z0-9+/=_-]"
_WINDOW = 12  # base64 characters: 9 bytes of the secret


def _windows(core: str) -> set[str]:
    if len(core) <= _WINDOW:
        return {core}
    return {core[i : i + _WINDOW] for i in range(len(core) - _WINDOW + 1)}


def _text_forms(value: str) -> set[str]:
    """The value as typed and percent-encoded (matched case-insensitively)."""
    return {value, quote(value, safe=""), quote_plus(value, safe=""), quote(value)}


class SecretRegistry:
    """Values that must never be written anywhere. Thread-safe, process-wide.

    Each value is masked as typed, in any letter case, percent-encoded (``%26`` for
    ``&``), as base64 (standard or URL-safe, at any alignment inside a larger blob)
    and folded over line breaks.
    """

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._lock = threading.Lock()
        self._patterns: tuple[re.Pattern[str], ...] = ()

    def register(self, value: str | None) -> None:
        # Very short values would mask innocent text everywhere; real keys are long.
        if value and len(value) >= 6:
            with self._lock:
                if value not in self._values:
                    self._values.add(value)
                    self._patterns = self._compile()

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._patterns = ()

    def _compile(self) -> tuple[re.Pattern[str], ...]:
        texts = {form for value in self._values for form in _text_forms(value)}
        cores = {core for value in self._values for core in _base64_cores(value)}
        patterns = []
        if texts:
            ordered = sorted(texts, key=len, reverse=True)
            patterns.append(re.compile("|".join(_folded(f) for f in ordered), re.IGNORECASE))
        windows = {w for core in cores for w in _windows(core)}
        if windows:
            # Any window of a core masks the whole base64 run around it: a blob cut short
            # (a reply bounded to 120 characters) still loses every character of the secret.
            ordered = sorted(windows, key=len, reverse=True)
            alternatives = "|".join(_folded(w) for w in ordered)
            patterns.append(re.compile(f"{_BASE64_CHARS}*(?:{alternatives}){_BASE64_CHARS}*"))
        return tuple(patterns)

    def redact(self, text: str) -> str:
        with self._lock:
            patterns = self._patterns
        for pattern in patterns:
            text = pattern.sub(MASK, text)
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


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """The log file (and so every rotated copy, which is a rename of it) is owner-only.

    A write that fails (disk full, directory gone or read-only) is not a traceback on
    the operator's terminal: one line on stderr, then logging stops for this process
    while the command itself carries on.
    """

    failed = False

    def _open(self) -> Any:
        return open(
            self.baseFilename,
            self.mode,
            encoding=self.encoding,
            errors=self.errors,
            opener=private_opener,
        )

    def emit(self, record: logging.LogRecord) -> None:
        if not self.failed:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        if self.failed:
            return
        self.failed = True
        error = sys.exc_info()[1]
        why = error.strerror if isinstance(error, OSError) and error.strerror else "write failed"
        sys.stderr.write(
            f"pressbox: cannot write the log {self.baseFilename} ({why}); "
            "logging is off for this process. Free space or fix PRESSBOX_LOGGING__DIR.\n"
        )
        with contextlib.suppress(OSError, ValueError):
            self.close()


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
        private_dir(log_dir)
        handler = PrivateRotatingFileHandler(
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

    global _pending_level
    _pending_level = level.upper()
    if "structlog" in sys.modules:
        _configure_structlog()
    _configured_path = log_dir / filename
    return _configured_path


_pending_level: str | None = None


def _configure_structlog() -> None:
    global _pending_level
    import structlog

    level, _pending_level = _pending_level, None
    if level is None:
        return
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
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=False,
    )


class _LazyLogger:
    """A structlog logger that imports (and configures) structlog on its first call."""

    def __init__(self, name: str | None) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        import structlog

        if _pending_level is not None:
            _configure_structlog()
        return getattr(structlog.get_logger(self._name), attribute)


def get_logger(name: str | None = None) -> Any:
    return _LazyLogger(name)
