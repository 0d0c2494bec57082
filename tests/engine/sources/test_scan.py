"""Finding and ordering a book's files (no probing: empty stand-in files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.engine.sources.scan import ScanError, find_cover_image, list_audio, scan_book


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")


def rels(root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in list_audio(root)[0]]


def test_natural_order_of_numbers_and_discs(tmp_path: Path):
    touch(
        tmp_path,
        "10.mp3",
        "2.mp3",
        "1.mp3",
        "CD2/1.mp3",
        "CD1/10.mp3",
        "CD1/9.mp3",
        "Disc 10/a.mp3",
        "Disc 2/a.mp3",
        "b.MP3",
        "A.mp3",
    )
    assert rels(tmp_path) == [
        "1.mp3",
        "2.mp3",
        "10.mp3",
        "A.mp3",
        "b.MP3",
        "CD1/9.mp3",
        "CD1/10.mp3",
        "CD2/1.mp3",
        "Disc 2/a.mp3",
        "Disc 10/a.mp3",
    ]


def test_hidden_appledouble_and_non_audio_are_skipped_with_a_reason(tmp_path: Path):
    touch(
        tmp_path,
        "01.mp3",
        ".hidden.mp3",
        "._01.mp3",
        "notes.txt",
        "cover.jpg",
        ".secret/02.mp3",
        "03.OPUS",
        "04.aiff",
        "05.wma",
    )
    audio, skipped = list_audio(tmp_path)
    assert [p.name for p in audio] == ["01.mp3", "03.OPUS", "04.aiff", "05.wma"]
    reasons = {p.name: why for p, why in skipped}
    assert reasons == {
        ".hidden.mp3": "hidden file",
        "._01.mp3": "AppleDouble file",
        "notes.txt": "not audio",
        "cover.jpg": "not audio",
    }


def test_cover_image_is_found_by_name(tmp_path: Path):
    touch(tmp_path, "back.jpg", "Folder.PNG", "01.mp3")
    assert find_cover_image(tmp_path) == tmp_path / "Folder.PNG"
    touch(tmp_path, "cover.jpeg")
    assert find_cover_image(tmp_path) == tmp_path / "cover.jpeg"
    assert find_cover_image(tmp_path / "missing") is None


def test_empty_folder_and_folder_without_audio_fail_clearly(tmp_path: Path):
    with pytest.raises(ScanError, match="empty"):
        scan_book([tmp_path])
    touch(tmp_path, "readme.txt")
    with pytest.raises(ScanError, match="no audio files"):
        scan_book([tmp_path])
    with pytest.raises(ScanError, match="not a folder"):
        scan_book([tmp_path / "nope"])


def test_zero_byte_audio_file_is_named(tmp_path: Path):
    touch(tmp_path, "01.mp3")
    with pytest.raises(ScanError, match=r"01\.mp3 is empty"):
        scan_book([tmp_path])


def test_abandoned_scans_stop_at_the_next_file_and_later_scans_run(tmp_path: Path, monkeypatch):
    from aiom4b_tui.engine.sources import scan
    from aiom4b_tui.engine.sources.scan import ScanAbandoned, abandon_scans

    touch(tmp_path, *(f"{n:02d}.mp3" for n in range(1, 11)))
    probed: list[str] = []

    def fake_probe(path: Path, folder: Path, *, ffmpeg: str | None = None):
        probed.append(path.name)
        if len(probed) == 2:
            abandon_scans()  # as a signal handler would, from another thread
        return scan.AudioFile(path, path.name, 1.0, "mp3", 44100, 2, 0)

    monkeypatch.setattr(scan, "probe_file", fake_probe)
    with pytest.raises(ScanAbandoned):
        scan_book([tmp_path])
    assert probed == ["01.mp3", "02.mp3"]
    assert len(scan_book([tmp_path]).files) == 10
