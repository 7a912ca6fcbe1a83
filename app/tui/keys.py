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

GENERAL: tuple[KeyHelp, ...] = (
    ("tab", "Next table or button (Shift+Tab: previous)"),
    ("enter", "In break-glass, Enter (never Tab) moves from Reason to the key"),
    ("ctrl+p", "Command palette"),
    ("?", "This help"),
    ("q", "Quit"),
)


def key_label(binding: Binding) -> str:
    return binding.key_display or binding.key


def binding_help(bindings: Iterable[BindingType]) -> list[KeyHelp]:
    """(key, what it does) of the shown bindings, help and quit left to ``GENERAL``."""
    rows: list[KeyHelp] = []
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.show:
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
