"""A book in parts keeps each part's own chapters, shifted; a chapter that runs on into
the next part stays one chapter."""

from __future__ import annotations

import pytest

from aiom4b_tui.engine.mp4.chapters import chapter_starts_in_units
from aiom4b_tui.engine.mp4.finish import replace_chapters
from tests.helpers.audio import make_tone
from tests.helpers.engine import convert
from tests.helpers.mp4_probe import ffmpeg_chapters

pytestmark = pytest.mark.integration


async def test_parts_keep_their_chapters_and_a_running_chapter_is_one(tmp_path, ffmpeg):
    book = tmp_path / "Parts"
    book.mkdir()
    parts = [
        (3.0, ["Ch 1", "Ch 2"], [0.0, 1.0]),
        (2.5, ["Ch 2", "Ch 3"], [0.0, 0.8]),  # Ch 2 goes on at the start of part 2
        (2.0, ["Ch 4", "Ch 5"], [0.0, 1.5]),
    ]
    for n, (seconds, titles, starts) in enumerate(parts, 1):
        plain = make_tone(tmp_path / f"p{n}.m4a", seconds, rate=22050, channels=1, codec="m4a")
        replace_chapters(plain, book / f"Part {n}.m4b", titles, starts)
    out = await convert([book], tmp_path / "out", ffmpeg)
    found = ffmpeg_chapters(out)
    assert [t for _s, t in found] == ["Ch 1", "Ch 2", "Ch 3", "Ch 4", "Ch 5"]
    timescale, exact = chapter_starts_in_units(out)
    starts = [s / timescale for s, _t in exact]
    # each part's chapters sit at its own offsets from where the part begins
    assert starts[1] - starts[0] == pytest.approx(1.0, abs=0.001)
    assert starts[3] - starts[2] == pytest.approx(2.5 - 0.8, abs=0.06)  # joins: < 50 ms
    assert starts[4] - starts[3] == pytest.approx(1.5, abs=0.001)
