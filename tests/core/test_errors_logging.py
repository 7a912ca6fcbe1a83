"""Classified errors read as one line; logs are JSON, redacted, and never hold URL queries."""

from __future__ import annotations

import json
from pathlib import Path

import structlog

from app.core.errors import (
    AuthError,
    ConfigurationError,
    ErrorKind,
    PermanentError,
    QuotaError,
    SchemaDriftError,
    SchemaTooNewError,
    TransientError,
)
from app.core.logging import MASK, SECRETS, configure_logging, get_logger, redact


def test_each_kind_has_a_hint_and_retry_policy() -> None:
    cases = [
        (TransientError("x"), ErrorKind.TRANSIENT, True),
        (PermanentError("x"), ErrorKind.PERMANENT, False),
        (ConfigurationError("x"), ErrorKind.CONFIGURATION, False),
        (AuthError("x"), ErrorKind.AUTH, False),
        (QuotaError("x"), ErrorKind.QUOTA, False),
    ]
    for error, kind, retryable in cases:
        assert error.kind is kind
        assert error.retryable is retryable
        assert error.hint
        assert "\n" not in error.one_line()


def test_one_line_joins_message_and_hint() -> None:
    error = AuthError("The Odds API refused the key (401 INVALID_KEY)", hint="Set a new key.")
    assert error.one_line() == "The Odds API refused the key (401 INVALID_KEY). Set a new key."


def test_schema_drift_names_field() -> None:
    error = SchemaDriftError("MLB Stats API", "dates[0].games[2].gamePk", "field required")
    assert "dates[0].games[2].gamePk" in str(error)
    assert error.field == "dates[0].games[2].gamePk"
    assert not error.retryable


def test_schema_too_new_mentions_both_versions() -> None:
    text = str(SchemaTooNewError(9, 1))
    assert "9" in text and "(1)" in text and "nothing was changed" in text


def test_transient_keeps_retry_after() -> None:
    assert TransientError("slow down", retry_after_s=3.0).retry_after_s == 3.0


def test_redact_masks_registered_values_and_url_queries() -> None:
    SECRETS.register("canary-key-abcdef123")
    text = redact(
        "GET https://api.example/v4/odds?apiKey=zzz&regions=us failed; key canary-key-abcdef123"
    )
    assert "canary-key-abcdef123" not in text
    assert "zzz" not in text
    assert "regions=us" not in text
    assert "https://api.example/v4/odds?" + MASK in text


def test_short_values_are_not_registered() -> None:
    SECRETS.register("abc")
    assert redact("abc abc") == "abc abc"


def test_log_file_is_json_and_redacted(tmp_path: Path) -> None:
    path = configure_logging(tmp_path / "logs", "debug")
    SECRETS.register("canary-log-secret-42")
    log = get_logger("test")
    log.info(
        "upstream failed",
        url="https://api.example/odds?apiKey=canary-log-secret-42",
        detail={"nested": ["canary-log-secret-42"]},
    )
    try:
        raise ValueError("boom canary-log-secret-42")
    except ValueError:
        log.exception("crashed", local_hint="x")
    import logging

    logging.getLogger("some.library").warning("lib says canary-log-secret-42")
    for handler in logging.getLogger().handlers:
        handler.flush()
    content = path.read_text()
    assert "canary-log-secret-42" not in content
    lines = [line for line in content.splitlines() if line.startswith("{")]
    events = [json.loads(line) for line in lines]
    assert any(e.get("event") == "upstream failed" for e in events)
    crashed = next(e for e in events if e.get("event") == "crashed")
    # Tracebacks are rendered without local variables.
    assert "locals" not in json.dumps(crashed["exception"])
    structlog.reset_defaults()
