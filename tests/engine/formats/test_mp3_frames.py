"""The frame index of a clean MP3: it counts what ffmpeg decodes without decoding, every
slice it gives, trimmed, is bit-identical to the same samples of a whole-file decode, and
anything it cannot vouch for is left to the decode pass."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from aiom4b_tui.engine.formats.mp3_frames import index_mp3
from tests.helpers.audio import make_tone
from tests.helpers.mp3_variants import VARIANTS, decode_f32, make_mp3_variant

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_counts_and_slices_match_a_whole_decode(tmp_path: Path, ffmpeg: str, variant: str):
    rate, channels, args = VARIANTS[variant]
    path = make_mp3_variant(tmp_path / f"{variant}.mp3", rate, channels, args, ffmpeg)
    index = index_mp3(path)
    assert index is not None
    assert (index.rate, index.channels) == (rate, channels)
    whole = decode_f32(ffmpeg, ["-i", str(path)])
    assert len(whole) == index.samples * channels

    spf, n = index.frame_samples, index.samples
    rng = random.Random(variant)
    ranges = [(0, n), (0, 1), (n - 1, n), (spf * 7 + 3, spf * 7 + 4), (1234, n - 999)]
    ranges += [tuple(sorted(rng.sample(range(n + 1), 2))) for _ in range(6)]
    for start, end in ranges:
        url, trim = index.slice_for(start, end)
        part = decode_f32(ffmpeg, ["-f", "mp3", "-i", url])
        got = part[trim * channels : (trim + end - start) * channels]
        assert got == whole[start * channels : end * channels], (start, end, url)


def test_slices_are_byte_ranges_that_start_a_few_frames_early(tmp_path: Path, ffmpeg: str):
    path = make_mp3_variant(tmp_path / "a.mp3", 44100, 2, ["-b:a", "128k"], ffmpeg)
    index = index_mp3(path)
    assert index is not None
    url, trim = index.slice_for(index.samples // 2, index.samples // 2 + 5000)
    assert url.startswith("subfile,,start,") and url.endswith(f":file:{path.absolute()}")
    assert 0 < trim < 12 * index.frame_samples  # warm-up only, not the file up to there
    with pytest.raises(ValueError):
        index.slice_for(0, index.samples + 1)


def test_files_it_cannot_vouch_for_are_left_to_the_decode_pass(tmp_path: Path, ffmpeg: str):
    good = make_mp3_variant(tmp_path / "good.mp3", 44100, 2, ["-b:a", "128k"], ffmpeg).read_bytes()
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


def test_an_index_knows_its_frames_and_when_its_file_changed(tmp_path: Path, ffmpeg: str):
    path = make_mp3_variant(tmp_path / "a.mp3", 22050, 1, ["-b:a", "32k"], ffmpeg)
    index = index_mp3(path)
    assert index is not None
    assert index.frame_samples == 576  # MPEG-2
    assert index.frames == len(index.offsets) - 1
    assert index.frames * 576 >= index.samples + index.skip
    assert not index.changed()
    with path.open("ab") as grown:
        grown.write(b"more")
    assert index.changed()
    path.unlink()
    assert index.changed()
