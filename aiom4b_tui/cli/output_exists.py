"""Before `add` and `convert` queue a book: where it will go, and what to do when a file
is already there (`--if-exists rename|skip|overwrite`), said in one line each.

The book is planned as the worker will plan it (scan and plan, no audio decoded), and
only when the output folder exists: where it does not, nothing can be in the way.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from aiom4b_tui.safe_text import visible

if TYPE_CHECKING:
    from aiom4b_tui.config.settings import Settings
    from aiom4b_tui.store.models import JobCreate

IF_EXISTS = ("rename", "skip", "overwrite")


def add_if_exists_flag(parser: argparse.ArgumentParser) -> None:
    """--if-exists rename|skip|overwrite (default rename)."""
    parser.add_argument(
        "--if-exists",
        choices=IF_EXISTS,
        default="rename",
        help="when the .m4b is already there: name the new one 'X (2)' (default), "
        "skip the book, or overwrite it",
    )


def planned_output(job: JobCreate, settings: Settings) -> Path | None:
    """Where the worker would place the book now; None when its folder does not exist
    yet or the folders cannot be planned (the worker will say why)."""
    from aiom4b_tui.engine.chapters.files import ChapterFileError
    from aiom4b_tui.engine.sources.scan import ScanError
    from aiom4b_tui.queue.planning import options_with_defaults, plan_for_job

    output_dir = options_with_defaults(job.options, settings).output_dir
    if output_dir is None or not Path(output_dir).is_dir():
        return None
    try:
        planned = plan_for_job(job.input_folders, job.options, settings)
    except (ScanError, ChapterFileError):
        return None
    return planned.plan.output_path


def settle_existing(job: JobCreate, settings: Settings, if_exists: str, say: TextIO) -> bool:
    """Apply --if-exists to a book whose output is already there; False: skip the book.
    Says on `say` what happens (rename: the name the book will get)."""
    from aiom4b_tui.engine.plan.plan import first_free_path

    wanted = planned_output(job, settings)
    if wanted is None or not wanted.exists():
        return True
    shown = visible(str(wanted))
    if if_exists == "skip":
        print(
            f"skipped: {shown} already exists (--if-exists rename or overwrite makes it)", file=say
        )
        return False
    if if_exists == "overwrite":
        job.options = job.options.model_copy(update={"overwrite": True})
        print(f"{shown} already exists: it will be replaced", file=say)
        return True
    free = first_free_path(wanted)
    print(f"{shown} already exists: the new book will be {visible(free.name)}", file=say)
    return True


def output_folder_note(settings: Settings, job: JobCreate) -> str | None:
    """How to set the output folder, when neither the job nor the settings name one."""
    if job.options.output_dir is not None or settings.output_dir is not None:
        return None
    where = visible(str(settings.resolved_output_dir()))
    config = visible(str(settings.data_dir / "config.toml"))
    example = visible(str(Path.home() / "Audiobooks"))
    return (
        f"no output folder is set: the book goes to {where}; set one with "
        f'output_dir = "{example}" in {config} (or AIOM4B_OUTPUT_DIR, or --output-dir)'
    )
