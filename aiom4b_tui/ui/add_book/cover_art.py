"""A book's cover as the terminal can show it: real pixels (Sixel or Kitty graphics,
through `textual-image`) where the terminal says it can, else half blocks (`▀`, two
pixels a cell) that any terminal with colour shows.

Graphics are asked of the terminal once, before the app starts (`detect_graphics`):
once Textual owns the terminal its answers cannot be read. Without that call, as in
tests and snapshots, covers are half blocks. Decoding is blocking: call `load_picture`
and `half_block_text` from a worker thread.
"""

from __future__ import annotations

import io
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from rich.color import Color
from rich.style import Style
from rich.text import Text

if TYPE_CHECKING:
    from PIL.Image import Image
    from textual.widget import Widget

GRAPHICS_ENV = "AIOM4B_GRAPHICS"  # "off": half blocks; "on": ask any terminal
# Terminals known to show Sixel or Kitty graphics, by what they set in the environment;
# others are not asked (each unanswered question costs 0.1 s before the first screen).
GRAPHICS_TERMS = ("kitty", "foot", "mlterm", "wezterm", "contour", "ghostty", "xterm-sixel")
GRAPHICS_PROGRAMS = ("wezterm", "iterm.app", "ghostty", "contour", "mintty", "konsole")
GRAPHICS_MARKERS = ("KITTY_WINDOW_ID", "KONSOLE_VERSION", "WEZTERM_EXECUTABLE", "WT_SESSION")
_graphics: str | None = None  # "sixel" or "kitty" once detected


def detect_graphics() -> str | None:
    """Ask the terminal whether it shows Sixel or Kitty graphics (at most ~0.2 s): only a
    terminal known for them (or any, with AIOM4B_GRAPHICS=on), never under tmux or screen,
    which pass neither on. Call before the app runs."""
    global _graphics
    wanted = os.environ.get(GRAPHICS_ENV, "").lower()
    if wanted in ("off", "no", "0", "halfblocks"):
        return None
    if os.environ.get("TMUX") or os.environ.get("TERM", "").startswith(("screen", "tmux")):
        return None
    if wanted not in ("on", "yes", "1") and not may_show_graphics(os.environ):
        return None
    if not (
        sys.__stdout__ and sys.__stdout__.isatty() and sys.__stdin__ and sys.__stdin__.isatty()
    ):
        return None
    # Its warnings ("assuming VT340 sizes") would be printed under the app's first screen.
    logging.getLogger("textual_image").setLevel(logging.ERROR)
    try:
        import textual_image.widget  # noqa: F401 (asks the terminal its cell size once)
        from textual_image.renderable import Image as Chosen
        from textual_image.renderable.sixel import Image as SixelImage
        from textual_image.renderable.tgp import Image as KittyImage
    except Exception:  # no package, or a terminal that answers oddly: half blocks
        return None
    _graphics = {SixelImage: "sixel", KittyImage: "kitty"}.get(Chosen)
    return _graphics


def may_show_graphics(env: Mapping[str, str]) -> bool:
    """True when the environment names a terminal that shows Sixel or Kitty graphics."""
    term = env.get("TERM", "").lower()
    program = env.get("TERM_PROGRAM", "").lower()
    return (
        any(name in term for name in GRAPHICS_TERMS)
        or program in GRAPHICS_PROGRAMS
        or any(env.get(marker) for marker in GRAPHICS_MARKERS)
    )


def graphics() -> str | None:
    """ "sixel" or "kitty" when covers are drawn with real pixels, else None."""
    return _graphics


def graphics_widget(picture: Image, widget_id: str | None = None) -> Widget | None:
    """A widget drawing `picture` with real pixels, or None when the terminal cannot."""
    if _graphics is None:
        return None
    from textual_image.widget import Image as GraphicsImage

    return GraphicsImage(picture, id=widget_id)


def load_picture(data: bytes) -> Image | None:
    """The picture decoded (RGB), or None when it is not one Pillow reads."""
    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data)) as image:
            image.draft("RGB", (512, 512))  # JPEG: decode at a fraction of the size
            return image.convert("RGB")
    except (OSError, SyntaxError, ValueError, PILImage.DecompressionBombError):
        return None


def half_block_text(picture: Image, cells_wide: int, lines: int) -> Text:
    """The picture fitted into `cells_wide` x `lines` cells (its shape kept, centred), two
    pixel rows a line: the upper one as `▀`'s colour, the lower one as its background."""
    from PIL import Image as PILImage

    box_w, box_h = cells_wide, lines * 2
    scale = min(box_w / picture.width, box_h / picture.height)
    width = max(1, round(picture.width * scale))
    height = max(1, round(picture.height * scale))
    small = picture.resize((width, height), PILImage.Resampling.BOX)
    pixels = small.load()
    left, top = (box_w - width) // 2, (box_h - height) // 2
    text = Text(no_wrap=True, overflow="crop")
    for line in range(lines):
        for col in range(box_w):
            upper = _pixel(pixels, col - left, line * 2 - top, width, height)
            lower = _pixel(pixels, col - left, line * 2 + 1 - top, width, height)
            if upper is None and lower is None:
                text.append(" ")
            elif upper is None:
                text.append("▄", Style(color=Color.from_rgb(*lower)))  # type: ignore[misc]
            else:
                bg = Color.from_rgb(*lower) if lower is not None else None
                text.append("▀", Style(color=Color.from_rgb(*upper), bgcolor=bg))
        if line < lines - 1:
            text.append("\n")
    return text


def _pixel(pixels, x: int, y: int, width: int, height: int) -> tuple[int, int, int] | None:
    if 0 <= x < width and 0 <= y < height:
        return pixels[x, y][:3]
    return None


def cover_text(source: Path, cells_wide: int, lines: int) -> Text | None:
    """The cover of `source` (an image, or an audio file's embedded picture) as half
    blocks, or None when it cannot be read."""
    from aiom4b_tui.engine.plan.cover import CoverError, load_cover

    try:
        picture = load_picture(load_cover(source))
    except CoverError:
        return None
    return half_block_text(picture, cells_wide, lines) if picture is not None else None
