"""Settings: defaults < TOML file < ``.env`` (non-secret keys) < environment.

One pydantic-settings model with a section per concern. Environment names are
``PRESSBOX_<SECTION>__<KEY>``. Every interval, threshold, URL and path lives
here; nothing else in the package hard-codes one.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)

from app.core.errors import ConfigurationError
from app.core.paths import default_config_path, default_data_dir, default_state_dir
from app.core.secrets import ENV_NAMES
from app.domain.prices import MARKETS, DevigMethod, Market

ENV_PREFIX = "PRESSBOX_"


def split_list(value: Any) -> Any:
    """A list setting from the environment: ``a,b`` (comma-separated) or a JSON list.

    Operators write ``PRESSBOX_ALERTS__RECIPIENTS=oncall@example.com``; requiring
    ``["oncall@example.com"]`` made every command crash on the plain form.
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        try:
            return json.loads(text)
        except ValueError:
            raise ValueError(
                "not a valid JSON list; write a,b (comma-separated) or a JSON list"
            ) from None
    return [part.strip() for part in text.split(",") if part.strip()]


# ``NoDecode``: pydantic-settings would otherwise insist on JSON for a list from the environment.
StrList = Annotated[list[str], NoDecode, BeforeValidator(split_list)]


# Keys that name a credential. A file that holds one is refused at start.
_SECRET_KEY_PATTERN = re.compile(
    r"(^|_)(API_KEY|APIKEY|PASSWORD|PASSWD|TOKEN|SECRET|ADMIN_KEY)$|^ODDS_API_KEY$|^EMAIL_APP_PASSWORD$",
    re.IGNORECASE,
)


class SettingsSection(BaseModel):
    """One section of the settings; the docstring under each field is its description."""

    model_config = ConfigDict(use_attribute_docstrings=True)


class DbSettings(SettingsSection):
    path: Path = Field(default_factory=lambda: default_data_dir() / "pressbox.db")
    """SQLite database file"""
    busy_timeout_ms: int = Field(5000, ge=0, le=600_000)
    """how long a writer waits for a lock (ms)"""


class OddsApiSettings(SettingsSection):
    base_url: str = Field("https://api.the-odds-api.com", pattern=r"^https?://")
    """The Odds API base URL"""
    sport: str = "baseball_mlb"
    """sport key"""
    regions: StrList = Field(default_factory=lambda: ["us"], min_length=1)
    """bookmaker regions (a,b or a JSON list); cost per call = markets x regions"""
    markets: Annotated[list[Market], NoDecode, BeforeValidator(split_list)] = Field(
        default_factory=lambda: list(MARKETS), min_length=1
    )
    """markets (a,b or a JSON list of h2h, spreads, totals)"""
    timeout_s: float = Field(10.0, gt=0, le=300)
    """HTTP timeout per request (s)"""


class MlbApiSettings(SettingsSection):
    base_url: str = Field("https://statsapi.mlb.com", pattern=r"^https?://")
    """MLB Stats API base URL"""
    sport_id: int = Field(1, ge=1)
    """MLB sportId"""
    timeout_s: float = Field(10.0, gt=0, le=300)
    """HTTP timeout per request (s)"""


class PipelineSettings(SettingsSection):
    interval_s: float = Field(300.0, gt=0, le=86_400)
    """seconds between scheduled runs (daemon)"""
    timezone: str = "America/New_York"
    """time zone of MLB's official date ('today')"""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        # Checked at load, so every command says it in one line (not the first date maths).
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {name!r}; use an IANA name such as America/New_York"
            ) from None
        return name

    value_edge_threshold: float = Field(0.02, ge=0, le=1)
    """minimum EV per unit to flag a value bet (0.02 = 2%)"""
    kelly_fraction: float = Field(0.25, gt=0, le=1)
    """fraction of full Kelly used for stakes"""
    bankroll: float = Field(1000.0, gt=0)
    """bankroll the stakes are computed against"""
    devig_method: DevigMethod = "power"
    """vig removal: proportional, power or shin"""
    lease_ttl_s: float = Field(120.0, gt=0, le=86_400)
    """a run lease expires after this long without a heartbeat (s)"""
    lease_heartbeat_s: float = Field(10.0, gt=0, le=3600)
    """how often a running pipeline renews its lease (s)"""
    match_window_s: float = Field(4 * 3600.0, gt=0, le=86_400)
    """max start-time difference when matching games to odds events (s)"""
    stale_after_s: float = Field(1800.0, gt=0)
    """data older than this is flagged stale on the desk (s)"""
    record_dir: Path | None = None
    """write every upstream answer here (record and replay); unset: no recording"""


class AnalyticsSettings(SettingsSection):
    """The guards around the price maths (docs/analytics.md gives the numbers behind each).

    The maths itself (``pipeline.devig_method``, ``value_edge_threshold``,
    ``kelly_fraction``, ``bankroll``) stays under ``pipeline``.
    """

    include_live: bool = False
    """true also prices games already under way (in-play quotes); false: pre-game only"""
    max_quote_age_s: float = Field(900.0, gt=0, le=86_400)
    """a book's quote older than this (vs the event's newest quote, and vs now) is stale (s)"""
    min_books: int = Field(3, ge=1, le=50)
    """other books a consensus needs after leaving the judged book out"""
    reference_books: StrList = Field(default_factory=list)
    """sharp books devigged as the fair price, first available first (a,b); empty: consensus"""
    fallback_min_edge: float = Field(0.04, ge=0, le=1)
    """with reference_books set, the edge a consensus-only line needs (no sharp book quoted)"""
    min_margin: float = Field(0.0, ge=-0.5, le=1)
    """a book line whose margin (overround - 1) is below this is an outlier"""
    max_margin: float = Field(0.10, ge=0, le=1)
    """a book line whose margin is above this is an outlier (0.10 = 10%)"""
    max_deviation: float = Field(0.10, gt=0, le=1)
    """a price whose implied probability is this far from the fair probability is an outlier"""
    max_edge: float = Field(0.15, gt=0, le=10)
    """an edge above this is an outlier (a suspicious line), never a value bet"""
    correlated_bets: bool = False
    """true allows value bets on more than one market of one game"""
    max_stake_fraction: float = Field(0.03, gt=0, le=1)
    """no single stake above this share of the bankroll"""
    max_exposure_fraction: float = Field(0.15, gt=0, le=1)
    """a day's open stakes together never above this share of the bankroll (scaled down)"""


class ResilienceSettings(SettingsSection):
    retry_attempts: int = Field(4, ge=1, le=20)
    """attempts per upstream call for transient failures"""
    retry_timeout_s: float = Field(30.0, gt=0, le=600)
    """total time budget for the retries of one call (s)"""
    retry_initial_wait_s: float = Field(0.5, ge=0, le=60)
    """first backoff wait (s)"""
    retry_max_wait_s: float = Field(8.0, ge=0, le=600)
    """longest backoff wait, also caps Retry-After (s)"""
    breaker_failure_threshold: int = Field(3, ge=1, le=100)
    """consecutive failed calls that open a source's breaker"""
    breaker_cooldown_s: float = Field(300.0, gt=0, le=86_400)
    """open breaker half-opens after this long (s)"""
    max_response_bytes: int = Field(5_000_000, gt=0)
    """larger upstream responses are refused"""


class QuotaSettings(SettingsSection):
    reserve_credits: int = Field(500, ge=0)
    """Odds API credits never spent by scheduled runs"""
    low_credits_warning: int = Field(1000, ge=0)
    """warn (health, alert) below this many credits"""
    recheck_s: float = Field(900.0, gt=0, le=86_400)
    """re-read held credits (exhausted or at the reserve) this often, free (GET /v4/sports) (s)"""


class DashboardSettings(SettingsSection):
    poll_interval_s: float = Field(2.0, gt=0, le=3600)
    """how often the desk checks the database for changes (s)"""
    read_only: bool = False
    """true removes the break-glass actions from the desk"""
    recent_events: int = Field(20, ge=1, le=1000)
    """how many recent events the desk lists"""
    price_marker_s: float = Field(30.0, ge=0, le=3600)
    """how long a moved price shows its up/down marker (s)"""
    exit_grace_s: float = Field(3.0, gt=0, le=60)
    """after a hang-up, the desk's process is ended if shutdown takes longer than this (s)"""
    notification_history: int = Field(500, ge=10, le=100_000)
    """how many of the session's notices the desk keeps for its history (`n`)"""


class AlertsSettings(SettingsSection):
    enabled: bool = False
    """send email alerts"""
    smtp_host: str = "localhost"
    """SMTP server"""
    smtp_port: int = Field(587, ge=1, le=65535)
    """SMTP port"""
    tls_mode: Literal["starttls", "tls", "plain-local"] = "starttls"
    """starttls (required), tls (implicit) or plain-local (local relay only)"""
    smtp_username: str = ""
    """SMTP login (the password lives in the keyring: smtp-password)"""
    sender: str = "pressbox@localhost"
    """From address"""
    recipients: StrList = Field(default_factory=list)
    """To addresses (a,b or a JSON list)"""
    timeout_s: float = Field(10.0, gt=0, le=300)
    """SMTP timeout (s)"""
    dedupe_window_s: float = Field(3600.0, ge=0)
    """the same alert is not repeated within this window (s)"""
    max_per_hour: int = Field(20, ge=1)
    """alerts sent per hour at most"""
    degraded_repeat: int = Field(3, ge=1)
    """alert after this many degraded runs in a row"""
    no_success_after_s: float = Field(3600.0, gt=0)
    """alert when no run succeeded for this long (s)"""
    value_bet_edge: float = Field(0.04, ge=0, le=1)
    """alert on new value bets with at least this edge"""


class SecretsSettings(SettingsSection):
    service_name: str = Field("pressbox", min_length=1)
    """keyring service name"""
    allow_env: bool = False
    """INSECURE opt-in: read PRESSBOX_ODDS_API_KEY / PRESSBOX_SMTP_PASSWORD from the environment"""
    keyring_timeout_s: float = Field(5.0, gt=0, le=120)
    """a keyring call taking longer is abandoned (s)"""


class SecuritySettings(SettingsSection):
    max_attempts: int = Field(5, ge=1, le=100)
    """wrong admin keys one origin (login user + sudo user + SSH client) may try per window"""
    global_max_attempts: int = Field(20, ge=1, le=1000)
    """wrong admin keys all origins together may try per window; then every origin is locked"""
    attempt_window_s: float = Field(900.0, gt=0)
    """window for counting failed attempts (s)"""
    lockout_s: float = Field(900.0, gt=0)
    """how long the admin key stays locked (s)"""
    run_rate_limit_s: float = Field(60.0, ge=0)
    """at most one break-glass run per this many seconds"""
    action_rate_limit_s: float = Field(5.0, ge=0)
    """at most one other control action per this many seconds"""
    min_admin_key_length: int = Field(16, ge=8, le=256)
    """shortest admin key accepted"""
    min_admin_key_bits: float = Field(80.0, ge=80, le=256)
    """estimated entropy (zxcvbn, bits) a new admin key needs; never below 80"""
    handoff_wait_s: float = Field(300.0, ge=0, le=3600)
    """how long `control execute` waits for a run it handed to the daemon (s; 0 = do not wait)"""


class HealthSettings(SettingsSection):
    halted_critical_after_s: float = Field(3600.0, gt=0)
    """health is CRITICAL when halted longer than this (s)"""
    failed_runs_critical: int = Field(3, ge=1)
    """health is CRITICAL after this many failed runs in a row"""
    no_success_critical_s: float = Field(3 * 3600.0, gt=0)
    """health is CRITICAL when no run succeeded for this long (s)"""


class LoggingSettings(SettingsSection):
    dir: Path = Field(default_factory=default_state_dir)
    """directory of the JSON-lines log file"""
    level: Literal["debug", "info", "warning", "error"] = "info"
    """debug, info, warning or error"""
    max_bytes: int = Field(5_000_000, gt=0)
    """log file size before rotation"""
    backups: int = Field(5, ge=0, le=100)
    """rotated log files kept"""


class DemoSettings(SettingsSection):
    interval_s: float = Field(5.0, gt=0, le=3600)
    """seconds between runs in --demo"""
    seed: int = 20250614
    """seed of the simulated slate"""
    fault_every: int = Field(7, ge=0)
    """inject an upstream fault every N requests in --demo (0 = never)"""
    scripted_faults: bool = True
    """--demo's first minutes: a 429 burst, timeouts opening the odds breaker, a quota dip"""
    admin_key: str = "demo-admin-key-not-secret"
    """admin key --demo sets when the database has none (shown on the banner; not a secret)"""


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
    analytics: AnalyticsSettings = Field(default_factory=AnalyticsSettings)
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


def setting_names() -> dict[str, set[str]]:
    """Every section and its field names: what a file or a ``PRESSBOX_`` variable may name."""
    names: dict[str, set[str]] = {}
    for section, info in Settings.model_fields.items():
        model = info.annotation
        fields = (
            model.model_fields if isinstance(model, type) and issubclass(model, BaseModel) else {}
        )
        names[section] = set(fields)
    return names


def _closest(name: str, valid: list[str]) -> str:
    """The nearest valid name, preferring those in the same section (``a.b`` / ``A__B``)."""
    separator = "__" if "__" in name or name.startswith(ENV_PREFIX) else "."
    section = name.partition(separator)[0] + separator
    same_section = [v for v in valid if v.startswith(section)] if separator in name else []
    for pool in (same_section, valid):
        match = difflib.get_close_matches(name, pool, n=1, cutoff=0.75)
        if match:
            return f"; the closest valid name is {match[0]}"
    return ""


def _unknown_setting(what: str, name: str, valid: list[str]) -> ConfigurationError:
    return ConfigurationError(
        f"unknown setting {name} in {what}{_closest(name, valid)}",
        hint="Fix or remove it (a misspelt setting would be ignored); see .env.example.",
    )


def refuse_unknown_toml_keys(
    path: Path, data: dict[str, Any], *, skip_secrets: bool = False
) -> None:
    """A key the settings do not have, with the closest valid dotted name."""
    names = setting_names()
    valid = sorted(names) + sorted(f"{sec}.{key}" for sec, keys in names.items() for key in keys)
    for section, value in data.items():
        if skip_secrets and is_secret_key_name(section):
            continue
        if section not in names:
            raise _unknown_setting(f"config file {path}", section, valid)
        if not isinstance(value, dict):
            continue
        for key in value:
            if skip_secrets and is_secret_key_name(key):
                continue
            if key not in names[section]:
                raise _unknown_setting(f"config file {path}", f"{section}.{key}", valid)


def _env_name_known(name: str, names: dict[str, set[str]]) -> bool:
    body = name[len(ENV_PREFIX) :].lower()
    if name.upper() in ENV_NAMES.values():
        return True  # the opt-in credential variables, read by the secret store
    section, _, key = body.partition("__")
    if section not in names:
        return False
    return not key or key in names[section]


def refuse_unknown_env_names(environ: dict[str, str] | os._Environ[str], where: str) -> None:
    """A ``PRESSBOX_`` variable that names no setting, with the closest valid variable."""
    names = setting_names()
    valid = [
        ENV_PREFIX + sec.upper() + "__" + key.upper() for sec, keys in names.items() for key in keys
    ]
    for name in sorted(environ):
        if name.upper().startswith(ENV_PREFIX) and not _env_name_known(name, names):
            raise _unknown_setting(where, name, valid)


def _dotenv_keys(path: Path) -> dict[str, str]:
    keys = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and "=" in stripped:
            keys[stripped.split("=", 1)[0].removeprefix("export ").strip()] = ""
    return keys


def describe_validation_error(exc: ValidationError) -> str:
    """One line naming the first bad setting, its environment name and what is accepted."""
    first = exc.errors(include_input=False)[0]
    loc = [str(part) for part in first["loc"]]
    dotted = ".".join(loc)
    env_name = ENV_PREFIX + "__".join(part.upper() for part in loc)
    more = len(exc.errors()) - 1
    extra = f" (and {more} more)" if more > 0 else ""
    # A validator's own ValueError text is the message; pydantic prefixes it "Value error, ".
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"invalid setting {dotted} ({env_name}): {message}{extra}"


def load_settings(
    config_path: Path | None = None,
    dotenv_path: Path | None = Path(".env"),
    *,
    importing: Path | None = None,
    **overrides: Any,
) -> Settings:
    """Build the settings from every source, refusing files that hold secrets.

    ``config_path`` None means the XDG default, which may be absent; an explicit
    path must exist. ``overrides`` come from command-line flags and win. ``importing``
    is the file ``secrets import-env`` is moving into the keyring: its secret keys are
    expected (and never become settings, as no field has their names).
    """
    explicit = config_path is not None
    toml_path = config_path if explicit else default_config_path()
    assert toml_path is not None
    if explicit and toml_path.is_dir():
        raise ConfigurationError(
            f"--config {toml_path} is a directory, not a file",
            hint=f"Pass the TOML file itself, e.g. --config {toml_path / 'config.toml'}.",
        )
    if explicit and not toml_path.is_file():
        raise ConfigurationError(
            f"config file {toml_path} does not exist",
            hint="Check the --config path.",
        )
    use_toml = toml_path if toml_path.is_file() else None
    if use_toml is not None:
        being_imported = importing is not None and importing.resolve() == use_toml.resolve()
        if not being_imported:
            _refuse_secret_keys(use_toml, secret_keys_in_toml(use_toml))
        refuse_unknown_toml_keys(use_toml, _read_toml(use_toml), skip_secrets=being_imported)
    use_dotenv = dotenv_path if dotenv_path is not None and dotenv_path.is_file() else None
    if use_dotenv is not None:
        _refuse_secret_keys(use_dotenv, secret_keys_in_dotenv(use_dotenv))
        refuse_unknown_env_names(_dotenv_keys(use_dotenv), str(use_dotenv))
    refuse_unknown_env_names(os.environ, "the environment")

    Settings.toml_source_path = use_toml
    Settings.dotenv_source_path = use_dotenv
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigurationError(
            describe_validation_error(exc),
            hint="See .env.example for accepted values.",
        ) from None
    except SettingsError as exc:
        # A value the settings source could not even parse (its text names the field only).
        raise ConfigurationError(
            f"invalid setting: {str(exc).splitlines()[0]}",
            hint="Lists are a,b (comma-separated) or a JSON list; see .env.example.",
        ) from None
    finally:
        Settings.toml_source_path = None
        Settings.dotenv_source_path = None
