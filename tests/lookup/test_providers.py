"""What a provider finds (lookup/providers.py): a BookMatch survives a round trip through
plain data (the answer cache, --json), and becomes book tags only in the forms the job's
tag options accept."""

from __future__ import annotations

import pytest

from aiom4b_tui.job_options.model import TagOverrides
from aiom4b_tui.lookup.providers import (
    BookMatch,
    LookupFailed,
    LookupUnavailable,
    MetadataLookupError,
)


def test_a_match_survives_a_round_trip_through_plain_data():
    match = BookMatch(
        provider="audnexus",
        title="T",
        authors=("A", "B"),
        genres=("G",),
        chapters=((0, "One"), (1500, "Two")),
        brand_intro_ms=10,
    )
    assert BookMatch.from_dict(match.to_dict()) == match
    assert match.to_dict()["chapters"][1] == {"start_ms": 1500, "title": "Two"}
    assert match.tags() == {"title": "T", "author": "A, B", "genre": "G"}


def test_plain_data_from_a_newer_version_loads_what_it_knows():
    data = BookMatch(provider="x", title="T").to_dict() | {"rating": "4.4", "authors": None}
    assert BookMatch.from_dict(data) == BookMatch(provider="x", title="T")


def test_a_full_match_gives_every_tag_the_job_takes():
    match = BookMatch(
        provider="audnexus", title="T", subtitle="S", authors=("A",), narrators=("N", "M"),
        series="Se", series_part="Book 3", year="2021-03-09T00:00", publisher="P",
        language="english", description="D", asin="B0", isbn="978", genres=("G", "H"),
    )  # fmt: skip
    tags = match.tags()
    assert tags == {
        "title": "T", "subtitle": "S", "author": "A", "narrator": "N, M", "series": "Se",
        "series_part": "3", "year": "2021-03-09", "genre": "G", "publisher": "P",
        "language": "english", "description": "D", "asin": "B0", "isbn": "978",
    }  # fmt: skip
    assert TagOverrides(**tags).series_part == "3"  # the job's tag options take them all


@pytest.mark.parametrize(
    ("part", "expected"),
    [("3", "3"), ("2.5", "2.5"), ("Book 3", "3"), ("1-2", None), ("", None), (None, None)],
)
def test_a_series_part_becomes_a_tag_only_as_a_number(part: str | None, expected: str | None):
    match = BookMatch(provider="audnexus", title="T", series="S", series_part=part)
    assert match.tags().get("series_part") == expected


@pytest.mark.parametrize(
    ("year", "expected"),
    [("2021-03-09", "2021-03-09"), ("2019", "2019"), ("2021-02-30", "2021"), ("n.d.", None)],
)
def test_a_year_becomes_a_tag_only_in_the_accepted_forms(year: str, expected: str | None):
    assert BookMatch(provider="x", title="T", year=year).tags().get("year") == expected


def test_both_ways_a_lookup_fails_are_a_lookup_error():
    assert issubclass(LookupUnavailable, MetadataLookupError)
    assert issubclass(LookupFailed, MetadataLookupError)
    assert not issubclass(LookupFailed, LookupUnavailable)
