"""Hostile strings: real-world terminal-injection sequences plus seeded generated ones.

Shared by the sanitizer's unit tests and the pseudo-terminal fuzz test of every
text command. ``FORBIDDEN`` is what must never reach a terminal from data.
"""

from __future__ import annotations

import random
import re

CORPUS: tuple[str, ...] = (
    "\x1b[2J\x1b[HCleared",  # clear screen, cursor home
    "\x1b]0;owned title\x07Yankees",  # OSC 0 window + icon title, BEL-terminated
    "\x1b]2;owned title\x1b\\Red Sox",  # OSC 2 title, ST-terminated
    "\x1b]52;c;ZWNobyBwd25lZA==\x07copied",  # OSC 52: write the clipboard
    "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1bP+q544e\x1b\\DCS",  # DCS request (XTGETTCAP)
    "\x1b_APC payload\x1b\\\x1b^PM payload\x1b\\\x1bXSOS payload\x1b\\",
    "\x1b[10;10H\x1b[1A\x1b[2K\x1b[sMoved\x1b[u",  # CSI cursor moves, erase line
    "\x1b[5;31;47mBLINK RED\x1b[0m",  # SGR blink and colours
    "\x1b[38;2;255;0;0mtruecolor\x1b[m",
    "\x9b2J\x9b31m8-bit CSI\x9d0;title\x9c",  # 8-bit C1 forms
    "abc\u202edcba\u202c \u2066isolate\u2069",  # bidi override, isolate
    "nul\x00bel\x07bs\x08\x08\x08del\x7f",
    "WRONG_KEY\r#99 2026-01-01 execute DONE scheduled maintenance",  # CR overwrite
    'fake" by root pid 1@host\n#100 DONE override auto',  # quote and line break
    "tab\there\x0bvt\x0cff\x85nel\u2028ls",
    "[/]",  # Rich markup that kills a parser
    "[bold red]markup[/bold red] [link=https://evil.example]x[/link]",
    "\x1b",  # lone ESC
    "\x1b[",  # truncated CSI
    "\x1b]0;unterminated title",  # unterminated OSC
    "\x1bc",  # RIS: full reset
    "\x1b#8",  # DECALN: fill the screen with E
    "Ω long " * 1500,  # very long
)

# Every C0 control (tab and newline too: inside data they would forge a row),
# DEL, every C1 control, and the bidi controls.
FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def generated(seed: int = 20261201, count: int = 200) -> list[str]:
    """Seeded random strings mixing escape starts, controls, markup and plain text."""
    rng = random.Random(seed)
    pieces = [
        "\x1b",
        "\x1b[",
        "\x1b]",
        "\x1bP",
        "\x9b",
        "\x9d",
        "\x07",
        "\x1b\\",
        "\r",
        "\n",
        "\t",
        "[",
        "]",
        "/",
        ";",
        "0",
        "2J",
        "m",
        "H",
        "\u202e",
        "é",
        "⚾",
        "Yankees",
        " ",
    ]
    out: list[str] = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 30)):
            roll = rng.random()
            if roll < 0.6:
                parts.append(rng.choice(pieces))
            elif roll < 0.8:
                parts.append(chr(rng.randint(0, 0x9F)))
            else:
                parts.append(chr(rng.randint(0xA0, 0x2FFF)))
        out.append("".join(parts))
    return out
