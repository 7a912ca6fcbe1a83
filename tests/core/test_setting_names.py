"""A misspelt setting is reported with the closest valid name instead of being ignored."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli.main import cli
from app.core.config import load_settings
from app.core.errors import ConfigurationError


def test_unknown_toml_key_names_the_closest_setting(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[pipeline]\ninterval = 600\n", encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        load_settings(config)
    assert caught.value.message == (
        f"unknown setting pipeline.interval in config file {config}; "
        "the closest valid name is pipeline.interval_s"
    )


def test_unknown_toml_section_names_the_closest_section(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[pipline]\ninterval_s = 600\n", encoding="utf-8")
    with pytest.raises(
        ConfigurationError, match=r"unknown setting pipline .*the closest valid name is pipeline"
    ):
        load_settings(config)


def test_unknown_environment_variable_names_the_closest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSBOX_PIPELINE__INTERVALS", "600")
    with pytest.raises(ConfigurationError) as caught:
        load_settings()
    assert caught.value.message == (
        "unknown setting PRESSBOX_PIPELINE__INTERVALS in the environment; "
        "the closest valid name is PRESSBOX_PIPELINE__INTERVAL_S"
    )


def test_unknown_name_in_a_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("PRESSBOX_DB__BUSY_TIMEOUT=10\nOTHER_TOOL=1\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="PRESSBOX_DB__BUSY_TIMEOUT_MS"):
        load_settings(dotenv_path=tmp_path / ".env")


def test_nothing_close_gives_no_guess(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSBOX_ZZZ", "1")
    with pytest.raises(ConfigurationError) as caught:
        load_settings()
    assert caught.value.message == "unknown setting PRESSBOX_ZZZ in the environment"


def test_valid_names_and_the_credential_variables_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSBOX_PIPELINE__INTERVAL_S", "600")
    monkeypatch.setenv("pressbox_db__busy_timeout_ms", "100")  # case-insensitive, as the loader
    monkeypatch.setenv(
        "PRESSBOX_ODDS_API_KEY", "ignored-without-opt-in"
    )  # pragma: allowlist secret
    settings = load_settings()
    assert settings.pipeline.interval_s == 600
    assert settings.db.busy_timeout_ms == 100


def test_the_cli_reports_it_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSBOX_HEALTH__FAILED_RUN_CRITICAL", "5")
    result = CliRunner().invoke(cli, ["secrets", "status"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("pressbox: unknown setting PRESSBOX_HEALTH__FAILED_RUN_CRITICAL")
    assert "the closest valid name is PRESSBOX_HEALTH__FAILED_RUNS_CRITICAL" in lines[0]
    assert "Traceback" not in result.output


def test_config_directory_is_called_a_directory(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--config", str(tmp_path), "secrets", "status"])
    assert result.exit_code == 2
    assert f"--config {tmp_path} is a directory, not a file" in result.stderr
    assert f"--config {tmp_path / 'config.toml'}" in result.stderr
