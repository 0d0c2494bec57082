"""Reading an MP4's encoder priming: edit list, else iTunSMPB, else the default."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from mutagen.mp4 import MP4, MP4FreeForm

from aiom4b_tui.engine.mp4.priming import mp4_priming
from tests.helpers.audio import make_aac_book, make_tone
from tests.helpers.engine import chapters_of, convert

pytestmark = pytest.mark.integration


def set_edit_list_priming(path: Path, samples: int) -> None:
    """Rewrite the first edit's media time in place (a version-0 elst, as ffmpeg writes)."""
    data = bytearray(path.read_bytes())
    at = data.index(b"elst")
    assert data[at + 4] == 0
    struct.pack_into(">i", data, at + 16, samples)  # after version/flags, count, duration
    path.write_bytes(data)


def without_edit_list(source: Path, target: Path, ffmpeg: str, priming: int) -> Path:
    """The same audio in an MP4 with no edit list, its priming told by an iTunSMPB tag."""
    cmd = [ffmpeg, "-v", "error", "-y", "-i", str(source), "-c", "copy"]
    subprocess.run([*cmd, "-use_editlist", "0", str(target)], check=True, capture_output=True)
    mp4 = MP4(target)
    if mp4.tags is None:
        mp4.add_tags()
    smpb = f" 00000000 {priming:08X} 00000000 0000000000000000"
    mp4.tags["----:com.apple.iTunes:iTunSMPB"] = [MP4FreeForm(smpb.encode())]
    mp4.save()
    return target


def test_the_edit_list_is_read(tmp_path: Path):
    plain = make_tone(tmp_path / "a.m4a", 0.5, codec="m4a")
    assert mp4_priming(plain) == 1024  # ffmpeg's aac
    apple = tmp_path / "apple.m4a"
    shutil.copy(plain, apple)
    set_edit_list_priming(apple, 2112)  # what Apple's encoder writes
    assert mp4_priming(apple, default=0) == 2112


def test_without_an_edit_list_itunsmpb_then_the_default(tmp_path: Path, ffmpeg: str):
    plain = make_tone(tmp_path / "a.m4a", 0.5, codec="m4a")
    tagged = without_edit_list(plain, tmp_path / "tagged.m4a", ffmpeg, 2112)
    assert mp4_priming(tagged, default=0) == 2112
    bare = tmp_path / "bare.m4a"
    subprocess.run(
        [ffmpeg, "-v", "error", "-i", str(plain), "-c", "copy", "-use_editlist", "0", str(bare)],
        check=True,
    )
    assert mp4_priming(bare, default=7) == 7
    junk = tmp_path / "junk.m4a"
    junk.write_bytes(b"\x00\x00\x00\x08free" + bytes(100))
    assert mp4_priming(junk, default=7) == 7


async def test_joined_sources_place_chapters_after_each_ones_own_priming(tmp_path, ffmpeg):
    book = tmp_path / "Mixed encoders"
    counts = [44100 + 100, 44100 * 2 + 7, 30000]
    make_aac_book(book, counts)
    set_edit_list_priming(book / "2.m4a", 2112)
    staged = book / "3.m4a"
    without_edit_list(staged, tmp_path / "3.m4a", ffmpeg, 2048)
    shutil.move(tmp_path / "3.m4a", staged)
    logs: list[str] = []
    out = await convert([book], tmp_path / "out", ffmpeg, logs=logs)
    assert any("without re-encoding" in line for line in logs)
    packets = [-(-(c + 1024) // 1024) for c in counts]  # ffmpeg aac: ceil(n/1024)+1
    # The joined stream holds every packet; the edit list skips the first file's 1024.
    second = packets[0] * 1024 - 1024 + 2112
    third = (packets[0] + packets[1]) * 1024 - 1024 + 2048
    starts = [s for s, _ in chapters_of(out)]
    assert abs(starts[1] - second / 44100) < 0.001
    assert abs(starts[2] - third / 44100) < 0.001
