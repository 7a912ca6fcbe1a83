"""The admin key's verifier: scrypt with its salt and parameters, in the ``admin_key`` row.

The key itself is never stored. Verification re-derives with the *stored*
parameters (so a future change of the defaults keeps old verifiers working),
compares in constant time, and runs in a worker thread: one derivation takes
about 128 MiB and a few hundred milliseconds, which must not freeze a desk.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import math
import secrets
from dataclasses import asdict, dataclass

import aiosqlite

from app.core.errors import ConfigurationError

ALGORITHM = "scrypt"
SALT_BYTES = 16


@dataclass(frozen=True)
class ScryptParams:
    n: int = 2**17
    r: int = 8
    p: int = 1
    dklen: int = 32

    @property
    def maxmem(self) -> int:
        # scrypt needs 128*r*(n + p + 2) bytes; OpenSSL's default cap (32 MiB) is far below.
        return 128 * self.r * (self.n + self.p + 2) + (1 << 20)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ScryptParams:
        data = json.loads(text)
        return cls(n=int(data["n"]), r=int(data["r"]), p=int(data["p"]), dklen=int(data["dklen"]))


DEFAULT_PARAMS = ScryptParams()


@dataclass(frozen=True)
class Verifier:
    params: ScryptParams
    salt: bytes
    digest: bytes
    set_at: str
    set_by: str


def derive(key: str, salt: bytes, params: ScryptParams) -> bytes:
    return hashlib.scrypt(
        key.encode("utf-8"),
        salt=salt,
        n=params.n,
        r=params.r,
        p=params.p,
        dklen=params.dklen,
        maxmem=params.maxmem,
    )


def generate_admin_key() -> str:
    """A new key with 256 bits of entropy, URL-safe so it survives copy and paste."""
    return secrets.token_urlsafe(32)


# zxcvbn refuses longer input; the first 72 characters give a lower bound for the rest.
ESTIMATE_CHARS = 72
MAX_KEY_CHARS = 1024
# Words an attacker would try first against this key in particular.
CONTEXT_WORDS = ("pressbox", "admin", "adminkey", "admin-key", "break-glass", "breakglass")


def estimate(key: str) -> tuple[float, str]:
    """log2 of zxcvbn's guess count, and its warning (a fixed sentence, never part of the key).

    zxcvbn knows dictionary words, names, keyboard walks, dates, repeats and l33t: a
    character-class estimate calls ``Password1234567!`` 105 bits, zxcvbn about 27, which
    is closer to what an offline cracker with a word list needs.
    """
    from zxcvbn import zxcvbn  # its word lists take a moment to load; only a new key needs them

    result = zxcvbn(key[:ESTIMATE_CHARS], user_inputs=list(CONTEXT_WORDS))
    bits = math.log2(max(float(result["guesses"]), 1.0))
    return bits, str(result["feedback"]["warning"] or "").rstrip(".")


def check_strength(key: str, min_length: int, min_bits: float = 80.0) -> None:
    """ConfigurationError naming the rule a new admin key breaks (never the key)."""
    problem = None
    if len(key) < min_length:
        problem = f"it is {len(key)} characters long, the minimum is {min_length}"
    elif len(key) > MAX_KEY_CHARS:
        problem = f"it is longer than {MAX_KEY_CHARS} characters"
    elif key != key.strip():
        problem = "it starts or ends with whitespace"
    else:
        bits, why = estimate(key)
        if bits < min_bits:
            problem = (
                f"it is too guessable: about {bits:.0f} bits of entropy by zxcvbn, "
                f"{min_bits:.0f} needed"
                + (f" ({why.lower()})" if why else "")
                + "; use a long passphrase of unrelated words or --generate"
            )
    if problem:
        raise ConfigurationError(
            f"admin key refused: {problem}",
            hint="Use `pressbox admin-key set --generate` for a strong random key.",
        )


async def load_verifier(conn: aiosqlite.Connection) -> Verifier | None:
    async with conn.execute(
        "SELECT algorithm, params, salt, verifier, set_at, set_by FROM admin_key WHERE id = 1"
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    if row["algorithm"] != ALGORITHM:
        raise ConfigurationError(
            f"the stored admin key uses an unknown algorithm {row['algorithm']!r}",
            hint="Set a new admin key with `pressbox admin-key set`.",
        )
    return Verifier(
        ScryptParams.from_json(row["params"]),
        bytes(row["salt"]),
        bytes(row["verifier"]),
        row["set_at"],
        row["set_by"],
    )


async def matches(verifier: Verifier, candidate: str) -> bool:
    """Constant-time comparison of ``candidate`` against the verifier, off the event loop."""
    digest = await asyncio.to_thread(derive, candidate, verifier.salt, verifier.params)
    return hmac.compare_digest(digest, verifier.digest)


async def make_verifier(
    key: str, *, set_at: str, set_by: str, params: ScryptParams = DEFAULT_PARAMS
) -> Verifier:
    salt = secrets.token_bytes(SALT_BYTES)
    digest = await asyncio.to_thread(derive, key, salt, params)
    return Verifier(params, salt, digest, set_at, set_by)


async def store_verifier(conn: aiosqlite.Connection, verifier: Verifier) -> None:
    """Replace the verifier. Inside ``db.write()``."""
    await conn.execute(
        "INSERT INTO admin_key (id, algorithm, params, salt, verifier, set_at, set_by) "
        "VALUES (1, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
        "algorithm = excluded.algorithm, params = excluded.params, salt = excluded.salt, "
        "verifier = excluded.verifier, set_at = excluded.set_at, set_by = excluded.set_by",
        (
            ALGORITHM,
            verifier.params.to_json(),
            verifier.salt,
            verifier.digest,
            verifier.set_at,
            verifier.set_by,
        ),
    )
