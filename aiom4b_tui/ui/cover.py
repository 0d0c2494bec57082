"""A book's cover drawn with half blocks (`▀`, two pixels a cell), decoded by ffmpeg.

No imaging library needed: ffmpeg scales the image (or an audio file's attached picture)
to a few dozen pixels and hands back raw RGB. Rich maps the colours down to 256 (or 16)
when the terminal has no truecolor. Blocking: call it from a worker thread.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from rich.color import Color
from rich.style import Style
from rich.text import Text


def default_ffmpeg(configured: str | None = None) -> str | None:
    """The ffmpeg to use: the configured one, the engine's choice, or imageio-ffmpeg's."""
    if configured:
        return configured
    try:
        from aiom4b_tui.core.ffmpeg import find_ffmpeg

        return find_ffmpeg(None)
    except Exception:
        pass
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception:
        return None


def decode_pixels(source: Path, ffmpeg: str, width: int, height: int) -> bytes | None:
    """RGB bytes of `source` scaled to width x height, or None when ffmpeg cannot read it."""
    args = [
        ffmpeg,
        "-v",
        "error",
        "-i",
        str(source),
        "-an",
        "-frames:v",
        "1",
        "-vf",
        f"scale={width}:{height}",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-",
    ]
    try:
        done = subprocess.run(args, capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    expected = width * height * 3
    if done.returncode != 0 or len(done.stdout) < expected:
        return None
    return done.stdout[:expected]


def half_block_text(pixels: bytes, width: int, height: int) -> Text:
    """Two rows of pixels per line of text: the upper one as `▀`, the lower as its background."""
    text = Text()
    for row in range(0, height - 1, 2):
        for col in range(width):
            top = (row * width + col) * 3
            bottom = ((row + 1) * width + col) * 3
            style = Style(
                color=Color.from_rgb(*pixels[top : top + 3]),
                bgcolor=Color.from_rgb(*pixels[bottom : bottom + 3]),
            )
            text.append("▀", style)
        text.append("\n")
    text.rstrip()
    return text


def cover_text(source: Path, ffmpeg: str | None, cells_wide: int, lines: int) -> Text | None:
    """The cover as text art `cells_wide` x `lines`, or None when it cannot be drawn."""
    if ffmpeg is None:
        return None
    pixels = decode_pixels(source, ffmpeg, cells_wide, lines * 2)
    return half_block_text(pixels, cells_wide, lines * 2) if pixels else None
