"""Settings: defaults < TOML file < ``.env`` (non-secret keys) < environment.

A section per concern, each a plain dataclass whose constraints are ``Annotated``
markers; ``load_settings`` validates them with pydantic-settings. Environment names
are ``PRESSBOX_<SECTION>__<KEY>``. Every interval, threshold, URL and path lives here;
nothing else in the package hard-codes one.

Why dataclasses and not pydantic models: importing this module (the type every layer
takes) needs neither pydantic nor its class construction, so a process that receives
its settings ready-made (the desk, ``app.cli.settings_fork``) never pays for them, and
pydantic is imported only by whoever loads the settings.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
import typing
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.core.errors import ConfigurationError
from app.core.paths import default_config_path, default_data_dir, default_state_dir
from app.core.secrets import ENV_NAMES
from app.domain.prices import MARKETS, DevigMethod, Market

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema

ENV_PREFIX = "PRESSBOX_"

TlsMode = Literal["starttls", "tls", "plain-local"]


class _Bound:
    """A bound pydantic enforces at load (``Ge(0)``): the same check, and the same message,
    as ``annotated_types``' markers, without importing it (13 dataclasses) into every process.
    """

    __slots__ = ("value",)
    key: ClassVar[str]  # the bound's name in pydantic-core's int, float and list schemas

    def __init__(self, value: float) -> None:
        self.value = value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        schema = handler(source)
        typing.cast(dict[str, Any], schema)[self.key] = self.value
        return schema


class Ge(_Bound):
    key = "ge"


class Gt(_Bound):
    key = "gt"


class Le(_Bound):
    key = "le"


class MinLen(_Bound):
    """Placed before any ``Before`` check, so that it bounds the list schema itself."""

    key = "min_length"


class _Check:
    """A function pydantic runs on a value at load, before or after its type's own check."""

    __slots__ = ("check",)
    after: ClassVar[bool]

    def __init__(self, check: Callable[[Any], Any]) -> None:
        self.check = check

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        from pydantic_core import core_schema

        wrap = (
            core_schema.no_info_after_validator_function
            if self.after
            else core_schema.no_info_before_validator_function
        )
        return wrap(self.check, handler(source))


class Before(_Check):
    """On the raw value (pydantic's ``BeforeValidator``, without importing pydantic here)."""

    after = False


class After(_Check):
    """On the typed value (pydantic's ``AfterValidator``)."""

    after = True


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


def _http_url(value: str) -> str:
    if not re.match(r"^https?://", value):
        # Not the value itself: a mistyped URL may carry a query string with a key in it.
        raise ValueError("must start with http:// or https://")
    return value


def _known_zone(name: str) -> str:
    # Checked at load, so every command says it in one line (not the first date maths).
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}; use an IANA name such as America/New_York"
        ) from None
    return name


StrList = Annotated[list[str], Before(split_list)]
BoundedStrList = Annotated[list[str], MinLen(1), Before(split_list)]


# Keys that name a credential. A file that holds one is refused at start.
_SECRET_KEY_PATTERN = re.compile(
    r"(^|_)(API_KEY|APIKEY|PASSWORD|PASSWD|TOKEN|SECRET|ADMIN_KEY)$|^ODDS_API_KEY$|^EMAIL_APP_PASSWORD$",
    re.IGNORECASE,
)


class SettingsSection:
    """One section of the settings; the docstring under each field is its description.

    scripts/gen-env-example reads those docstrings from the source. Loading never does:
    pydantic's ``use_attribute_docstrings`` re-parses this module once per section, which
    took longer than validating every setting.
    """


@dataclass
class DbSettings(SettingsSection):
    path: Path = field(default_factory=lambda: default_data_dir() / "pressbox.db")
    """SQLite database file"""
    busy_timeout_ms: Annotated[int, Ge(0), Le(600_000)] = 5000
    """how long a writer waits for a lock (ms)"""


@dataclass
class OddsApiSettings(SettingsSection):
    base_url: Annotated[str, After(_http_url)] = "https://api.the-odds-api.com"
    """The Odds API base URL"""
    sport: str = "baseball_mlb"
    """sport key"""
    regions: BoundedStrList = field(default_factory=lambda: ["us"])
    """bookmaker regions (a,b or a JSON list); cost per call = markets x regions"""
    markets: Annotated[list[Market], MinLen(1), Before(split_list)] = field(
        default_factory=lambda: list(MARKETS)
    )
    """markets (a,b or a JSON list of h2h, spreads, totals)"""
    timeout_s: Annotated[float, Gt(0), Le(300)] = 10.0
    """HTTP timeout per request (s)"""


@dataclass
class MlbApiSettings(SettingsSection):
    base_url: Annotated[str, After(_http_url)] = "https://statsapi.mlb.com"
    """MLB Stats API base URL"""
    sport_id: Annotated[int, Ge(1)] = 1
    """MLB sportId"""
    timeout_s: Annotated[float, Gt(0), Le(300)] = 10.0
    """HTTP timeout per request (s)"""


@dataclass
class PipelineSettings(SettingsSection):
    interval_s: Annotated[float, Gt(0), Le(86_400)] = 300.0
    """seconds between scheduled runs (daemon)"""
    timezone: Annotated[str, After(_known_zone)] = "America/New_York"
    """time zone of MLB's official date ('today')"""

    value_edge_threshold: Annotated[float, Ge(0), Le(1)] = 0.02
    """minimum EV per unit to flag a value bet (0.02 = 2%)"""
    kelly_fraction: Annotated[float, Gt(0), Le(1)] = 0.25
    """fraction of full Kelly used for stakes"""
    bankroll: Annotated[float, Gt(0)] = 1000.0
    """bankroll the stakes are computed against"""
    devig_method: DevigMethod = "power"
    """vig removal: proportional, power or shin"""
    lease_ttl_s: Annotated[float, Gt(0), Le(86_400)] = 120.0
    """a run lease expires after this long without a heartbeat (s)"""
    lease_heartbeat_s: Annotated[float, Gt(0), Le(3600)] = 10.0
    """how often a running pipeline renews its lease (s)"""
    match_window_s: Annotated[float, Gt(0), Le(86_400)] = 4 * 3600.0
    """max start-time difference when matching games to odds events (s)"""
    stale_after_s: Annotated[float, Gt(0)] = 1800.0
    """data older than this is flagged stale on the desk (s)"""
    record_dir: Path | None = None
    """write every upstream answer here (record and replay); unset: no recording"""


@dataclass
class AnalyticsSettings(SettingsSection):
    """The guards around the price maths (docs/analytics.md gives the numbers behind each).

    The maths itself (``pipeline.devig_method``, ``value_edge_threshold``,
    ``kelly_fraction``, ``bankroll``) stays under ``pipeline``.
    """

    include_live: bool = False
    """true also prices games already under way (in-play quotes); false: pre-game only"""
    max_quote_age_s: Annotated[float, Gt(0), Le(86_400)] = 900.0
    """a book's quote older than this (vs the event's newest quote, and vs now) is stale (s)"""
    min_books: Annotated[int, Ge(1), Le(50)] = 3
    """other books a consensus needs after leaving the judged book out"""
    reference_books: StrList = field(default_factory=list)
    """sharp books devigged as the fair price, first available first (a,b); empty: consensus"""
    fallback_min_edge: Annotated[float, Ge(0), Le(1)] = 0.04
    """with reference_books set, the edge a consensus-only line needs (no sharp book quoted)"""
    min_margin: Annotated[float, Ge(-0.5), Le(1)] = 0.0
    """a book line whose margin (overround - 1) is below this is an outlier"""
    max_margin: Annotated[float, Ge(0), Le(1)] = 0.10
    """a book line whose margin is above this is an outlier (0.10 = 10%)"""
    max_deviation: Annotated[float, Gt(0), Le(1)] = 0.10
    """a price whose implied probability is this far from the fair probability is an outlier"""
    max_edge: Annotated[float, Gt(0), Le(10)] = 0.15
    """an edge above this is an outlier (a suspicious line), never a value bet"""
    correlated_bets: bool = False
    """true allows value bets on more than one market of one game"""
    max_stake_fraction: Annotated[float, Gt(0), Le(1)] = 0.03
    """no single stake above this share of the bankroll"""
    max_exposure_fraction: Annotated[float, Gt(0), Le(1)] = 0.15
    """a day's open stakes together never above this share of the bankroll (scaled down)"""


@dataclass
class ResilienceSettings(SettingsSection):
    retry_attempts: Annotated[int, Ge(1), Le(20)] = 4
    """attempts per upstream call for transient failures"""
    retry_timeout_s: Annotated[float, Gt(0), Le(600)] = 30.0
    """total time budget for the retries of one call (s)"""
    retry_initial_wait_s: Annotated[float, Ge(0), Le(60)] = 0.5
    """first backoff wait (s)"""
    retry_max_wait_s: Annotated[float, Ge(0), Le(600)] = 8.0
    """longest backoff wait, also caps Retry-After (s)"""
    breaker_failure_threshold: Annotated[int, Ge(1), Le(100)] = 3
    """consecutive failed calls that open a source's breaker"""
    breaker_cooldown_s: Annotated[float, Gt(0), Le(86_400)] = 300.0
    """open breaker half-opens after this long (s)"""
    max_response_bytes: Annotated[int, Gt(0)] = 5_000_000
    """larger upstream responses are refused"""


@dataclass
class QuotaSettings(SettingsSection):
    reserve_credits: Annotated[int, Ge(0)] = 500
    """Odds API credits never spent by scheduled runs"""
    low_credits_warning: Annotated[int, Ge(0)] = 1000
    """warn (health, alert) below this many credits"""
    recheck_s: Annotated[float, Gt(0), Le(86_400)] = 900.0
    """re-read held credits (exhausted or at the reserve) this often, free (GET /v4/sports) (s)"""


@dataclass
class DashboardSettings(SettingsSection):
    poll_interval_s: Annotated[float, Gt(0), Le(3600)] = 2.0
    """how often the desk checks the database for changes (s)"""
    read_only: bool = False
    """true removes the break-glass actions from the desk"""
    recent_events: Annotated[int, Ge(1), Le(1000)] = 20
    """how many recent events the desk lists"""
    price_marker_s: Annotated[float, Ge(0), Le(3600)] = 30.0
    """how long a moved price shows its up/down marker (s)"""
    exit_grace_s: Annotated[float, Gt(0), Le(60)] = 3.0
    """after a hang-up, the desk's process is ended if shutdown takes longer than this (s)"""
    notification_history: Annotated[int, Ge(10), Le(100_000)] = 500
    """how many of the session's notices the desk keeps for its history (`n`)"""


@dataclass
class AlertsSettings(SettingsSection):
    enabled: bool = False
    """send email alerts"""
    smtp_host: str = "localhost"
    """SMTP server"""
    smtp_port: Annotated[int, Ge(1), Le(65535)] = 587
    """SMTP port"""
    tls_mode: TlsMode = "starttls"
    """starttls (required), tls (implicit) or plain-local (local relay only)"""
    smtp_username: str = ""
    """SMTP login (the password lives in the keyring: smtp-password)"""
    sender: str = "pressbox@localhost"
    """From address"""
    recipients: StrList = field(default_factory=list)
    """To addresses (a,b or a JSON list)"""
    timeout_s: Annotated[float, Gt(0), Le(300)] = 10.0
    """SMTP timeout (s)"""
    dedupe_window_s: Annotated[float, Ge(0)] = 3600.0
    """the same alert is not repeated within this window (s)"""
    max_per_hour: Annotated[int, Ge(1)] = 20
    """alerts sent per hour at most"""
    degraded_repeat: Annotated[int, Ge(1)] = 3
    """alert after this many degraded runs in a row"""
    no_success_after_s: Annotated[float, Gt(0)] = 3600.0
    """alert when no run succeeded for this long (s)"""
    value_bet_edge: Annotated[float, Ge(0), Le(1)] = 0.04
    """alert on new value bets with at least this edge"""


@dataclass
class SecretsSettings(SettingsSection):
    service_name: Annotated[str, MinLen(1)] = "pressbox"
    """keyring service name"""
    allow_env: bool = False
    """INSECURE opt-in: read PRESSBOX_ODDS_API_KEY / PRESSBOX_SMTP_PASSWORD from the environment"""
    keyring_timeout_s: Annotated[float, Gt(0), Le(120)] = 5.0
    """a keyring call taking longer is abandoned (s)"""


@dataclass
class SecuritySettings(SettingsSection):
    max_attempts: Annotated[int, Ge(1), Le(100)] = 5
    """wrong admin keys one origin (login user + sudo user + SSH client) may try per window"""
    global_max_attempts: Annotated[int, Ge(1), Le(1000)] = 20
    """wrong admin keys all origins together may try per window; then every origin is locked"""
    attempt_window_s: Annotated[float, Gt(0)] = 900.0
    """window for counting failed attempts (s)"""
    lockout_s: Annotated[float, Gt(0)] = 900.0
    """how long the admin key stays locked (s)"""
    run_rate_limit_s: Annotated[float, Ge(0)] = 60.0
    """at most one break-glass run per this many seconds"""
    action_rate_limit_s: Annotated[float, Ge(0)] = 5.0
    """at most one other control action per this many seconds"""
    min_admin_key_length: Annotated[int, Ge(8), Le(256)] = 16
    """shortest admin key accepted"""
    min_admin_key_bits: Annotated[float, Ge(80), Le(256)] = 80.0
    """estimated entropy (zxcvbn, bits) a new admin key needs; never below 80"""
    handoff_wait_s: Annotated[float, Ge(0), Le(3600)] = 300.0
    """how long `control execute` waits for a run it handed to the daemon (s; 0 = do not wait)"""


@dataclass
class HealthSettings(SettingsSection):
    halted_critical_after_s: Annotated[float, Gt(0)] = 3600.0
    """health is CRITICAL when halted longer than this (s)"""
    failed_runs_critical: Annotated[int, Ge(1)] = 3
    """health is CRITICAL after this many failed runs in a row"""
    no_success_critical_s: Annotated[float, Gt(0)] = 3 * 3600.0
    """health is CRITICAL when no run succeeded for this long (s)"""


@dataclass
class LoggingSettings(SettingsSection):
    dir: Path = field(default_factory=default_state_dir)
    """directory of the JSON-lines log file"""
    level: Literal["debug", "info", "warning", "error"] = "info"
    """debug, info, warning or error"""
    max_bytes: Annotated[int, Gt(0)] = 5_000_000
    """log file size before rotation"""
    backups: Annotated[int, Ge(0), Le(100)] = 5
    """rotated log files kept"""


@dataclass
class DemoSettings(SettingsSection):
    interval_s: Annotated[float, Gt(0), Le(3600)] = 5.0
    """seconds between runs in --demo"""
    seed: int = 20250614
    """seed of the simulated slate"""
    fault_every: Annotated[int, Ge(0)] = 7
    """inject an upstream fault every N requests in --demo (0 = never)"""
    scripted_faults: bool = True
    """--demo's first minutes: a 429 burst, timeouts opening the odds breaker, a quota dip"""
    admin_key: str = "demo-admin-key-not-secret"
    """admin key --demo sets when the database has none (shown on the banner; not a secret)"""


@dataclass
class Settings:
    """Every section; ``load_settings`` builds it from the files and the environment."""

    db: DbSettings = field(default_factory=DbSettings)
    odds_api: OddsApiSettings = field(default_factory=OddsApiSettings)
    mlb_api: MlbApiSettings = field(default_factory=MlbApiSettings)
    pipeline: PipelineSettings = field(default_factory=PipelineSettings)
    analytics: AnalyticsSettings = field(default_factory=AnalyticsSettings)
    resilience: ResilienceSettings = field(default_factory=ResilienceSettings)
    quota: QuotaSettings = field(default_factory=QuotaSettings)
    dashboard: DashboardSettings = field(default_factory=DashboardSettings)
    alerts: AlertsSettings = field(default_factory=AlertsSettings)
    secrets: SecretsSettings = field(default_factory=SecretsSettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)
    health: HealthSettings = field(default_factory=HealthSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    demo: DemoSettings = field(default_factory=DemoSettings)


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


def section_classes(settings_cls: type[Settings] = Settings) -> dict[str, type[Any]]:
    """Each section's name and its dataclass."""
    hints = typing.get_type_hints(settings_cls)
    return {section.name: hints[section.name] for section in fields(settings_cls)}


def setting_names() -> dict[str, set[str]]:
    """Every section and its field names: what a file or a ``PRESSBOX_`` variable may name."""
    return {name: {key.name for key in fields(cls)} for name, cls in section_classes().items()}


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

    from app.core.settings_loader import validated_settings

    return validated_settings(use_toml, use_dotenv, overrides)
