"""safe_text.visible: no control character of a tag or file name reaches the terminal."""

from __future__ import annotations

from aiom4b_tui.safe_text import visible, visible_lines


def test_plain_text_is_unchanged() -> None:
    assert (
        visible("Dune · Frank Herbert — Ch. 1 (ß, 東京)")
        == "Dune · Frank Herbert — Ch. 1 (ß, 東京)"
    )


def test_escape_sequences_and_newlines_are_shown_not_sent() -> None:
    shown = visible("\x1b]0;pwned\x07Title\x1b[2J\r\nNext\t.")
    assert shown == "␛]0;pwned␇Title␛[2J␍␊Next␉."
    assert all(ch.isprintable() for ch in shown)


def test_c1_controls_and_bidi_overrides_are_shown_by_code() -> None:
    assert visible("a\x9bb\u202ec") == "a\\u009bb\\u202ec"


def test_visible_lines_splits_first_then_cleans_each_line() -> None:
    assert visible_lines("one\n\x1b[31mtwo\r\n") == ["one", "␛[31mtwo"]
