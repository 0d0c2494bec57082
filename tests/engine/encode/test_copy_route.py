"""The copy route: AAC sources of one format joined without re-encoding, chapters on the
first real sample of each, the book ending where the last source's audio ends."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from aiom4b_tui.engine.encode.copy_route import join_copy, trim_copied_tail
from aiom4b_tui.engine.encode.encoded import EncodedBook
from aiom4b_tui.engine.encode.timeline import DecodeError
from aiom4b_tui.engine.formats.adts import count_adts_frames
from aiom4b_tui.engine.mp4.finish import played_samples
from tests.helpers.audio import make_aac_book
from tests.helpers.book_plan import a_plan, stand_in_sources
from tests.helpers.engine import encode_job, plan_of

RATE = 44100
COUNTS = [RATE + 333, 2 * RATE + 77]
PRIMING = 1024


@pytest.mark.integration
async def test_sources_are_joined_as_they_are_with_starts_after_each_priming(
    tmp_path: Path, ffmpeg: str
):
    sources = make_aac_book(tmp_path / "Book", COUNTS)
    logs: list[str] = []
    plan = plan_of(tmp_path / "Book", tmp_path / "out")
    assert plan.copy
    job = encode_job(plan, tmp_path / "work", ffmpeg, logs=logs)
    book = await join_copy(job)
    assert logs[-1] == "2 AAC files joined without re-encoding"
    assert book.adts == "concat:part-00000.aac|part-00001.aac" and book.mp4 is None
    assert book.priming == PRIMING and book.rate == RATE
    # The edit list skips the first file's priming; the second file starts after the
    # first one's frames (its end padding included) and its own priming.
    first_packets = count_adts_frames(job.work_dir / "part-00000.aac")
    assert first_packets == -(-COUNTS[0] // 1024) + 1
    assert book.file_starts == [0, (first_packets - 1) * 1024 + PRIMING]
    assert book.total == book.file_starts[-1] + played_samples(sources[-1])


@pytest.mark.integration
async def test_a_source_that_cannot_be_read_is_named(tmp_path: Path, ffmpeg: str):
    sources = make_aac_book(tmp_path / "Book", COUNTS)
    plan = plan_of(tmp_path / "Book", tmp_path / "out")
    sources[1].write_bytes(sources[1].read_bytes()[:2000])  # cut short after the scan
    with pytest.raises(DecodeError, match=r"2\.m4a") as caught:
        await join_copy(encode_job(plan, tmp_path / "work", ffmpeg))
    assert caught.value.path == sources[1]


def test_the_tail_is_trimmed_only_by_an_mp4_sources_edit_list(tmp_path: Path):
    plan = a_plan(stand_in_sources(tmp_path / "book"))  # not MP4: no edit list to read
    book = EncodedBook("x.aac", [0, 50_000], 120_000, PRIMING, RATE)
    assert trim_copied_tail(plan, book) is book
    longer = dataclasses.replace(book, total=10)
    assert trim_copied_tail(plan, longer) is longer
