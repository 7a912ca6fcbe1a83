"""The find language (widgets.table_filter) and what each desk table lets it read."""

from __future__ import annotations

import pytest

from app.tui.table_rows import bet_filter, event_filter, game_filter, plain
from widgets.table_filter import Facts, FilterError, parse_filter

BET: Facts = {"book": "fanduel FanDuel", "market": "h2h ML BOS", "ev": 4.9, "price": 114.0}


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("", True),
        ("fan", True),  # any text of the row, case folded
        ("FANDUEL", True),
        ("book:fanduel", True),
        ("book:draftkings", False),
        ("market:ml", True),
        ("ev>3", True),
        ("ev>4.9", False),
        ("ev>=4.9", True),
        ("ev<5", True),
        ("ev<=4.8", False),
        ("ev=4.9", True),
        ("price>100 book:fan", True),  # every word must match
        ("price>200 book:fan", False),
        ("ev>", True),  # still being typed: asks nothing yet
        ("book:", True),
        ("ev>-1", True),
    ],
)
def test_words_named_texts_and_numbers(text: str, kept: bool) -> None:
    row_filter = parse_filter(text, ("book", "market"), ("ev", "price"))
    assert row_filter.matches(BET) is kept


def test_a_name_the_table_does_not_know_is_one_line_listing_those_it_does() -> None:
    with pytest.raises(FilterError) as caught:
        game_filter("ev>3")
    assert str(caught.value) == "'ev' unknown here; try team: status:"
    with pytest.raises(FilterError, match="try game: bet: book: market: ev> price> fair> stake>"):
        bet_filter("bok:fanduel")


def test_a_number_never_matches_a_text_and_a_text_never_a_number() -> None:
    assert not parse_filter("ev:4", ("ev",), ("ev",)).matches({"ev": 4.0})
    assert not parse_filter("ev>3", ("ev",), ("ev",)).matches({"ev": "4"})


def test_the_filter_keeps_the_typed_text_for_the_title() -> None:
    assert event_filter("  kind:audit   severity:error ").text == "kind:audit severity:error"


def test_plain_reads_a_cell_as_the_operator_does() -> None:
    assert plain("[green]+4.9%[/]") == "+4.9%"
    assert plain("NYY @ BOS[bold yellow]★[/]") == "NYY @ BOS★"
    assert plain("a \\[b]") == "a [b]"
