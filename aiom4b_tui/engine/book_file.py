"""The .m4b file in the work folder, from the book's encoded audio: the stream in an MP4
(already, when it was muxed while the segments encoded; else by ffmpeg `-c copy`), its
exact timing (an edit list from the first to the last real sample), QuickTime and Nero
chapters and the audiobook brand (engine/mp4/finish.py), then its tags and cover
(mutagen)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiom4b_tui.engine.convert_task import ConvertTask
from aiom4b_tui.engine.encode.encoded import EncodedBook
from aiom4b_tui.engine.encode.routes import MUXED_NAME
from aiom4b_tui.engine.ffmpeg.run import run_ffmpeg
from aiom4b_tui.engine.mp4.finish import finish_book
from aiom4b_tui.engine.mp4.tags import write_mp4_tags
from aiom4b_tui.engine.plan.plan import BookPlan

BOOK_NAME = "book.m4b"


async def write_book_file(
    task: ConvertTask, plan: BookPlan, book: EncodedBook, starts: list[int], work: Path
) -> Path:
    """Write the book, its chapters starting at `starts` (output samples), tags and cover
    into `work`; return its path."""
    result = work / BOOK_NAME
    if book.mp4 is not None:  # written while the segments encoded (mp4/adts_writer.py)
        await mux_book(task.ffmpeg, book, plan, starts, work, result, None)
    else:
        async with task.pool.slot() as cpus:  # one core: its threads hand packets on, not across
            await mux_book(task.ffmpeg, book, plan, starts, work, result, cpus)
    cover = await asyncio.to_thread(cover_bytes, plan, work)
    await asyncio.to_thread(write_mp4_tags, result, plan.tags, cover)
    return result


async def mux_book(
    ffmpeg: str,
    book: EncodedBook,
    plan: BookPlan,
    starts: list[int],
    work: Path,
    out: Path,
    cpus: frozenset[int] | None,
) -> None:
    """Wrap the ADTS stream in MP4 (ffmpeg), then write the timing and chapters (ours)."""
    raw = book.mp4 or work / MUXED_NAME
    if book.mp4 is None:
        args = ["-f", "aac", "-i", book.adts, "-map", "0:a", "-map_metadata", "-1"]
        args += ["-map_chapters", "-1", "-c", "copy", "-f", "ipod", str(raw)]
        await run_ffmpeg(ffmpeg, args, what="writing the .m4b", cwd=work, cpus=cpus)
    titles = [c.title for c in plan.chapters]
    await asyncio.to_thread(
        finish_book,
        raw,
        out,
        titles=titles,
        starts=starts,
        total=book.total,
        priming=book.priming,
    )
    raw.unlink(missing_ok=True)


def cover_bytes(plan: BookPlan, work: Path) -> bytes | None:
    """The cover for the book (engine/plan/cover.py): the chosen or folder image, else the
    first embedded picture; over 1400 px scaled down on a copy kept in `work`, never in
    place."""
    from aiom4b_tui.engine.plan.cover import first_cover  # Pillow: only once a book is tagged

    return first_cover([plan.cover, plan.picture_file], work)
