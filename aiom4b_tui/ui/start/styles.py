"""Where the app's `.tcss` files are: inside an installed wheel, else the checkout's `styles/`."""

from __future__ import annotations

from pathlib import Path

STYLE_FILES = ("app.tcss",)  # read as the app starts
# Read when the first screen after the main one opens: ~6 ms to parse, which the first
# frame need not wait for.
LATER_STYLE_FILES = ("dialogs.tcss",)


def styles_dir() -> Path:
    """The folder of the stylesheets; the packaged copy wins over the checkout's."""
    package = Path(__file__).resolve().parents[2]  # aiom4b_tui/
    packaged = package / "styles"
    if packaged.is_dir():
        return packaged
    return package.parent / "styles"


def style_paths() -> list[Path]:
    """The stylesheets the app reads as it starts, in order."""
    folder = styles_dir()
    return [folder / name for name in STYLE_FILES]


def later_style_paths() -> list[Path]:
    """The stylesheets of the dialogs and the other screens, in order."""
    folder = styles_dir()
    return [folder / name for name in LATER_STYLE_FILES]
