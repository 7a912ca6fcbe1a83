"""A canary credential planted in the keyring never reaches logs, the database or any output."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from click.testing import CliRunner

from app.cli.main import cli
from app.core.config import SecretsSettings
from app.core.logging import configure_logging, get_logger
from app.security.secret_store import KeyringSecretStore
from tests.support.keyrings import InMemoryKeyring

CANARY = "CANARY-odds-key-d41d8cd98f00"  # pragma: allowlist secret
SMTP_CANARY = "CANARY-smtp-pass-77e2"  # pragma: allowlist secret
ADMIN = "Canary-test-admin-Key-31337-Zq8vLw"  # pragma: allowlist secret


def test_canary_never_leaks(memory_keyring: InMemoryKeyring, tmp_path: Path) -> None:
    memory_keyring.store[("pressbox", "odds-api-key")] = CANARY
    db_path = tmp_path / "canary.db"
    runner = CliRunner()
    outputs: list[str] = []

    def run(*args: str, stdin: str = "") -> None:
        result = runner.invoke(cli, list(args), input=stdin)
        outputs.append(result.output + (result.stderr or ""))

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
