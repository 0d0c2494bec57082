"""Series from folder names and grouping tags; book tags from the sources' extra tags."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.engine.plan.plan import make_plan
from aiom4b_tui.engine.sources.scan import AudioFile, BookScan
from aiom4b_tui.engine.sources.source_tags import series_from_folder, series_from_grouping
from aiom4b_tui.job_options.model import JobOptions, TagOverrides


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Series 03 - Title", ("Series", "3", "Title")),
        ("The Expanse #4 - Cibola Burn", ("The Expanse", "4", "Cibola Burn")),
        ("Wheel of Time, Book 1 - The Eye", ("Wheel of Time", "1", "The Eye")),
        ("Discworld 2.5 - Extra", ("Discworld", "2.5", "Extra")),
        ("My Book", None),
        ("CD1", None),
        ("2001 - A Space Odyssey", None),
    ],
)
def test_series_from_folder(name, expected):
    assert series_from_folder(name) == expected


def test_series_from_grouping():
    assert series_from_grouping("Dune #2") == ("Dune", "2")
    assert series_from_grouping("Dune, Book 02") == ("Dune", "2")
    assert series_from_grouping("Fiction") is None


def audio(name: str, tags: dict[str, str] | None = None) -> AudioFile:
    return AudioFile(Path("/b") / name, name, 10.0, "mp3", 44100, 2, 128_000, tags or {}, (), False)


def test_plan_tags_from_sources_folder_and_overrides():
    files = [audio("1.mp3", {"album": "Dune", "date": "1965-08-01T00:00:00"})]
    scan = BookScan([Path("/books/Dune Saga 01 - Dune")], files, [], None)
    plan = make_plan(scan, JobOptions(), output_dir=Path("/out"))
    assert plan.tags["series"] == "Dune Saga" and plan.tags["series_part"] == "1"
    assert plan.tags["title"] == "Dune" and plan.tags["year"] == "1965-08-01"
    extra = {"series": "Dune Chronicles", "series_part": "1", "publisher": "Ace"}
    tagged = make_plan(scan, JobOptions(), output_dir=Path("/out"), source_tags=extra)
    assert (tagged.tags["series"], tagged.tags["publisher"]) == ("Dune Chronicles", "Ace")
    bare = [audio("1.mp3")]
    folder_only = BookScan([Path("/b/Saga 2 - Second")], bare, [], None)
    assert make_plan(folder_only, JobOptions(), output_dir=Path("/o")).tags["title"] == "Second"
    mine = TagOverrides(series="Mine", series_part="7")
    options = JobOptions(tags=mine, template="{series}/{title}")
    over = make_plan(scan, options, output_dir=Path("/out"))
    assert over.tags["series"] == "Mine" and over.output_path == Path("/out/Mine/Dune.m4b")
    assert over.output_folder == Path("/out")
    junk = BookScan([Path("/b/x")], [audio("1.mp3", {"date": "junk"})], [], None)
    assert "year" not in make_plan(junk, JobOptions(), output_dir=Path("/o")).tags
