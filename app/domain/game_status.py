"""One status vocabulary for MLB games, from MLB's codedGameState / statusCode / detailedState.

MLB's ``abstractGameState`` is too coarse to act on: every "Suspended…" state
(codes T, U) and in-game "Delayed: …" state (I) is ``Live``, and "Postponed…" (D)
and "Cancelled…" (C) are ``Final``. ``classify`` maps a status onto ``GameStatus``
with the detailed reason ("Rain"), and the sets below say what each status allows:
only a game that can still be played from here is paired with odds or priced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class GameStatus(StrEnum):
    SCHEDULED = "scheduled"
    WARMUP = "warmup"
    LIVE = "live"
    DELAYED_START = "delayed start"
    DELAYED = "delayed (in game)"
    SUSPENDED = "suspended"
    FINAL = "final"
    GAME_OVER = "game over"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    FORFEIT = "forfeit"


# Not started yet: odds are pre-game odds.
PRE_GAME = frozenset({GameStatus.SCHEDULED, GameStatus.WARMUP, GameStatus.DELAYED_START})
# Being played now (a rain delay inside the game included).
IN_PLAY = frozenset({GameStatus.LIVE, GameStatus.DELAYED})
# Over: the result stands.
FINISHED = frozenset({GameStatus.FINAL, GameStatus.GAME_OVER, GameStatus.FORFEIT})
# Not being played on this slate: never paired with odds, never priced.
NOT_PLAYED = frozenset({GameStatus.POSTPONED, GameStatus.CANCELLED, GameStatus.SUSPENDED})
# Paired with an odds event: a game that may still be played from here.
PAIRABLE = PRE_GAME | IN_PLAY

# Prefixes of detailedState, most specific first ("Delayed Start" before "Delayed").
_BY_TEXT: tuple[tuple[str, GameStatus], ...] = (
    ("suspended", GameStatus.SUSPENDED),
    ("postponed", GameStatus.POSTPONED),
    ("cancelled", GameStatus.CANCELLED),
    ("canceled", GameStatus.CANCELLED),
    ("forfeit", GameStatus.FORFEIT),
    ("delayed start", GameStatus.DELAYED_START),
    ("delayed", GameStatus.DELAYED),
    ("warmup", GameStatus.WARMUP),
    ("game over", GameStatus.GAME_OVER),
    ("final", GameStatus.FINAL),
    ("completed early", GameStatus.FINAL),
    ("in progress", GameStatus.LIVE),
    ("manager challenge", GameStatus.LIVE),
    ("review", GameStatus.LIVE),
    ("pre-game", GameStatus.SCHEDULED),
    ("scheduled", GameStatus.SCHEDULED),
)

# codedGameState when the text says nothing we know.
_BY_CODE: dict[str, GameStatus] = {
    "S": GameStatus.SCHEDULED,
    "P": GameStatus.SCHEDULED,
    "I": GameStatus.LIVE,
    "M": GameStatus.LIVE,
    "N": GameStatus.LIVE,
    "T": GameStatus.SUSPENDED,
    "U": GameStatus.SUSPENDED,
    "D": GameStatus.POSTPONED,
    "C": GameStatus.CANCELLED,
    "O": GameStatus.GAME_OVER,
    "F": GameStatus.FINAL,
}


@dataclass(frozen=True, slots=True)
class Classified:
    status: GameStatus
    reason: str | None  # "Rain", "Inclement Weather", "Tied"...


def classify(
    coded_state: str, detailed_state: str, abstract_state: str = "", reason: str | None = None
) -> Classified:
    """The status of a game, and the detailed reason if MLB gave one."""
    text = detailed_state.strip().lower()
    status = next((s for prefix, s in _BY_TEXT if text.startswith(prefix)), None)
    # The code settles what the words do not (and wins for suspensions: T/U are never live).
    coded = _BY_CODE.get(coded_state.strip().upper()[:1])
    if coded in NOT_PLAYED or status is None:
        status = coded
    if status is None:
        status = {"live": GameStatus.LIVE, "final": GameStatus.FINAL}.get(
            abstract_state.strip().lower(), GameStatus.SCHEDULED
        )
    detail = reason.strip() if reason and reason.strip() else None
    if detail is None and ":" in detailed_state:
        detail = detailed_state.split(":", 1)[1].strip() or None
    return Classified(status, detail)


def label(status: GameStatus, reason: str | None) -> str:
    """For people: ``suspended (Rain)``."""
    return f"{status.value} ({reason})" if reason else status.value


def _day(value: date) -> str:
    return f"{value:%b} {value.day}"


def slate_status(
    category: str,
    reason: str | None,
    *,
    viewing: date | None,
    official_date: date,
    reschedule_date: date | None,
    inning: int | None,
    inning_half: str | None,
) -> str:
    """One status text for the desk and the CLI: ``PPD → Apr 8``, ``Susp: Rain``, ``T6``.

    ``viewing`` is the slate day shown: a postponed game on its original day names its
    make-up date; a resumed game on the resumption day says it resumes.
    """
    try:
        status = GameStatus(category)
    except ValueError:
        status = GameStatus.SCHEDULED
    why = f": {reason}" if reason else ""
    if viewing is not None and reschedule_date == official_date and viewing < official_date:
        # The original day of a game moved to a make-up date: whatever the game did since
        # (scheduled, played), this day's slate says where it went.
        return f"PPD → {_day(official_date)}"
    if status is GameStatus.POSTPONED:
        make_up = reschedule_date or (official_date if official_date != viewing else None)
        return f"PPD → {_day(make_up)}" if make_up else "PPD"
    if status is GameStatus.SUSPENDED:
        return f"Susp{why}"
    if status is GameStatus.CANCELLED:
        return f"Canc{why}"
    if status is GameStatus.DELAYED_START:
        return f"Delayed{why}"
    if status in IN_PLAY and inning is not None:
        half = {"Top": "T", "Bottom": "B", "Middle": "M", "End": "E"}.get(inning_half or "", "")
        text = f"{half}{inning}"
        if viewing is not None and viewing != official_date:
            text = f"resumed {text}"  # a suspended game picked up on a later day
        return f"{text} Delay{why}" if status is GameStatus.DELAYED else text
    if status is GameStatus.DELAYED:
        return f"Delay{why}"
    if status is GameStatus.LIVE:
        return "Live"
    if status in FINISHED:
        return "Final" if status is not GameStatus.FORFEIT else "Forfeit"
    if status is GameStatus.WARMUP:
        return "Warmup"
    return "Sched"


def start_text(hhmm: str, *, start_tbd: bool, double_header: str, game_number: int) -> str:
    """The start column: ``19:05``, ``TBD``, or ``Gm 2`` (a doubleheader's game 2, no time yet)."""
    if not start_tbd:
        return hhmm
    return f"Gm {game_number}" if double_header in ("Y", "S") and game_number > 1 else "TBD"
