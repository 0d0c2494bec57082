"""Chapters we write ourselves: QuickTime text track (sample-exact) and Nero list."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from aiom4b_tui.engine.mp4.chapters import (
    chapter_starts_in_units,
    has_nero_chapters,
    read_chapters,
)
from aiom4b_tui.engine.mp4.finish import replace_chapters
from tests.helpers.audio import make_tone
from tests.helpers.mp4_probe import ffmpeg_chapters, mediainfo_menu

pytestmark = pytest.mark.integration
RATE = 8000


@pytest.fixture
def m4a(tmp_path: Path) -> Path:
    return make_tone(tmp_path / "tone.m4a", 40, rate=RATE, channels=1, codec="m4a")


def _chapters(count: int, step: float) -> tuple[list[str], list[float]]:
    return [f"Chapter {n} é" for n in range(1, count + 1)], [n * step for n in range(count)]


def test_300_chapters_every_reader_lists_them_and_no_nero_list(m4a: Path, tmp_path: Path):
    titles, starts = _chapters(300, 0.125)
    out = tmp_path / "book.m4b"
    replace_chapters(m4a, out, titles, starts)
    assert not has_nero_chapters(out)
    timescale, exact = chapter_starts_in_units(out)
    assert timescale == RATE
    assert [s for s, _t in exact] == [round(s * RATE) for s in starts]
    probed = ffmpeg_chapters(out)
    assert len(probed) == 300
    assert [t for _s, t in probed] == titles
    assert all(abs(a - b) < 1e-6 for (a, _t), b in zip(probed, starts, strict=True))
    assert mediainfo_menu(out) == titles


def test_255_chapters_keep_the_nero_list_too(m4a: Path, tmp_path: Path):
    titles, starts = _chapters(255, 0.1)
    out = tmp_path / "book.m4b"
    replace_chapters(m4a, out, titles, starts)
    assert has_nero_chapters(out)
    nero = MP4(out).chapters
    assert [c.title for c in nero] == titles
    assert [c.start for c in nero] == pytest.approx(starts, abs=1e-6)
    assert len(read_chapters(out)) == 255


def test_replacing_chapters_keeps_the_audio_and_drops_the_old_ones(m4a: Path, tmp_path: Path):
    first, second = tmp_path / "a.m4b", tmp_path / "b.m4b"
    replace_chapters(m4a, first, ["One", "Two"], [0.0, 10.0])
    replace_chapters(first, second, ["A", "B", "C"], [0.0, 5.0, 20.0])
    assert [(c.start, c.title) for c in read_chapters(second)] == [
        (0.0, "A"),
        (5.0, "B"),
        (20.0, "C"),
    ]
    assert ffmpeg_chapters(second) == [(0.0, "A"), (5.0, "B"), (20.0, "C")]
    # the first text mdat is gone: the size grows by the new chapters only, not twice
    assert second.stat().st_size - first.stat().st_size < 200
    assert MP4(second).info.length == pytest.approx(MP4(m4a).info.length)


def test_a_moov_before_the_media_moves_every_chunk_offset(tmp_path: Path, ffmpeg: str):
    import subprocess

    source = make_tone(tmp_path / "tone.m4a", 5, rate=RATE, channels=1, codec="m4a")
    fast = tmp_path / "fast.m4a"
    cmd = [ffmpeg, "-v", "error", "-i", str(source), "-c", "copy", "-movflags", "+faststart"]
    subprocess.run([*cmd, str(fast)], check=True)
    out = tmp_path / "book.m4b"
    replace_chapters(fast, out, [f"c{n}" for n in range(40)], [n * 0.1 for n in range(40)])
    plain = subprocess.run(
        [ffmpeg, "-v", "error", "-i", str(fast), "-f", "s16le", "-"], capture_output=True
    ).stdout
    rewritten = subprocess.run(
        [ffmpeg, "-v", "error", "-i", str(out), "-f", "s16le", "-"], capture_output=True
    ).stdout
    assert rewritten == plain
    assert len(ffmpeg_chapters(out)) == 40


def test_bad_starts_are_refused(m4a: Path, tmp_path: Path):
    with pytest.raises(ValueError):
        replace_chapters(m4a, tmp_path / "x.m4b", ["a", "b"], [0.0, 0.0])
    with pytest.raises(ValueError):
        replace_chapters(m4a, tmp_path / "x.m4b", ["a", "b"], [0.0, 99.0])


def test_mediainfo_reads_unicode_titles(m4a: Path, tmp_path: Path):
    out = tmp_path / "book.m4b"
    replace_chapters(m4a, out, ["Prologue", "Ça commence", "終わり"], [0.0, 1.5, 3.0])
    assert mediainfo_menu(out) == ["Prologue", "Ça commence", "終わり"]
