"""The keys every screen offers and how the help screen lists them.

Each screen's own bindings come first in its footer and its help; `? Help` and
`q Quit` follow right after them (before the desk-wide keys), so that a narrow
footer that has to cut something cuts the desk-wide extras, never those two.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.binding import Binding, BindingType

KeyHelp = tuple[str, str]

HELP_AND_QUIT: tuple[Binding, ...] = (
    Binding("question_mark", "app.help", "Help", key_display="?"),
    Binding("q", "app.quit", "Quit"),
)
HELP_AND_QUIT_KEYS = frozenset(b.key for b in HELP_AND_QUIT)

# Find and sort on every table of every screen (``screens.tables.TableScreen``); the
# cursor keys are the table's own (``widgets.keyed_table.NAVIGATION``). Hidden from the
# footer, which must keep ? and q at 80 columns; the help lists them from these tooltips.
TABLE_BINDINGS: tuple[Binding, ...] = (
    Binding(
        "slash",
        "find",
        "Find",
        key_display="/",
        show=False,
        tooltip="Find in the focused table (sox, book:fanduel, ev>3)",
        # Priority: run when the app reads the key, before it hands the keys typed right
        # after it to the table; a burst like `/ev>3` then lands whole in the find bar.
        # A screen's ``check_action`` lets a `/` typed into the bar itself through.
        priority=True,
    ),
    Binding(
        "s",
        "sort_next",
        "Sort",
        show=False,
        tooltip="Sort the focused table by its next column (by value: numbers, times)",
    ),
    Binding("S", "sort_flip", "Order", show=False, tooltip="Flip the sort order (▲ / ▼)"),
)
# Jump and zoom on the dashboard's panels, beside the table keys.
PANEL_BINDINGS: tuple[Binding, ...] = (
    Binding(
        "1",
        "panel(0)",
        "Games",
        key_display="1-4",
        show=False,
        tooltip="Focus games, value bets, events, health",
    ),
    Binding("2", "panel(1)", "Bets", show=False),
    Binding("3", "panel(2)", "Events", show=False),
    Binding("4", "panel(3)", "Health", show=False),
    Binding(
        "z", "zoom", "Zoom", show=False, tooltip="Zoom the focused panel to the screen and back"
    ),
    Binding(
        "escape",
        "escape",
        "Clear",
        show=False,
        tooltip="Close find (clears it), un-zoom, clear the filter",
    ),
)
FIND_BINDING = TABLE_BINDINGS[0]
ESCAPE_BINDING = PANEL_BINDINGS[-1]

GENERAL: tuple[KeyHelp, ...] = (
    ("tab", "Next table or button (Shift+Tab: previous)"),
    ("enter", "In break-glass, Enter (never Tab) moves from Reason to the key"),
    ("ctrl+p", "Command palette"),
    ("?", "This help"),
    ("q", "Quit"),
)


def key_label(binding: Binding) -> str:
    return binding.key_display or binding.key


def binding_help(bindings: Iterable[BindingType], *, hidden: bool = False) -> list[KeyHelp]:
    """(key, what it does) of the shown bindings, help and quit left to ``GENERAL``.

    ``hidden``: also the bindings kept out of the footer that carry a tooltip (one
    tooltip may speak for a group of keys, like ``1``-``4``).
    """
    rows: list[KeyHelp] = []
    for binding in bindings:
        if not isinstance(binding, Binding):
            continue
        if not (binding.show or (hidden and binding.tooltip)):
            continue
        if binding.key in HELP_AND_QUIT_KEYS:
            continue
        rows.append((key_label(binding), binding.tooltip or binding.description))
    return rows


def screen_help(own: Sequence[KeyHelp], desk: Sequence[KeyHelp]) -> list[tuple[str, list[KeyHelp]]]:
    """The help's sections: this screen's keys, then desk keys it does not shadow."""
    taken = {key for key, _ in own}
    return [
        ("This screen", list(own)),
        ("Desk", [row for row in desk if row[0] not in taken]),
        ("Everywhere", list(GENERAL)),
    ]
