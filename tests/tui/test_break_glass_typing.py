"""Break-glass typing that cannot leak: bursts, the explicit step, credentials, preconditions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import events
from textual.widgets import Button, Input, Static

from app.tui.actions import ControlActions
from app.tui.app import PressboxApp
from app.tui.screens.break_glass import BreakGlassScreen, looks_like_credential

from .conftest import GOOD_KEY, FakeControl, enter_reason_and_key, wait_for

BURST_KEY = "Sup3rSecretBurstKey"  # pragma: allowlist secret
NAMED = {"\t": ("tab", "\t"), "\r": ("enter", "\r"), " ": ("space", " ")}


def burst(app: PressboxApp, text: str) -> None:
    """Deliver ``text`` the way a laggy link does: every key queued before any is handled."""
    driver = app._driver
    assert driver is not None
    for char in text:
        key, character = NAMED.get(char, (char, char))
        event = events.Key(key, character)
        event.set_sender(app)
        driver.send_message(event)


def shown(app: PressboxApp) -> str:
    """Every character the modal would paint (the reason's text and the result line)."""
    screen = app.screen
    reason = screen.query_one("#bg-reason", Input).value
    return reason + str(screen.query_one("#bg-result", Static).render())


async def open_run_now(pilot: Any, app: PressboxApp) -> BreakGlassScreen:
    await wait_for(pilot, lambda: app.poller.loads == 1)
    await pilot.press("X")
    await wait_for(pilot, lambda: isinstance(app.screen, BreakGlassScreen))
    screen = app.screen
    assert isinstance(screen, BreakGlassScreen)
    screen.query_one("#bg-reason", Input).focus()
    await pilot.pause()
    return screen


async def test_a_burst_with_a_tab_never_puts_the_key_in_the_reason(
    make_app, fake_control: FakeControl
) -> None:
    app = make_app(control=fake_control.actions())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_run_now(pilot, app)
        burst(app, f"books wrong\t{BURST_KEY}")
        await wait_for(pilot, lambda: "Tab does not leave Reason" in shown(app))
        await pilot.pause(0.05)
        reason = screen.query_one("#bg-reason", Input)
        key = screen.query_one("#bg-key", Input)
        assert reason.value == "books wrong"
        assert BURST_KEY not in shown(app) and BURST_KEY[:4] not in reason.value
        assert key.value == "" and key.disabled  # the Tab did not cross into the key either
        assert screen.focused is reason
        assert fake_control.calls == []


async def test_a_burst_with_a_newline_drops_what_was_typed_before_the_step(
    make_app, fake_control: FakeControl
) -> None:
    app = make_app(control=fake_control.actions())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_run_now(pilot, app)
        burst(app, f"books wrong\r{BURST_KEY}\r")
        key = screen.query_one("#bg-key", Input)
        await wait_for(pilot, lambda: screen.focused is key)
        await pilot.pause(0.05)
        assert screen.query_one("#bg-reason", Input).value == "books wrong"
        assert key.value == ""  # typed before the step: neither field took it
        assert fake_control.calls == []  # and the burst's Enter confirmed nothing
        # Typed after the step, the key goes where it belongs.
        await pilot.press(*GOOD_KEY, "enter")
        await wait_for(pilot, lambda: screen.last_status == "done")
        assert fake_control.calls == [("execute", "books wrong")]


async def test_the_key_field_opens_only_after_enter_in_reason(
    make_app, fake_control: FakeControl
) -> None:
    app = make_app(control=fake_control.actions())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_run_now(pilot, app)
        key = screen.query_one("#bg-key", Input)
        assert key.disabled and screen.query_one("#bg-confirm", Button).disabled
        await pilot.press("tab")  # a lone Tab does not move on either
        assert screen.focused is screen.query_one("#bg-reason", Input)
        await pilot.press(*"slow typing", "enter")
        await wait_for(pilot, lambda: screen.focused is key)
        assert not key.disabled and "Now type the admin key" in shown(app)


async def test_a_reason_holding_a_known_credential_is_refused_and_cleared(
    make_app, fake_control: FakeControl, desk_settings
) -> None:
    demo_key = desk_settings.demo.admin_key
    app = make_app(control=fake_control.actions(), demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_run_now(pilot, app)
        reason = screen.query_one("#bg-reason", Input)
        await pilot.press(*f"oops {demo_key}")
        await pilot.pause()
        assert reason.value == "" or demo_key not in reason.value
        assert "looked like a credential" in shown(app)
        assert demo_key not in shown(app)
        assert fake_control.calls == []


def test_looks_like_credential_knows_the_registry_and_the_given_secrets() -> None:
    from app.core.logging import SECRETS

    registered = "registered-credential-value-123"  # pragma: allowlist secret
    SECRETS.register(registered)
    assert looks_like_credential(f"pasted {registered} here")
    assert looks_like_credential("the demo-key", ("demo-key",))
    assert not looks_like_credential("books are wrong", ("demo-key",))
    assert not looks_like_credential("")


@dataclass
class Refusing:
    """A control service whose precheck refuses: the modal must never ask for a key."""

    why: str
    asked: list[str]

    async def precheck(self, action: str) -> str | None:
        self.asked.append(action)
        return self.why


async def test_preconditions_are_said_before_any_key_is_asked(
    make_app, fake_control: FakeControl
) -> None:
    refusing = Refusing("the system is halted (no run of any kind)", [])
    actions = ControlActions(
        fake_control.execute,
        fake_control.override,
        fake_control.reset_breaker,
        precheck=refusing.precheck,
    )
    app = make_app(control=actions)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press("X")
        await wait_for(pilot, lambda: "Not possible now" in shown(app))
        screen = app.screen
        assert "halted" in shown(app)
        assert screen.query_one("#bg-reason", Input).disabled
        assert screen.query_one("#bg-key", Input).disabled
        assert screen.query_one("#bg-confirm", Button).disabled
        assert refusing.asked == ["execute"]
        await enter_reason_and_key(pilot, screen, "try anyway", GOOD_KEY)
        await pilot.pause()
        assert fake_control.calls == []


@dataclass(frozen=True)
class HandedOver:
    status: str
    message: str
    request_id: int


async def test_a_handed_over_run_reports_its_outcome_when_it_ends(
    make_app, fake_control: FakeControl
) -> None:
    finished: list[str] = []

    async def execute(admin_key: str, reason: str) -> HandedOver:
        return HandedOver("done", "handed to the daemon (request #7)", 7)

    async def request_outcome(request_id: int) -> str | None:
        return finished[0] if finished else None

    actions = ControlActions(execute, None, None, request_outcome=request_outcome)
    app = make_app(control=actions)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press("X")
        await wait_for(pilot, lambda: isinstance(app.screen, BreakGlassScreen))
        await enter_reason_and_key(pilot, app.screen, "", GOOD_KEY)
        await wait_for(pilot, lambda: "handed to the daemon" in shown(app))
        await pilot.pause(0.1)
        assert app.handover_outcomes == []  # still pending: nothing claimed yet
        finished.append("request #7: run #9 finished ok")
        await wait_for(pilot, lambda: app.handover_outcomes == [finished[0]])
        # notify() posts a message: the toast lands on the next turn of the app's loop.
        await wait_for(
            pilot, lambda: any("run #9 finished ok" in n.message for n in app._notifications)
        )
