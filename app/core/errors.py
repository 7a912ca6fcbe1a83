"""Classified failures.

Every failure the operator can meet is one of five kinds, and each kind says
whether retrying can help. The CLI turns a ``PressboxError`` into one readable
line (``what: why. hint``) and an exit status; anything else is a bug and gets
a traceback.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    CONFIGURATION = "configuration"
    AUTH = "auth"
    QUOTA = "quota"


class PressboxError(Exception):
    """Base of every classified failure.

    ``message`` says what went wrong; ``hint`` says what the operator can do.
    Neither may ever contain a secret: callers build them from names, statuses
    and field paths, never from request URLs or credential values.
    """

    kind: ErrorKind = ErrorKind.PERMANENT
    exit_code: int = 1
    default_hint: str = ""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint if hint is not None else self.default_hint

    @property
    def retryable(self) -> bool:
        return self.kind is ErrorKind.TRANSIENT

    def one_line(self) -> str:
        text = self.message.rstrip(".")
        return f"{text}. {self.hint}" if self.hint else f"{text}."

    def __str__(self) -> str:
        return self.one_line()


class TransientError(PressboxError):
    """Timeouts, 5xx, 429: worth another try after a pause."""

    kind = ErrorKind.TRANSIENT
    default_hint = "It is usually temporary; the next run retries."

    def __init__(
        self, message: str, *, hint: str | None = None, retry_after_s: float | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.retry_after_s = retry_after_s


class PermanentError(PressboxError):
    """The request or the answer is wrong in a way a retry cannot fix."""

    kind = ErrorKind.PERMANENT
    default_hint = "Check the upstream API for changes; retrying will not help."


class SchemaDriftError(PermanentError):
    """An upstream answer that does not fit the expected shape."""

    def __init__(self, source: str, field: str, problem: str) -> None:
        super().__init__(
            f"{source} answered with an unexpected shape at '{field}': {problem}",
            hint="The upstream API may have changed; the stored data is untouched.",
        )
        self.source = source
        self.field = field


class ConfigurationError(PressboxError):
    """A setting, file or environment the operator controls is wrong."""

    kind = ErrorKind.CONFIGURATION
    exit_code = 2
    default_hint = "Fix the setting and try again."


class AuthError(PressboxError):
    """Invalid, missing or deactivated credentials: retrying burns quota."""

    kind = ErrorKind.AUTH
    default_hint = "Check the credential with `pressbox secrets status`."


class QuotaError(PressboxError):
    """The upstream quota is exhausted or the budget forbids the call."""

    kind = ErrorKind.QUOTA
    default_hint = "Wait for the quota to renew or raise the plan."


class StorageError(PressboxError):
    """The database cannot be opened, read or written as expected."""

    kind = ErrorKind.CONFIGURATION
    exit_code = 2
    default_hint = "Run `pressbox db check` for details."


class SchemaTooNewError(StorageError):
    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"database schema version {found} is newer than this pressbox supports ({supported})",
            hint="Upgrade pressbox, or point --db at another database; nothing was changed.",
        )


class ControlRefused(PressboxError):
    """A break-glass action was refused (wrong key, locked out, rate limited, halted)."""

    kind = ErrorKind.AUTH
    exit_code = 4
