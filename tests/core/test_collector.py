"""The collector held off for a start: given back once, never turned on behind its owner."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator

import pytest

from app.cli.main import main
from app.core.collector import StartupCollector


@pytest.fixture(autouse=True)
def _restore_collector() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    gc.unfreeze()  # what a release froze goes back to the collector
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def test_hold_turns_it_off_and_release_gives_it_back_once() -> None:
    gc.enable()
    collector = StartupCollector()
    collector.hold()
    assert not gc.isenabled()
    collector.release()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0  # what the start built is out of later collections
    gc.disable()
    collector.release()  # released already: nothing to undo
    assert not gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    collector = StartupCollector()
    collector.hold()
    collector.release()
    assert not gc.isenabled()


def test_a_command_that_ends_early_gives_the_collector_back(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gc.enable()
    monkeypatch.setattr(sys, "argv", ["pressbox", "--no-such-flag"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    assert "--no-such-flag" in capsys.readouterr().err
    assert gc.isenabled()
