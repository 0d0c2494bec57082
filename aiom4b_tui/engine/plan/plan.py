"""A BookPlan: what to make of a scanned book — chapters, tags, cover, encoder, output name.

Pure data, no I/O: everything here is decided from a BookScan and the job's options.
Chapter starts in the plan are estimates (from probed durations); convert.py places them
exactly from decoded sample counts.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aiom4b_tui.engine.chapters.chapter import PlannedChapter
from aiom4b_tui.engine.chapters.edit import Silence
from aiom4b_tui.engine.chapters.files import ChapterMark
from aiom4b_tui.engine.chapters.plan import (  # noqa: F401 (plan_chapters, title_from_name: re-exported)
    book_chapters,
    chosen_files,
    plan_chapters,
    title_from_name,
)
from aiom4b_tui.engine.plan.naming import output_path, safe_file_name
from aiom4b_tui.engine.sources.scan import AudioFile, BookScan
from aiom4b_tui.engine.sources.source_tags import series_from_folder
from aiom4b_tui.job_options.checks import check_year

if TYPE_CHECKING:
    from aiom4b_tui.job_options.model import JobOptions

AAC_SAMPLE_RATES = (
    8000,
    11025,
    12000,
    16000,
    22050,
    24000,
    32000,
    44100,
    48000,
    64000,
    88200,
    96000,
)
BITRATE_STEPS = (32_000, 48_000, 64_000, 80_000, 96_000, 112_000, 128_000)
MAX_DEFAULT_BITRATE = 128_000
# Encoder delay in samples: packet p of an encode decodes to input samples
# [(p - d) * 1024, (p - d + 1) * 1024) with d = PRIMING // 1024 (measured for `aac`).
ENCODER_PRIMING = {"aac": 1024, "libfdk_aac": 2048}


@dataclass(frozen=True)
class EncoderSettings:
    """The one output format every part of the book is brought to."""

    codec: str  # "aac" or "libfdk_aac"
    bitrate: int  # bits/s
    sample_rate: int
    channels: int

    @property
    def priming(self) -> int:
        """The encoder's delay in samples (a whole number of 1024-sample frames)."""
        return ENCODER_PRIMING.get(self.codec, 1024)


@dataclass
class BookPlan:
    """Everything convert.py needs to make one .m4b."""

    files: list[AudioFile]
    chapters: list[PlannedChapter]
    tags: dict[str, str]  # title album author narrator year genre description subtitle
    # series series_part publisher language asin isbn comment (those known)
    cover: Path | None  # an image file, or an audio file whose embedded picture was chosen
    picture_file: Path | None  # else a source whose embedded picture becomes the cover
    encoder: EncoderSettings
    copy: bool  # AAC sources of one format: joined without re-encoding
    output_path: Path  # wanted path; convert adds " (2)" … if it exists
    duration: float  # estimated, seconds
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    output_root: Path | None = None  # the output folder (the template may add folders)
    overwrite: bool = False  # replace a file at output_path (else: "X (2)", never over it)

    @property
    def output_folder(self) -> Path:
        """The output folder the job names (work folders go there)."""
        return self.output_root or self.output_path.parent

    @property
    def title(self) -> str:
        """The book's title, for logs and display."""
        return self.tags.get("title", self.output_path.stem)


def make_plan(
    scan: BookScan,
    options: JobOptions,
    *,
    output_dir: Path,
    encoders: Collection[str] = ("aac",),
    source_tags: Mapping[str, str] | None = None,
    chapter_marks: Sequence[ChapterMark] | None = None,
    silences: Sequence[Silence] | None = None,
) -> BookPlan:
    """Decide chapters, tags, format and output name for a scanned book.

    `source_tags`: the extra tags of the sources (source_tags.book_source_tags), and
    `chapter_marks`: chapters from a chapter file (chapters/sources.py: book_chapter_marks),
    and `silences` (silence.detect_silences, for chapters by silence and splitting long
    ones), all read by the caller, since planning does no I/O.
    """
    files = chosen_files(scan.files, options.files)
    tags = book_tags(scan, options, source_tags)
    encoder = choose_encoder(files, options, encoders)
    copy = can_copy(files, options)
    if copy:  # the sources' own format is the output's
        first = files[0]
        encoder = EncoderSettings(
            "aac", first.bitrate or encoder.bitrate, first.sample_rate, first.channels
        )
    out_dir = Path(options.output_dir) if options.output_dir else Path(output_dir)
    return BookPlan(
        files=files,
        chapters=book_chapters(files, options, chapter_marks, silences),
        tags=tags,
        cover=chosen_cover(scan, options),
        picture_file=None if options.no_cover else scan.picture_file,
        encoder=encoder,
        copy=copy,
        output_path=(
            out_dir / output_file_name(tags, options.output_name)
            if options.output_name
            else output_path(out_dir, options.template, tags)
        ),
        duration=sum(f.duration for f in files),
        skipped=list(scan.skipped),
        output_root=out_dir,
        overwrite=options.overwrite,
    )


def chosen_cover(scan: BookScan, options: JobOptions) -> Path | None:
    """The cover file the job chose, else the folder's cover image (None: no cover, or
    none but the sources' embedded pictures)."""
    if options.no_cover:
        return None
    return Path(options.cover) if options.cover else scan.cover


def book_tags(
    scan: BookScan, options: JobOptions, source_tags: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The book's tags: the files' tags (and `source_tags`, see sources/source_tags.py), then the
    folder name ("Series 03 - Title"), overridden by the job's."""

    def first(*keys: str) -> str | None:
        for key in keys:
            for audio in scan.files:
                value = audio.tags.get(key)
                if value:
                    return value
        return None

    extra = dict(source_tags or {})
    folder_name = scan.folders[0].name if scan.folders else "Audiobook"
    from_folder = _series_folder(scan)
    found = {
        "title": first("album") or (from_folder[2] if from_folder else folder_name),
        "author": first("albumartist", "artist"),
        "narrator": first("composer") or extra.get("narrator"),
        "year": normal_year(first("date")),
        "genre": first("genre"),
        "description": extra.get("long_description") or first("description", "comment"),
    }
    for key in ("subtitle", "publisher", "language", "asin", "isbn"):
        found[key] = extra.get(key)
    if extra.get("series"):
        found["series"], found["series_part"] = extra["series"], extra.get("series_part")
    elif from_folder:
        found["series"], found["series_part"] = from_folder[0], from_folder[1]
    for key, value in options.tags.model_dump().items():
        if value is not None and str(value).strip():
            found[key] = str(value).strip()
    tags = {k: v for k, v in found.items() if v}
    tags["album"] = tags["title"]
    return tags


def _series_folder(scan: BookScan) -> tuple[str, str, str] | None:
    """Series, part and title from the book's folder name (or its parent's, for CD1...)."""
    for folder in scan.folders[:1]:
        for name in (folder.name, folder.parent.name):
            if found := series_from_folder(name):
                return found
    return None


def normal_year(text: str | None) -> str | None:
    """A source's date as YYYY-MM-DD or YYYY; None when it holds neither."""
    if not text:
        return None
    found = re.match(r"^\s*(\d{4})(?:-(\d{2})-(\d{2}))?", text)
    if not found:
        return None
    try:
        return check_year(found.group(0).strip())
    except ValueError:
        return found.group(1)


def choose_encoder(
    files: list[AudioFile], options: JobOptions, encoders: Collection[str]
) -> EncoderSettings:
    """Encoder and format: follow the sources (never more), unless the job says otherwise."""
    codec = options.encoder or ("libfdk_aac" if "libfdk_aac" in encoders else "aac")
    rates = [f.sample_rate for f in files if f.sample_rate]
    rate = options.sample_rate or _aac_rate(max(rates) if rates else 44100)
    channel_counts = [f.channels for f in files if f.channels]
    channels = options.channels or min(2, max(channel_counts) if channel_counts else 2)
    bitrate = options.bitrate or default_bitrate(files, channels)
    return EncoderSettings(codec, bitrate, rate, channels)


def _aac_rate(rate: int) -> int:
    """The highest AAC sample rate not above `rate` (the lowest one if none is)."""
    fitting = [r for r in AAC_SAMPLE_RATES if r <= rate]
    return fitting[-1] if fitting else AAC_SAMPLE_RATES[0]


def default_bitrate(files: list[AudioFile], channels: int) -> int:
    """The sources' highest bitrate rounded down to a standard step, at most 128k."""
    known = [f.bitrate for f in files if f.bitrate]
    # Probed bitrates of CBR files come out a little under their nominal step.
    ceiling = max(known) * 1.05 if known else 64_000 * channels
    ceiling = min(ceiling, MAX_DEFAULT_BITRATE)
    steps = [s for s in BITRATE_STEPS if s <= ceiling]
    return steps[-1] if steps else BITRATE_STEPS[0]


def can_copy(files: list[AudioFile], options: JobOptions) -> bool:
    """True when every source is AAC of one format and the job asks for no other."""
    if options.bitrate or options.sample_rate or options.channels or options.encoder:
        return False
    if not files or any(f.codec != "aac" for f in files):
        return False
    formats = {(f.sample_rate, f.channels) for f in files}
    return len(formats) == 1 and 0 not in next(iter(formats))


def output_file_name(tags: dict[str, str], wanted: str | None = None) -> str:
    """`<Author> - <Title>.m4b` (or the wanted name), safe for file systems."""
    if wanted:
        stem = wanted[:-4] if wanted.lower().endswith(".m4b") else wanted
    else:
        author = tags.get("author")
        stem = f"{author} - {tags['title']}" if author else tags["title"]
    return safe_file_name(stem) + ".m4b"


def numbered_path(path: Path, n: int) -> Path:
    """`path` with ` (n)` before its suffix (n=1: `path` itself)."""
    return path if n <= 1 else path.with_name(f"{path.stem} ({n}){path.suffix}")


def first_free_path(path: Path) -> Path:
    """`path`, or the first `path (n)` no file holds: the name the book is placed at."""
    for n in range(1, 1000):
        candidate = numbered_path(path, n)
        if not candidate.exists():
            return candidate
    return numbered_path(path, 1000)
