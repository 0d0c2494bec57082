"""What the add dialog and the job details show before a book is made: the engine's plan.

`build_preview` plans the book with `queue.planning.plan_for_job`, the function the worker
plans with, and keeps what a person needs to see.
Blocking (it probes every file): call it in a thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aiom4b_tui.engine.chapters.files import ChapterFileError
from aiom4b_tui.engine.plan.plan import BookPlan
from aiom4b_tui.engine.sources.scan import AudioFile, ScanError
from aiom4b_tui.job_options.model import JobOptions
from aiom4b_tui.queue.planning import plan_for_job

if TYPE_CHECKING:
    from aiom4b_tui.config.settings import Settings

TAG_FIELDS = (
    "title",
    "subtitle",
    "author",
    "narrator",
    "series",
    "series_part",
    "year",
    "genre",
    "description",
)


@dataclass(frozen=True)
class PreviewFile:
    """One source file: its path as shown (relative to its book folder), how long it plays,
    and its path as the job's options name it (`JobOptions.files`)."""

    name: str
    seconds: float
    rel: str = ""


@dataclass(frozen=True)
class PreviewChapter:
    """One chapter: its title, where it starts (estimated), the file it is in and seconds
    into that file."""

    title: str
    start: float
    file_index: int = 0
    offset: float = 0.0


@dataclass
class BookPreview:
    """Everything the add dialog shows about one book-to-be.

    `error` is set (and the lists are empty) when the folders cannot make a book.
    `cover` is an image file or an audio file with an embedded picture.
    """

    folders: list[Path]
    files: list[PreviewFile]
    chapters: list[PreviewChapter]
    tags: dict[str, str]
    output_name: str
    cover: Path | None
    duration: float
    expected_bytes: int
    audio_format: str = ""  # e.g. "AAC 64k mono"
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    sources: list[AudioFile] = field(default_factory=list)  # as scanned: the cover candidates'
    output_path: Path | None = None  # where the worker would place it (before " (2)")


def build_preview(
    folders: list[Path], settings: Settings, options: JobOptions | None = None
) -> BookPreview:
    """The plan of one book made from `folders`, in that order, as the worker will make
    it (queue.planning.plan_for_job); a folder that cannot make a book becomes `error`."""
    try:
        planned = plan_for_job(folders, options or JobOptions(), settings)
    except (ScanError, ChapterFileError) as exc:
        return unreadable_preview(folders, str(exc))
    preview = preview_of_plan(folders, planned.plan)
    preview.notes += planned.notes
    return preview


def preview_of_plan(folders: list[Path], plan: BookPlan) -> BookPreview:
    """What the dialog shows of an engine plan."""
    files = [
        PreviewFile(_shown_name(audio, folders), audio.duration, audio.job_name)
        for audio in plan.files
    ]
    chapters = [PreviewChapter(c.title, c.start, c.file_index, c.offset) for c in plan.chapters]
    notes = _skipped_note(plan)
    encoder = plan.encoder
    how = "AAC copied" if plan.copy else f"AAC {encoder.bitrate // 1000}k"
    return BookPreview(
        folders=list(folders),
        files=files,
        chapters=chapters,
        tags={name: plan.tags.get(name, "") for name in TAG_FIELDS},
        output_name=plan.output_path.stem,
        cover=plan.cover or plan.picture_file,
        duration=plan.duration,
        expected_bytes=int(plan.duration * encoder.bitrate / 8),
        audio_format=f"{how} {_channels(encoder.channels)}",
        notes=notes,
        sources=list(plan.files),
        output_path=plan.output_path,
    )


def _skipped_note(plan: BookPlan) -> list[str]:
    """One line naming the files left out (the cover and hidden files go unsaid)."""
    names = [
        path.name
        for path, why in plan.skipped
        if path != plan.cover and why not in ("hidden file", "AppleDouble file")
    ]
    if not names:
        return []
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return [f"left out (not audio): {shown}"]


def _shown_name(audio: AudioFile, folders: list[Path]) -> str:
    """The file relative to its book folder, led by that folder's name when there are several."""
    if len(folders) == 1:
        return audio.rel
    folder = next((f for f in folders if audio.path.is_relative_to(f)), audio.path.parent)
    return f"{folder.name}/{audio.rel}"


def _channels(count: int) -> str:
    return {1: "mono", 2: "stereo"}.get(count, f"{count} channels")


def unreadable_preview(folders: list[Path], message: str) -> BookPreview:
    """The preview of folders that cannot make a book, saying why."""
    name = folders[0].name if folders else ""
    tags = dict.fromkeys(TAG_FIELDS, "") | {"title": name}
    return BookPreview(
        folders=list(folders),
        files=[],
        chapters=[],
        tags=tags,
        output_name=name,
        cover=None,
        duration=0.0,
        expected_bytes=0,
        error=message,
    )
