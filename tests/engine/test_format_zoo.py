"""Every audio format this machine's ffmpeg can encode (tests/helpers/format_zoo.py), one book
each: converted, or refused with a reason that names the file."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from aiom4b_tui.engine.convert import convert_folders
from aiom4b_tui.engine.convert_task import ConvertTask
from aiom4b_tui.engine.encode.timeline import DecodeError
from aiom4b_tui.engine.failures import ConversionError
from aiom4b_tui.engine.ffmpeg.run import FFmpegPool
from aiom4b_tui.engine.sources.scan import ScanError
from aiom4b_tui.job_options.model import JobOptions
from tests.helpers.format_zoo import make_format_zoo

pytestmark = pytest.mark.integration

# Formats audiobooks come in: these must convert, whatever else this ffmpeg has.
MUST_CONVERT = (
    "libmp3lame",
    "aac",
    "alac",
    "flac",
    "libvorbis",
    "libopus",
    "pcm_s16le",
    "wavpack",
    "ac3",
    "eac3",
    "tta",
    "mp2",
    "wmav2",
)


def decoded_seconds(ffmpeg: str, path: Path) -> float:
    cmd = [ffmpeg, "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1", "-ar", "8000"]
    pcm = subprocess.run([*cmd, "-f", "s16le", "-"], capture_output=True, check=True).stdout
    return len(pcm) / 2 / 8000


@pytest.mark.timeout(1200)
async def test_every_format_converts_or_is_refused_by_name(tmp_path: Path, ffmpeg: str):
    zoo = make_format_zoo(tmp_path / "zoo", ffmpeg)
    assert set(MUST_CONVERT) <= set(zoo.files), zoo.not_made
    pool = FFmpegPool(2)
    converted: dict[str, float] = {}
    refused: dict[str, str] = {}
    for encoder, source in sorted(zoo.files.items()):
        out = tmp_path / "out" / encoder
        try:
            task = ConvertTask(ffmpeg, pool, work_name=encoder)
            book = await convert_folders([source.parent], JobOptions(), task, output_dir=out)
        except (ScanError, ConversionError, DecodeError) as exc:
            refused[encoder] = str(exc)
            continue
        converted[encoder] = MP4(book).info.length
    for encoder, why in refused.items():
        assert zoo.files[encoder].name in why, (encoder, why)
    assert set(MUST_CONVERT) <= set(converted), refused
    for encoder, length in converted.items():
        # Headerless formats (raw DFPWM, aptX, …) play at the rate ffmpeg assumes, so
        # the measure is what ffmpeg decodes from the source, not what was written.
        expected = decoded_seconds(ffmpeg, zoo.files[encoder])
        assert abs(length - expected) < 0.15, (encoder, length, expected)
    print(f"\nconverted {len(converted)}: {', '.join(sorted(converted))}")
    print(f"refused {len(refused)}: " + "; ".join(f"{k}: {v}" for k, v in refused.items()))
    print("not made by this ffmpeg: " + "; ".join(f"{k}: {v}" for k, v in zoo.not_made.items()))
