"""Book tags read back by mutagen, ffmpeg (ffprobe's reader) and AtomicParsley."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from mutagen.mp4 import MP4, MP4FreeForm

from aiom4b_tui.engine.mp4.chapters import read_chapters
from aiom4b_tui.engine.mp4.finish import file_brand
from aiom4b_tui.engine.mp4.tags import read_mp4_tags
from aiom4b_tui.job_options.model import JobOptions, TagOverrides
from tests.helpers.audio import make_tone
from tests.helpers.engine import convert
from tests.helpers.mp4_probe import atomicparsley_tags, ffmpeg_chapters, ffmpeg_tags, reader

pytestmark = pytest.mark.integration
ITUNES = "----:com.apple.iTunes:"


def _freeform(tags, name: str) -> str:
    return bytes(tags[ITUNES + name][0]).decode()


async def test_series_from_id3_tags_in_every_convention(tmp_path: Path, ffmpeg: str):
    book = tmp_path / "Road"
    book.mkdir()
    for n in (1, 2):
        tags = {"title": f"Part {n}", "album": "The Road", "artist": "Ann Author"}
        tags |= {"SERIES": "Roads", "SERIES-PART": "03", "publisher": "Pub House"}
        make_tone(book / f"{n}.mp3", 1.0, rate=22050, channels=1, tags=tags)
    out = await convert([book], tmp_path / "out", ffmpeg)
    tags = MP4(out).tags
    assert tags["©mvn"] == ["Roads"] and tags["©mvi"] == [3]
    assert _freeform(tags, "SERIES") == "Roads" and _freeform(tags, "SERIES-PART") == "3"
    assert tags["©grp"] == ["Roads #3"] and tags["stik"] == [2]
    assert tags["©pub"] == ["Pub House"]
    probed = ffmpeg_tags(out)
    assert probed["series"] == "Roads" and probed["series-part"] == "3"
    assert probed["grouping"] == "Roads \\#3"  # ffmetadata escapes '#'
    assert file_brand(out) == b"M4B "
    parsley = atomicparsley_tags(out)
    assert parsley["©mvn"] == "Roads" and parsley["©grp"] == "Roads #3"
    assert parsley["com.apple.iTunes;SERIES"] == "Roads"
    assert parsley["stik"] == "Audiobook"


async def test_every_tag_a_person_sets_is_written(tmp_path: Path, ffmpeg: str):
    book = tmp_path / "Plain"
    book.mkdir()
    make_tone(book / "1.mp3", 1.0, rate=22050, channels=1, tags={"album": "From File"})
    long_text = ("A long description. " * 400).strip()
    chosen = TagOverrides(
        title="Chosen",
        subtitle="A Subtitle",
        author="Ann Author, Bob Writer",
        narrator="Ned Narrator",
        series="Sagas",
        series_part="2.5",
        year="2001-05-03",
        genre="Fiction",
        publisher="Pub",
        language="en",
        description=long_text,
        asin="B00TEST123",
        isbn="9780000000002",
        comment="A comment",
    )
    out = await convert([book], tmp_path / "out", ffmpeg, options=JobOptions(tags=chosen))
    tags = MP4(out).tags
    assert tags["©nam"] == ["Chosen"] and tags["©alb"] == ["Chosen"]
    assert tags["©ART"] == ["Ann Author, Bob Writer"] and tags["©wrt"] == ["Ned Narrator"]
    assert tags["desc"] == [long_text] and tags["ldes"] == [long_text]
    assert tags["©day"] == ["2001-05-03"] and tags["©cmt"] == ["A comment"]
    assert _freeform(tags, "ASIN") == "B00TEST123" and _freeform(tags, "ISBN") == "9780000000002"
    assert _freeform(tags, "SUBTITLE") == "A Subtitle" and _freeform(tags, "LANGUAGE") == "en"
    assert tags["©grp"] == ["Sagas #2.5"] and "©mvi" not in tags  # ©mvi holds whole numbers
    back = read_mp4_tags(out)
    assert back["description"] == long_text and back["series_part"] == "2.5"
    # the tags grew the header that comes before the chapter text: still read right
    assert [c.title for c in read_chapters(out)] == [c.title for c in MP4(out).chapters]
    assert [t for _s, t in ffmpeg_chapters(out)] == [c.title for c in MP4(out).chapters]
    probed = ffmpeg_tags(out)
    assert probed["title"] == "Chosen" and probed["date"] == "2001-05-03"
    assert probed["synopsis"].startswith("A long description.")
    assert probed["asin"] == "B00TEST123"
    parsley = atomicparsley_tags(out)
    assert parsley["©nam"] == "Chosen" and parsley["©day"] == "2001-05-03"
    assert parsley["com.apple.iTunes;ISBN"] == "9780000000002"


async def test_series_from_vorbis_comments_and_mp4_movement_atoms(tmp_path: Path, ffmpeg: str):
    flac = tmp_path / "Flac"
    flac.mkdir()
    make_tone(flac / "1.flac", 1.0, codec="flac", tags={"SERIES": "Vorbis Saga", "PART": "4"})
    out = await convert([flac], tmp_path / "out", ffmpeg)
    assert MP4(out).tags["©grp"] == ["Vorbis Saga #4"]
    m4a = tmp_path / "Movement"
    m4a.mkdir()
    source = make_tone(m4a / "1.m4a", 1.0, codec="m4a")
    tagged = MP4(source)
    tagged.tags["©mvn"], tagged.tags["©mvi"] = ["Apple Saga"], [6]
    tagged.tags[ITUNES + "SUBTITLE"] = [MP4FreeForm(b"Sub")]
    tagged.save()
    out = await convert([m4a], tmp_path / "out2", ffmpeg)
    back = read_mp4_tags(out)
    assert (back["series"], back["series_part"], back["subtitle"]) == ("Apple Saga", "6", "Sub")


async def test_series_and_title_from_the_folder_name(tmp_path: Path, ffmpeg: str):
    book = tmp_path / "Discworld 07 - Pyramids"
    book.mkdir()
    make_tone(book / "1.mp3", 1.0, rate=22050, channels=1, tags={"artist": "Terry"})
    template = "{author}/{series}/{series_part} - {title}"
    out = await convert([book], tmp_path / "out", ffmpeg, options=JobOptions(template=template))
    assert out == tmp_path / "out" / "Terry" / "Discworld" / "7 - Pyramids.m4b"
    assert MP4(out).tags["©grp"] == ["Discworld #7"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["Terry"]  # no work folder


def test_atomicparsley_reads_a_made_book(tmp_path: Path):
    # guards the parser above: the tool's output format is what the tests expect
    exe = reader("AtomicParsley", "atomicparsley")
    source = make_tone(tmp_path / "a.m4a", 0.5, codec="m4a", tags={"title": "T"})
    out = subprocess.run([exe, str(source), "-t"], capture_output=True, check=True)
    assert b'"\xc2\xa9nam" contains: T' in out.stdout
