"""Seeded mutations of real upstream answers, and which items each mutation touched.

A mutation changes one node of the JSON tree: deletes a key, swaps the value's
type, puts in a huge number, an odd date, an empty string or unicode. The
*item* it touched is the deepest item (event, bookmaker, market, outcome; or
date, game) whose path is a prefix of the changed node's path: only that item
may be lost, every other item must land unchanged.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"

Path_ = tuple[int | str, ...]

ODD_VALUES: tuple[Any, ...] = (
    1e30,
    -1e30,
    10**30,
    -(10**30),
    float("inf"),
    -1,
    0,
    "",
    " ",
    "9999-12-31T23:59:59Z",
    "0000-00-00",
    "2024-02-30",
    "9999-12-31",
    "☃ Ünïcødé \u202e\u200b",
    "\x00\x1b[31m",
    None,
    True,
    [],
    {},
    [1, "a"],
    {"nested": {"deep": [None]}},
    "x" * 5000,
)


def load_real(relative: str) -> Any:
    return json.loads((REAL / relative).read_text(encoding="utf-8"))


def nodes(tree: Any, path: Path_ = ()) -> Iterator[Path_]:
    """Every path below the root."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield (*path, key)
            yield from nodes(value, (*path, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield (*path, index)
            yield from nodes(value, (*path, index))


def _copy_along(tree: Any, path: Path_) -> tuple[Any, Any] | None:
    """A shallow copy of ``tree`` with fresh containers down to ``path``'s parent.

    Copy-on-write: the original (shared by all mutants) is never changed, and a
    mutant costs a few container copies instead of a deep copy. None when an
    earlier change removed the path.
    """
    root = copy.copy(tree)
    parent = root
    for part in path[:-1]:
        try:
            child = parent[part]
        except (KeyError, IndexError, TypeError):
            return None
        if not isinstance(child, (dict, list)):
            return None
        child = copy.copy(child)
        parent[part] = child
        parent = child
    if not isinstance(parent, (dict, list)):
        return None
    return root, parent


def mutate(
    tree: Any, rng: random.Random, count: int, paths: list[Path_] | None = None
) -> tuple[Any, list[Path_]]:
    """``tree`` with ``count`` random changes (the original untouched), and the changed paths."""
    candidates = paths if paths is not None else list(nodes(tree))
    mutated = tree
    changed: list[Path_] = []
    for _ in range(count):
        path = rng.choice(candidates)
        copied = _copy_along(mutated, path)
        if copied is None:
            continue
        mutated, parent = copied
        if isinstance(parent, dict) and path[-1] not in parent:
            continue
        if isinstance(parent, list) and not (isinstance(path[-1], int) and path[-1] < len(parent)):
            continue
        if isinstance(parent, dict) and rng.random() < 0.3:
            del parent[path[-1]]
        else:
            parent[path[-1]] = rng.choice(ODD_VALUES)
        changed.append(path)
    return mutated, changed


def odds_item(path: Path_) -> Path_:
    """The event / bookmaker / market / outcome a changed path belongs to."""
    item, depth = path[:1], 1
    for container in ("bookmakers", "markets", "outcomes"):
        if len(path) < depth + 2 or path[depth] != container:
            break
        depth += 2
        item = path[:depth]
    return item


def mlb_item(path: Path_) -> Path_:
    """The date / game a changed path belongs to; ``()`` is the answer itself."""
    if path[0] != "dates":
        return ("<not read>",)
    if len(path) >= 4 and path[2] == "games":
        return path[:4]
    return path[:2]


def touched(item: Path_, changed: list[Path_], locate: Callable[[Path_], Path_]) -> bool:
    """Did a change hit ``item`` or one of its ancestors (the item may then be lost)?"""
    return any(item[: len(hit)] == hit for hit in map(locate, changed))
