"""Find the credentials in a legacy ``.env`` (or a TOML config) and rewrite it without them.

Parsing uses python-dotenv's own parser (the one pydantic-settings reads the
file with), so we see exactly the values and lines the loader would. The
rewrite keeps every other byte: comments, blank lines, order, quoting.
"""

from __future__ import annotations

import io
import os
import re
import stat
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from dotenv.parser import Binding, parse_stream

from app.core.config import is_secret_key_name
from app.core.errors import ConfigurationError
from app.core.secrets import ODDS_API_KEY, SMTP_PASSWORD

# Legacy key -> our keyring name. Other secret-named keys have no home here.
KEYRING_NAME_FOR = {
    "ODDS_API_KEY": ODDS_API_KEY,
    "THE_ODDS_API_KEY": ODDS_API_KEY,
    "PRESSBOX_ODDS_API_KEY": ODDS_API_KEY,
    "EMAIL_APP_PASSWORD": SMTP_PASSWORD,
    "EMAIL_PASSWORD": SMTP_PASSWORD,
    "SMTP_PASSWORD": SMTP_PASSWORD,
    "PRESSBOX_SMTP_PASSWORD": SMTP_PASSWORD,
    # A TOML key, its dotted path joined with "_": [odds_api] api_key, [alerts] smtp_password.
    "ODDS_API_API_KEY": ODDS_API_KEY,
    "ALERTS_SMTP_PASSWORD": SMTP_PASSWORD,
}


@dataclass(frozen=True)
class EnvSecret:
    key: str  # as written in the file
    name: str  # our keyring name
    value: str
    line: int


@dataclass(frozen=True)
class EnvScan:
    path: Path
    secrets: tuple[EnvSecret, ...]
    empty: tuple[str, ...]  # secret-named keys with no value: removed, nothing to store
    unknown: tuple[str, ...]  # secret-named keys we have no keyring name for

    def values_by_name(self) -> dict[str, str]:
        """One value per keyring name; ConfigurationError when the file disagrees with itself."""
        chosen: dict[str, EnvSecret] = {}
        for secret in self.secrets:
            previous = chosen.get(secret.name)
            if previous is not None and previous.value != secret.value:
                raise ConfigurationError(
                    f"{self.path} sets {secret.name} twice with different values "
                    f"({previous.key} on line {previous.line}, {secret.key} on line {secret.line})",
                    hint="Delete the stale line, then run import-env again; nothing was changed.",
                )
            chosen[secret.name] = secret
        return {name: s.value for name, s in chosen.items()}


def _bindings(path: Path) -> list[Binding]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigurationError(
            f"{path} does not exist", hint="Pass the path of the .env file to import."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(
            f"{path} cannot be read ({type(exc).__name__})",
            hint="Check the path and its permissions.",
        ) from None
    return list(parse_stream(io.StringIO(text)))


def _is_secret(binding: Binding) -> bool:
    return binding.key is not None and is_secret_key_name(binding.key)


def scan_env_file(path: Path) -> EnvScan:
    secrets: list[EnvSecret] = []
    empty: list[str] = []
    unknown: list[str] = []
    for binding in _bindings(path):
        if not _is_secret(binding):
            continue
        key = binding.key or ""
        name = KEYRING_NAME_FOR.get(key.upper())
        if name is None:
            unknown.append(key)
        elif not binding.value:
            empty.append(key)
        else:
            secrets.append(EnvSecret(key, name, binding.value, binding.original.line))
    return EnvScan(path, tuple(secrets), tuple(empty), tuple(unknown))


def is_toml(path: Path) -> bool:
    return path.suffix.lower() == ".toml"


def _toml_data(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigurationError(
            f"{path} does not exist", hint="Pass the path of the file to import."
        ) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(
            f"{path} cannot be read as TOML ({type(exc).__name__})",
            hint="Fix the file, or remove the secret lines by hand.",
        ) from None


def _toml_leaves(
    data: dict[str, object], prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], object]]:
    leaves: list[tuple[tuple[str, ...], object]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            leaves.extend(_toml_leaves(value, (*prefix, key)))
        else:
            leaves.append(((*prefix, key), value))
    return leaves


def _toml_keyring_name(dotted: tuple[str, ...]) -> str | None:
    return KEYRING_NAME_FOR.get("_".join(dotted).upper()) or KEYRING_NAME_FOR.get(
        dotted[-1].upper()
    )


def scan_toml_file(path: Path) -> EnvScan:
    """The secrets of a TOML config, in the same shape as a ``.env`` scan."""
    secrets: list[EnvSecret] = []
    empty: list[str] = []
    unknown: list[str] = []
    for dotted, value in _toml_leaves(_toml_data(path)):
        if not is_secret_key_name(dotted[-1]):
            continue
        key = ".".join(dotted)
        name = _toml_keyring_name(dotted)
        if name is None or not isinstance(value, str):
            unknown.append(key)
        elif not value:
            empty.append(key)
        else:
            secrets.append(EnvSecret(key, name, value, 0))
    return EnvScan(path, tuple(secrets), tuple(empty), tuple(unknown))


_TOML_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


def toml_text_without_secrets(path: Path) -> str:
    """The TOML text minus its secret lines; refuses when that is not exactly the same data.

    TOML has no round-trip parser in the standard library, so lines are removed by
    pattern and the result is parsed again: it must hold every other value unchanged.
    """
    kept: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        key = _TOML_KEY.match(line)
        if key is None or not is_secret_key_name(key.group(1)):
            kept.append(line)
    text = "".join(kept)
    expected = [
        (dotted, value)
        for dotted, value in _toml_leaves(_toml_data(path))
        if not is_secret_key_name(dotted[-1])
    ]
    try:
        remaining = _toml_leaves(tomllib.loads(text))
    except tomllib.TOMLDecodeError:
        remaining = []
    if sorted(map(repr, remaining)) != sorted(map(repr, expected)):
        raise ConfigurationError(
            f"{path} cannot be rewritten safely (a secret spans lines or shares one)",
            hint="Remove the secret keys by hand; the keyring already holds them.",
        )
    return text


def _kept_text(binding: Binding) -> str:
    """What stays of a removed binding: the blank lines python-dotenv glued to its front."""
    text = binding.original.string
    body = text.lstrip(" \t\r\n")
    prefix = text[: len(text) - len(body)]
    return prefix[: prefix.rfind("\n") + 1]


def text_without_secrets(path: Path) -> str:
    return "".join(_kept_text(b) if _is_secret(b) else b.original.string for b in _bindings(path))


def rewrite_without_secrets(path: Path, *, backup: bool) -> Path | None:
    """Atomically replace ``path`` with its secret-free text; returns the backup's path if kept.

    The new file gets the old one's permission bits; the backup (holding the old
    secrets) is readable by the owner only.
    """
    new_text = toml_text_without_secrets(path) if is_toml(path) else text_without_secrets(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    backup_path: Path | None = None
    if backup:
        backup_path = path.with_name(path.name + ".bak")
        # The backup holds the secrets: born 0600 (mkstemp), never widened, then renamed
        # into place, so no moment exists at which another user could read it.
        _write_atomically(backup_path, path.read_bytes())
    _write_atomically(path, new_text.encode("utf-8"), mode=mode)
    return backup_path


def _write_atomically(target: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to a fresh owner-only temp file beside ``target``, then rename it over.

    ``mode`` widens the new file to the permissions of the file it replaces (the
    rewritten ``.env``, which holds no secret any more); None keeps it 0600.
    """
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
