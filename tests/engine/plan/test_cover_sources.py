"""Cover candidates from the pictures embedded in real audio files (made by ffmpeg), and
a large embedded picture scaled on a copy, the source file left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.engine.plan.cover import cover_candidates, image_size, prepare_cover
from aiom4b_tui.engine.sources.scan import scan_book
from tests.helpers.audio import make_image, make_tone

pytestmark = pytest.mark.integration


@pytest.fixture
def book(tmp_path: Path) -> Path:
    folder = tmp_path / "Book"
    folder.mkdir()
    red = make_image(tmp_path / "red.jpg", "red", "300x200")
    blue = make_image(tmp_path / "blue.png", "blue", "3000x2000")
    make_tone(folder / "01.mp3", 0.5, picture=red)
    make_tone(folder / "02.mp3", 0.5, picture=red)
    make_tone(folder / "03.mp3", 0.5, picture=blue)
    make_tone(folder / "04.mp3", 0.5)
    make_image(folder / "folder.jpg", "green", "500x500")
    return folder


def test_embedded_pictures_are_candidates_once_each(book: Path):
    scan = scan_book([book])
    found = cover_candidates([book], scan.files)
    assert [(c.kind, c.label, c.width, c.height) for c in found] == [
        ("folder", "folder.jpg", 500, 500),
        ("embedded", "embedded in 01.mp3 (and 1 more)", 300, 200),
        ("embedded", "embedded in 03.mp3", 3000, 2000),
    ]
    assert found[1].path == book / "01.mp3"


def test_a_large_embedded_picture_is_scaled_on_a_copy(book: Path, tmp_path: Path):
    source = book / "03.mp3"
    before = source.read_bytes()
    work = tmp_path / "work"
    work.mkdir()
    data = prepare_cover(source, work)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert image_size(data) == (1400, 933)
    assert (work / "cover.png").read_bytes() == data
    assert source.read_bytes() == before
