"""Settings precedence, validation messages and the refusal of secret-bearing files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.core.config import (
    default_config_path,
    is_secret_key_name,
    load_settings,
    secret_keys_in_dotenv,
)
from app.core.errors import ConfigurationError


def test_defaults_have_every_interval_and_url() -> None:
    settings = load_settings(dotenv_path=None)
    assert settings.pipeline.interval_s == 300
    assert settings.dashboard.poll_interval_s == 2
    assert settings.odds_api.base_url.startswith("https://")
    assert settings.pipeline.timezone == "America/New_York"
    assert settings.db.path.name == "pressbox.db"


def test_precedence_defaults_toml_dotenv_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = tmp_path / "config.toml"
    toml.write_text(
        '[pipeline]\ninterval_s = 111\ntimezone = "America/Chicago"\n'
        "[dashboard]\npoll_interval_s = 7\n"
        '[odds_api]\nbase_url = "http://toml.example"\n'
    )
    dotenv = tmp_path / ".env"
    dotenv.write_text("PRESSBOX_PIPELINE__INTERVAL_S=222\nPRESSBOX_DASHBOARD__POLL_INTERVAL_S=8\n")
    monkeypatch.setenv("PRESSBOX_PIPELINE__INTERVAL_S", "333")

    settings = load_settings(toml, dotenv)

    assert settings.pipeline.interval_s == 333  # environment beats .env and TOML
    assert settings.dashboard.poll_interval_s == 8  # .env beats TOML
    assert settings.pipeline.timezone == "America/Chicago"  # TOML beats defaults
    assert settings.odds_api.base_url == "http://toml.example"
    assert settings.pipeline.value_edge_threshold == 0.02  # default kept


def test_xdg_config_file_is_read(isolated_env: Path) -> None:
    path = default_config_path()
    path.parent.mkdir(parents=True)
    path.write_text("[pipeline]\ninterval_s = 42\n")
    assert load_settings(dotenv_path=None).pipeline.interval_s == 42


def test_overrides_beat_everything(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PRESSBOX_DB__PATH", str(tmp_path / "env.db"))
    settings = load_settings(dotenv_path=None, db={"path": tmp_path / "flag.db"})
    assert settings.db.path == tmp_path / "flag.db"


def test_invalid_value_is_one_line_naming_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSBOX_PIPELINE__INTERVAL_S", "-5")
    with pytest.raises(ConfigurationError) as info:
        load_settings(dotenv_path=None)
    text = str(info.value)
    assert "\n" not in text
    assert "pipeline.interval_s" in text
    assert "PRESSBOX_PIPELINE__INTERVAL_S" in text
    assert "greater than 0" in text


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("PRESSBOX_DB__BUSY_TIMEOUT_MS", "-1", "greater than or equal to 0"),  # Ge
        ("PRESSBOX_ODDS_API__TIMEOUT_S", "0", "greater than 0"),  # Gt
        ("PRESSBOX_ODDS_API__TIMEOUT_S", "301", "less than or equal to 300"),  # Le
        ("PRESSBOX_SECURITY__MIN_ADMIN_KEY_BITS", "79", "greater than or equal to 80"),
        ("PRESSBOX_ODDS_API__REGIONS", " , ", "at least 1 item"),  # MinLen after a,b split
        ("PRESSBOX_ODDS_API__MARKETS", "h2h,moneyline", "'h2h', 'spreads' or 'totals'"),
        ("PRESSBOX_SECRETS__SERVICE_NAME", "", "at least 1 character"),
        ("PRESSBOX_MLB_API__BASE_URL", "ftp://mlb.example", "start with http:// or https://"),
        ("PRESSBOX_PIPELINE__TIMEZONE", "Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
        ("PRESSBOX_ALERTS__TLS_MODE", "ssl", "'starttls', 'tls' or 'plain-local'"),
    ],
)
def test_every_kind_of_bound_is_enforced_at_load(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, says: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as info:
        load_settings(dotenv_path=None)
    assert f"({name})" in info.value.one_line()
    assert says in info.value.one_line()


def test_a_bad_url_is_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    # A mistyped base URL may carry a query string with a key in it.
    monkeypatch.setenv("PRESSBOX_ODDS_API__BASE_URL", "ftp://odds.example/?apiKey=canary-5511")
    with pytest.raises(ConfigurationError) as info:
        load_settings(dotenv_path=None)
    assert "canary-5511" not in info.value.one_line()


def test_the_sections_are_plain_data_and_import_no_pydantic() -> None:
    probe = (
        "import sys, app.core.config as c; s = c.Settings(); "
        "print(s.db.busy_timeout_ms, s.odds_api.regions, "
        "sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'pydantic', 'pydantic_core', 'pydantic_settings', 'annotated_types'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.split() == ["5000", "['us']", "[]"]


def test_invalid_value_is_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSBOX_ALERTS__SMTP_PORT", "not-a-port-canary-77")
    with pytest.raises(ConfigurationError) as info:
        load_settings(dotenv_path=None)
    assert "canary-77" not in str(info.value)
    assert "alerts.smtp_port" in str(info.value)


def test_missing_explicit_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", dotenv_path=None)


def test_broken_toml_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[pipeline\ninterval_s = 1")
    with pytest.raises(ConfigurationError, match="not valid TOML"):
        load_settings(bad, dotenv_path=None)


def test_dotenv_with_secret_is_refused_without_repeating_value(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("PRESSBOX_PIPELINE__INTERVAL_S=60\nODDS_API_KEY=canary-value-123456\n")
    with pytest.raises(ConfigurationError) as info:
        load_settings(dotenv_path=dotenv)
    text = str(info.value)
    assert "ODDS_API_KEY" in text
    assert "pressbox secrets import-env" in text
    assert "canary-value-123456" not in text


def test_toml_with_secret_is_refused(tmp_path: Path) -> None:
    toml = tmp_path / "config.toml"
    toml.write_text('[alerts]\nsmtp_password = "canary-pw-987654"\n')
    with pytest.raises(ConfigurationError) as info:
        load_settings(toml, dotenv_path=None)
    assert "alerts.smtp_password" in str(info.value)
    assert "canary-pw-987654" not in str(info.value)


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("ODDS_API_KEY", True),
        ("EMAIL_APP_PASSWORD", True),
        ("SMTP_PASSWORD", True),
        ("GITHUB_TOKEN", True),
        ("export SLACK_API_KEY", True),
        ("PRESSBOX_DB__PATH", False),
        ("PRESSBOX_ALERTS__SMTP_HOST", False),
        ("TOKENIZER_MODE", False),
    ],
)
def test_secret_key_names(name: str, secret: bool) -> None:
    assert is_secret_key_name(name.removeprefix("export ")) is secret


def test_secret_keys_in_dotenv_ignores_comments(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("# ODDS_API_KEY=old\n\nexport SMTP_PASSWORD=x\nPLAIN=1\n")
    assert secret_keys_in_dotenv(dotenv) == ["SMTP_PASSWORD"]


def test_an_unknown_time_zone_is_one_line_in_every_command(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from app.cli.main import cli

    env = {"PRESSBOX_PIPELINE__TIMEZONE": "Mars/Olympus"}
    for args in (["games"], ["bets"], ["runs"], ["run"]):
        result = CliRunner().invoke(cli, [*args, "--db", str(tmp_path / "x.db")], env=env)
        assert result.exit_code == 2, (args, result.output)
        assert "pipeline.timezone" in result.output and "Mars/Olympus" in result.output
        assert "Traceback" not in result.output and "Value error" not in result.output
    health = CliRunner().invoke(cli, ["health", "--db", str(tmp_path / "x.db")], env=env)
    assert health.exit_code == 3 and health.output.startswith("UNKNOWN: invalid setting")
