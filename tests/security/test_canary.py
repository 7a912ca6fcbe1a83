"""A canary credential planted in the keyring never reaches logs, the database or any output."""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from click.testing import CliRunner

from app.cli.main import cli
from app.core.config import SecretsSettings
from app.core.logging import configure_logging, get_logger
from app.security.secret_store import KeyringSecretStore
from app.sources.http import safe_text
from tests.support.keyrings import InMemoryKeyring

CANARY = "CANARY-odds-key-d41d8cd98f00"  # pragma: allowlist secret
SMTP_CANARY = "CANARY-smtp-pass-77e2"  # pragma: allowlist secret
ADMIN = "Canary-test-admin-Key-31337-Zq8vLw"  # pragma: allowlist secret


def _command_runner(outputs: list[str]) -> Callable[..., None]:
    """``run(*args, stdin="")`` runs pressbox in-process; what it printed goes to ``outputs``."""
    runner = CliRunner()

    def run(*args: str, stdin: str = "") -> None:
        result = runner.invoke(cli, list(args), input=stdin)
        outputs.append(result.output + (result.stderr or ""))

    return run


def test_canary_never_leaks(memory_keyring: InMemoryKeyring, tmp_path: Path) -> None:
    memory_keyring.store[("pressbox", "odds-api-key")] = CANARY
    db_path = tmp_path / "canary.db"
    outputs: list[str] = []
    run = _command_runner(outputs)

    run("secrets", "status")
    run("secrets", "status", "--json")
    run("secrets", "set", "smtp-password", stdin=SMTP_CANARY + "\n")
    run("admin-key", "set", "--db", str(db_path), stdin=ADMIN + "\n")
    # Operators paste the wrong thing: the canary as the admin key, and into a reason.
    run(
        "control",
        "override",
        "paused",
        "--reason",
        f"key is {CANARY}",
        "--db",
        str(db_path),
        stdin=CANARY + "\n",
    )
    run("control", "override", "paused", "--reason", "ok", "--db", str(db_path), stdin=ADMIN + "\n")
    run("audit", "--db", str(db_path))
    run("audit", "--json", "--db", str(db_path))
    run("audit", "--verify", "--db", str(db_path))
    run("secrets", "delete", "smtp-password")

    # The pipeline's read path, then a careless log line carrying the value.
    log_dir = tmp_path / "logs"
    store = KeyringSecretStore(SecretsSettings(), allowed_extra=(InMemoryKeyring,))
    value = asyncio.run(store.get("odds-api-key"))
    assert value is not None
    log_path = configure_logging(log_dir)
    get_logger("canary").info(
        "calling odds", key=value.get_secret_value(), url=f"https://x/?apiKey={CANARY}"
    )
    logging.getLogger("somelib").warning("retrying with %s", value.get_secret_value())

    for text in outputs:
        assert CANARY not in text and SMTP_CANARY not in text and ADMIN not in text
    joined = "\n".join(outputs)  # the commands really ran:
    assert "odds-api-key: set in keyring" in joined and "admin key set" in joined
    assert "wrong admin key" in joined and "mode is now paused" in joined
    assert 'reason="key is ***"' in joined
    logs = [p for p in (tmp_path / "home").rglob("*.log*")] + [log_path]
    assert len(logs) >= 2
    for path in logs:
        text = path.read_text(encoding="utf-8")
        assert CANARY not in text and SMTP_CANARY not in text and ADMIN not in text
    assert "***" in log_path.read_text(encoding="utf-8")
    for path in tmp_path.glob("canary.db*"):
        data = path.read_bytes()
        for secret in (CANARY, SMTP_CANARY, ADMIN):
            assert secret.encode() not in data, path.name


AMP_CANARY = "CANARY&odds-key-5e6f7a8b9c0d"  # pragma: allowlist secret


def _forms(secret: str) -> list[str]:
    raw = secret.encode()
    return [
        secret,
        secret.upper(),
        secret.lower(),
        quote(secret, safe=""),
        quote_plus(secret),
        base64.b64encode(raw).decode().rstrip("="),
        base64.b64encode(b"\0user\0" + raw).decode()[8:-4],  # inside an AUTH PLAIN blob
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        secret.split("&")[-1],  # the tail after "&"
    ]


def test_every_form_of_a_canary_is_masked(
    memory_keyring: InMemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A control process loads what it must mask; no form of a key survives anywhere."""
    monkeypatch.setenv("PRESSBOX_SECURITY__ACTION_RATE_LIMIT_S", "0")
    memory_keyring.store[("pressbox", "odds-api-key")] = AMP_CANARY
    memory_keyring.store[("pressbox", "smtp-password")] = SMTP_CANARY
    db_path = tmp_path / "forms.db"
    outputs: list[str] = []
    run = _command_runner(outputs)

    run("admin-key", "set", "--db", str(db_path), stdin=ADMIN + "\n")
    pasted = [
        *_forms(AMP_CANARY)[:-1],
        *_forms(SMTP_CANARY),
        f"{AMP_CANARY[:9]}\n{AMP_CANARY[9:]}",  # split over a line break
    ]
    for reason in pasted:
        run(
            "control",
            "override",
            "paused",
            "--reason",
            f"x {reason} y",
            "--db",
            str(db_path),
            stdin=ADMIN + "\n",
        )
    run("audit", "--db", str(db_path))
    run("audit", "--json", "--db", str(db_path))
    # An upstream answer that echoes the key in a query string, "&" and all.
    echoed = safe_text(f"invalid key: GET /v4/odds?apiKey={AMP_CANARY}&regions=us, {AMP_CANARY}")
    outputs.append(echoed)
    joined = "\n".join(outputs)
    assert "mode is now paused" in joined and joined.count("***") >= len(pasted)
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("forms.db*"))
    logs = "".join(p.read_text("utf-8") for p in (tmp_path / "home").rglob("*.log*"))
    for secret in (AMP_CANARY, SMTP_CANARY):
        for form in _forms(secret):
            assert joined.count(form) == 0, form
            assert logs.count(form) == 0, form
            assert stored.count(form.encode()) == 0, form
