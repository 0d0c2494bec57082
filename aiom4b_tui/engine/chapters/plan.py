"""A book's chapters, planned from its files and the job's choices (pure data): one per
file or the sources' own, a chapter file's, the person's edits, at silences; long ones
split. Chapter starts here are estimates; convert.py places them exactly.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from aiom4b_tui.engine.chapters.chapter import PlannedChapter
from aiom4b_tui.engine.chapters.edit import Silence, chapters_at_silences, split_long_chapters
from aiom4b_tui.engine.chapters.files import ChapterMark
from aiom4b_tui.engine.sources.scan import AudioFile, ScanError

if TYPE_CHECKING:
    from aiom4b_tui.job_options.model import ChapterEntry, JobOptions


def book_chapters(
    files: list[AudioFile],
    options: JobOptions,
    marks: Sequence[ChapterMark] | None,
    silences: Sequence[Silence] | None,
) -> list[PlannedChapter]:
    """The chapters: as edited, else from a chapter file, else at silences (when the job
    asks), else one per file (or the sources' own); then those over the limit split."""
    if options.chapters:
        chapters = chapters_from_entries(files, options.chapters)
    elif marks:
        chapters = chapters_from_marks(files, marks)
    elif options.chapters_by_silence and silences is not None:
        chapters = chapters_at_silences(files, silences)
    else:
        chapters = plan_chapters(files)
    if options.max_chapter_minutes:
        limit = options.max_chapter_minutes * 60
        chapters = split_long_chapters(chapters, files, silences or [], limit)
    return chapters


def chosen_files(files: Sequence[AudioFile], chosen: Sequence[str] | None) -> list[AudioFile]:
    """The sources in the order the job gives (by `job_name`), without those left out;
    every file when it gives none. ScanError when none of its files is there."""
    if chosen is None:
        return list(files)
    indices = dict.fromkeys(i for i in file_indices(files, chosen) if i is not None)
    picked = [files[index] for index in indices]
    if not picked:
        raise ScanError("none of the files chosen for the book is in its folders any more")
    return picked


def chapters_from_entries(
    files: list[AudioFile], entries: Sequence[ChapterEntry]
) -> list[PlannedChapter]:
    """Edited chapters, placed on their files (those of files left out are dropped)."""
    names = list(dict.fromkeys(e.file for e in entries))
    index_of = {
        n: i for n, i in zip(names, file_indices(files, names), strict=True) if i is not None
    }
    starts = [0.0]
    for audio in files:
        starts.append(starts[-1] + audio.duration)
    placed = sorted(
        (
            PlannedChapter(e.title, index_of[e.file], e.offset, starts[index_of[e.file]] + e.offset)
            for e in entries
            if e.file in index_of
        ),
        key=lambda c: c.start,
    )
    if not placed:
        return [PlannedChapter(title_from_name(files[0].rel, 1), 0, 0.0, 0.0)]
    if placed[0].start > 0:  # the book starts with the first chapter
        placed[0] = PlannedChapter(placed[0].title, 0, 0.0, 0.0)
    return placed


def file_indices(files: Sequence[AudioFile], names: Sequence[str]) -> list[int | None]:
    """The index of the file each name of a job's options stands for (None: gone): by
    `job_name`; else, for options written before a book of several folders named its
    files by folder too, the first file not yet named whose path in its folder it is."""
    by_name = {audio.job_name: index for index, audio in enumerate(files)}
    by_rel: dict[str, list[int]] = {}
    for index, audio in enumerate(files):
        by_rel.setdefault(audio.rel, []).append(index)
    named: set[int] = set()
    found: list[int | None] = []
    for name in names:
        index = by_name.get(name)
        if index is None:
            index = next((i for i in by_rel.get(name, ()) if i not in named), None)
        if index is not None:
            named.add(index)
        found.append(index)
    return found


def plan_chapters(files: list[AudioFile]) -> list[PlannedChapter]:
    """One chapter per file; a source with chapters of its own keeps them, shifted (a
    book in parts: a chapter that runs on into the next part stays one chapter)."""
    titles = [f.tags.get("title", "").strip() for f in files]
    use_tags = all(titles) and len(set(t.casefold() for t in titles)) == len(titles)
    chapters: list[PlannedChapter] = []
    start = 0.0
    for index, audio in enumerate(files):
        if _keeps_own_chapters(files, index):
            for n, (offset, title) in enumerate(audio.chapters, 1):
                name = title.strip() or f"{title_from_name(audio.rel, index + 1)} {n}"
                if n == 1 and _runs_on(chapters, index, offset, name):
                    continue
                chapters.append(PlannedChapter(name, index, offset, start + offset))
        else:
            title = titles[index] if use_tags else title_from_name(audio.rel, index + 1)
            chapters.append(PlannedChapter(title, index, 0.0, start))
        start += audio.duration
    return chapters


def _keeps_own_chapters(files: list[AudioFile], index: int) -> bool:
    """A source with several chapters; or one chapter, after a part that had several."""
    own = files[index].chapters
    return len(own) > 1 or (len(own) == 1 and index > 0 and len(files[index - 1].chapters) > 1)


def _runs_on(chapters: list[PlannedChapter], index: int, offset: float, title: str) -> bool:
    """True when a part's first chapter goes on with the previous part's last one."""
    if not chapters or offset > 1.0:
        return False
    last = chapters[-1]
    return last.file_index == index - 1 and last.title.casefold() == title.casefold()


def chapters_from_marks(
    files: list[AudioFile], marks: Sequence[ChapterMark]
) -> list[PlannedChapter]:
    """Chapters from a chapter file: book times (or times in a named file of a CUE sheet),
    in order, without duplicates or starts past the book's end."""
    starts, position = [], 0.0
    for audio in files:
        starts.append(position)
        position += audio.duration
    names = {}
    for index, audio in enumerate(files):
        names.setdefault(Path(audio.rel).name.casefold(), index)
        names.setdefault(Path(audio.rel).stem.casefold(), index)
    placed: list[PlannedChapter] = []
    for number, mark in enumerate(marks, 1):
        title = mark.title.strip() or f"Chapter {number}"
        if mark.file is not None:
            key = Path(mark.file.replace("\\", "/")).name.casefold()
            index = names.get(key, names.get(Path(key).stem))
            if index is None:
                continue  # a file of the sheet that is not in the book
            placed.append(PlannedChapter(title, index, mark.start, starts[index] + mark.start))
            continue
        index = max(0, bisect.bisect_right(starts, mark.start) - 1)
        offset = mark.start - starts[index]
        placed.append(PlannedChapter(title, index, offset, mark.start, book_start=mark.start))
    placed.sort(key=lambda c: c.start)
    kept: list[PlannedChapter] = []
    for chapter in placed:
        if chapter.start >= position - 0.001:
            continue
        if kept and chapter.start - kept[-1].start < 0.001:
            continue
        kept.append(chapter)
    return kept or plan_chapters(files)


_TRACK_PREFIX = re.compile(
    r"^\s*(?:(?:track|chapter|part|cd|disc|disk)\s*)?\d+(?:\s*[-_.]\s*\d+)?(?=[\s\-_.]|$)[\s\-_.]*",
    re.IGNORECASE,
)


def title_from_name(rel: str, number: int) -> str:
    """A chapter title from a file name: no folders, extension, track number or separators."""
    stem = Path(rel.replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stripped = _TRACK_PREFIX.sub("", stem)
    cleaned = re.sub(r"[_]+", " ", stripped)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" -.")
    return cleaned or f"Chapter {number}"
