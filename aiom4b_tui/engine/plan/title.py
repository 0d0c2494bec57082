"""The one way to title a job, whichever door it came in by (the TUI, `aiom4b add`,
`aiom4b convert`, a watched inbox): `job_title(folders, options)`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from aiom4b_tui.engine.sources.folder_summary import guess_title

if TYPE_CHECKING:
    from aiom4b_tui.job_options.model import JobOptions


def job_title(folders: Sequence[Path], options: JobOptions | None = None) -> str:
    """What the queue calls this book: the title a person set ("Title · Author" with
    an author), else the name given for the .m4b, else "Album · Author" from the first
    file's tags, else the first folder's name. Cheap: reads one file's tags at most."""
    if options is not None:
        tags = options.tags
        if tags.title:
            return f"{tags.title} · {tags.author}" if tags.author else tags.title
        if options.output_name:
            return options.output_name
    guessed = guess_title(list(folders))
    if guessed:
        return guessed
    return Path(folders[0]).name if folders else "untitled"
