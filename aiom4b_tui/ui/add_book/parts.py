"""The add dialog's helpers that need no screen: the plan shown as the chapter editor's
draft, the book's covers found and drawn, where the book will go, and words for a
refused value."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from aiom4b_tui.engine.plan.naming import output_path
from aiom4b_tui.engine.plan.plan import output_file_name
from aiom4b_tui.job_options.model import ChapterEntry, JobOptions
from aiom4b_tui.ui.add_book.cover_picker import DrawnCover, draw_cover
from aiom4b_tui.ui.add_book.draft import ChapterDraft, DraftFile
from aiom4b_tui.ui.add_book.preview import BookPreview

if TYPE_CHECKING:
    from aiom4b_tui.engine.plan.cover import CoverCandidate


def planned_output(preview: BookPreview, options: JobOptions, default_root: Path) -> Path | None:
    """Where the worker will place the book the form describes (before any " (2)"): the
    options' name, else the file name template filled with the tags as edited."""
    if preview.output_path is None:
        return None
    root = Path(options.output_dir or default_root)
    tags = {k: v for k, v in preview.tags.items() if v}
    tags |= {k: v for k, v in options.tags.model_dump().items() if v}
    try:
        if options.output_name:
            return root / output_file_name(tags, options.output_name)
        return output_path(root, options.template, tags)
    except (KeyError, ValueError):
        return None


def book_covers(preview: BookPreview) -> tuple[list[CoverCandidate], DrawnCover | None]:
    """The book's cover candidates and the plan's own cover drawn (blocking: it reads
    the pictures)."""
    if preview.error:
        return [], None
    from aiom4b_tui.engine.plan.cover import cover_candidates

    candidates = cover_candidates(preview.folders, preview.sources)
    chosen = next((c for c in candidates if c.path == preview.cover), None)
    return candidates, draw_cover(chosen) if chosen is not None else None


def validation_text(exc: ValidationError) -> str:
    """A refused value as a person reads it: "year: use YYYY or YYYY-MM-DD"."""
    parts = []
    for error in exc.errors():
        where = " ".join(str(p) for p in error.get("loc", ()) if not isinstance(p, int))
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        parts.append(f"{where.replace('_', ' ')}: {message}" if where else message)
    return "; ".join(parts)


def draft_of_preview(preview: BookPreview) -> ChapterDraft:
    """The editor's draft of a planned book: its files in order and its chapters."""
    files = [DraftFile(f.rel, f.seconds) for f in preview.files]
    return ChapterDraft(files, entries_of_preview(preview))


def entries_of_preview(preview: BookPreview) -> list[ChapterEntry]:
    """The preview's chapters as the job's options keep edited ones."""
    return [
        ChapterEntry(
            title=chapter.title.strip() or f"Chapter {number}",
            file=preview.files[chapter.file_index].rel,
            offset=max(0.0, chapter.offset),
        )
        for number, chapter in enumerate(preview.chapters, 1)
    ]


def shown_path(path: Path) -> str:
    """The path in full, with the home folder as ~."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except ValueError:
        return str(path)
