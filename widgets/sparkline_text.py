"""A one-line text sparkline, so line movement fits inside a table cell.

Standalone charts (the trends screen, CLV) use Textual's own ``Sparkline`` widget. A
table cell cannot hold a widget, and the game detail's cells are compared by their
text so that only a changed cell is repainted (``sync_rows``): this text form is for
that one place.
"""

from __future__ import annotations

from collections.abc import Sequence

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float], width: int = 12) -> str:
    """The last ``width`` values as bars scaled between their min and max."""
    recent = list(values)[-width:]
    if not recent:
        return ""
    low, high = min(recent), max(recent)
    if high == low:
        return BARS[0] * len(recent)
    span = high - low
    return "".join(BARS[round((v - low) / span * (len(BARS) - 1))] for v in recent)
