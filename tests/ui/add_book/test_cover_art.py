"""Covers drawn as half blocks (what snapshots and terminals without graphics show), and
which terminals are asked whether they show graphics."""

from __future__ import annotations

import io

from PIL import Image

from aiom4b_tui.ui.add_book.cover_art import (
    detect_graphics,
    graphics,
    half_block_text,
    load_picture,
    may_show_graphics,
)


def picture(width: int, height: int, top=(255, 0, 0), bottom=(0, 0, 255)) -> Image.Image:
    image = Image.new("RGB", (width, height), bottom)
    image.paste(top, (0, 0, width, height // 2))
    return image


def test_a_square_picture_fills_its_box_two_pixels_a_cell():
    text = half_block_text(picture(100, 100), 8, 4)
    lines = text.plain.split("\n")
    assert lines == ["▀" * 8] * 4
    first, last = text.spans[0].style, text.spans[-1].style
    assert first.color.triplet == (255, 0, 0) and first.bgcolor.triplet == (255, 0, 0)
    assert last.color.triplet == (0, 0, 255) and last.bgcolor.triplet == (0, 0, 255)


def test_a_wide_picture_keeps_its_shape_centred():
    lines = half_block_text(picture(300, 100), 12, 6).plain.split("\n")
    assert len(lines) == 6 and all(len(line) == 12 for line in lines)
    assert lines[0].strip() == "" and lines[-1].strip() == ""  # blank above and below
    assert "▀" * 12 in lines[2]


def test_what_is_not_a_picture_is_not_drawn():
    assert load_picture(b"not a picture") is None
    out = io.BytesIO()
    picture(40, 20).save(out, format="PNG")
    assert load_picture(out.getvalue()).size == (40, 20)


def test_no_graphics_without_a_terminal_or_when_turned_off(monkeypatch):
    assert detect_graphics() is None and graphics() is None  # pytest: not a terminal
    monkeypatch.setenv("AIOM4B_GRAPHICS", "off")
    assert detect_graphics() is None


def test_only_terminals_known_for_graphics_are_asked():
    assert may_show_graphics({"TERM": "xterm-kitty"})
    assert may_show_graphics({"TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"})
    assert may_show_graphics({"TERM": "xterm-256color", "KONSOLE_VERSION": "230805"})
    assert not may_show_graphics({"TERM": "xterm-256color"})
    assert not may_show_graphics({"TERM": "linux"})
