"""MLB club table and name lookup."""

from __future__ import annotations

import pytest
from fixture_data import load_fixture

from app.domain.teams import TEAMS, team_id_for_name, team_name


def test_thirty_clubs_with_unique_names_and_abbreviations() -> None:
    assert len(TEAMS) == 30
    assert len({t.name for t in TEAMS.values()}) == 30
    assert len({t.abbreviation for t in TEAMS.values()}) == 30
    assert all(team_id == team.id for team_id, team in TEAMS.items())


def test_every_spelling_resolves_to_its_own_club() -> None:
    for team in TEAMS.values():
        for spelling in (team.name, team.abbreviation, *team.aliases):
            assert team_id_for_name(spelling) == team.id, spelling


@pytest.mark.parametrize(
    "name",
    ["Athletics", "Oakland Athletics", "Oakland A's", "A's", "Sacramento Athletics", "ATH"],
)
def test_the_athletics_by_every_name(name: str) -> None:
    assert team_id_for_name(name) == 133
    assert team_name(133) == "Athletics"


@pytest.mark.parametrize(
    ("name", "team_id"),
    [
        ("  oakland   a’s ", 133),  # case, spaces, typographic apostrophe
        ("Arizona D-backs", 109),
        ("arizona diamondbacks", 109),
        ("Cleveland Guardians", 114),
        ("Cleveland Indians", 114),
        ("St Louis Cardinals", 138),
        ("ST. LOUIS CARDINALS", 138),
        ("Los Angeles Angels of Anaheim", 108),
    ],
)
def test_lookup_forgives_spelling_but_not_identity(name: str, team_id: int) -> None:
    assert team_id_for_name(name) == team_id


@pytest.mark.parametrize("name", ["", "Oakland", "Sox", "Los Angeles", "Montreal Expos", "Yanks"])
def test_unknown_or_ambiguous_names_resolve_to_none(name: str) -> None:
    assert team_id_for_name(name) is None


def test_names_in_the_upstream_fixtures_resolve() -> None:
    for event in load_fixture("odds_api_v4_baseball_mlb_odds.json"):
        assert team_id_for_name(event["home_team"]) is not None
        assert team_id_for_name(event["away_team"]) is not None
    schedule = load_fixture("mlb_statsapi_schedule_2025-06-14.json")
    for day in schedule["dates"]:
        for game in day["games"]:
            for side in ("home", "away"):
                team = game["teams"][side]["team"]
                assert team_id_for_name(team["name"]) == team["id"]
                assert team_name(team["id"]) == team["name"]


def test_unknown_team_id_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="no MLB club has team id 159"):
        team_name(159)


def test_a_name_claimed_by_two_clubs_is_a_table_error() -> None:
    from app.domain.teams import Team, _build_index

    clash = (
        Team(1, "Gotham Knights", "GOT", ("Knights",)),
        Team(2, "Metro Knights", "MET", ("knights",)),
    )
    with pytest.raises(ValueError, match="'knights' is claimed by two clubs"):
        _build_index(clash)
