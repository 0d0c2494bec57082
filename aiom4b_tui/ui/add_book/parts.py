"""The add dialog's helpers that need no screen: the plan shown as the chapter editor's
draft, the book's covers found and drawn, where the book will go, the book's facts in a
line, and words for a refused value."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError
from rich.text import Text

from aiom4b_tui.engine.plan.naming import output_path
from aiom4b_tui.engine.plan.plan import output_file_name
from aiom4b_tui.job_options.model import ChapterEntry, JobOptions
from aiom4b_tui.safe_text import visible
from aiom4b_tui.ui.add_book.cover_picker import DrawnCover, draw_cover
from aiom4b_tui.ui.add_book.draft import ChapterDraft, DraftFile
from aiom4b_tui.ui.add_book.preview import BookPreview
from aiom4b_tui.ui.text import formatting

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


def facts_text(preview: BookPreview, draft: ChapterDraft | None) -> Text:
    """The book in a line, as the draft now has it: `3 files · 16m · 3 chapters · about
    7.7 MB · AAC 64k mono`, the plan's notes below; or why no book can be made."""
    if preview.error:
        return Text(f"Cannot make a book: {visible(preview.error)}", style="bold red")
    count = len(draft.included()) if draft else len(preview.files)
    seconds = draft.duration() if draft else preview.duration
    chapters = len(draft.chapter_order()) if draft else len(preview.chapters)
    share = seconds / preview.duration if preview.duration else 1.0
    files = "1 file" if count == 1 else f"{count} files"
    facts = Text(
        f"{files} · {formatting.book_length(seconds)} · "
        f"{chapters} chapter{'' if chapters == 1 else 's'} · "
        f"about {formatting.file_size(preview.expected_bytes * share)} · "
        f"{preview.audio_format}"
    )
    for note in preview.notes:
        facts.append(f"\n{visible(note)}", style="dim")
    return facts


def folders_text(folders: list[Path], shown_root: Path | None, width: int = 56) -> str:
    """The book's folders as the dialog's heading names them: relative to the folder the
    tree shows (else by name), joined by `+`, cut to `width`; safe to show."""
    names = []
    for folder in folders:
        name = ""
        if shown_root is not None and folder.is_relative_to(shown_root):
            name = str(folder.relative_to(shown_root))
        names.append(name or folder.name)
    return formatting.ellipsize(visible(" + ".join(names)), width)
