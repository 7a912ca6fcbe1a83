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
import string
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


def estimated_bits(key: str) -> float:
    """Length x log2(character classes used): a crude upper bound, enough to refuse weak keys."""
    pool = 0
    if any(c in string.ascii_lowercase for c in key):
        pool += 26
    if any(c in string.ascii_uppercase for c in key):
        pool += 26
    if any(c in string.digits for c in key):
        pool += 10
    if any(c not in string.ascii_letters + string.digits for c in key):
        pool += 33
    return len(key) * math.log2(pool) if pool else 0.0


MIN_BITS = 64.0
MIN_DISTINCT = 8


def check_strength(key: str, min_length: int) -> None:
    """ConfigurationError naming the rule a new admin key breaks (never the key)."""
    problem = None
    if len(key) < min_length:
        problem = f"it is {len(key)} characters long, the minimum is {min_length}"
    elif key != key.strip():
        problem = "it starts or ends with whitespace"
    elif len(set(key)) < MIN_DISTINCT:
        problem = f"it uses fewer than {MIN_DISTINCT} different characters"
    elif estimated_bits(key) < MIN_BITS:
        problem = "it is too predictable (mix letters, digits and symbols, or make it longer)"
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
