"""One sanitizer for untrusted text on its way to a terminal.

Untrusted text is anything from an upstream (team names, statuses, book
titles, error messages), a config file or a typed reason. Stored as it came;
rendered through ``clean_field`` (one field of a row), ``clean_line`` (a
whole output line, the last guard before ``stdout``/``stderr``) or
``markup_field`` (a field the desk renders as markup).

What goes:

* every escape sequence, whole: CSI (cursor moves, clear screen, SGR
  colours and blink), OSC (window title, OSC 8 hyperlinks, OSC 52 clipboard),
  DCS, SOS/PM/APC strings, two-byte ``ESC x`` forms and a lone ESC, in their
  7-bit (``ESC [``) and 8-bit (``\\x9b``) forms;
* every other C0 and C1 control character and DEL;
* bidirectional overrides and isolates (U+202A..U+202E, U+2066..U+2069,
  U+200E/U+200F, U+061C), which reorder what the eye reads (Trojan Source).

Inside a field, CR, LF and TAB (the characters that would start a forged row
or overwrite one: ``"\\rDONE ..."``) become a visible ``⏎`` or a space, so a
row's fields can never look like more than one row. Length is bounded with an
ellipsis. Pure: no Rich or Textual import.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"
LINE_BREAK_MARK = "⏎"
DEFAULT_FIELD_LIMIT = 200
DEFAULT_LINE_LIMIT = 4000

# String-type sequences run to ST (ESC \ or 0x9c) or, for OSC, BEL; an
# unterminated one swallows the rest of the text rather than leak its payload.
_STRING_SEQUENCE = r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|$)"
_CSI = r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
_TWO_BYTE = r"\x1b[\x20-\x2f]*[\x30-\x7e]?"
_ESCAPES = re.compile(f"{_STRING_SEQUENCE}|{_CSI}|{_TWO_BYTE}")
_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
_CONTROLS = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
    # Tab and the line breaks are handled first; whatever is left of them goes too.
    "|[\t\n\r\x0b\x0c]"
)
# Backslashes that would escape a "[" (the field's own, or the markup after it).
_BACKSLASHES_BEFORE_TAG = re.compile(r"\\+(?=\[|$)")
SHOWN_BACKSLASH = "⧵"
# Rich's own tag pattern: only what Rich would read as a tag needs a backslash.
_MARKUP_TAG = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])")


def strip_escapes(text: str) -> str:
    """Remove escape sequences and control characters; line breaks become ``⏎``."""
    text = _ESCAPES.sub("", text)
    text = _BREAKS.sub(LINE_BREAK_MARK, text).replace("\t", " ")
    return _CONTROLS.sub("", text)


def bound(text: str, limit: int) -> str:
    """At most ``limit`` characters, the last one an ellipsis when cut."""
    if limit < 1:
        return ""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def clean_field(value: object, limit: int = DEFAULT_FIELD_LIMIT) -> str:
    """One field of a row: no escapes, no controls, no line breaks, bounded."""
    return bound(strip_escapes("" if value is None else str(value)), limit)


def clean_line(text: str, limit: int = DEFAULT_LINE_LIMIT) -> str:
    """A whole output line: the guard every text line passes before the terminal."""
    return clean_field(text, limit)


def escape_markup(text: str) -> str:
    """Escape Rich console markup (the rule of ``rich.markup.escape``, without Rich)."""
    text = _MARKUP_TAG.sub(lambda m: f"{m.group(1)}{m.group(1)}\\{m.group(2)}", text)
    return text + "\\" if text.endswith("\\") and not text.endswith("\\\\") else text


def markup_field(value: object, limit: int = DEFAULT_FIELD_LIMIT) -> str:
    """A field for a widget that renders markup (Textual's parser or Rich's): cleaned, bounded,
    then every ``[`` escaped.

    Escaping only tag-shaped text (Rich's rule) is not enough for Textual, which reads a
    lone ``[`` as a tag running to the next ``]`` (one in *our* markup after the field),
    and for both a backslash just before a ``[`` or at the end of the field escapes the
    markup that follows. Those backslashes are shown as ``⧵`` instead.
    """
    text = _BACKSLASHES_BEFORE_TAG.sub(
        lambda m: SHOWN_BACKSLASH * len(m.group()), clean_field(value, limit)
    )
    return text.replace("[", "\\[")


def markup_text(value: object, limit: int = DEFAULT_LINE_LIMIT) -> str:
    """``markup_field`` for a whole message or explanation (bounded like a line, not a cell)."""
    return markup_field(value, limit)
