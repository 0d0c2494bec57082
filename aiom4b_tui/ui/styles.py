"""Where the app's `.tcss` files are: inside an installed wheel, else the checkout's `styles/`."""

from __future__ import annotations

from pathlib import Path

STYLE_FILES = ("app.tcss", "dialogs.tcss")


def styles_dir() -> Path:
    """The folder of the stylesheets; the packaged copy wins over the checkout's."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "styles"
    if packaged.is_dir():
        return packaged
    return package.parent / "styles"


def style_paths() -> list[Path]:
    """Every stylesheet the app loads, in order."""
    folder = styles_dir()
    return [folder / name for name in STYLE_FILES]
