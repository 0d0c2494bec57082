"""Probing real files: mutagen's view of each format, and the ffmpeg check for the rest."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from aiom4b_tui.engine.sources.scan import ScanError, scan_book
from tests.helpers.audio import make_image, make_tone

pytestmark = pytest.mark.integration


def test_formats_are_probed(tmp_path: Path):
    make_tone(tmp_path / "1.mp3", 1.0, rate=22050, channels=1, tags={"title": "One"})
    make_tone(tmp_path / "2.m4a", 1.0, codec="m4a")
    make_tone(tmp_path / "3.flac", 1.0, rate=48000, codec="flac")
    make_tone(tmp_path / "4.ogg", 1.0, codec="ogg")
    make_tone(tmp_path / "5.opus", 1.0, codec="opus", rate=48000)
    make_tone(tmp_path / "6.wav", 1.0, codec="wav", channels=1)
    scan = scan_book([tmp_path])
    found = [(f.rel, f.codec, f.sample_rate, f.channels) for f in scan.files]
    assert found == [
        ("1.mp3", "mp3", 22050, 1),
        ("2.m4a", "aac", 44100, 2),
        ("3.flac", "flac", 48000, 2),
        ("4.ogg", "vorbis", 44100, 2),
        ("5.opus", "opus", 48000, 2),
        ("6.wav", "pcm", 44100, 1),
    ]
    assert all(abs(f.duration - 1.0) < 0.1 for f in scan.files)
    assert scan.files[0].tags["title"] == "One" and scan.files[0].bitrate > 0


def test_embedded_picture_is_noticed(tmp_path: Path):
    picture = make_image(tmp_path.parent / "p.jpg")
    make_tone(tmp_path / "1.mp3", 0.5)
    make_tone(tmp_path / "2.mp3", 0.5, picture=picture)
    scan = scan_book([tmp_path])
    assert [f.has_picture for f in scan.files] == [False, True]
    assert scan.cover is None and scan.picture_file == tmp_path / "2.mp3"


def test_a_file_mutagen_cannot_read_gets_an_ffmpeg_check(tmp_path: Path, ffmpeg: str):
    # Opus in a WebM container: mutagen does not read WebM, ffmpeg decodes it.
    odd = tmp_path / "1.opus"
    cmd = [ffmpeg, "-v", "error", "-f", "lavfi", "-i", "sine=d=1.5:sample_rate=48000"]
    subprocess.run([*cmd, "-c:a", "libopus", "-f", "webm", str(odd)], check=True)
    scan = scan_book([tmp_path], ffmpeg=ffmpeg)
    assert scan.files[0].codec == "unknown"
    assert abs(scan.files[0].duration - 1.5) < 0.1
    (tmp_path / "2.mp3").write_bytes(b"ID3" + bytes(4000))
    with pytest.raises(ScanError, match=r"2\.mp3 is not audio"):
        scan_book([tmp_path], ffmpeg=ffmpeg)
