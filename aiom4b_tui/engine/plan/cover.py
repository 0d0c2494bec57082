"""The book's cover: the candidates to choose from, their size in pixels, and the chosen
one made ready for the .m4b (at most 1400 px on its long side, JPEG or PNG).

Candidates: the images in the book's folders (`cover.*`, `folder.*`, `front.*` first),
the pictures embedded in the sources (one per distinct picture), a looked-up cover
(a file `lookup_service.BookLookup.download_cover` wrote), and files the person names.
Every candidate is a path: an image file, or the audio file whose picture it is, so a
job's choice is kept as one path. Sizes come from the image header (JPEG SOF, PNG IHDR,
GIF screen) without decoding. Scaling works on a copy in memory and writes only into
the work folder: the chosen file is never touched.
"""

from __future__ import annotations

import hashlib
import io
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from natsort import natsorted, ns
from PIL import Image

from aiom4b_tui.engine.mp4.tags import embedded_picture
from aiom4b_tui.engine.sources.scan import (
    AUDIO_EXTENSIONS,
    COVER_EXTENSIONS,
    COVER_STEMS,
    AudioFile,
)

MAX_COVER_SIDE = 1400
MAX_COVER_BYTES = 50 * 1024 * 1024
JPEG_QUALITY = 90
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers (C0-CF but DHT C4, JPG C8, DAC CC) carry the frame size.
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Markers without a length field: TEM, RST0-7, SOI.
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD9)})


class CoverError(ValueError):
    """A cover that cannot be used; the message names the file."""


@dataclass(frozen=True)
class CoverCandidate:
    """One cover a person can choose."""

    kind: str  # "folder" | "embedded" | "lookup" | "file"
    path: Path  # the image file, or the audio file the picture is embedded in
    label: str  # e.g. "cover.jpg", "embedded in 01.mp3 (and 11 more)"
    width: int | None  # pixels; None when the header cannot be read
    height: int | None
    size_bytes: int

    @property
    def oversized(self) -> bool:
        """True when the long side is over MAX_COVER_SIDE (it will be scaled down)."""
        return max(self.width or 0, self.height or 0) > MAX_COVER_SIDE

    @property
    def size_text(self) -> str:
        """'3000×2000 px' (or '? px' when unknown)."""
        if self.width is None or self.height is None:
            return "? px"
        return f"{self.width}×{self.height} px"


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a JPEG, PNG or GIF header; None for anything else."""
    if data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None  # lost in the stream: not a well-formed header
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _STANDALONE:
            pos += 2
            continue
        if marker == 0xD9:  # end of image before any frame
            return None
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker in _SOF_MARKERS and pos + 9 <= len(data):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return width, height
        pos += 2 + length
    return None


def scaled_size(width: int, height: int, max_side: int = MAX_COVER_SIDE) -> tuple[int, int]:
    """The size after scaling down to `max_side` on the long side (unchanged if within)."""
    long_side = max(width, height)
    if long_side <= max_side:
        return width, height
    scale = max_side / long_side
    return max(1, round(width * scale)), max(1, round(height * scale))


def cover_candidates(
    folders: Sequence[Path],
    files: Sequence[AudioFile] = (),
    *,
    lookup_cover: Path | None = None,
    extra: Sequence[Path] = (),
) -> list[CoverCandidate]:
    """Every cover of a book, in the order to offer them: the folders' images, the
    sources' distinct embedded pictures, the looked-up cover, then `extra` files.
    Files that cannot be read are left out."""
    found: list[CoverCandidate] = []
    for folder in folders:
        for image in folder_images(folder):
            found += _file_candidate("folder", image, image.name)
    found += _embedded_candidates(files)
    if lookup_cover is not None:
        found += _file_candidate("lookup", lookup_cover, "looked up")
    for path in extra:
        found += _file_candidate("file", path, str(path))
    return found


def folder_images(folder: Path) -> list[Path]:
    """JPEG and PNG files directly in `folder`: cover.*, folder.*, front.* first, then the
    rest in natural order."""
    try:
        images = [
            p
            for p in folder.iterdir()
            if p.suffix.lower() in COVER_EXTENSIONS and not p.name.startswith(".") and p.is_file()
        ]
    except OSError:
        return []

    def rank(path: Path) -> int:
        stem = path.stem.lower()
        return COVER_STEMS.index(stem) if stem in COVER_STEMS else len(COVER_STEMS)

    ordered = natsorted(images, key=lambda p: p.name, alg=ns.IGNORECASE)
    return sorted(ordered, key=rank)


def _file_candidate(kind: str, path: Path, label: str) -> list[CoverCandidate]:
    try:
        data = _read_image_file(path)
    except CoverError:
        return []
    return [_candidate(kind, path, label, data)]


def _candidate(kind: str, path: Path, label: str, data: bytes) -> CoverCandidate:
    size = image_size(data)
    width, height = size if size else (None, None)
    return CoverCandidate(kind, path, label, width, height, len(data))


def _embedded_candidates(files: Sequence[AudioFile]) -> list[CoverCandidate]:
    """One candidate per distinct embedded picture, labelled with its first file."""
    firsts: dict[str, tuple[AudioFile, bytes]] = {}
    counts: dict[str, int] = {}
    for audio in files:
        if not audio.has_picture:
            continue
        data = embedded_picture(audio.path)
        if not data:
            continue
        digest = hashlib.sha256(data).hexdigest()
        firsts.setdefault(digest, (audio, data))
        counts[digest] = counts.get(digest, 0) + 1
    found = []
    for digest, (audio, data) in firsts.items():
        more = counts[digest] - 1
        label = f"embedded in {audio.rel}" + (f" (and {more} more)" if more else "")
        found.append(_candidate("embedded", audio.path, label, data))
    return found


def load_cover(path: Path) -> bytes:
    """The picture a candidate path stands for: the image file's bytes, or the picture
    embedded in an audio file. CoverError when there is none or it is not an image."""
    if path.suffix.lower() in AUDIO_EXTENSIONS:
        data = embedded_picture(path)
        if not data:
            raise CoverError(f"{path} has no embedded picture")
        if not _is_image(data):
            raise CoverError(f"the picture embedded in {path} is not JPEG, PNG, GIF or WebP")
        return data
    return _read_image_file(path)


def _read_image_file(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_COVER_BYTES:
            raise CoverError(f"{path} is larger than 50 MB: not a cover")
        data = path.read_bytes()
    except OSError as exc:
        raise CoverError(f"cannot read the cover {path}: {exc.strerror or exc}") from exc
    if not _is_image(data):
        raise CoverError(f"{path} is not a JPEG, PNG, GIF or WebP image")
    return data


def _is_image(data: bytes) -> bool:
    return (
        data[:3] == b"\xff\xd8\xff"
        or data[:8] == PNG_SIGNATURE
        or data[:6] in (b"GIF87a", b"GIF89a")
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
    )


def fit_cover(data: bytes, max_side: int = MAX_COVER_SIDE, *, what: str = "the cover") -> bytes:
    """The picture as JPEG or PNG, at most `max_side` px on its long side: JPEG and PNG
    within the limit come back as they are; anything else is a new, scaled copy."""
    size = image_size(data)
    is_mp4_format = data[:3] == b"\xff\xd8\xff" or data[:8] == PNG_SIGNATURE
    if size is not None and is_mp4_format and max(size) <= max_side:
        return data
    try:
        with Image.open(io.BytesIO(data)) as image:
            target = scaled_size(image.width, image.height, max_side)
            image.draft("RGB", target)  # JPEG: let the decoder shrink by 1/2, 1/4, 1/8
            image.load()
            resized = image.resize(target, Image.Resampling.LANCZOS)
            return _encoded(resized, keep_png=image.format == "PNG")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise CoverError(f"{what} cannot be read as an image: {exc}") from exc


def _encoded(image: Image.Image, *, keep_png: bool) -> bytes:
    out = io.BytesIO()
    if keep_png:
        image.save(out, format="PNG", optimize=True)
    else:
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def prepare_cover(choice: Path, work_dir: Path, *, max_side: int = MAX_COVER_SIDE) -> bytes:
    """The chosen cover ready for the .m4b: loaded (from an image file, or the picture
    embedded in an audio file), scaled down to `max_side` when larger, converted to JPEG
    unless it is JPEG or PNG, and kept as `cover.jpg`/`cover.png` in `work_dir`.
    The chosen file is only read. CoverError (naming the file) when it cannot be used."""
    data = fit_cover(load_cover(choice), max_side, what=str(choice))
    suffix = ".png" if data[:8] == PNG_SIGNATURE else ".jpg"
    dest = work_dir / f"cover{suffix}"
    if dest.resolve() != choice.resolve():
        dest.write_bytes(data)
    return data


def first_cover(
    choices: Sequence[Path | None], work_dir: Path, *, max_side: int = MAX_COVER_SIDE
) -> bytes | None:
    """`prepare_cover` of the first choice that gives a usable cover (None: none does).
    For a plan's cover then picture_file: a file gone since the plan does not fail the
    book."""
    for choice in choices:
        if choice is None:
            continue
        try:
            return prepare_cover(choice, work_dir, max_side=max_side)
        except CoverError:
            continue
    return None
