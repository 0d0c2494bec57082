"""Audio decided by probing, not by the name; special files never opened (real ffmpeg)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aiom4b_tui.engine.sources import audio_kind
from aiom4b_tui.engine.sources.folder_summary import audio_files_in, guess_title, summarize_folder
from aiom4b_tui.engine.sources.scan import list_audio, scan_book
from aiom4b_tui.queue.inbox import folder_has_audio
from tests.helpers.audio import make_image, make_tone

pytestmark = pytest.mark.integration

# extension -> ffmpeg output arguments (encoders every ffmpeg build has).
OTHER_FORMATS = {
    "wv": ["-c:a", "wavpack"],
    "ac3": ["-c:a", "ac3"],
    "eac3": ["-c:a", "eac3"],
    "3gp": ["-c:a", "aac", "-ar", "16000", "-ac", "1"],
    "3g2": ["-c:a", "aac", "-ar", "16000", "-ac", "1"],
    "tta": ["-c:a", "tta"],
    "mp2": ["-c:a", "mp2"],
    "mka": ["-c:a", "flac"],
}


def encode(ffmpeg: str, path: Path, args: list[str], seconds: float = 1.0) -> Path:
    cmd = [ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", f"sine=d={seconds}"]
    subprocess.run([*cmd, *args, str(path)], check=True)
    return path


def test_formats_off_the_old_list_are_audio(tmp_path: Path, ffmpeg: str):
    for index, (ext, args) in enumerate(OTHER_FORMATS.items(), 1):
        encode(ffmpeg, tmp_path / f"{index:02d}.{ext}", args)
    scan = scan_book([tmp_path], ffmpeg=ffmpeg)
    assert [f.rel.split(".")[1] for f in scan.files] == list(OTHER_FORMATS)
    assert all(0.9 < f.duration < 1.2 for f in scan.files)
    assert scan.skipped == []


def test_unknown_names_are_probed_and_non_audio_skipped_without_ffmpeg(tmp_path: Path, ffmpeg: str):
    encode(ffmpeg, tmp_path / "01.bin", ["-c:a", "wavpack", "-f", "wv"])  # mutagen reads it
    encode(ffmpeg, tmp_path / "02.dat", ["-c:a", "aac", "-f", "adts"])  # only ffmpeg does
    (tmp_path / "03.part").write_bytes(os.urandom(4096))
    (tmp_path / "notes.dat").write_text("Read by Somebody.\nUnabridged.\n")
    (tmp_path / "playlist.m3u").write_text("#EXTM3U\n01.bin\n")
    (tmp_path / "list.xyz").write_text("#EXTM3U\n01.bin\n")
    shutil.copy(make_image(tmp_path.parent / "c.jpg"), tmp_path / "art.img")
    (tmp_path / "book.pdf").write_bytes(b"%PDF-1.4 whatever")
    audio, skipped = list_audio(tmp_path, ffmpeg=ffmpeg)
    assert [p.name for p in audio] == ["01.bin", "02.dat"]
    reasons = {p.name: why for p, why in skipped}
    assert reasons["notes.dat"] == "not audio (text)"
    assert reasons["list.xyz"] == "not audio (playlist)"
    assert reasons["art.img"] == "not audio (image)"
    assert reasons["playlist.m3u"] == reasons["book.pdf"] == "not audio"
    assert reasons["03.part"].startswith("not audio (ffmpeg: ")
    # The picker, the inbox and the scanner agree.
    assert [p.name for p in audio_files_in(tmp_path)] == ["01.bin", "02.dat"]
    assert summarize_folder(tmp_path).audio_files == 2
    assert folder_has_audio(tmp_path)
    scan = scan_book([tmp_path], ffmpeg=ffmpeg)
    assert [f.rel for f in scan.files] == ["01.bin", "02.dat"]
    assert scan.files[0].codec == "wavpack"


def test_a_folder_of_only_non_audio_has_no_audio(tmp_path: Path):
    (tmp_path / "notes.dat").write_text("text")
    (tmp_path / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    assert not folder_has_audio(tmp_path)
    assert summarize_folder(tmp_path).audio_files == 0


@pytest.mark.timeout(60)
def test_a_fifo_named_mp3_is_skipped_never_opened(tmp_path: Path, ffmpeg: str):
    make_tone(tmp_path / "01.mp3", 0.5, tags={"album": "Piped"})
    os.mkfifo(tmp_path / "02.mp3")
    os.mkfifo(tmp_path / "03.weird")
    audio, skipped = list_audio(tmp_path, ffmpeg=ffmpeg)
    assert [p.name for p in audio] == ["01.mp3"]
    assert dict((p.name, why) for p, why in skipped) == {
        "02.mp3": "not a regular file (FIFO)",
        "03.weird": "not a regular file (FIFO)",
    }
    scan = scan_book([tmp_path], ffmpeg=ffmpeg)
    assert [f.rel for f in scan.files] == ["01.mp3"]
    assert summarize_folder(tmp_path).audio_files == 1
    assert guess_title([tmp_path]) == "Piped"
    with pytest.raises(OSError, match="not a regular file"):
        audio_kind.open_regular(tmp_path / "02.mp3").__enter__()


@pytest.mark.timeout(120)
def test_convert_of_a_book_holding_a_fifo_finishes(tmp_path: Path, data_dir: Path):
    book = tmp_path / "Book"
    book.mkdir()
    make_tone(book / "01.mp3", 1.0)
    os.mkfifo(book / "02.mp3")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "aiom4b_tui", "convert", str(book), "--output-dir", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=100, check=False)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).is_file()
