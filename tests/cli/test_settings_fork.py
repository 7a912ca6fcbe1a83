"""The desk's settings, loaded by a forked child: the same settings, the same errors, no trace.

``app.cli.settings_fork`` is a shortcut for the desk's start (bench/startup.py); whatever
the child does, the settings and every error must read as an in-process load would.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import app.cli.settings_fork as settings_fork
from app.cli.settings_fork import SettingsInChild
from app.core.config import Settings, load_settings
from app.core.errors import ConfigurationError


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray .env from the checkout
    for name in [n for n in os.environ if n.startswith("PRESSBOX_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PRESSBOX_DASHBOARD__POLL_INTERVAL_S", "7.5")
    path = tmp_path / "config.toml"
    path.write_text(
        f'[db]\npath = "{tmp_path / "desk.db"}"\n'
        '[odds_api]\nregions = ["us", "uk"]\n'
        '[pipeline]\ntimezone = "Europe/Paris"\n',
        encoding="utf-8",
    )
    return path


def _no_child_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_child_sends_what_an_in_process_load_gives(
    config: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    loading = SettingsInChild(config)
    assert loading._pid > 0  # a child was started
    got = loading.result()
    assert isinstance(got, Settings)
    assert got == load_settings(config)
    assert got.dashboard.poll_interval_s == 7.5
    assert got.odds_api.regions == ["us", "uk"]
    assert got.pipeline.timezone == "Europe/Paris"
    assert got.db.path == config.parent / "desk.db"
    assert _no_child_left()
    assert capfd.readouterr() == ("", "")  # the child printed nothing


def test_a_bad_setting_reads_as_it_does_in_process(
    config: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PRESSBOX_PIPELINE__INTERVAL_S", "-3")
    with pytest.raises(ConfigurationError) as in_process:
        load_settings(config)
    loading = SettingsInChild(config)
    with pytest.raises(ConfigurationError) as from_child:
        loading.result()
    assert from_child.value.one_line() == in_process.value.one_line()
    assert "pipeline.interval_s (PRESSBOX_PIPELINE__INTERVAL_S)" in from_child.value.one_line()
    assert _no_child_left()
    assert capfd.readouterr() == ("", "")  # one error, raised once, by the parent


def test_without_fork_the_settings_load_in_process(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings_fork, "_CAN_FORK", False)
    loading = SettingsInChild(config)
    assert loading._pid == 0
    assert loading.result() == load_settings(config)


def test_a_child_that_sends_garbage_is_ignored(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def garbage(writer: int, config_path: Path | None) -> None:
        os.write(writer, b"not a pickle")
        os._exit(0)

    monkeypatch.setattr(settings_fork, "_send_and_exit", garbage)
    assert SettingsInChild(config).result() == load_settings(config)
    assert _no_child_left()


def test_no_process_to_spare_loads_in_process(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(settings_fork.os, "fork", no_fork)
    before = len(os.listdir("/proc/self/fd"))
    loading = SettingsInChild(config)
    assert loading._pid == 0
    assert len(os.listdir("/proc/self/fd")) == before  # the pipe is closed again
    assert loading.result() == load_settings(config)
