"""The break-glass modal: says what will happen, asks a reason and the admin key, Cancel first.

The call to the control service runs in an app-level worker: the key check is
slow (scrypt, off the event loop in the service) and a run may take a while, so
the operator can close the modal and the answer arrives as a notification.
The typed key is cleared after every attempt and never leaves this screen
except as the argument of the call.

Typing cannot leak the key (a laggy SSH link, a password manager's auto-type or a
fast typist deliver "reason, Tab, key" in one burst, and Textual moves the focus
only after the keys already queued were handed to the old field):

* the key field is disabled until an explicit step: Enter in Reason;
* a Tab in Reason never leaves it and seals it: what follows in the same burst is
  dropped, never inserted (and so never shown); Enter then steps on;
* after Enter, Reason takes no more characters (they belong to the key), and the
  key field drops every keystroke that was typed before the step (its event is older
  than the step), so a burst never crosses fields;
* a reason that contains a credential this process knows (the log redactor's
  registry, the demo key) is refused and cleared at once.

Before any of that the modal asks the service why the action would be refused
whatever the key (no key set, halted, rate limited, locked) and says so instead
of asking for a key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from textual import events, on
from textual._time import get_time
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Input, Select, Static

from app.core.errors import PressboxError
from app.core.logging import redact
from app.core.sanitize import markup_text as escape  # untrusted text: cleaned, then escaped
from app.tui.actions import DONE, ActionResult, Precheck
from widgets.modal_box import ModalBox, ModalDialog

# (choice, admin_key, reason); the choice is the mode or the source, "" for a run.
GuardedCall = Callable[[str, str, str], Awaitable[ActionResult]]

TAB_HINT = "Tab does not leave Reason (what followed it was dropped): press Enter for the key."
CREDENTIAL_REFUSED = "Refused: the reason looked like a credential; it was cleared, not kept."
NEXT_STEP = "Now type the admin key, then Enter."
FOCUS_KEYS = ("tab", "shift+tab")


def looks_like_credential(text: str, known: tuple[str, ...] = ()) -> bool:
    """Whether ``text`` holds a credential: one the redactor knows, or one of ``known``."""
    if not text:
        return False
    return redact(text) != text or any(secret and secret in text for secret in known)


class ReasonInput(Input):
    """The Reason field: Tab never moves the focus from here, Enter is the step to the key."""

    class Sealed(Message):
        """A Tab arrived: the rest of the burst is dropped."""

    sealed = False

    async def _on_key(self, event: events.Key) -> None:
        if event.key in FOCUS_KEYS:
            self._drop(event)
            self.sealed = True
            self.post_message(self.Sealed())
        elif event.key == "enter":
            # The step: whatever was typed after it is the key's, never the reason's.
            self.sealed = True
        elif self.sealed and event.is_printable:
            self._drop(event)

    def _on_paste(self, event: events.Paste) -> None:
        if self.sealed:
            self._drop(event)

    def _on_focus(self, event: events.Focus) -> None:
        # Coming back to the field on purpose (click, Shift+Tab from the key) reopens it.
        self.sealed = False

    @staticmethod
    def _drop(event: events.Key | events.Paste) -> None:
        event.stop()
        event.prevent_default()


class KeyInput(Input):
    """The admin key field: usable only after the step, deaf to keys typed before it."""

    armed_at = float("inf")

    def arm(self) -> None:
        self.armed_at = get_time()
        self.disabled = False
        self.focus()

    async def _on_key(self, event: events.Key) -> None:
        if event.time < self.armed_at:
            event.stop()
            event.prevent_default()

    def _on_paste(self, event: events.Paste) -> None:
        if event.time < self.armed_at:
            event.stop()
            event.prevent_default()


@dataclass(frozen=True)
class BreakGlassSpec:
    action: str
    title: str
    explain: str
    reason_required: bool
    choice_label: str = ""
    choices: tuple[str, ...] = ()
    default_choice: str = ""
    # Why the action cannot succeed now whatever the key; asked before the key is.
    precheck: Precheck | None = None
    # Credentials this session knows beyond the redactor's registry (the demo key).
    known_secrets: tuple[str, ...] = ()


class BreakGlassScreen(ModalDialog[str]):
    """Dismissed with the last status the service answered, or None if nothing was tried."""

    def __init__(self, spec: BreakGlassSpec, call: GuardedCall) -> None:
        super().__init__(id="break-glass")
        self.spec = spec
        self._call = call
        self.last_status: str | None = None
        self.busy = False
        self.refused: str | None = None

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
            yield ReasonInput(
                placeholder=f"{reason_hint}, then Enter",
                id="bg-reason",
                max_length=500,
                disabled=spec.precheck is not None,
            )
            yield KeyInput(
                placeholder="Admin key (after Enter in Reason)",
                password=True,
                id="bg-key",
                disabled=True,
            )
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
        self.query_one("#bg-confirm", Button).disabled = True
        precheck = self.spec.precheck
        if precheck is not None:
            self.run_worker(self._precheck(precheck), group="break-glass", exit_on_error=False)

    async def _precheck(self, precheck: Precheck) -> None:
        try:
            refusal = await precheck(self.spec.action)
        except PressboxError as exc:
            refusal = exc.one_line()
        if refusal is not None:
            self.refused = refusal
            self._say(f"Not possible now: {refusal}", "bold red")
            return
        self.query_one("#bg-reason", ReasonInput).disabled = False

    @on(ReasonInput.Sealed)
    def _sealed(self) -> None:
        self._say(TAB_HINT, "yellow")

    @on(Input.Changed, "#bg-reason")
    def _reason_changed(self, event: Input.Changed) -> None:
        if looks_like_credential(event.value, self.spec.known_secrets):
            event.input.value = ""
            self._say(CREDENTIAL_REFUSED, "bold red")

    @on(Input.Submitted, "#bg-reason")
    def _reason_done(self) -> None:
        """The explicit step from Reason to the key."""
        reason_input = self.query_one("#bg-reason", ReasonInput)
        reason = reason_input.value.strip()
        if self.spec.reason_required and not reason:
            reason_input.sealed = False
            self._say("A reason is required: say why, it goes to the audit trail.", "bold red")
            return
        self.query_one("#bg-key", KeyInput).arm()
        self.query_one("#bg-confirm", Button).disabled = False
        self._say(NEXT_STEP, "cyan")

    def _say(self, text: str, style: str) -> None:
        self.query_one("#bg-result", Static).update(f"[{style}]{escape(text)}[/]")

    @property
    def choice(self) -> str:
        if not self.spec.choices:
            return ""
        value = self.query_one("#bg-choice", Select).value
        return str(value) if isinstance(value, str) else ""

    def action_cancel(self) -> None:
        self.dismiss(self.last_status)

    @on(Button.Pressed, "#bg-cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    @on(Button.Pressed, "#bg-confirm")
    @on(Input.Submitted, "#bg-key")
    def confirm(self) -> None:
        if self.busy or self.last_status == DONE or self.refused is not None:
            return
        reason = self.query_one("#bg-reason", Input).value.strip()
        key_input = self.query_one("#bg-key", Input)
        if self.spec.reason_required and not reason:
            self._say("A reason is required: say why, it goes to the audit trail.", "bold red")
            self.query_one("#bg-reason", Input).focus()
            return
        if key_input.disabled:
            self._say("Press Enter in Reason first, then type the admin key.", "bold red")
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
