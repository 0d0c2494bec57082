"""The cover a converted book carries: the one the job chose (an image file or a picture
embedded in a source), scaled to 1400 px on a copy when larger, or none when asked."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest
from mutagen.mp4 import MP4
from PIL import Image

from aiom4b_tui.engine.plan.cover import image_size
from aiom4b_tui.job_options.model import JobOptions
from tests.helpers.audio import make_image, make_tone
from tests.helpers.engine import convert

pytestmark = pytest.mark.integration


def _digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def _cover_of(book: Path) -> bytes | None:
    tags = MP4(book).tags or {}
    covers = tags.get("covr")
    return bytes(covers[0]) if covers else None


async def test_a_chosen_cover_over_1400_px_is_scaled_and_the_source_untouched(tmp_path, ffmpeg):
    book = tmp_path / "Big"
    book.mkdir()
    make_tone(book / "01.mp3", 1.0)
    make_image(book / "cover.jpg", "red", "300x300")  # the folder's: not chosen
    chosen = make_image(tmp_path / "poster.jpg", "blue", "2800x2100")
    os.utime(chosen, ns=(1_000_000_000, 1_000_000_000))
    before = _digest(chosen)
    out = await convert([book], tmp_path / "out", ffmpeg, options=JobOptions(cover=chosen))
    cover = _cover_of(out)
    assert cover is not None and cover[:3] == b"\xff\xd8\xff"
    assert image_size(cover) == (1400, 1050)
    with Image.open(io.BytesIO(cover)) as image:
        red, _green, blue = image.convert("RGB").getpixel((700, 525))
    assert blue > 200 and red < 60  # the chosen picture, not the folder's red one
    assert _digest(chosen) == before


async def test_a_picture_embedded_in_a_source_can_be_chosen(tmp_path, ffmpeg):
    book = tmp_path / "Pics"
    book.mkdir()
    green = make_image(tmp_path / "green.png", "green", "40x30")
    make_tone(book / "01.mp3", 1.0)
    make_tone(book / "02.mp3", 1.0, picture=green)
    make_image(book / "cover.jpg", "red", "50x50")
    out = await convert([book], tmp_path / "out", ffmpeg, options=JobOptions(cover=book / "02.mp3"))
    cover = _cover_of(out)
    assert cover is not None and image_size(cover) == (40, 30)


async def test_no_cover_when_the_job_says_none(tmp_path, ffmpeg):
    book = tmp_path / "Bare"
    book.mkdir()
    make_tone(book / "01.mp3", 1.0)
    make_image(book / "cover.jpg", "red", "50x50")
    out = await convert([book], tmp_path / "out", ffmpeg, options=JobOptions(no_cover=True))
    assert _cover_of(out) is None


async def test_an_existing_book_is_never_replaced_unless_asked(tmp_path, ffmpeg):
    book = tmp_path / "Twice"
    book.mkdir()
    make_tone(book / "01.mp3", 1.0, tags={"album": "Twice", "artist": "Ann"})
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    existing = out_dir / "Ann - Twice.m4b"
    existing.write_bytes(b"a finished book")
    logs: list[str] = []
    renamed = await convert([book], out_dir, ffmpeg, logs=logs)
    assert renamed.name == "Ann - Twice (2).m4b"
    assert existing.read_bytes() == b"a finished book"
    assert any("Ann - Twice.m4b exists: named Ann - Twice (2).m4b" in line for line in logs)
    replaced = await convert(
        [book], out_dir, ffmpeg, options=JobOptions(overwrite=True), logs=logs, work_name="u"
    )
    assert replaced == existing and MP4(existing).info.length > 0.9
    assert any("asks to overwrite" in line for line in logs)
