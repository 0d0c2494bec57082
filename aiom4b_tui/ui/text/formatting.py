"""Short, fixed-width text for durations, sizes, speeds, progress and folders, as the
screen shows them."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

from aiom4b_tui.safe_text import visible

BAR_WIDTH = 8


def _hms(seconds: float) -> tuple[int, int, int]:
    hours, rest = divmod(round(seconds), 3600)
    return (hours, *divmod(rest, 60))


def book_length(seconds: float) -> str:
    """A book's length: `21h05`, `16m`, `45s`."""
    hours, minutes, secs = _hms(seconds)
    if hours:
        return f"{hours}h{minutes:02d}"
    if minutes:
        return f"{minutes}m"
    return f"{secs}s"


def clock_time(seconds: float | None) -> str:
    """An elapsed time or ETA: `3s`, `4m05`, `1h02`; empty when unknown."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return ""
    hours, minutes, secs = _hms(seconds)
    if hours:
        return f"{hours}h{minutes:02d}"
    if minutes:
        return f"{minutes}m{secs:02d}"
    return f"{secs}s"


def track_time(seconds: float) -> str:
    """A position in a book: `1:02:03` or `2:03`."""
    hours, minutes, secs = _hms(seconds)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def speed(multiple: float | None) -> str:
    """A speed as a multiple of real time: `140×`; empty when unknown."""
    if multiple is None or not math.isfinite(multiple) or multiple <= 0:
        return ""
    return f"{multiple:.0f}×" if multiple >= 10 else f"{multiple:.1f}×"


def progress_bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """A bar and a percentage: `██████░░ 71%`."""
    fraction = min(max(fraction, 0.0), 1.0)
    filled = int(fraction * width)
    return "█" * filled + "░" * (width - filled) + f" {int(fraction * 100):>3d}%"


def file_size(num_bytes: float) -> str:
    """A size in the units people read: `620 MB`, `1.2 GB`."""
    value = float(num_bytes)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if value >= 10 or unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


def ellipsize(text: str, width: int) -> str:
    """Cut `text` to `width` cells, ending with `…` when cut."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def local_time(stamp: datetime | None, with_date: bool = True) -> str:
    """A UTC time in the local zone (naive ones are UTC): `2024-05-01 22:41:07`; "" if unset."""
    if stamp is None:
        return ""
    aware = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    local = aware.astimezone()
    return local.strftime("%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S")


def home_label(path: Path, width: int) -> str:
    """A folder, `~` for home, cut at the left to fit `width` (`…/Audiobooks`); safe to show."""
    home = Path.home()
    label = f"~/{path.relative_to(home)}" if path.is_relative_to(home) else str(path)
    label = visible(label)
    return label if len(label) <= width else "…" + label[-(width - 1) :]
