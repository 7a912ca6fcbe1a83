"""The session's notifications, newest first: every toast and every handed-over run result.

``PressboxApp.notify`` records each notice here before Textual shows it, so the
history (`n`) holds exactly what the operator was told, already sanitized. Kept in
memory for the session only, bounded (``dashboard.notification_history``).
``version`` moves with every notice: the history screen follows it the way the
other screens follow the database's change counter.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Notice:
    at: datetime
    severity: str  # information / warning / error (Textual's levels)
    title: str
    text: str
    kind: str = "notice"  # notice, or "run result" for a run handed to the daemon


class NotificationLog:
    def __init__(self, limit: int) -> None:
        self._notices: deque[Notice] = deque(maxlen=limit)
        self.version = 0

    def record(self, notice: Notice) -> None:
        self._notices.append(notice)
        self.version += 1

    def newest_first(self) -> tuple[Notice, ...]:
        return tuple(reversed(self._notices))

    def __len__(self) -> int:
        return len(self._notices)
