"""`pressbox secrets ...` through the real Click entry point, on in-process keyring backends."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import keyring.backends.fail
import keyring.backends.null
import pytest
from click.testing import CliRunner, Result

from app.cli.main import cli
from app.core.config import load_settings
from app.core.errors import ConfigurationError
from tests.support.keyrings import FailingOnSecondWrite, InMemoryKeyring, PlaintextAltKeyring

ODDS = "odds-canary-5b1e77d0"  # pragma: allowlist secret
SMTP = "smtp-canary-99aa01"  # pragma: allowlist secret


def invoke(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)


def test_set_status_delete(memory_keyring: InMemoryKeyring) -> None:
    result = invoke("secrets", "set", "odds-api-key", stdin=ODDS + "\n")
    assert result.exit_code == 0, result.stderr
    assert memory_keyring.store[("pressbox", "odds-api-key")] == ODDS
    status = invoke("secrets", "status")
    assert status.exit_code == 0
    assert "odds-api-key: set in keyring" in status.stdout
    assert "smtp-password: not set" in status.stdout
    assert "InMemoryKeyring" in status.stdout
    assert ODDS not in status.output and ODDS not in result.output
    deleted = invoke("secrets", "delete", "odds-api-key")
    assert deleted.exit_code == 0 and memory_keyring.store == {}
    again = invoke("secrets", "delete", "odds-api-key")
    assert again.exit_code == 1 and "nothing deleted" in again.stderr


def test_status_json_is_stable(memory_keyring: InMemoryKeyring) -> None:
    import json

    memory_keyring.store[("pressbox", "smtp-password")] = SMTP
    payload = json.loads(invoke("secrets", "status", "--json").stdout)
    assert payload["secrets"]["smtp-password"] == {"keyring": True, "environment": False}
    assert payload["allow_env"] is False and payload["service_name"] == "pressbox"


@pytest.mark.parametrize(
    ("backend", "words"),
    [
        (keyring.backends.fail.Keyring(), "no keyring backend is available"),
        (keyring.backends.null.Keyring(), "null backend"),
        (PlaintextAltKeyring(), "unencrypted"),
    ],
)
def test_set_refused_without_a_usable_backend(use_backend, backend, words: str) -> None:
    use_backend(backend, accept=False)
    result = invoke("secrets", "set", "odds-api-key", stdin=ODDS + "\n")
    assert result.exit_code != 0
    line = result.stderr.strip()
    assert line.count("\n") == 0 and words in line and "dbus-run-session" in line
    assert "Traceback" not in result.output and ODDS not in result.output
    if isinstance(backend, InMemoryKeyring):
        assert backend.store == {} and backend.writes == 0


LEGACY_ENV = """\
# legacy settings
PRESSBOX_PIPELINE__INTERVAL_S=120
ODDS_API_KEY={odds}

export EMAIL_APP_PASSWORD="{smtp}"  # the app password
PRESSBOX_DB__PATH=/srv/pressbox/p.db
"""


def write_env(path: Path) -> str:
    text = LEGACY_ENV.format(odds=ODDS, smtp=SMTP)
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o640)
    return text


def test_import_env_moves_every_secret_and_keeps_the_rest(
    memory_keyring: InMemoryKeyring, tmp_path: Path
) -> None:
    env = tmp_path / ".env"
    write_env(env)
    with pytest.raises(ConfigurationError, match="import-env"):
        load_settings(dotenv_path=env)

    result = invoke("secrets", "import-env", str(env))
    assert result.exit_code == 0, result.stderr
    assert memory_keyring.store == {
        ("pressbox", "odds-api-key"): ODDS,
        ("pressbox", "smtp-password"): SMTP,
    }
    assert env.read_text(encoding="utf-8") == (
        "# legacy settings\n"
        "PRESSBOX_PIPELINE__INTERVAL_S=120\n"
        "\n"
        "PRESSBOX_DB__PATH=/srv/pressbox/p.db\n"
    )
    assert stat.S_IMODE(env.stat().st_mode) == 0o640
    assert not (tmp_path / ".env.bak").exists()
    assert ODDS not in result.output and SMTP not in result.output
    assert "ODDS_API_KEY -> keyring odds-api-key" in result.stdout
    # The second start no longer refuses, and still reads the non-secret settings.
    settings = load_settings(dotenv_path=env)
    assert settings.pipeline.interval_s == 120


def test_import_env_backup_is_private(memory_keyring: InMemoryKeyring, tmp_path: Path) -> None:
    env = tmp_path / "legacy.env"
    original = write_env(env)
    result = invoke("secrets", "import-env", str(env), "--backup")
    assert result.exit_code == 0
    backup = tmp_path / "legacy.env.bak"
    assert backup.read_text(encoding="utf-8") == original
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def test_import_env_leaves_the_file_alone_when_the_keyring_fails(
    use_backend,
    tmp_path: Path,
) -> None:
    backend = use_backend(FailingOnSecondWrite())
    env = tmp_path / ".env"
    original = write_env(env)
    result = invoke("secrets", "import-env", str(env))
    assert result.exit_code != 0 and "failed to store" in result.stderr
    assert env.read_text(encoding="utf-8") == original
    assert backend.store == {}  # the first write was rolled back


def test_import_env_refuses_secret_keys_it_cannot_place(
    memory_keyring: InMemoryKeyring, tmp_path: Path
) -> None:
    env = tmp_path / ".env"
    original = write_env(env) + "GITHUB_TOKEN=ghp_notreal\n"  # pragma: allowlist secret
    env.write_text(original, encoding="utf-8")
    result = invoke("secrets", "import-env", str(env))
    assert result.exit_code == 2 and "GITHUB_TOKEN" in result.stderr
    assert "ghp_notreal" not in result.output
    assert env.read_text(encoding="utf-8") == original and memory_keyring.store == {}


def test_import_env_does_not_silently_replace_a_different_keyring_value(
    memory_keyring: InMemoryKeyring, tmp_path: Path
) -> None:
    env = tmp_path / ".env"
    original = write_env(env)
    memory_keyring.store[("pressbox", "odds-api-key")] = "rotated-key-000000"
    result = invoke("secrets", "import-env", str(env))
    assert result.exit_code == 2 and "--overwrite" in result.stderr
    assert env.read_text(encoding="utf-8") == original
    forced = invoke("secrets", "import-env", str(env), "--overwrite")
    assert forced.exit_code == 0
    assert memory_keyring.store[("pressbox", "odds-api-key")] == ODDS


def test_start_refuses_a_dotenv_with_secrets_and_points_at_import_env(
    memory_keyring: InMemoryKeyring, tmp_path: Path
) -> None:
    write_env(tmp_path / ".env")  # the working directory's .env
    result = invoke("secrets", "status")
    assert result.exit_code == 2
    assert "pressbox secrets import-env" in result.stderr
    assert ODDS not in result.output


def test_status_flags_the_insecure_environment_opt_in(
    memory_keyring: InMemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESSBOX_SECRETS__ALLOW_ENV", "true")
    monkeypatch.setenv("PRESSBOX_SMTP_PASSWORD", SMTP)
    result = invoke("secrets", "status")
    assert result.exit_code == 0
    assert "environment fallback: ON (INSECURE" in result.stdout
    assert "smtp-password: set in environment (INSECURE)" in result.stdout
    assert SMTP not in result.output


@pytest.mark.integration
@pytest.mark.parametrize(
    ("backend", "words"),
    [
        ("keyring.backends.null.Keyring", "null backend"),
        ("keyrings.cryptfile.file.PlaintextKeyring", "unencrypted"),  # a real plaintext backend
        ("keyrings.alt.file.PlaintextKeyring", "cannot be loaded"),
    ],
)
def test_configured_backend_refused_in_a_fresh_process(
    backend: str, words: str, tmp_path: Path
) -> None:
    import subprocess
    import sys

    env = {**os.environ, "PYTHON_KEYRING_BACKEND": backend}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from app.cli.main import main; main()",
            "secrets",
            "set",
            "odds-api-key",
        ],
        input=ODDS + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert words in done.stderr and "docs/headless-keyring.md" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and ODDS not in done.stderr + done.stdout
    stored = [p for p in (tmp_path / "home").rglob("*") if p.is_file() and p.suffix == ".cfg"]
    assert stored == []  # no keyring file was written anywhere in the home directory
