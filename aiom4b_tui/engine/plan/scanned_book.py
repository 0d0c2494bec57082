"""The one way a book is planned: the scan, what make_plan needs beyond it from the disk
(the sources' extra tags, a chapter file's chapters), then make_plan. The add dialog's
preview and the conversion both call `plan_scanned_book`, so what the dialog shows is
what is made (silences, found only by running ffmpeg, are added by the conversion).
Blocking: run it in a thread.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aiom4b_tui.engine.chapters.edit import Silence
from aiom4b_tui.engine.chapters.files import ChapterMark
from aiom4b_tui.engine.chapters.sources import book_chapter_marks
from aiom4b_tui.engine.plan.plan import BookPlan, make_plan
from aiom4b_tui.engine.sources.scan import BookScan
from aiom4b_tui.engine.sources.source_tags import book_source_tags

if TYPE_CHECKING:
    from aiom4b_tui.job_options.model import JobOptions


@dataclass
class PlanInputs:
    """Keyword arguments for make_plan, and lines for the job's log."""

    source_tags: dict[str, str]
    chapter_marks: list[ChapterMark] | None
    notes: list[str] = field(default_factory=list)

    def plan_kwargs(self) -> dict:
        """`make_plan(scan, options, output_dir=..., **inputs.plan_kwargs())`."""
        return {"source_tags": self.source_tags, "chapter_marks": self.chapter_marks}


def read_plan_inputs(scan: BookScan, options: JobOptions) -> PlanInputs:
    """The sources' extra tags and the chapter file's chapters (ChapterFileError when the
    job names a chapter file that cannot be read)."""
    tags = book_source_tags([f.path for f in scan.files])
    marks, said = book_chapter_marks(scan, options)
    return PlanInputs(tags, marks, [said] if said else [])


def plan_scanned_book(
    scan: BookScan,
    options: JobOptions,
    *,
    output_dir: Path,
    encoders: Collection[str],
    silences: Sequence[Silence] | None = None,
) -> tuple[BookPlan, list[str]]:
    """The book's plan and the lines worth logging about it (ChapterFileError when the job
    names a chapter file that cannot be read)."""
    inputs = read_plan_inputs(scan, options)
    plan = make_plan(
        scan,
        options,
        output_dir=output_dir,
        encoders=encoders,
        silences=silences,
        **inputs.plan_kwargs(),
    )
    return plan, inputs.notes
