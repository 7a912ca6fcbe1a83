"""Which keyring backends may hold our credentials.

keyring's auto-detection happily falls back to backends that store nothing
(``fail``, ``null``) or store plaintext (everything in ``keyrings.alt``). We
inspect the backend it chose, unwrap a chainer, and accept only backends
that encrypt at rest. The allow-list is by exact class name, not
``isinstance``: a subclass of an accepted backend can change where and how
it stores, so it is unknown until someone vets it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend

from app.core.errors import ConfigurationError

CRYPTFILE = "keyrings.cryptfile.cryptfile.CryptFileKeyring"
CRYPTFILE_PASSWORD_ENV = "KEYRING_CRYPTFILE_PASSWORD"  # noqa: S105  # pragma: allowlist secret

ACCEPTED: frozenset[str] = frozenset(
    {
        "keyring.backends.SecretService.Keyring",  # GNOME keyring, KeePassXC, ... over D-Bus
        "keyring.backends.libsecret.Keyring",  # the same service through libsecret
        "keyring.backends.kwallet.DBusKeyring",
        "keyring.backends.kwallet.DBusKeyringKWallet4",
        "keyring.backends.macOS.Keyring",
        "keyring.backends.Windows.WinVaultKeyring",
        CRYPTFILE,  # AES-GCM file, key derived with argon2 from a passphrase
    }
)

HEADLESS_RECIPES = (
    "On a headless server either run pressbox under a Secret Service: "
    '`dbus-run-session -- sh -c \'printf %s "$KEYRING_PASS" | gnome-keyring-daemon --unlock '
    "--components=secrets >/dev/null; exec pressbox ...'`, or use the encrypted file backend: "
    "PYTHON_KEYRING_BACKEND=keyrings.cryptfile.cryptfile.CryptFileKeyring with "
    "KEYRING_CRYPTFILE_PASSWORD set (see docs/headless-keyring.md)"
)

# Only tests add classes here (see ``allow_for_tests``); nothing in production reads a
# variable, file or setting that could widen the allow-list.
_TEST_ALLOWED: tuple[type[KeyringBackend], ...] = ()


def allow_for_tests(*classes: type[KeyringBackend]) -> None:
    """Accept extra backend classes in this process (tests only; ``()`` resets)."""
    global _TEST_ALLOWED
    _TEST_ALLOWED = tuple(classes)


def backend_name(backend: KeyringBackend | type[KeyringBackend]) -> str:
    cls = backend if isinstance(backend, type) else type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


@dataclass(frozen=True)
class Verdict:
    name: str
    accepted: bool
    why: str


def judge(backend: KeyringBackend, allowed_extra: tuple[type[KeyringBackend], ...] = ()) -> Verdict:
    """Accept or refuse one (unwrapped) backend, with the reason in words."""
    name = backend_name(backend)
    if type(backend) in allowed_extra or type(backend) in _TEST_ALLOWED:
        return Verdict(name, True, "allowed by the caller")
    if name in ACCEPTED:
        return Verdict(name, True, "encrypts at rest")
    module = type(backend).__module__
    if module == "keyring.backends.fail":
        return Verdict(name, False, "no keyring backend is available")
    if module == "keyring.backends.null":
        return Verdict(name, False, "the null backend silently stores nothing")
    if module.startswith("keyrings.alt") or type(backend).__name__ == "PlaintextKeyring":
        return Verdict(name, False, "it stores credentials unencrypted (plaintext)")
    return Verdict(name, False, "unknown backend, not known to encrypt at rest")


def members(backend: KeyringBackend) -> tuple[KeyringBackend, ...]:
    """The chain's backends, highest priority first (a plain backend is its own chain)."""
    if isinstance(backend, ChainerBackend):
        return tuple(ChainerBackend.backends)
    return (backend,)


def vet(
    backend: KeyringBackend, allowed_extra: tuple[type[KeyringBackend], ...] = ()
) -> KeyringBackend:
    """The backend to use, or ConfigurationError with the headless recipes.

    A chainer is never used as such: its reads fall through to every lower
    backend, and keyrings.cryptfile (our dependency) puts a plaintext backend in
    every chain. We use the chain's highest-priority backend alone, when it is
    accepted, so the others never receive or serve a credential.
    """
    inner = members(backend)
    if not inner:
        raise no_usable_backend("keyring found no backend at all")
    chosen = inner[0]
    verdict = judge(chosen, allowed_extra)
    if not verdict.accepted:
        raise no_usable_backend(f"refusing keyring backend {verdict.name}: {verdict.why}")
    if backend_name(chosen) == CRYPTFILE:
        _unlock_cryptfile(chosen)
    return chosen


def no_usable_backend(why: str) -> ConfigurationError:
    return ConfigurationError(f"no usable keyring: {why}", hint=HEADLESS_RECIPES + ".")


def _unlock_cryptfile(backend: KeyringBackend) -> None:
    # keyrings.cryptfile asks for its passphrase with getpass(), which would block a daemon
    # forever; we hand it the passphrase from the environment or refuse.
    if getattr(backend, "_keyring_key", None) is not None:
        return
    passphrase = os.environ.get(CRYPTFILE_PASSWORD_ENV)
    if not passphrase:
        raise ConfigurationError(
            f"the encrypted file keyring needs its passphrase in {CRYPTFILE_PASSWORD_ENV}",
            hint="Export it in the service's environment (systemd: LoadCredential= or an "
            "EnvironmentFile readable only by the service account); see docs/headless-keyring.md.",
        )
    if not cryptfile_exists(backend):
        # Setting the key on a missing file would create it with whatever the variable
        # holds, typo included: creation is `pressbox secrets init`, which asks twice.
        raise ConfigurationError(
            f"the encrypted file keyring {cryptfile_path(backend)} does not exist yet",
            hint="Create it once with `pressbox secrets init` (asks for the passphrase twice); "
            "see docs/headless-keyring.md.",
        )
    try:
        backend.keyring_key = passphrase  # type: ignore[attr-defined]
    except ValueError:
        raise ConfigurationError(
            f"the encrypted file keyring refused the passphrase in {CRYPTFILE_PASSWORD_ENV}",
            hint="Check the passphrase; the file keeps its old contents.",
        ) from None


def cryptfile_path(backend: KeyringBackend) -> str:
    return str(getattr(backend, "file_path", "?"))


def cryptfile_exists(backend: KeyringBackend) -> bool:
    return os.path.isfile(cryptfile_path(backend))


def init_cryptfile(backend: KeyringBackend, passphrase: str) -> str:
    """Create the encrypted file keyring with ``passphrase``; its path. Refuses an existing one."""
    path = cryptfile_path(backend)
    if backend_name(backend) != CRYPTFILE:
        raise ConfigurationError(
            f"the keyring backend is {backend_name(backend)}, which needs no init",
            hint="`pressbox secrets init` only creates the encrypted file keyring "
            f"(PYTHON_KEYRING_BACKEND={CRYPTFILE}).",
        )
    if cryptfile_exists(backend):
        raise ConfigurationError(
            f"the encrypted file keyring {path} already exists; nothing changed",
            hint=f"Export its passphrase in {CRYPTFILE_PASSWORD_ENV}; to start over, move the "
            "file away first (its secrets are lost without the old passphrase).",
        )
    if not passphrase.strip():
        raise ConfigurationError(
            "refusing an empty passphrase for the encrypted file keyring",
            hint="Choose a long passphrase; nothing was created.",
        )
    try:
        backend.keyring_key = passphrase  # type: ignore[attr-defined]
    except OSError as exc:
        raise ConfigurationError(
            f"cannot create the encrypted file keyring {path} ({exc.strerror})",
            hint="Check that its directory is writable (XDG_DATA_HOME).",
        ) from None
    return path


@dataclass(frozen=True)
class Diagnosis:
    """What keyring chose, why, whether we use it, and what to do next."""

    chosen: str
    chosen_by: str
    accepted: bool
    why: str
    advice: str
    chain: tuple[Verdict, ...] = ()


def chosen_by() -> str:
    """Where keyring's choice came from: the environment, its config file, or auto-detection."""
    configured = os.environ.get("PYTHON_KEYRING_BACKEND")
    if configured:
        return f"PYTHON_KEYRING_BACKEND={configured}"
    import keyring.util.platform_

    config = os.path.join(keyring.util.platform_.config_root(), "keyringrc.cfg")
    if os.path.isfile(config):
        return f"keyring's config file {config}"
    return "keyring's auto-detection (the highest-priority backend found on this host)"


def diagnose(allowed_extra: tuple[type[KeyringBackend], ...] = ()) -> Diagnosis:
    """Never raises for an unusable keyring: says which backend, why, and what to do."""
    by = chosen_by()
    try:
        backend = current_backend()
    except ConfigurationError as exc:
        return Diagnosis("(none)", by, False, exc.message, HEADLESS_RECIPES + ".")
    chain = tuple(judge(b, allowed_extra) for b in members(backend))
    if not chain:
        return Diagnosis("(none)", by, False, "keyring found no backend at all", HEADLESS_RECIPES)
    first = members(backend)[0]
    verdict = chain[0]
    if not verdict.accepted:
        return Diagnosis(verdict.name, by, False, verdict.why, HEADLESS_RECIPES + ".", chain)
    if verdict.name == CRYPTFILE:
        return _diagnose_cryptfile(first, by, chain)
    return Diagnosis(verdict.name, by, True, verdict.why, "nothing to do", chain)


def _diagnose_cryptfile(backend: KeyringBackend, by: str, chain: tuple[Verdict, ...]) -> Diagnosis:
    path = cryptfile_path(backend)
    if not cryptfile_exists(backend):
        return Diagnosis(
            CRYPTFILE,
            by,
            False,
            f"its file {path} does not exist yet",
            "Run `pressbox secrets init` once (asks for the passphrase twice), then export it "
            f"in {CRYPTFILE_PASSWORD_ENV}.",
            chain,
        )
    if not os.environ.get(CRYPTFILE_PASSWORD_ENV):
        return Diagnosis(
            CRYPTFILE,
            by,
            False,
            f"{CRYPTFILE_PASSWORD_ENV} is not set",
            f"Export the passphrase of {path} in {CRYPTFILE_PASSWORD_ENV} "
            "(systemd: LoadCredential= or a private EnvironmentFile).",
            chain,
        )
    return Diagnosis(CRYPTFILE, by, True, f"encrypts at rest in {path}", "nothing to do", chain)


def current_backend() -> KeyringBackend:
    """keyring's choice (environment, config file or auto-detection), not yet vetted."""
    try:
        return keyring.get_keyring()
    except (ImportError, keyring.errors.KeyringError, ValueError) as exc:
        # A PYTHON_KEYRING_BACKEND naming a missing class lands here.
        raise no_usable_backend(
            f"the configured keyring backend cannot be loaded ({type(exc).__name__})"
        ) from None
