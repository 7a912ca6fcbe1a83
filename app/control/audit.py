"""The append-only, hash-chained audit trail of break-glass attempts.

Each row's ``hash`` is sha256 over the previous row's hash and the canonical
JSON of the row's own fields (id included, so rows cannot be renumbered).
Triggers refuse UPDATE and DELETE; the chain catches what triggers cannot
(someone dropping them, or editing the file). ``append`` must run inside
``db.write()`` (BEGIN IMMEDIATE): reading the tail and inserting the next row
in one write transaction is what keeps concurrent writers on one chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import aiosqlite

from app.core.logging import get_logger, redact
from app.security.identity import Actor
from app.storage.audit_log import FIELDS, AuditEntry, entry_from_row, recent
from app.storage.read import security as security_reads
from app.storage.read.rows import fetch_one

GENESIS = "0" * 64

log = get_logger(__name__)

__all__ = [
    "FIELDS",
    "GENESIS",
    "AuditEntry",
    "Head",
    "append",
    "chain_hash",
    "find_head",
    "head",
    "recent",
    "verify_chain",
]


def chain_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    canonical = json.dumps(
        {name: fields[name] for name in FIELDS},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _clean(text: str | None) -> str | None:
    # Reasons and details are free text: mask any registered secret that found its way in.
    return redact(text) if text is not None else None


async def append(
    conn: aiosqlite.Connection,
    *,
    at: str,
    action: str,
    outcome: str,
    actor: Actor,
    target: str | None = None,
    reason: str | None = None,
    detail: str | None = None,
) -> AuditEntry:
    """Add one row at the end of the chain. Inside ``db.write()``."""
    tail = await head(conn)
    prev_id, prev_hash = tail.id, tail.hash
    fields: dict[str, Any] = {
        "id": prev_id + 1,
        "at": at,
        "action": action,
        "target": target,
        "reason": _clean(reason),
        "outcome": outcome,
        "detail": _clean(detail),
        "login_user": actor.login_user,
        "sudo_user": actor.sudo_user,
        "ssh_client": actor.ssh_client,
        "tty": actor.tty,
        "pid": actor.pid,
        "host": actor.host,
        "app_version": actor.app_version,
    }
    digest = chain_hash(prev_hash, fields)
    await conn.execute(
        f"INSERT INTO audit_log ({', '.join(FIELDS)}, prev_hash, hash) "
        f"VALUES ({', '.join('?' for _ in FIELDS)}, ?, ?)",
        (*(fields[name] for name in FIELDS), prev_hash, digest),
    )
    # The head, outside the database: a log shipped elsewhere (or an e-mail) is a witness
    # that a later rewrite of the file cannot change. Logged before the commit, so a
    # rolled-back append leaves a head that `--expect-head` will (rightly) not find.
    log.info("audit head", audit_head=str(Head(prev_id + 1, digest)), action=action)
    return AuditEntry(**fields, prev_hash=prev_hash, hash=digest)


@dataclass(frozen=True)
class Head:
    """A row's id and hash: what a witness writes down, as ``ID:HASH``."""

    id: int
    hash: str

    def __str__(self) -> str:
        return f"{self.id}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Head:
        """``ID:HASH``; ValueError naming the expected form otherwise."""
        ident, sep, digest = text.strip().partition(":")
        digest = digest.lower()
        if (
            not sep
            or not ident.isdigit()
            or len(digest) != 64
            or any(c not in "0123456789abcdef" for c in digest)
        ):
            raise ValueError("expected ID:HASH, e.g. 42:<64 hex digits> from `pressbox audit head`")
        return cls(int(ident), digest)


async def head(conn: aiosqlite.Connection) -> Head:
    """The newest row's id and hash (``0:GENESIS`` for an empty trail)."""
    row = await fetch_one(conn, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
    return Head(int(row["id"]), str(row["hash"])) if row else Head(0, GENESIS)


async def find_head(conn: aiosqlite.Connection, expected: Head) -> str | None:
    """None when the trail holds ``expected``; otherwise why not (truncated or rewritten)."""
    if expected.id == 0:
        return None if expected.hash == GENESIS else "head 0 can only be the genesis hash"
    row = await fetch_one(conn, "SELECT hash FROM audit_log WHERE id = ?", (expected.id,))
    if row is None:
        newest = await head(conn)
        return (
            f"the trail ends at row {newest.id}, before the expected head #{expected.id} "
            "(truncated, or the head is from another database)"
        )
    if str(row["hash"]) != expected.hash:
        return (
            f"row {expected.id} has hash {str(row['hash'])[:12]}..., not the expected "
            f"{expected.hash[:12]}... (the trail was rewritten at or before that row)"
        )
    return None


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    checked: int
    first_broken_id: int | None
    problem: str | None


async def verify_chain(conn: aiosqlite.Connection) -> ChainCheck:
    """Walk the whole trail in id order, recomputing every hash and link."""
    prev_hash = GENESIS
    expected_id = 1
    checked = 0
    async with conn.execute("SELECT * FROM audit_log ORDER BY id") as cursor:
        async for row in cursor:
            entry = entry_from_row(row)
            problem = None
            if entry.id != expected_id:
                problem = f"row {expected_id} is missing (next row is {entry.id})"
            elif entry.prev_hash != prev_hash:
                problem = "it does not link to the previous row"
            elif chain_hash(prev_hash, entry.fields()) != entry.hash:
                problem = "its contents do not match its hash"
            if problem is not None:
                return ChainCheck(False, checked, min(entry.id, expected_id), problem)
            prev_hash = entry.hash
            expected_id += 1
            checked += 1
    return ChainCheck(True, checked, None, None)


async def last_allowed_at(conn: aiosqlite.Connection, action: str) -> str | None:
    """When ``action`` last passed the gate (rate limits count these rows)."""
    return await security_reads.last_allowed_at(conn, action)
