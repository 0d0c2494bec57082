"""The gapless, exact route on real ffmpeg: chapter starts, continuity, alignment."""

from __future__ import annotations

import subprocess
import wave
from array import array
from pathlib import Path

import pytest

from aiom4b_tui.engine.ffmpeg.run import ffmpeg_encoders
from aiom4b_tui.job_options.model import JobOptions
from tests.helpers.audio import audio_format, decode_pcm, make_continuous_book, rms_error
from tests.helpers.engine import chapters_of, convert

pytestmark = pytest.mark.integration

# Odd sample counts, so MP3 encoder padding would shift naive sums.
COUNTS_44 = [44100 * 2 + 1234, 44100 + 77, 44100 * 3 + 5000, 30000, 44100 * 2 + 999]


async def test_chapter_starts_are_the_true_file_boundaries(tmp_path: Path, ffmpeg: str):
    book = tmp_path / "Book"
    make_continuous_book(
        book, COUNTS_44, codec="mp3", names=[f"{i:02d} - Part {i}.mp3" for i in range(1, 6)]
    )
    logs: list[str] = []
    # Segments of ~1.5 s: joins fall inside files and across file boundaries.
    out = await convert([book], tmp_path / "out", ffmpeg, segment_seconds=1.5, logs=logs)
    assert out.name == "Book.m4b"
    chapters = chapters_of(out)
    assert [t for _, t in chapters] == [f"Part {i}" for i in range(1, 6)]
    expected, position = [], 0
    for count in COUNTS_44:
        expected.append(position / 44100)
        position += count
    for (start, _), want in zip(chapters, expected, strict=True):
        assert abs(start - want) < 0.001
    decoded = decode_pcm(out)
    assert position <= len(decoded) < position + 1024  # only the last frame's padding
    assert any("segments" in line for line in logs)


async def test_low_rate_mono_mp3s_stay_exact_and_mono(tmp_path: Path, ffmpeg: str):
    counts = [22050 * 2 + 311, 22050 + 5, 22050 * 2 + 1023]
    book = tmp_path / "Mono"
    make_continuous_book(book, counts, rate=22050, channels=1, codec="mp3")
    out = await convert([book], tmp_path / "out", ffmpeg, segment_seconds=1.0)
    assert audio_format(out) == (22050, 1)
    starts = [s for s, _ in chapters_of(out)]
    assert abs(starts[1] - counts[0] / 22050) < 0.001
    assert abs(starts[2] - (counts[0] + counts[1]) / 22050) < 0.001


def single_pass_m4a(whole: Path, target: Path, ffmpeg: str, bitrate: str, encoder: str) -> Path:
    """The reference: the whole tone, as one file, encoded by one ffmpeg pass."""
    cmd = [ffmpeg, "-v", "error", "-y", "-i", str(whole), "-c:a", encoder, "-b:a", bitrate]
    subprocess.run([*cmd, str(target)], check=True, capture_output=True)
    return target


def joined_wav(sources: list[Path], target: Path, rate: int) -> Path:
    """The decoded sources end to end as one stereo WAV: what a single pass would read."""
    pcm = array("h")
    for path in sources:
        pcm.extend(decode_pcm(path, channels=2))
    with wave.open(str(target), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return target


# FLAC goes through the decode pass; MP3s are decoded in slices by the encoders.
# libfdk_aac (two frames of priming where aac has one): only with an ffmpeg built with it.
# No stock ffmpeg has it (its licence forbids shipping it with ffmpeg), so CI always
# skips those two cases, and says why.
LIBFDK_ABSENT = (
    "this ffmpeg has no libfdk_aac encoder (no stock ffmpeg has one; CI never runs this "
    "case): the gapless joins were checked with ffmpeg's aac only"
)


@pytest.mark.parametrize("encoder", ["aac", "libfdk_aac"])
@pytest.mark.parametrize("codec", ["flac", "mp3"])
async def test_a_tone_cut_into_files_comes_out_continuous(
    tmp_path: Path, ffmpeg: str, codec: str, encoder: str
):
    if encoder not in ffmpeg_encoders(ffmpeg):
        assert encoder == "libfdk_aac", f"this ffmpeg has no {encoder} encoder"
        pytest.skip(LIBFDK_ABSENT)
    rate = 44100
    counts = [rate * 3 + 700, rate * 2 + 300, rate * 4 + 12, rate * 3]
    book = tmp_path / "Tone"
    sources = make_continuous_book(book, counts, codec=codec)
    segment_seconds = 2.0
    options = JobOptions(encoder=encoder, bitrate=128_000)
    out = await convert(
        [book], tmp_path / "out", ffmpeg, options=options, segment_seconds=segment_seconds
    )
    ours = decode_pcm(out)
    whole = joined_wav(sources, tmp_path / "whole.wav", rate)
    single = single_pass_m4a(whole, tmp_path / "single.m4a", ffmpeg, "128k", encoder)
    reference = decode_pcm(single)
    source = decode_pcm(whole)
    total = sum(counts)
    assert len(source) == total
    assert total <= len(ours) < total + 1024

    # Aligned at sample 0: the error is smallest with no offset at all.
    window = (4096, 12288)
    aligned = rms_error(ours, source, *window)
    for offset in (-1, 1):
        assert aligned * 2 < rms_error(ours, source, *window, offset=offset)
    for offset in (-1024, 1024):
        assert aligned * 5 < rms_error(ours, source, *window, offset=offset)

    # Over the whole book, and at every splice (segment edge) and file boundary, no worse
    # than one pass: than its error at that spot or its typical error, whichever is larger
    # (MP3 sources click at their own edges, and both encoders spend bits there unevenly).
    whole_ours = rms_error(ours, source, 0, total - 2048)
    whole_single = rms_error(reference, source, 0, total - 2048)
    assert whole_ours <= 1.2 * whole_single + 1
    length = int(segment_seconds * rate) // 1024 * 1024
    joins = list(range(length, total - 2048, length))
    boundaries = [sum(counts[: i + 1]) for i in range(len(counts) - 1)]
    for join in joins + boundaries:
        ours_err = rms_error(ours, source, join - 1024, join + 1024)
        single_err = rms_error(reference, source, join - 1024, join + 1024)
        assert ours_err <= 1.5 * max(single_err, whole_single) + 2, (join, ours_err, single_err)
