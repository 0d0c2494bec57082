"""A cheap look at folders before a job is queued: is there any audio in them?

Only names and file kinds are looked at (the scanner's own list_audio), no file is
decoded: `aiom4b add` refuses a folder without audio at once instead of queueing a job
that fails later.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aiom4b_tui.engine.sources.scan import ScanError, list_audio


def missing_audio(folders: Sequence[Path]) -> str | None:
    """Why these folders cannot make a book (one line naming the folder), or None."""
    for folder in folders:
        try:
            audio, skipped = list_audio(Path(folder))
        except (ScanError, OSError) as exc:
            return str(exc)
        if audio:
            continue
        if skipped:
            count = len(skipped)
            return f"no audio files in {folder} ({count} other file{'s' * (count != 1)} skipped)"
        return f"no audio files in {folder}: the folder is empty"
    return None
