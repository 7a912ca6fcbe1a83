"""Settings: defaults < TOML file < ``.env`` (non-secret keys) < environment.

One pydantic-settings model with a section per concern. Environment names are
``PRESSBOX_<SECTION>__<KEY>``. Every interval, threshold, URL and path lives
here; nothing else in the package hard-codes one.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from app.core.errors import ConfigurationError
from app.domain.prices import MARKETS, DevigMethod, Market

ENV_PREFIX = "PRESSBOX_"


# Keys that name a credential. A file that holds one is refused at start.
_SECRET_KEY_PATTERN = re.compile(
    r"(^|_)(API_KEY|APIKEY|PASSWORD|PASSWD|TOKEN|SECRET|ADMIN_KEY)$|^ODDS_API_KEY$|^EMAIL_APP_PASSWORD$",
    re.IGNORECASE,
)


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value else Path.home() / fallback


def default_config_path() -> Path:
    return _xdg("XDG_CONFIG_HOME", ".config") / "pressbox" / "config.toml"


def default_data_dir() -> Path:
    return _xdg("XDG_DATA_HOME", ".local/share") / "pressbox"


def default_state_dir() -> Path:
    return _xdg("XDG_STATE_HOME", ".local/state") / "pressbox"


class DbSettings(BaseModel):
    path: Path = Field(default_factory=lambda: default_data_dir() / "pressbox.db")
    busy_timeout_ms: int = Field(5000, ge=0, le=600_000)


class OddsApiSettings(BaseModel):
    base_url: str = Field("https://api.the-odds-api.com", pattern=r"^https?://")
    sport: str = "baseball_mlb"
    regions: list[str] = Field(default_factory=lambda: ["us"], min_length=1)
    markets: list[Market] = Field(default_factory=lambda: list(MARKETS), min_length=1)
    timeout_s: float = Field(10.0, gt=0, le=300)


class MlbApiSettings(BaseModel):
    base_url: str = Field("https://statsapi.mlb.com", pattern=r"^https?://")
    sport_id: int = Field(1, ge=1)
    timeout_s: float = Field(10.0, gt=0, le=300)


class PipelineSettings(BaseModel):
    interval_s: float = Field(300.0, gt=0, le=86_400)
    timezone: str = "America/New_York"
    value_edge_threshold: float = Field(0.02, ge=0, le=1)
    kelly_fraction: float = Field(0.25, gt=0, le=1)
    bankroll: float = Field(1000.0, gt=0)
    devig_method: DevigMethod = "power"
    lease_ttl_s: float = Field(120.0, gt=0, le=86_400)
    lease_heartbeat_s: float = Field(10.0, gt=0, le=3600)
    match_window_s: float = Field(4 * 3600.0, gt=0, le=86_400)
    stale_after_s: float = Field(1800.0, gt=0)


class ResilienceSettings(BaseModel):
    retry_attempts: int = Field(4, ge=1, le=20)
    retry_timeout_s: float = Field(30.0, gt=0, le=600)
    retry_initial_wait_s: float = Field(0.5, ge=0, le=60)
    retry_max_wait_s: float = Field(8.0, ge=0, le=600)
    breaker_failure_threshold: int = Field(3, ge=1, le=100)
    breaker_cooldown_s: float = Field(300.0, gt=0, le=86_400)
    max_response_bytes: int = Field(5_000_000, gt=0)


class QuotaSettings(BaseModel):
    reserve_credits: int = Field(500, ge=0)
    low_credits_warning: int = Field(1000, ge=0)


class DashboardSettings(BaseModel):
    poll_interval_s: float = Field(2.0, gt=0, le=3600)
    read_only: bool = False
    recent_events: int = Field(20, ge=1, le=1000)
    price_marker_s: float = Field(30.0, ge=0, le=3600)
    exit_grace_s: float = Field(3.0, gt=0, le=60)


class AlertsSettings(BaseModel):
    enabled: bool = False
    smtp_host: str = "localhost"
    smtp_port: int = Field(587, ge=1, le=65535)
    tls_mode: Literal["starttls", "tls", "plain-local"] = "starttls"
    smtp_username: str = ""
    sender: str = "pressbox@localhost"
    recipients: list[str] = Field(default_factory=list)
    timeout_s: float = Field(10.0, gt=0, le=300)
    dedupe_window_s: float = Field(3600.0, ge=0)
    max_per_hour: int = Field(20, ge=1)
    degraded_repeat: int = Field(3, ge=1)
    no_success_after_s: float = Field(3600.0, gt=0)
    value_bet_edge: float = Field(0.04, ge=0, le=1)


class SecretsSettings(BaseModel):
    service_name: str = Field("pressbox", min_length=1)
    allow_env: bool = False
    keyring_timeout_s: float = Field(5.0, gt=0, le=120)


class SecuritySettings(BaseModel):
    max_attempts: int = Field(5, ge=1, le=100)
    attempt_window_s: float = Field(900.0, gt=0)
    lockout_s: float = Field(900.0, gt=0)
    run_rate_limit_s: float = Field(60.0, ge=0)
    action_rate_limit_s: float = Field(5.0, ge=0)
    min_admin_key_length: int = Field(16, ge=8, le=256)
    handoff_wait_s: float = Field(300.0, ge=0, le=3600)


class HealthSettings(BaseModel):
    halted_critical_after_s: float = Field(3600.0, gt=0)
    failed_runs_critical: int = Field(3, ge=1)
    no_success_critical_s: float = Field(3 * 3600.0, gt=0)


class LoggingSettings(BaseModel):
    dir: Path = Field(default_factory=default_state_dir)
    level: Literal["debug", "info", "warning", "error"] = "info"
    max_bytes: int = Field(5_000_000, gt=0)
    backups: int = Field(5, ge=0, le=100)


class DemoSettings(BaseModel):
    interval_s: float = Field(5.0, gt=0, le=3600)
    seed: int = 20250614
    fault_every: int = Field(7, ge=0)
    admin_key: str = "demo-admin-key-not-secret"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="ignore",
        hide_input_in_errors=True,
        validate_default=True,
    )

    db: DbSettings = Field(default_factory=DbSettings)
    odds_api: OddsApiSettings = Field(default_factory=OddsApiSettings)
    mlb_api: MlbApiSettings = Field(default_factory=MlbApiSettings)
    pipeline: PipelineSettings = Field(default_factory=PipelineSettings)
    resilience: ResilienceSettings = Field(default_factory=ResilienceSettings)
    quota: QuotaSettings = Field(default_factory=QuotaSettings)
    dashboard: DashboardSettings = Field(default_factory=DashboardSettings)
    alerts: AlertsSettings = Field(default_factory=AlertsSettings)
    secrets: SecretsSettings = Field(default_factory=SecretsSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    health: HealthSettings = Field(default_factory=HealthSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    demo: DemoSettings = Field(default_factory=DemoSettings)

    # Set by load_settings() for the duration of one construction.
    toml_source_path: ClassVar[Path | None] = None
    dotenv_source_path: ClassVar[Path | None] = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if cls.dotenv_source_path is not None:
            sources.append(
                DotEnvSettingsSource(
                    settings_cls,
                    env_file=cls.dotenv_source_path,
                    env_prefix=ENV_PREFIX,
                    env_nested_delimiter="__",
                )
            )
        if cls.toml_source_path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=cls.toml_source_path))
        return tuple(sources)


def is_secret_key_name(name: str) -> bool:
    return bool(_SECRET_KEY_PATTERN.search(name.strip()))


def secret_keys_in_dotenv(path: Path) -> list[str]:
    """Names (never values) of secret-looking keys in a ``.env`` file."""
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or "=" not in stripped:
            continue
        key = stripped.split("=", 1)[0].removeprefix("export ").strip()
        if is_secret_key_name(key):
            names.append(key)
    return names


def _toml_keys(data: dict[str, Any], prefix: str = "") -> list[str]:
    keys = []
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            keys.extend(_toml_keys(value, dotted + "."))
        else:
            keys.append(dotted)
    return keys


def secret_keys_in_toml(path: Path) -> list[str]:
    data = _read_toml(path)
    return [k for k in _toml_keys(data) if is_secret_key_name(k.rsplit(".", 1)[-1])]


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(
            f"config file {path} is not valid TOML ({exc})",
            hint="Fix the syntax, or pass another file with --config.",
        ) from None
    except OSError as exc:
        raise ConfigurationError(
            f"config file {path} cannot be read ({exc.strerror})",
            hint="Check the path and its permissions.",
        ) from None


def _refuse_secret_keys(path: Path, names: list[str]) -> None:
    if names:
        raise ConfigurationError(
            f"{path} holds secret-named keys ({', '.join(sorted(set(names)))}); "
            "secrets are not read from files",
            hint=f"Move them into the keyring with `pressbox secrets import-env {path}`.",
        )


def describe_validation_error(exc: ValidationError) -> str:
    """One line naming the first bad setting, its environment name and what is accepted."""
    first = exc.errors(include_input=False)[0]
    loc = [str(part) for part in first["loc"]]
    dotted = ".".join(loc)
    env_name = ENV_PREFIX + "__".join(part.upper() for part in loc)
    more = len(exc.errors()) - 1
    extra = f" (and {more} more)" if more > 0 else ""
    return f"invalid setting {dotted} ({env_name}): {first['msg']}{extra}"


def load_settings(
    config_path: Path | None = None,
    dotenv_path: Path | None = Path(".env"),
    **overrides: Any,
) -> Settings:
    """Build the settings from every source, refusing files that hold secrets.

    ``config_path`` None means the XDG default, which may be absent; an explicit
    path must exist. ``overrides`` come from command-line flags and win.
    """
    explicit = config_path is not None
    toml_path = config_path if explicit else default_config_path()
    assert toml_path is not None
    if explicit and not toml_path.is_file():
        raise ConfigurationError(
            f"config file {toml_path} does not exist",
            hint="Check the --config path.",
        )
    use_toml = toml_path if toml_path.is_file() else None
    if use_toml is not None:
        _read_toml(use_toml)
        _refuse_secret_keys(use_toml, secret_keys_in_toml(use_toml))
    use_dotenv = dotenv_path if dotenv_path is not None and dotenv_path.is_file() else None
    if use_dotenv is not None:
        _refuse_secret_keys(use_dotenv, secret_keys_in_dotenv(use_dotenv))

    Settings.toml_source_path = use_toml
    Settings.dotenv_source_path = use_dotenv
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigurationError(
            describe_validation_error(exc),
            hint="See .env.example for accepted values.",
        ) from None
    finally:
        Settings.toml_source_path = None
        Settings.dotenv_source_path = None
