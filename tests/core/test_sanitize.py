"""The sanitizer removes every escape and control, keeps fields on one line, bounds length."""

from __future__ import annotations

import re

import pytest
from rich.markup import escape, render
from textual.markup import to_content

from app.core.sanitize import (
    ELLIPSIS,
    LINE_BREAK_MARK,
    SHOWN_BACKSLASH,
    bound,
    clean_field,
    clean_line,
    escape_markup,
    markup_field,
    strip_escapes,
)
from tests.support.hostile_corpus import CORPUS, FORBIDDEN, generated

HOSTILE = [*CORPUS, *generated()]


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_forbidden_survives(text: str) -> None:
    for cleaned in (clean_field(text), clean_line(text), markup_field(text)):
        assert FORBIDDEN.search(cleaned) is None, repr(cleaned)
    assert len(clean_field(text)) <= 200


@pytest.mark.parametrize("text", [*HOSTILE, "a\\", "\\[b]", "x\\\\[", "[", "a [ b"])
def test_markup_variant_renders_as_plain_text(text: str) -> None:
    # Rich and Textual read it without error, between markup of ours, and show the
    # cleaned text (a backslash that would escape markup shown as SHOWN_BACKSLASH).
    field = markup_field(text, 10_000)
    cleaned = clean_field(text, 10_000)
    shown = re.sub(r"\\+(?=\[|$)", lambda m: SHOWN_BACKSLASH * len(m.group()), cleaned)
    for markup, plain in ((f"[b]{field}[/] [red]x[/]", f"{shown} x"), (field, shown)):
        assert render(markup).plain == plain
        assert to_content(markup).plain == plain


@pytest.mark.parametrize("text", [*CORPUS, "a\\", "\\[b]", "[1]", "x\\\\", "[a][/a]\\"])
def test_markup_escape_follows_rich(text: str) -> None:
    assert escape_markup(text) == escape(text)


def test_sequences_go_whole_and_text_stays() -> None:
    assert strip_escapes("\x1b]0;owned title\x07Yankees") == "Yankees"
    assert strip_escapes("\x1b]52;c;ZWNobyBwd25lZA==\x07copied") == "copied"
    assert strip_escapes("\x1b[5;31;47mBLINK RED\x1b[0m") == "BLINK RED"
    assert strip_escapes("\x9b2J\x9b31m8-bit CSI\x9d0;title\x9c") == "8-bit CSI"
    assert strip_escapes("\x1b]8;;https://e/\x1b\\click\x1b]8;;\x1b\\") == "click"
    assert strip_escapes("\x1bP+q544e\x1b\\DCS") == "DCS"
    assert strip_escapes("abc\u202edcba") == "abcdcba"
    assert strip_escapes("\x1b]0;unterminated title") == ""
    assert strip_escapes("Bottom 9th") == "Bottom 9th"
    assert strip_escapes("São Paulo ⚾ Ω") == "São Paulo ⚾ Ω"


def test_line_breaks_become_visible_marks() -> None:
    cleaned = clean_field("WRONG_KEY\r#99 DONE\nnext\r\nrow\ttab")
    assert (
        cleaned
        == f"WRONG_KEY{LINE_BREAK_MARK}#99 DONE{LINE_BREAK_MARK}next{LINE_BREAK_MARK}row tab"
    )


def test_length_is_bounded_with_an_ellipsis() -> None:
    assert clean_field("x" * 500, 10) == "x" * 9 + ELLIPSIS
    assert clean_field("short", 10) == "short"
    assert bound("abc", 0) == ""
    assert clean_field(None) == ""
    assert clean_field(42) == "42"
