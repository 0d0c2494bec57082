"""The encode route picks its way by the sources: clean MP3s at the output rate are read
by each segment's encoder, anything else is decoded to PCM first; either way the book's
stream comes out muxed, exactly as long as its sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.engine.encode.routes import MUXED_NAME, encode_gapless
from aiom4b_tui.engine.mp4.boxes import read_moov
from aiom4b_tui.engine.mp4.header_fields import media_duration
from tests.helpers.audio import make_continuous_book
from tests.helpers.engine import encode_job, plan_of
from tests.helpers.mp4_probe import decoded_samples_each

pytestmark = pytest.mark.integration

RATE = 44100
COUNTS = [RATE * 3 + 700, RATE * 2 + 301]


@pytest.mark.parametrize(
    ("codec", "said"),
    [("mp3", "each decoding its own frames"), ("flac", "decoded 01.flac: ")],
)
async def test_each_kind_of_book_takes_its_way_and_comes_out_whole(
    tmp_path: Path, ffmpeg: str, codec: str, said: str
):
    sources = make_continuous_book(tmp_path / "Book", COUNTS, codec=codec)
    logs: list[str] = []
    job = encode_job(
        plan_of(tmp_path / "Book", tmp_path / "out"),
        tmp_path / "work",
        ffmpeg,
        segment_seconds=1.5,
        logs=logs,
    )
    book = await encode_gapless(job)
    assert any(said in line for line in logs), logs
    decoded = decoded_samples_each(sources, 2)  # what a decoder makes of each source
    assert book.total == sum(decoded)
    assert book.file_starts == [0, decoded[0]]
    assert book.mp4 == job.work_dir / MUXED_NAME and book.mp4.is_file()
    # Every kept frame is in the MP4: the stream covers the book to its last frame.
    frames = media_duration(read_moov(book.mp4).find(b"trak")) // 1024
    assert frames == -(-(book.total + book.priming) // 1024)
