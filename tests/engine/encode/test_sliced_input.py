"""MP3s decoded in slices: the frame index counts what ffmpeg decodes, and every slice,
trimmed, is bit-identical to the same samples of a whole-file decode."""

from __future__ import annotations

import random
import subprocess
from array import array
from pathlib import Path

import pytest

from aiom4b_tui.engine.encode.sliced_input import SlicedSources, slice_sources
from aiom4b_tui.engine.formats.mp3_frames import index_mp3
from aiom4b_tui.engine.plan.plan import make_plan
from aiom4b_tui.engine.sources.scan import scan_book
from aiom4b_tui.job_options.model import JobOptions
from tests.helpers.audio import make_image, make_tone

pytestmark = pytest.mark.integration

SIGNAL = "anoisesrc=d=6.3:c=pink:a=0.3:r={rate}:seed=7"

# What people's audiobook folders hold: CBR and VBR from LAME (with the Info/Xing tag that
# carries the encoder delay and padding), files without that tag (streamed rips), MPEG-2
# and 2.5 low rates, mono, tags before and after the frames.
VARIANTS = {
    "cbr-stereo": (44100, 2, ["-b:a", "128k"]),
    "vbr-stereo": (44100, 2, ["-q:a", "4"]),
    "no-info-tag": (44100, 2, ["-b:a", "96k", "-write_xing", "0"]),
    "mpeg2-mono": (22050, 1, ["-b:a", "32k"]),
    "mpeg25-mono": (8000, 1, ["-b:a", "16k"]),
    "id3-both-48k": (48000, 2, ["-b:a", "64k", "-write_id3v1", "1", "-metadata", "title=T"]),
}


def make_mp3(path: Path, rate: int, channels: int, args: list[str], ffmpeg: str) -> Path:
    cmd = [ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", SIGNAL.format(rate=rate)]
    cmd += ["-ac", str(channels), "-c:a", "libmp3lame", *args, str(path)]
    subprocess.run(cmd, check=True, capture_output=True)
    return path


def decode(ffmpeg: str, args: list[str]) -> array:
    """32-bit float PCM, as the encoders receive it."""
    out = subprocess.run(
        [ffmpeg, "-v", "error", *args, "-f", "f32le", "-"], check=True, capture_output=True
    ).stdout
    return array("f", out)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_counts_and_slices_match_a_whole_decode(tmp_path: Path, ffmpeg: str, variant: str):
    rate, channels, args = VARIANTS[variant]
    path = make_mp3(tmp_path / f"{variant}.mp3", rate, channels, args, ffmpeg)
    index = index_mp3(path)
    assert index is not None
    assert (index.rate, index.channels) == (rate, channels)
    whole = decode(ffmpeg, ["-i", str(path)])
    assert len(whole) == index.samples * channels

    spf, n = index.frame_samples, index.samples
    rng = random.Random(variant)
    ranges = [(0, n), (0, 1), (n - 1, n), (spf * 7 + 3, spf * 7 + 4), (1234, n - 999)]
    ranges += [tuple(sorted(rng.sample(range(n + 1), 2))) for _ in range(6)]
    for start, end in ranges:
        url, trim = index.slice_for(start, end)
        part = decode(ffmpeg, ["-f", "mp3", "-i", url])
        got = part[trim * channels : (trim + end - start) * channels]
        assert got == whole[start * channels : end * channels], (start, end, url)


def test_slices_are_byte_ranges_that_start_a_few_frames_early(tmp_path: Path, ffmpeg: str):
    path = make_mp3(tmp_path / "a.mp3", 44100, 2, ["-b:a", "128k"], ffmpeg)
    index = index_mp3(path)
    assert index is not None
    url, trim = index.slice_for(index.samples // 2, index.samples // 2 + 5000)
    assert url.startswith("subfile,,start,") and url.endswith(f":file:{path.absolute()}")
    assert 0 < trim < 12 * index.frame_samples  # warm-up only, not the file up to there
    with pytest.raises(ValueError):
        index.slice_for(0, index.samples + 1)


def test_files_it_cannot_vouch_for_are_left_to_the_decode_pass(tmp_path: Path, ffmpeg: str):
    good = make_mp3(tmp_path / "good.mp3", 44100, 2, ["-b:a", "128k"], ffmpeg).read_bytes()
    cases = {
        "cut.mp3": good[: len(good) - 100],  # the last frame cut off
        "junk.mp3": good + b"\x00junk after the frames" * 20,
        "noise.mp3": random.Random(1).randbytes(40_000),
        "empty.mp3": b"",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        assert index_mp3(tmp_path / name) is None, name
    wav = make_tone(tmp_path / "pcm.wav", 1.0, codec="wav")
    assert index_mp3(wav.rename(tmp_path / "pcm.mp3")) is None


def sliced_book(folder: Path, options: JobOptions | None = None) -> SlicedSources | None:
    plan = make_plan(scan_book([folder]), options or JobOptions(), output_dir=folder.parent)
    return slice_sources(plan)


def test_a_book_reads_across_file_boundaries_exactly(tmp_path: Path, ffmpeg: str):
    # A mono file in a stereo book is brought to stereo as the decode pass would.
    book = tmp_path / "book"
    book.mkdir()
    make_mp3(book / "1.mp3", 44100, 2, ["-b:a", "128k"], ffmpeg)
    make_mp3(book / "2.mp3", 44100, 1, ["-b:a", "64k", "-write_xing", "0"], ffmpeg)
    make_mp3(book / "3.mp3", 44100, 2, ["-q:a", "6"], ffmpeg)
    make_image(book / "cover.jpg")
    sliced = sliced_book(book)
    assert sliced is not None and sliced.layout == "stereo"
    whole = array("f")
    for name in ("1.mp3", "2.mp3", "3.mp3"):
        whole.extend(decode(ffmpeg, ["-i", str(book / name), "-ac", "2"]))
    assert len(whole) == 2 * sliced.total
    first, second, third = sliced.file_starts
    assert first == 0 and second == sliced.sources[0].samples
    for start, end in [(0, sliced.total), (second - 5000, third + 5000), (third - 1, third + 1)]:
        got = decode(ffmpeg, sliced.input_args(start, end))
        assert got == whole[2 * start : 2 * end], (start, end)
    with pytest.raises(ValueError):
        sliced.input_args(0, sliced.total + 1)


def test_books_that_need_a_decode_pass(tmp_path: Path, ffmpeg: str):
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    make_tone(mixed / "1.mp3", 1.0)
    make_tone(mixed / "2.flac", 1.0, codec="flac")
    assert sliced_book(mixed) is None
    rates = tmp_path / "rates"
    rates.mkdir()
    make_tone(rates / "1.mp3", 1.0, rate=44100)
    make_tone(rates / "2.mp3", 1.0, rate=22050)  # the output is 44.1 kHz: a resample
    assert sliced_book(rates) is None
    plain = tmp_path / "plain"
    plain.mkdir()
    make_tone(plain / "1.mp3", 1.0)
    assert sliced_book(plain) is not None
    assert sliced_book(plain, JobOptions(sample_rate=22050)) is None
