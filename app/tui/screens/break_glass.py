"""The break-glass modal: says what will happen, asks a reason and the admin key, Cancel first.

The call to the control service runs in an app-level worker: the key check is
slow (scrypt, off the event loop in the service) and a run may take a while, so
the operator can close the modal and the answer arrives as a notification.
The typed key is cleared after every attempt and never leaves this screen
except as the argument of the call.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from app.core.errors import PressboxError
from app.core.sanitize import markup_text as escape  # untrusted text: cleaned, then escaped
from app.tui.actions import DONE, ActionResult
from widgets.modal_box import ModalBox

# (choice, admin_key, reason); the choice is the mode or the source, "" for a run.
GuardedCall = Callable[[str, str, str], Awaitable[ActionResult]]


@dataclass(frozen=True)
class BreakGlassSpec:
    action: str
    title: str
    explain: str
    reason_required: bool
    choice_label: str = ""
    choices: tuple[str, ...] = ()
    default_choice: str = ""


class BreakGlassScreen(ModalScreen[str | None]):
    """Dismissed with the last status the service answered, or None if nothing was tried."""

    BINDINGS = [Binding("escape", "close", "Cancel")]

    def __init__(self, spec: BreakGlassSpec, call: GuardedCall) -> None:
        super().__init__(id="break-glass")
        self.spec = spec
        self._call = call
        self.last_status: str | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        spec = self.spec
        with ModalBox(id="bg-box"):
            yield Static(f"[b]{escape(spec.title)}[/]", id="bg-title")
            yield Static(escape(spec.explain), id="bg-explain")
            if spec.choices:
                yield Static(spec.choice_label, classes="bg-label")
                yield Select(
                    [(c, c) for c in spec.choices],
                    value=spec.default_choice or spec.choices[0],
                    allow_blank=False,
                    id="bg-choice",
                )
            reason_hint = "Reason (required)" if spec.reason_required else "Reason (optional)"
            yield Input(placeholder=reason_hint, id="bg-reason", max_length=500)
            yield Input(placeholder="Admin key", password=True, id="bg-key")
            yield Static("", id="bg-result")
            with Horizontal(id="bg-buttons"):
                yield Button("Cancel", id="bg-cancel", variant="primary")
                yield Button(f"{spec.title}", id="bg-confirm", variant="error")

    def on_mount(self) -> None:
        # A blinking cursor writes to the terminal twice a second for as long as the
        # modal is open; over a slow SSH link nothing should move that nobody moved.
        for field in self.query(Input):
            field.cursor_blink = False
        self.query_one("#bg-cancel", Button).focus()

    def _say(self, text: str, style: str) -> None:
        self.query_one("#bg-result", Static).update(f"[{style}]{escape(text)}[/]")

    @property
    def choice(self) -> str:
        if not self.spec.choices:
            return ""
        value = self.query_one("#bg-choice", Select).value
        return str(value) if isinstance(value, str) else ""

    def action_close(self) -> None:
        self.dismiss(self.last_status)

    @on(Button.Pressed, "#bg-cancel")
    def _cancel(self) -> None:
        self.action_close()

    @on(Button.Pressed, "#bg-confirm")
    @on(Input.Submitted, "#bg-key")
    def confirm(self) -> None:
        if self.busy or self.last_status == DONE:
            return
        reason = self.query_one("#bg-reason", Input).value.strip()
        key_input = self.query_one("#bg-key", Input)
        if self.spec.reason_required and not reason:
            self._say("A reason is required: say why, it goes to the audit trail.", "bold red")
            self.query_one("#bg-reason", Input).focus()
            return
        if not key_input.value:
            self._say("Type the admin key.", "bold red")
            key_input.focus()
            return
        admin_key = key_input.value
        key_input.value = ""
        self.busy = True
        self.query_one("#bg-confirm", Button).disabled = True
        self._say("Checking the admin key… (you may close this; the answer will be shown)", "cyan")
        self.app.run_worker(
            self._attempt(self.choice, admin_key, reason),
            group="break-glass",
            exit_on_error=False,
        )

    async def _attempt(self, choice: str, admin_key: str, reason: str) -> None:
        status, message = "error", "the action failed unexpectedly; the log has the details"
        try:
            result = await self._call(choice, admin_key, reason)
            status, message = str(result.status), result.message
        except PressboxError as exc:
            # A storage error (busy, read-only, ...) arrives classified, like a refusal.
            status, message = "error", exc.one_line()
        finally:
            # Whatever happened, the modal is released: the button works again. An
            # unexpected error still reaches the app, which logs it and says so.
            self.show_result(status, message)

    def show_result(self, status: str, message: str) -> None:
        self.busy = False
        self.last_status = status
        if not self.is_attached:
            self.app.notify(
                message,
                title=self.spec.title,
                severity="information" if status == DONE else "error",
            )
            return
        if status == DONE:
            self._say(message, "bold green")
            self.query_one("#bg-confirm", Button).display = False
            self.query_one("#bg-cancel", Button).label = "Close"
            self.query_one("#bg-cancel", Button).focus()
        else:
            self._say(message, "bold red")
            self.query_one("#bg-confirm", Button).disabled = False
            self.query_one("#bg-key", Input).focus()
