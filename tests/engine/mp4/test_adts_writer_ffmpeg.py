"""mp4_adts_writer on real ffmpeg output: the MP4 it writes decodes to exactly what the
ADTS stream decodes to, and mutagen and ffmpeg read its format."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from aiom4b_tui.engine.formats.adts import adts_frame_offsets
from aiom4b_tui.engine.mp4.adts_writer import AdtsMp4Writer
from tests.helpers.audio import audio_format, decode_pcm, make_tone

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(("rate", "channels"), [(44100, 2), (22050, 1)])
def test_written_mp4_decodes_like_its_adts(tmp_path: Path, ffmpeg: str, rate, channels):
    tone = make_tone(tmp_path / "t.wav", 3.3, rate=rate, channels=channels, codec="wav")
    adts = tmp_path / "t.aac"
    cmd = [ffmpeg, "-v", "error", "-y", "-i", str(tone), "-c:a", "aac", "-b:a", "64k"]
    subprocess.run([*cmd, "-f", "adts", str(adts)], check=True, capture_output=True)
    data = adts.read_bytes()
    offsets = adts_frame_offsets(data)
    half = offsets[len(offsets) // 2]
    out = tmp_path / "t.m4a"
    writer = AdtsMp4Writer(out)
    writer.append(data[:half])  # in two pieces, as segments arrive
    writer.append_file(adts, half, len(data))
    writer.close()

    assert audio_format(out) == (rate, channels)
    info = MP4(out).info
    assert (info.sample_rate, info.channels) == (rate, channels)
    assert info.length == pytest.approx((len(offsets) - 1) * 1024 / rate)
    for layout in (1, 2) if channels == 2 else (1,):
        assert decode_pcm(out, channels=layout) == decode_pcm(adts, channels=layout)
