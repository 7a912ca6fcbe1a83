"""A fresh host without a Secret Service: every first step says what is wrong and what to do."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring.backends.fail
import pytest
from click.testing import CliRunner, Result
from keyrings.cryptfile.cryptfile import CryptFileKeyring

from app.cli.main import cli
from tests.support.keyrings import InMemoryKeyring

PASSPHRASE = "correct horse battery staple 42"  # pragma: allowlist secret
ODDS = "odds-canary-first-time-7c1d"  # pragma: allowlist secret


def invoke(*args: str, stdin: str | None = None, tty: bool = False) -> Result:
    """The real CLI; ``tty`` makes the stdin CliRunner installs claim to be a terminal."""
    runner = CliRunner()
    if tty:
        isolation = runner.isolation

        @contextlib.contextmanager
        def as_terminal(*a: Any, **kw: Any) -> Iterator[Any]:
            with isolation(*a, **kw) as streams, pytest.MonkeyPatch.context() as patch:
                patch.setattr(sys.stdin, "isatty", lambda: True)
                yield streams

        runner.isolation = as_terminal  # type: ignore[method-assign]
    return runner.invoke(cli, list(args), input=stdin, catch_exceptions=False)


@pytest.fixture
def cryptfile(use_backend: Any) -> CryptFileKeyring:
    backend = CryptFileKeyring()
    use_backend(backend)
    return backend


def test_status_diagnoses_a_host_without_a_keyring(use_backend: Any) -> None:
    use_backend(keyring.backends.fail.Keyring(), accept=False)
    result = invoke("secrets", "status")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("backend: keyring.backends.fail.Keyring (NOT usable:")
    assert "no keyring backend is available" in lines[0]
    assert lines[1].startswith("chosen by: keyring's auto-detection")
    assert any(line.startswith("to do: On a headless server") for line in lines)
    payload = json.loads(invoke("secrets", "status", "--json").stdout)
    assert payload["usable"] is False and payload["secrets"] == {}
    assert "gnome-keyring-daemon" in payload["advice"]


def test_status_names_the_variable_that_chose_the_backend(
    use_backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_backend(InMemoryKeyring())
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.keyrings.InMemoryKeyring")
    result = invoke("secrets", "status")
    assert result.exit_code == 0
    assert "(usable: allowed by the caller)" in result.stdout
    assert (
        "chosen by: PYTHON_KEYRING_BACKEND=tests.support.keyrings.InMemoryKeyring" in result.stdout
    )
    assert "odds-api-key: not set" in result.stdout


def test_cryptfile_is_never_created_by_a_first_set(
    cryptfile: CryptFileKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KEYRING_CRYPTFILE_PASSWORD", PASSPHRASE)
    status = invoke("secrets", "status")
    assert "does not exist yet" in status.stdout
    assert "to do: Run `pressbox secrets init` once" in status.stdout
    result = invoke("secrets", "set", "odds-api-key", stdin=ODDS + "\n")
    assert result.exit_code == 2
    assert "does not exist yet" in result.stderr and "pressbox secrets init" in result.stderr
    assert not Path(cryptfile.file_path).exists()


def test_init_asks_twice_then_set_works(
    cryptfile: CryptFileKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    mismatch = invoke("secrets", "init", stdin=f"{PASSPHRASE}\nother words entirely\n\n", tty=True)
    assert mismatch.exit_code == 2 and "do not match" in mismatch.stdout
    assert not Path(cryptfile.file_path).exists()

    made = invoke("secrets", "init", stdin=f"{PASSPHRASE}\n{PASSPHRASE}\n", tty=True)
    assert made.exit_code == 0, made.output
    assert "(again)" in made.stdout and PASSPHRASE not in made.output
    path = Path(cryptfile.file_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    again = invoke("secrets", "init", stdin=f"{PASSPHRASE}\n{PASSPHRASE}\n", tty=True)
    assert again.exit_code == 2 and "already exists; nothing changed" in again.stderr

    monkeypatch.setenv("KEYRING_CRYPTFILE_PASSWORD", PASSPHRASE)
    fresh = CryptFileKeyring()  # a new process would start locked
    monkeypatch.setattr(keyring.core, "_keyring_backend", fresh)
    stored = invoke("secrets", "set", "odds-api-key", stdin=ODDS + "\n")
    assert stored.exit_code == 0, stored.output
    assert ODDS not in path.read_text(encoding="utf-8")
    assert "odds-api-key: set in keyring" in invoke("secrets", "status").stdout


def test_init_on_a_service_backend_needs_nothing(memory_keyring: InMemoryKeyring) -> None:
    result = invoke("secrets", "init")
    assert result.exit_code == 0
    assert "needs no init" in result.stdout


def test_an_empty_terminal_entry_stops_instead_of_looping(memory_keyring: InMemoryKeyring) -> None:
    # Without the fix click re-asks on every empty line; the input ends, and click aborts.
    result = invoke("secrets", "set", "odds-api-key", stdin="\n\n\n", tty=True)
    assert result.exit_code == 2
    assert "no value for odds-api-key typed; nothing changed" in result.stderr
    assert result.stdout.count("Value for odds-api-key") == 1
    assert memory_keyring.store == {}


def test_a_secret_in_the_toml_config_is_moved_by_import_env(
    memory_keyring: InMemoryKeyring, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    original = (
        "# pressbox\n[pipeline]\ninterval_s = 600\n\n"
        f'[odds_api]\napi_key = "{ODDS}"\nregions = ["us"]\n'
    )
    config.write_text(original, encoding="utf-8")
    refused = invoke("--config", str(config), "secrets", "status")
    assert refused.exit_code == 2
    assert f"pressbox secrets import-env {config}" in refused.stderr
    assert ODDS not in refused.output

    moved = invoke("--config", str(config), "secrets", "import-env", str(config), "--backup")
    assert moved.exit_code == 0, moved.output
    assert "odds_api.api_key -> keyring odds-api-key" in moved.stdout
    assert memory_keyring.store[("pressbox", "odds-api-key")] == ODDS
    rewritten = config.read_text(encoding="utf-8")
    assert rewritten == original.replace(f'api_key = "{ODDS}"\n', "")
    backup = config.with_name("config.toml.bak")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    after = invoke("--config", str(config), "secrets", "status")
    assert after.exit_code == 0 and "odds-api-key: set in keyring" in after.stdout


def test_a_toml_secret_that_cannot_be_removed_by_line_changes_nothing(
    memory_keyring: InMemoryKeyring, tmp_path: Path
) -> None:
    config = tmp_path / "pressbox.toml"
    original = f'odds_api = {{ api_key = "{ODDS}", regions = ["us"] }}\n'
    config.write_text(original, encoding="utf-8")
    result = invoke("secrets", "import-env", str(config))
    assert result.exit_code == 2
    assert "cannot be rewritten safely" in result.stderr
    assert memory_keyring.store == {} and config.read_text(encoding="utf-8") == original
    assert not any(name.endswith(".tmp") for name in os.listdir(tmp_path))
