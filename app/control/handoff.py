"""Following a break-glass run that was handed to the daemon through a request row.

``pressbox control execute`` promises the exit status of ``run``; when the
daemon runs the request, the command waits (bounded) for that run to finish
and reports its outcome instead of returning at once.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from app.domain.status import FINISHED_REQUEST
from app.storage import control_requests
from app.storage.database import Database
from app.storage.read.models import Run
from app.storage.read.runs import run_by_id


@dataclass(frozen=True)
class HandoffOutcome:
    request_status: str  # pending / taken / done / failed / expired
    run: Run | None  # the daemon's run, once it finished

    @property
    def finished(self) -> bool:
        return self.request_status in FINISHED_REQUEST


async def follow_request(
    db: Database, request_id: int, *, timeout_s: float, poll_s: float
) -> HandoffOutcome:
    """Poll the request until the daemon finished it or ``timeout_s`` passed."""
    deadline = time.monotonic() + timeout_s
    while True:
        async with db.read() as conn:
            request = await control_requests.get_request(conn, request_id)
            run = (
                await run_by_id(conn, request.run_id)
                if request is not None and request.run_id is not None
                else None
            )
        status = request.status if request is not None else "expired"
        outcome = HandoffOutcome(status, run)
        if outcome.finished or time.monotonic() >= deadline:
            return outcome
        await asyncio.sleep(poll_s)
