"""Books past the Nero list's 255 chapters, and a book's decoded length to the sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.engine.mp4.chapters import chapter_starts_in_units, has_nero_chapters
from aiom4b_tui.engine.mp4.finish import file_brand
from tests.helpers.audio import make_continuous_book
from tests.helpers.engine import convert
from tests.helpers.mp4_probe import decoded_samples, decoded_samples_each, ffmpeg_chapters

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("files", [256, 600])
async def test_books_past_255_files_convert_with_exact_chapters(tmp_path: Path, ffmpeg: str, files):
    rate = 22050
    counts = [4000 + 37 * (n % 11) for n in range(files)]  # tiny MP3s fool the probe
    sources = make_continuous_book(tmp_path / "src", counts, rate=rate, channels=1)
    lengths = decoded_samples_each(sources, 1)  # what each source decodes to
    out = await convert([tmp_path / "src"], tmp_path / "out", ffmpeg)
    assert not has_nero_chapters(out)
    timescale, found = chapter_starts_in_units(out)
    assert timescale == rate
    expected, position = [], 0
    for length in lengths:
        expected.append(position)
        position += length
    assert [start for start, _title in found] == expected
    assert len(ffmpeg_chapters(out)) == files
    assert decoded_samples(out, 1) == sum(lengths)


@pytest.mark.parametrize("codec", ["mp3", "flac"])
async def test_the_book_decodes_to_the_sum_of_its_sources(tmp_path: Path, ffmpeg: str, codec):
    counts = [44100 * 2 + 17, 44100 + 999, 3 * 44100 + 1]
    make_continuous_book(tmp_path / "src", counts, codec=codec)
    out = await convert([tmp_path / "src"], tmp_path / "out", ffmpeg, segment_seconds=2.0)
    assert decoded_samples(out, 2) == sum(counts)
    starts = [s for s, _t in ffmpeg_chapters(out)]
    assert starts == pytest.approx([0, counts[0] / 44100, (counts[0] + counts[1]) / 44100])
    assert file_brand(out) == b"M4B "


async def test_one_file_with_a_300_chapter_file_makes_300_chapters(tmp_path: Path, ffmpeg: str):
    from aiom4b_tui.job_options.model import JobOptions
    from tests.helpers.audio import make_tone
    from tests.helpers.mp4_probe import mediainfo_menu

    book = tmp_path / "Long"
    book.mkdir()
    make_tone(book / "long.flac", 31.0, rate=8000, channels=1, codec="flac")
    lines = [f"00:00:{n // 10:02d}.{n % 10}00 Chapter {n + 1}" for n in range(300)]
    (book / "chapters.txt").write_text("\n".join(lines) + "\n")  # beside the book
    out = await convert([book], tmp_path / "out", ffmpeg, options=JobOptions(bitrate=16_000))
    assert not has_nero_chapters(out)
    timescale, found = chapter_starts_in_units(out)
    assert timescale == 8000 and [s for s, _t in found] == [n * 800 for n in range(300)]
    probed = ffmpeg_chapters(out)
    assert len(probed) == 300 and probed[-1][1] == "Chapter 300"
    assert len(mediainfo_menu(out)) == 300


async def test_a_joined_book_ends_where_its_last_source_ends(tmp_path: Path, ffmpeg: str):
    from tests.helpers.audio import make_aac_book

    sources = make_aac_book(tmp_path / "src", [44100 + 333, 2 * 44100 + 77])
    # What the last source plays as its edit list says (ffmpeg 5.1's muxer writes it in
    # milliseconds, so not always the sample count it was asked for).
    last = decoded_samples(sources[-1], 2)
    logs: list[str] = []
    out = await convert([tmp_path / "src"], tmp_path / "out", ffmpeg, logs=logs)
    assert any("joined without re-encoding" in line for line in logs)
    _timescale, found = chapter_starts_in_units(out)
    assert decoded_samples(out, 2) == found[-1][0] + last
