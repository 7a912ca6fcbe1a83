"""The find/filter language of the desk's tables: small on purpose, pure, no widgets.

A filter is words separated by spaces; a row is kept when every word matches:

* ``sox`` — any of the row's texts contains it (case does not matter);
* ``book:fanduel`` — the named text contains it;
* ``ev>3``, ``ev>=3``, ``ev<0``, ``ev<=2``, ``ev=4`` — the named number compares so;
* ``ev>`` or ``book:`` (still being typed) — nothing yet.

Each table says which names it knows (``fields``); a name it does not know is
refused with one line that lists those it does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import eq, ge, gt, le, lt

Fact = str | float
Facts = Mapping[str, Fact]

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": ge,
    "<=": le,
    ">": gt,
    "<": lt,
    "=": eq,
}
_NUMERIC = re.compile(r"^(?P<name>[a-z_]+)(?P<op>>=|<=|>|<|=)(?P<value>-?\d+(?:\.\d+)?)$")
_NAMED = re.compile(r"^(?P<name>[a-z_]+):(?P<value>.+)$")
# A term still being typed (``ev>``, ``book:``) asks nothing yet: the rows stay.
_UNFINISHED = re.compile(r"^[a-z_]+(?:>=|<=|>|<|=|:)$")
SYNTAX = "words · name:text · name>N (>= < <= =)"


class FilterError(ValueError):
    """A filter the table cannot apply; the message is the one line the operator reads."""


@dataclass(frozen=True)
class Term:
    name: str | None  # None: any text of the row
    op: str  # "has" for text, else a comparison
    text: str = ""
    number: float = 0.0

    def matches(self, facts: Facts) -> bool:
        if self.op == "has":
            if self.name is None:
                return any(
                    self.text in value.casefold()
                    for value in facts.values()
                    if isinstance(value, str)
                )
            value = facts.get(self.name)
            return isinstance(value, str) and self.text in value.casefold()
        value = facts.get(self.name or "")
        return isinstance(value, float | int) and _COMPARE[self.op](float(value), self.number)


@dataclass(frozen=True)
class RowFilter:
    """A parsed filter; ``text`` is what the operator typed (for the panel's title)."""

    text: str
    terms: tuple[Term, ...]

    def matches(self, facts: Facts) -> bool:
        return all(term.matches(facts) for term in self.terms)


def parse_filter(text: str, fields: Sequence[str], numbers: Sequence[str] = ()) -> RowFilter:
    """``text`` as a filter over rows whose named texts are ``fields``, numbers ``numbers``."""
    words = [word for word in text.casefold().split() if not _UNFINISHED.match(word)]
    terms = tuple(_term(word, fields, numbers) for word in words)
    return RowFilter(" ".join(text.split()), terms)


def _term(word: str, fields: Sequence[str], numbers: Sequence[str]) -> Term:
    """One word: ``name>3`` against a number, ``name:text`` against a field, else any text."""
    numeric = _NUMERIC.match(word)
    if numeric is not None:
        name = _known(numeric["name"], numbers, fields, numbers)
        return Term(name, numeric["op"], number=float(numeric["value"]))
    named = _NAMED.match(word)
    if named is not None:
        return Term(_known(named["name"], fields, fields, numbers), "has", text=named["value"])
    return Term(None, "has", text=word)


def _known(name: str, allowed: Sequence[str], fields: Sequence[str], numbers: Sequence[str]) -> str:
    if name not in allowed:
        raise FilterError(_unknown(name, fields, numbers))
    return name


def _unknown(name: str, fields: Sequence[str], numbers: Sequence[str]) -> str:
    known = [f"{field}:" for field in fields] + [f"{number}>" for number in numbers]
    return f"{name!r} unknown here; try {' '.join(known)}"
