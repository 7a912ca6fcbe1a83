"""The admin key's verifier: scrypt with stored parameters, strength rules, generation."""

from __future__ import annotations

import hashlib
import json

import pytest

from app.core.errors import ConfigurationError
from app.security import admin_key as keys
from app.storage.database import Database

FAST = keys.ScryptParams(n=2**10)
KEY = "Correct-Horse-Battery-9-jX2mQz"  # pragma: allowlist secret


def test_default_parameters_are_the_designed_ones() -> None:
    params = keys.DEFAULT_PARAMS
    assert (params.n, params.r, params.p, params.dklen) == (2**17, 8, 1, 32)
    # OpenSSL refuses N=2^17 under its 32 MiB default; our maxmem must allow it.
    assert params.maxmem > 128 * params.r * params.n
    digest = keys.derive(KEY, b"0" * 16, params)
    assert digest == hashlib.scrypt(
        KEY.encode(), salt=b"0" * 16, n=2**17, r=8, p=1, dklen=32, maxmem=params.maxmem
    )


async def test_stored_verifier_holds_no_key_and_checks_in_constant_time(db: Database) -> None:
    verifier = await keys.make_verifier(
        KEY, set_at="2025-06-14T00:00:00.000Z", set_by="t", params=FAST
    )
    async with db.write() as conn:
        await keys.store_verifier(conn, verifier)
    async with db.read() as conn:
        loaded = await keys.load_verifier(conn)
        async with conn.execute("SELECT * FROM admin_key") as cur:
            row = await cur.fetchone()
    assert row is not None
    assert loaded is not None and loaded.params == FAST
    assert json.loads(row["params"]) == {"n": 1024, "r": 8, "p": 1, "dklen": 32}
    assert len(row["salt"]) == 16 and KEY.encode() not in bytes(row["verifier"])
    assert await keys.matches(loaded, KEY)
    assert not await keys.matches(loaded, KEY + "x")


def test_generated_keys_are_strong_and_distinct() -> None:
    a, b = keys.generate_admin_key(), keys.generate_admin_key()
    assert a != b and len(a) >= 43
    keys.check_strength(a, 16)


@pytest.mark.parametrize(
    ("candidate", "words"),
    [
        ("Sh0rt!", "minimum is 16"),
        ("aaaaaaaaaaaaaaaaaaaa", "too guessable"),
        ("1234567890123456", "too guessable"),
        (" leading-space-key-123", "whitespace"),
        ("Password1234567!", "too guessable"),  # 105 bits by character classes, ~27 by zxcvbn
        ("Summer2024!Summer2024!", "repeats"),
        ("pressbox-admin-key-2025", "too guessable"),
        ("x" * 1025, "longer than 1024"),
    ],
)
def test_weak_keys_are_refused_without_echoing_them(candidate: str, words: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        keys.check_strength(candidate, 16)
    line = caught.value.one_line()
    assert words in line.lower() and "\n" not in line
    assert candidate.strip() not in line


@pytest.mark.parametrize(
    "candidate",
    [
        "correct horse battery staple orbit",  # pragma: allowlist secret
        "quartz-lumen-otter-vivid-9041",  # pragma: allowlist secret
        KEY,
    ],
)
def test_long_passphrases_and_random_keys_pass(candidate: str) -> None:
    bits, _ = keys.estimate(candidate)
    assert bits >= 80
    keys.check_strength(candidate, 16)


def test_the_bar_cannot_be_set_below_80_bits() -> None:
    from app.core.config import load_settings
    from app.core.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match=r"security\.min_admin_key_bits"):
        load_settings(dotenv_path=None, security={"min_admin_key_bits": 60})
