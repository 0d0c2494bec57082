"""The sources' own series tags, in each convention taggers write them."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutagen.flac import FLAC
from mutagen.id3 import GRP1, ID3, MVIN, MVNM, TIT3, TXXX
from mutagen.mp4 import MP4, MP4FreeForm

from aiom4b_tui.engine.sources.source_tags import book_source_tags, read_source_tags
from tests.helpers.audio import make_tone

pytestmark = pytest.mark.integration


def test_id3_movement_frames_subtitle_and_txxx(tmp_path: Path):
    mp3 = make_tone(tmp_path / "a.mp3", 0.3, rate=22050, channels=1)
    tags = ID3(mp3)
    tags.add(MVNM(encoding=3, text="Moves"))
    tags.add(MVIN(encoding=3, text="4/7"))
    tags.add(TIT3(encoding=3, text="The Sub"))
    tags.add(TXXX(encoding=3, desc="ASIN", text="B0ASIN"))
    tags.save(mp3)
    assert read_source_tags(mp3) == {
        "series": "Moves",
        "series_part": "4",
        "subtitle": "The Sub",
        "asin": "B0ASIN",
    }


def test_id3_grouping_gives_the_series_when_nothing_else_does(tmp_path: Path):
    mp3 = make_tone(tmp_path / "g.mp3", 0.3, rate=22050, channels=1)
    tags = ID3(mp3)
    tags.add(GRP1(encoding=3, text="Grouped Saga #12"))
    tags.save(mp3)
    assert read_source_tags(mp3) == {"series": "Grouped Saga", "series_part": "12"}


def test_vorbis_and_mp4_freeform(tmp_path: Path):
    flac = make_tone(tmp_path / "f.flac", 0.3, codec="flac")
    tagged = FLAC(flac)
    tagged["SERIES"], tagged["SERIES-PART"], tagged["NARRATOR"] = "Flac Saga", "02", "Nora"
    tagged.save()
    m4a = make_tone(tmp_path / "m.m4a", 0.3, codec="m4a")
    mp4 = MP4(m4a)
    mp4.tags["----:com.apple.iTunes:SERIES"] = [MP4FreeForm(b"Mp4 Saga")]
    mp4.tags["----:com.apple.iTunes:SERIES-PART"] = [MP4FreeForm(b"9")]
    mp4.tags["ldes"] = ["Long text"]
    mp4.save()
    assert read_source_tags(flac) == {"series": "Flac Saga", "series_part": "2", "narrator": "Nora"}
    assert read_source_tags(m4a) == {
        "series": "Mp4 Saga",
        "series_part": "9",
        "long_description": "Long text",
    }
    assert book_source_tags([tmp_path / "missing.mp3", flac, m4a])["series"] == "Flac Saga"
