"""``pressbox secrets status|set|delete|import-env``: credentials in the OS keyring.

No command ever prints a credential's value: ``status`` says whether each one
is set, ``set`` reads the value without echo (or from stdin when piped).
"""

from __future__ import annotations

from pathlib import Path

import click

from app.cli.admin_cmds import read_hidden
from app.cli.common import (
    cli_context,
    echo_json,
    echo_text,
    fail,
    json_option,
    run_async,
    with_settings,
)
from app.core.config import Settings, load_settings
from app.core.errors import ConfigurationError, PressboxError
from app.core.logging import SECRETS, configure_logging, get_logger
from app.core.secrets import SECRET_NAMES
from app.security.env_file import EnvScan, rewrite_without_secrets, scan_env_file
from app.security.secret_store import KeyringSecretStore, StoreStatus

log = get_logger(__name__)

name_argument = click.argument("name", type=click.Choice(list(SECRET_NAMES)))


def build_store(settings: Settings) -> KeyringSecretStore:
    return KeyringSecretStore(settings.secrets)


@click.group("secrets")
def secrets_group() -> None:
    """Credentials in the OS keyring (odds-api-key, smtp-password)."""


@secrets_group.command("status")
@json_option
@click.pass_context
def status_command(ctx: click.Context, as_json: bool) -> None:
    """Which keyring backend is used and which secrets are set (never their values)."""
    settings = with_settings(ctx)
    status: StoreStatus = run_async(lambda: build_store(settings).status())
    if as_json:
        echo_json(
            {
                "backend": status.backend,
                "service_name": status.service_name,
                "allow_env": status.allow_env,
                "secrets": {
                    s.name: {"keyring": s.in_keyring, "environment": s.in_environment}
                    for s in status.secrets
                },
            }
        )
        return
    echo_text(f"backend: {status.backend} (accepted: encrypts at rest)")
    echo_text(f"service: {status.service_name}")
    if status.allow_env:
        echo_text("environment fallback: ON (INSECURE: secrets.allow_env=true)")
    for state in status.secrets:
        where = []
        if state.in_keyring:
            where.append("keyring")
        if state.in_environment:
            where.append("environment (INSECURE)")
        echo_text(f"{state.name}: {'set in ' + ' and '.join(where) if where else 'not set'}")


@secrets_group.command("set")
@name_argument
@click.pass_context
def set_command(ctx: click.Context, name: str) -> None:
    """Store a secret (prompted twice without echo, or one line from stdin when piped)."""
    settings = with_settings(ctx)
    store = build_store(settings)

    async def body() -> None:
        # Vet the backend before asking: no one should type a key into a refused keyring.
        await store.ready()
        value = read_hidden(f"Value for {name}", confirm=True)
        SECRETS.register(value)
        await store.set(name, value)

    run_async(body)
    log.info("secret stored", secret=name, backend=store.backend_name())
    echo_text(f"{name} stored in {store.backend_name()}")


@secrets_group.command("delete")
@name_argument
@click.pass_context
def delete_command(ctx: click.Context, name: str) -> None:
    """Remove a secret from the keyring."""
    settings = with_settings(ctx)
    store = build_store(settings)
    removed = run_async(lambda: store.delete(name))
    if not removed:
        fail(f"{name} is not set in {store.backend_name()}; nothing deleted", 1)
    log.info("secret deleted", secret=name)
    echo_text(f"{name} deleted from {store.backend_name()}")


def _settings_without_dotenv(ctx: click.Context) -> Settings:
    """Settings for import-env: the .env being imported is exactly what load_settings refuses."""
    cli = cli_context(ctx)
    try:
        settings = load_settings(cli.config_path, dotenv_path=None)
        configure_logging(
            settings.logging.dir,
            settings.logging.level,
            settings.logging.max_bytes,
            settings.logging.backups,
        )
    except PressboxError as exc:
        fail(exc.one_line(), exc.exit_code)
    return settings


async def import_env(
    store: KeyringSecretStore, scan: EnvScan, *, overwrite: bool
) -> dict[str, str]:
    """Move every secret of ``scan`` into the keyring, all or nothing; returns name -> key."""
    if scan.unknown:
        raise ConfigurationError(
            f"{scan.path} holds secret-named keys pressbox has no keyring name for "
            f"({', '.join(scan.unknown)})",
            hint="Remove them from the file (or keep them elsewhere), then run import-env again; "
            "nothing was changed.",
        )
    values = scan.values_by_name()
    for value in values.values():
        SECRETS.register(value)
    previous = {name: await store.get_from_keyring(name) for name in values}
    clashes = [n for n, v in values.items() if previous[n] not in (None, v)]
    if clashes and not overwrite:
        raise ConfigurationError(
            f"the keyring already holds a different {', '.join(clashes)}",
            hint="Pass --overwrite to replace it with the file's value; nothing was changed.",
        )
    written: list[str] = []
    try:
        for name, value in values.items():
            await store.set(name, value)
            written.append(name)
    except PressboxError:
        # All or nothing: put back what the keyring held before, then report the failure.
        for name in written:
            old = previous[name]
            if old is None:
                await store.delete(name)
            else:
                await store.set(name, old)
        raise
    return {s.name: s.key for s in scan.secrets}


@secrets_group.command("import-env")
@click.argument("path", type=click.Path(path_type=Path), default=Path(".env"))
@click.option("--backup", is_flag=True, help="Keep the original file as PATH.bak (mode 0600).")
@click.option("--overwrite", is_flag=True, help="Replace different values already in the keyring.")
@click.pass_context
def import_env_command(ctx: click.Context, path: Path, backup: bool, overwrite: bool) -> None:
    """Move the secrets of a legacy .env into the keyring and remove them from the file."""
    settings = _settings_without_dotenv(ctx)
    store = build_store(settings)
    try:
        scan = scan_env_file(path)
    except PressboxError as exc:
        fail(exc.one_line(), exc.exit_code)
    if not scan.secrets and not scan.empty and not scan.unknown:
        echo_text(f"{path} holds no secrets; nothing to do")
        return
    moved = run_async(lambda: import_env(store, scan, overwrite=overwrite))
    try:
        backup_path = rewrite_without_secrets(path, backup=backup)
    except OSError as exc:
        fail(
            f"the secrets are in the keyring but {path} could not be rewritten ({exc.strerror}); "
            "remove the secret lines by hand",
            2,
        )
    for name, key in sorted(moved.items()):
        echo_text(f"{key} -> keyring {name} ({store.backend_name()})")
    for key in scan.empty:
        echo_text(f"{key} was empty; line removed")
    echo_text(
        f"{path} rewritten without secrets" + (f"; backup at {backup_path}" if backup_path else "")
    )
    log.info("env file imported", path=str(path), secrets=sorted(moved))


commands: list[click.Command] = [secrets_group]
