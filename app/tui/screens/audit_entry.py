"""One audit entry in full: who (user, sudo, tty, SSH client, pid, host), the chain, the reason."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from app.core.sanitize import markup_field
from app.core.timefmt import local_iso
from app.storage.read.models import AuditEntry
from app.tui.clipboard import Copied, clipboard_line
from app.tui.context import DeskContext
from app.tui.rewind import rewound_at
from app.tui.screens.live import DrillScreen
from widgets.quiet_static import QuietStatic

# A hash is 64 hex digits: shown whole (the bound of a field is 200).
HASH_LIMIT = 128


def entry_fields(entry: AuditEntry, when: str) -> list[tuple[str, str]]:
    """The entry as (label, raw value) pairs, in the order shown and copied."""
    who = entry.login_user or "?"
    if entry.sudo_user:
        who += f" (sudo {entry.sudo_user})"
    return [
        ("When", when),
        ("Action", entry.action),
        ("Target", entry.target or "—"),
        ("Outcome", entry.outcome),
        ("Who", who),
        ("TTY", entry.tty or "—"),
        ("SSH client", entry.ssh_client or "— (local)"),
        ("PID", str(entry.pid) if entry.pid is not None else "—"),
        ("Host", entry.host or "—"),
        ("Version", entry.app_version or "—"),
        ("Reason", entry.reason or "—"),
        ("Detail", entry.detail or "—"),
        ("Hash", entry.hash),
        ("Prev. hash", entry.prev_hash),  # short: label and hash fit 80 columns
    ]


class AuditEntryScreen(DrillScreen[tuple[AuditEntry, ...]]):
    TITLE_ID = "entry-title"
    HELP_TITLE = "Audit entry"

    def __init__(self, ctx: DeskContext, entry_id: int) -> None:
        super().__init__(ctx, f"Audit entry #{entry_id}", id="audit-entry")
        self.entry_id = entry_id
        self.entry: AuditEntry | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="entry-scroll"):
            yield QuietStatic("", id="entry-body")

    async def fetch(self) -> tuple[AuditEntry, ...]:
        # A tuple, never None: the poller reads None as "nothing changed".
        entry = await self.ctx.data.audit_entry(self.entry_id)
        return (entry,) if entry is not None else ()

    def present(self, found: tuple[AuditEntry, ...]) -> None:
        data = self.entry = found[0] if found else None
        body = self.query_one("#entry-body", QuietStatic)
        if data is None:
            rewound = rewound_at(self.ctx.clock) is not None
            where = "had not been written at this moment" if rewound else "is not in the database"
            self.show_title(f"Audit entry #{self.entry_id} {where}.")
            body.show("")
            return
        self.show_title(f"[b]Audit entry #{data.id}[/] (escape: back, y: copy)")
        width = max(len(label) for label, _ in self._fields(data))
        body.show(
            "\n".join(
                f"[b]{label:<{width}}[/]  {markup_field(value, HASH_LIMIT)}"
                for label, value in self._fields(data)
            )
        )

    def _fields(self, entry: AuditEntry) -> list[tuple[str, str]]:
        return entry_fields(entry, local_iso(entry.at, self.ctx.tz, seconds=True, day=True))

    def copy_text(self) -> Copied | None:
        if self.entry is None:
            return None
        parts = [f"audit #{self.entry.id}"]
        parts += [f"{label}: {value}" for label, value in self._fields(self.entry)]
        return f"audit entry #{self.entry.id}", clipboard_line(parts)
