"""Cover candidates, their pixel sizes read from the header, and scaling on a copy."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from aiom4b_tui.engine.plan.cover import (
    CoverError,
    cover_candidates,
    first_cover,
    fit_cover,
    folder_images,
    image_size,
    prepare_cover,
    scaled_size,
)


def picture(width: int, height: int, fmt: str = "JPEG", **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(out, format=fmt, **save)
    return out.getvalue()


def decoded_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


@pytest.mark.parametrize(
    ("data", "size"),
    [
        (picture(3000, 2000), (3000, 2000)),
        (picture(640, 480, progressive=True), (640, 480)),  # SOF2
        (picture(500, 700, exif=Image.Exif().tobytes() + b"\0" * 5000), (500, 700)),
        (picture(31, 17, "PNG"), (31, 17)),
        (picture(12, 9, "GIF"), (12, 9)),
    ],
    ids=["jpeg", "progressive-jpeg", "jpeg-with-exif", "png", "gif"],
)
def test_pixel_size_from_the_header(data: bytes, size: tuple[int, int]):
    assert image_size(data) == size
    assert image_size(data[:8192]) == size  # the header alone is enough


def test_no_size_for_what_is_not_an_image_header():
    assert image_size(b"") is None
    assert image_size(b"not an image at all") is None
    assert image_size(b"\xff\xd8\xff\xe0\x00\x10JFIF") is None  # cut before any frame
    assert image_size(picture(8, 8, "WEBP")) is None


def test_scaled_size_keeps_the_shape_within_1400():
    assert scaled_size(3000, 2000) == (1400, 933)
    assert scaled_size(2000, 3000) == (933, 1400)
    assert scaled_size(1400, 1000) == (1400, 1000)
    assert scaled_size(800, 600) == (800, 600)


def test_a_large_jpeg_is_scaled_to_1400_on_a_copy():
    source = picture(3000, 2000)
    fitted = fit_cover(source)
    assert fitted[:3] == b"\xff\xd8\xff"
    assert image_size(fitted) == (1400, 933)
    assert decoded_size(fitted) == (1400, 933)


def test_a_large_png_stays_png():
    fitted = fit_cover(picture(2000, 3000, "PNG"))
    assert fitted[:4] == b"\x89PNG"
    assert image_size(fitted) == (933, 1400)


def test_a_cover_within_the_limit_is_kept_as_it_is():
    small = picture(1400, 1400)
    assert fit_cover(small) is small


def test_other_formats_become_jpeg():
    fitted = fit_cover(picture(300, 200, "WEBP"))
    assert fitted[:3] == b"\xff\xd8\xff" and image_size(fitted) == (300, 200)


def test_a_broken_picture_is_a_cover_error():
    with pytest.raises(CoverError, match="cannot be read as an image"):
        fit_cover(b"\xff\xd8\xff\xe0" + b"\0" * 100)


def test_prepare_cover_never_touches_the_source(tmp_path: Path):
    source = tmp_path / "book" / "cover.jpg"
    source.parent.mkdir()
    original = picture(3000, 2000)
    source.write_bytes(original)
    os.utime(source, (1_000_000_000, 1_000_000_000))
    work = tmp_path / "work"
    work.mkdir()
    data = prepare_cover(source, work)
    assert image_size(data) == (1400, 933)
    assert (work / "cover.jpg").read_bytes() == data
    assert source.read_bytes() == original
    assert source.stat().st_mtime == 1_000_000_000
    assert sorted(p.name for p in source.parent.iterdir()) == ["cover.jpg"]


def test_prepare_cover_refuses_what_is_not_a_picture(tmp_path: Path):
    text = tmp_path / "cover.jpg"
    text.write_text("hello")
    with pytest.raises(CoverError, match="not a JPEG, PNG"):
        prepare_cover(text, tmp_path)
    with pytest.raises(CoverError, match="cannot read the cover"):
        prepare_cover(tmp_path / "gone.jpg", tmp_path)


def test_first_cover_passes_over_a_file_gone_since_the_plan(tmp_path: Path):
    good = tmp_path / "front.png"
    good.write_bytes(picture(20, 10, "PNG"))
    work = tmp_path / "work"
    work.mkdir()
    data = first_cover([tmp_path / "gone.jpg", None, good], work)
    assert data == good.read_bytes()
    assert (work / "cover.png").exists()
    assert first_cover([None, tmp_path / "gone.jpg"], work) is None


def test_folder_images_come_cover_first_then_in_natural_order(tmp_path: Path):
    for name in ("a 10.jpg", "a 2.jpg", "Folder.JPG", "cover.png", ".hidden.jpg", "notes.txt"):
        (tmp_path / name).write_bytes(picture(4, 4))
    (tmp_path / "sub.jpg").mkdir()
    names = [p.name for p in folder_images(tmp_path)]
    assert names == ["cover.png", "Folder.JPG", "a 2.jpg", "a 10.jpg"]


def test_candidates_with_their_pixel_sizes(tmp_path: Path):
    book = tmp_path / "book"
    book.mkdir()
    (book / "cover.jpg").write_bytes(picture(3000, 2000))
    (book / "back.png").write_bytes(picture(600, 600, "PNG"))
    (book / "broken.jpg").write_bytes(b"nope")
    looked_up = tmp_path / "audnexus-1.jpg"
    looked_up.write_bytes(picture(500, 500))
    chosen = tmp_path / "mine.png"
    chosen.write_bytes(picture(1000, 1500, "PNG"))
    found = cover_candidates(
        [book], lookup_cover=looked_up, extra=[chosen, tmp_path / "missing.jpg"]
    )
    assert [(c.kind, c.label, c.width, c.height) for c in found] == [
        ("folder", "cover.jpg", 3000, 2000),
        ("folder", "back.png", 600, 600),
        ("lookup", "looked up", 500, 500),
        ("file", str(chosen), 1000, 1500),
    ]
    assert [c.oversized for c in found] == [True, False, False, True]
    assert found[0].size_text == "3000×2000 px"
    assert found[0].size_bytes == (book / "cover.jpg").stat().st_size
