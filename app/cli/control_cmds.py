"""Commands of this group (filled in by the owner of the area)."""

from __future__ import annotations

import click

commands: list[click.Command] = []
