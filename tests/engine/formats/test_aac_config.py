"""AAC sources whose decoder configuration ADTS cannot carry still make a book: found in
the `esds` before joining, and the book re-encoded (said in the log). The sources are
ffmpeg-made .m4a files with their AudioSpecificConfig rewritten."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from aiom4b_tui.engine.formats.aac_config import adts_problem, adts_refusal, audio_specific_config
from tests.helpers.audio import make_tone
from tests.helpers.engine import chapters_of, convert

pytestmark = pytest.mark.integration

# GASpecificConfig flags in the second byte of a two-byte-or-longer AAC-LC config.
FLAGS = {
    "the extension flag": 0x01,
    "a scalable (core coder) configuration": 0x02,
    "960-sample frames": 0x04,
}


def patch_config(path: Path, flag: int) -> Path:
    """Set a GASpecificConfig flag in the file's AudioSpecificConfig, in place."""
    asc = audio_specific_config(path)
    assert asc is not None and adts_problem(asc) is None
    data = bytearray(path.read_bytes())
    where = data.find(asc, data.find(b"esds"))
    data[where + 1] |= flag
    path.write_bytes(bytes(data))
    return path


def test_configs_adts_cannot_carry_are_told_apart():
    assert adts_problem(bytes([0x12, 0x10])) is None  # AAC-LC 44.1 kHz stereo
    assert adts_problem(bytes([0x11, 0x90])) is None  # AAC-LC 48 kHz stereo
    assert adts_problem(bytes([0x12, 0x00])) is None  # channel config 0: a PCE follows
    assert adts_problem(bytes([0x12, 0x11])) == "the extension flag"
    assert adts_problem(bytes([0x12, 0x12])) == "a scalable (core coder) configuration"
    assert adts_problem(bytes([0x12, 0x14])) == "960-sample frames"
    assert adts_problem(bytes([0x2A, 0x10])) == "MPEG-4 object type 5"
    assert adts_problem(bytes([0x17, 0x80, 0, 0, 0x10])) == "an explicit sample rate"
    assert adts_problem(b"\x12") == "AudioSpecificConfig ends early"


@pytest.mark.parametrize("why", list(FLAGS))
def test_ffmpeg_refuses_them_and_we_read_its_words(tmp_path: Path, ffmpeg: str, why: str):
    source = patch_config(make_tone(tmp_path / "a.m4a", 1.0, codec="m4a"), FLAGS[why])
    assert adts_problem(audio_specific_config(source)) == why
    done = subprocess.run(
        [ffmpeg, "-v", "error", "-i", str(source), "-c:a", "copy", "-f", "adts", "-y", "o.aac"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "not allowed in ADTS" in adts_refusal(done.stderr)


@pytest.mark.timeout(240)
async def test_a_book_with_such_a_source_is_made_by_re_encoding(tmp_path: Path, ffmpeg: str):
    book = tmp_path / "Book"
    book.mkdir()
    make_tone(book / "1.m4a", 0, codec="m4a", samples=44100 * 2, freq=300)
    second = make_tone(book / "2.m4a", 0, codec="m4a", samples=44100 * 3, freq=600)
    patch_config(second, FLAGS["a scalable (core coder) configuration"])
    logs: list[str] = []
    result = await convert([book], tmp_path / "out", ffmpeg, logs=logs)
    assert result.is_file()
    said = [line for line in logs if "re-encoding the book" in line]
    assert said == [
        "2.m4a: its AAC configuration cannot be joined without re-encoding "
        "(a scalable (core coder) configuration); re-encoding the book"
    ]
    assert [round(start, 2) for start, _title in chapters_of(result)] == [0.0, 2.0]
    assert abs(MP4(result).info.length - 5.0) < 0.1
    assert list((tmp_path / "out").glob(".aiom4b-work-*")) == []
