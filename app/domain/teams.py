"""The 30 MLB clubs: MLB Stats API team ids, canonical names and name aliases.

MLB identifies clubs by a numeric id; The Odds API and other feeds identify them by
a display name that drifts (the A's became plain "Athletics" in 2025, Cleveland was
the Indians until 2022). Everything that pairs records across sources goes through
the id, and this table is the only place a name is turned into one. No I/O.

Name lookup is forgiving about case, runs of whitespace, periods ("St Louis") and
typographic apostrophes ("A’s"), but never guesses: a name that is not a known
canonical name, alias, nickname or abbreviation resolves to ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Team:
    """One club. ``name`` is MLB's current full name; ``abbreviation`` is MLB's."""

    id: int
    name: str
    abbreviation: str
    aliases: tuple[str, ...] = ()


# id, current full name, MLB abbreviation, aliases (nickname first, then former names,
# other sources' spellings and other common abbreviations).
_CLUBS: tuple[Team, ...] = (
    Team(
        108,
        "Los Angeles Angels",
        "LAA",
        ("Angels", "LA Angels", "Los Angeles Angels of Anaheim", "Anaheim Angels"),
    ),
    Team(
        109,
        "Arizona Diamondbacks",
        "AZ",
        ("Diamondbacks", "D-backs", "Arizona D-backs", "Arizona Dbacks", "ARI"),
    ),
    Team(110, "Baltimore Orioles", "BAL", ("Orioles",)),
    Team(111, "Boston Red Sox", "BOS", ("Red Sox",)),
    Team(112, "Chicago Cubs", "CHC", ("Cubs",)),
    Team(113, "Cincinnati Reds", "CIN", ("Reds",)),
    Team(114, "Cleveland Guardians", "CLE", ("Guardians", "Cleveland Indians")),
    Team(115, "Colorado Rockies", "COL", ("Rockies",)),
    Team(116, "Detroit Tigers", "DET", ("Tigers",)),
    Team(117, "Houston Astros", "HOU", ("Astros",)),
    Team(118, "Kansas City Royals", "KC", ("Royals", "KCR")),
    Team(119, "Los Angeles Dodgers", "LAD", ("Dodgers", "LA Dodgers")),
    Team(120, "Washington Nationals", "WSH", ("Nationals", "WAS")),
    Team(121, "New York Mets", "NYM", ("Mets",)),
    Team(
        133,
        "Athletics",
        "ATH",
        (
            "Oakland Athletics",
            "Oakland A's",
            "A's",
            "Sacramento Athletics",
            "Las Vegas Athletics",
            "OAK",
        ),
    ),
    Team(134, "Pittsburgh Pirates", "PIT", ("Pirates",)),
    Team(135, "San Diego Padres", "SD", ("Padres", "SDP")),
    Team(136, "Seattle Mariners", "SEA", ("Mariners",)),
    Team(137, "San Francisco Giants", "SF", ("Giants", "SFG")),
    Team(138, "St. Louis Cardinals", "STL", ("Cardinals",)),
    Team(139, "Tampa Bay Rays", "TB", ("Rays", "TBR")),
    Team(140, "Texas Rangers", "TEX", ("Rangers",)),
    Team(141, "Toronto Blue Jays", "TOR", ("Blue Jays",)),
    Team(142, "Minnesota Twins", "MIN", ("Twins",)),
    Team(143, "Philadelphia Phillies", "PHI", ("Phillies",)),
    Team(144, "Atlanta Braves", "ATL", ("Braves",)),
    Team(145, "Chicago White Sox", "CWS", ("White Sox", "CHW")),
    Team(146, "Miami Marlins", "MIA", ("Marlins",)),
    Team(147, "New York Yankees", "NYY", ("Yankees",)),
    Team(158, "Milwaukee Brewers", "MIL", ("Brewers",)),
)

TEAMS: Mapping[int, Team] = MappingProxyType({team.id: team for team in _CLUBS})
"""Every club by MLB Stats API team id."""

_SPACES = re.compile(r"\s+")


def _normalise(name: str) -> str:
    # Periods and curly apostrophes vary between feeds ("St. Louis" / "St Louis", "A’s").
    text = name.replace("\u2019", "'").replace("\u2018", "'").replace(".", "")
    return _SPACES.sub(" ", text).strip().casefold()


def _build_index(clubs: tuple[Team, ...]) -> Mapping[str, int]:
    index: dict[str, int] = {}
    for team in clubs:
        for spelling in (team.name, team.abbreviation, *team.aliases):
            key = _normalise(spelling)
            if index.setdefault(key, team.id) != team.id:
                # A table error, caught at import time rather than as a silent mismatch.
                raise ValueError(f"team name {spelling!r} is claimed by two clubs")
    return MappingProxyType(index)


_BY_NAME = _build_index(_CLUBS)


def team_id_for_name(name: str) -> int | None:
    """The MLB team id for a full name, alias, nickname or abbreviation; ``None`` if unknown."""
    return _BY_NAME.get(_normalise(name))


def team_name(team_id: int) -> str:
    """MLB's current full name for ``team_id``.

    Raises ``KeyError`` for an id that is not one of the 30 clubs: ids come from
    MLB itself, so an unknown one is a bug or a non-MLB game, not a display issue.
    """
    try:
        return TEAMS[team_id].name
    except KeyError:
        raise KeyError(f"no MLB club has team id {team_id}") from None
