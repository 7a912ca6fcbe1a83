"""``pressbox secrets status|set|delete|import-env``: credentials in the OS keyring.

No command ever prints a credential's value: ``status`` says whether each one
is set, ``set`` reads the value without echo (or from stdin when piped).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from app.cli.admin_cmds import read_hidden
from app.cli.common import (
    cli_context,
    echo_json,
    echo_text,
    fail,
    json_option,
    one_line_errors,
    run_async,
    with_settings,
)
from app.core.config import Settings, load_settings
from app.core.errors import ConfigurationError, PressboxError
from app.core.logging import SECRETS, configure_logging, get_logger
from app.core.secrets import SECRET_NAMES
from app.security import backends
from app.security.env_file import (
    EnvScan,
    is_toml,
    rewrite_without_secrets,
    scan_env_file,
    scan_toml_file,
    toml_text_without_secrets,
)
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
    """Which keyring backend is used, why, and which secrets are set (never their values).

    An unusable keyring is diagnosed (what keyring chose, why we refuse it, what to
    do) rather than failed on: this is the command to run on a fresh host.
    """
    settings = with_settings(ctx)
    diagnosis = backends.diagnose()
    status: StoreStatus | None = None
    problem: str | None = None
    if diagnosis.accepted:
        try:
            status = asyncio.run(build_store(settings).status())
        except ConfigurationError as exc:
            problem = exc.one_line()
    if as_json:
        echo_json(_status_payload(settings, diagnosis, status, problem))
        return
    _echo_diagnosis(diagnosis, problem)
    echo_text(f"service: {settings.secrets.service_name}")
    if settings.secrets.allow_env:
        echo_text("environment fallback: ON (INSECURE: secrets.allow_env=true)")
    if status is None:
        return
    for state in status.secrets:
        where = []
        if state.in_keyring:
            where.append("keyring")
        if state.in_environment:
            where.append("environment (INSECURE)")
        echo_text(f"{state.name}: {'set in ' + ' and '.join(where) if where else 'not set'}")


def _echo_diagnosis(diagnosis: backends.Diagnosis, problem: str | None) -> None:
    verdict = "usable" if diagnosis.accepted and problem is None else "NOT usable"
    echo_text(f"backend: {diagnosis.chosen} ({verdict}: {diagnosis.why})")
    echo_text(f"chosen by: {diagnosis.chosen_by}")
    for lower in diagnosis.chain[1:]:
        echo_text(f"  not used (lower in keyring's chain): {lower.name}")
    if problem is not None:
        echo_text(f"problem: {problem}")
    elif not diagnosis.accepted:
        echo_text(f"to do: {diagnosis.advice}")


def _status_payload(
    settings: Settings,
    diagnosis: backends.Diagnosis,
    status: StoreStatus | None,
    problem: str | None,
) -> dict[str, object]:
    return {
        "backend": diagnosis.chosen,
        "usable": status is not None,
        "chosen_by": diagnosis.chosen_by,
        "why": diagnosis.why if problem is None else problem,
        "advice": None if status is not None else diagnosis.advice,
        "service_name": settings.secrets.service_name,
        "allow_env": settings.secrets.allow_env,
        "secrets": {
            s.name: {"keyring": s.in_keyring, "environment": s.in_environment}
            for s in (status.secrets if status is not None else ())
        },
    }


@secrets_group.command("init")
@click.pass_context
def init_command(ctx: click.Context) -> None:
    """Create the encrypted file keyring (asks for its passphrase twice; never done silently)."""
    with_settings(ctx)
    with one_line_errors(ConfigurationError):
        backend = backends.current_backend()
        if backends.backend_name(backend) != backends.CRYPTFILE:
            echo_text(
                f"backend {backends.backend_name(backend)} needs no init; "
                "see `pressbox secrets status`"
            )
            return
        passphrase = read_hidden("Passphrase for the new encrypted keyring file", confirm=True)
        path = backends.init_cryptfile(backend, passphrase)
    log.info("encrypted file keyring created", path=path)
    echo_text(
        f"encrypted file keyring created at {path}; export its passphrase in "
        f"{backends.CRYPTFILE_PASSWORD_ENV} for every pressbox process"
    )


@secrets_group.command("set")
@name_argument
@click.pass_context
def set_command(ctx: click.Context, name: str) -> None:
    """Store a secret (prompted twice without echo, or one line from stdin when piped)."""
    store = build_store(with_settings(ctx))

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
    store = build_store(with_settings(ctx))
    removed = run_async(lambda: store.delete(name))
    if not removed:
        fail(f"{name} is not set in {store.backend_name()}; nothing deleted", 1)
    log.info("secret deleted", secret=name)
    echo_text(f"{name} deleted from {store.backend_name()}")


def _settings_without_dotenv(ctx: click.Context, importing: Path) -> Settings:
    """Settings for import-env: the file being imported is exactly what load_settings refuses."""
    cli = cli_context(ctx)
    with one_line_errors():
        settings = load_settings(cli.config_path, dotenv_path=None, importing=importing)
        configure_logging(
            settings.logging.dir,
            settings.logging.level,
            settings.logging.max_bytes,
            settings.logging.backups,
        )
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
    """Move the secrets of a .env or a TOML config file into the keyring, then out of the file."""
    settings = _settings_without_dotenv(ctx, path)
    store = build_store(settings)
    with one_line_errors():
        if is_toml(path):
            scan = scan_toml_file(path)
            toml_text_without_secrets(path)  # refuse before the keyring is touched
        else:
            scan = scan_env_file(path)
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
