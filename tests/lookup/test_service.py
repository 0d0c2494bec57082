"""BookLookup: checked queries, asking the providers that can answer, Audible's intro
offset on chapters, and covers downloaded once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from aiom4b_tui.lookup.audnexus import (
    audio_end_ms,
    audio_has_brand_intro,
    chapter_file_json,
    chapters_for_audio,
)
from aiom4b_tui.lookup.http import make_timeout
from aiom4b_tui.lookup.providers import BookMatch, LookupFailed, LookupUnavailable
from aiom4b_tui.lookup.service import (
    BadLookupQuery,
    BookLookup,
    LookupQuery,
    LookupUrls,
    normalize_isbn,
)
from tests.helpers.lookup_fakes import (
    ASIN,
    ISBN,
    OPENLIBRARY_SEARCH,
    FakeBookApi,
    route_audnexus_book,
    route_openlibrary_edition,
    running_book_api,
)

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


@pytest.fixture
def api() -> Iterator[FakeBookApi]:
    with running_book_api() as server:
        yield server


@pytest.fixture
def lookup(api: FakeBookApi) -> Iterator[BookLookup]:
    urls = LookupUrls(audnexus=api.url, openlibrary=api.url, covers=api.url + "/covers")
    with BookLookup.create(urls=urls, timeout=make_timeout(read=5)) as service:
        yield service


def test_a_query_is_exactly_one_kind():
    assert LookupQuery.of(asin=" b0testbook ").asin == "B0TESTBOOK"
    assert LookupQuery.of(isbn="978-0-306-40615-7").isbn == ISBN
    assert LookupQuery.of(title=" Dune ", author="Herbert") == LookupQuery(
        title="Dune", author="Herbert"
    )
    for bad in ({}, {"asin": ASIN, "isbn": ISBN}, {"title": "  "}, {"author": "Herbert"}):
        with pytest.raises(BadLookupQuery):
            LookupQuery.of(**bad)


def test_isbns_are_checked():
    assert normalize_isbn("0-306-40615-2") == "0306406152"
    assert normalize_isbn("080442957X") == "080442957X"
    with pytest.raises(BadLookupQuery, match="check digit"):
        normalize_isbn("9780306406158")
    with pytest.raises(BadLookupQuery, match="10 or 13 digits"):
        normalize_isbn("12345")


def test_an_asin_must_look_like_one():
    with pytest.raises(BadLookupQuery, match="not an ASIN"):
        LookupQuery.of(asin="B0-SHORT")


def test_by_asin_asks_audnexus_only(api: FakeBookApi, lookup: BookLookup):
    route_audnexus_book(api)
    (match,) = lookup.find(LookupQuery.of(asin=ASIN))
    assert match.provider == "audnexus"
    assert {r.path for r in api.requests} == {f"/books/{ASIN}", f"/books/{ASIN}/chapters"}


def test_by_isbn_and_by_title_ask_open_library(api: FakeBookApi, lookup: BookLookup):
    route_openlibrary_edition(api)
    api.route("/search.json", OPENLIBRARY_SEARCH)
    (by_isbn,) = lookup.find(LookupQuery.of(isbn=ISBN))
    assert (by_isbn.provider, by_isbn.title) == ("openlibrary", "The Keeper's Night")
    found = lookup.find(LookupQuery.of(title="Keeper"))
    assert len(found) == 2
    assert not any(r.path.startswith("/books/B") for r in api.requests)


def test_nothing_found_is_an_empty_list(api: FakeBookApi, lookup: BookLookup):
    assert lookup.find(LookupQuery.of(asin="B0NOTTHERE")) == []


def test_a_provider_that_cannot_answer_raises_when_none_does(api: FakeBookApi):
    urls = LookupUrls(audnexus=api.url, openlibrary=api.url)
    api.route("/search.json", {}, delay=2.0)
    with (
        BookLookup.create(urls=urls, timeout=make_timeout(read=0.3)) as slow,
        pytest.raises(LookupUnavailable),
    ):
        slow.find(LookupQuery.of(title="Keeper"))


def test_a_cover_is_downloaded_once(api: FakeBookApi, lookup: BookLookup, tmp_path: Path):
    api.route("/covers/keeper.png", body=PNG_1x1, content_type="image/png")
    match = BookMatch(provider="audnexus", title="T", cover_url=f"{api.url}/covers/keeper.png")
    first = lookup.download_cover(match, tmp_path / "covers")
    assert first is not None and first.suffix == ".png"
    assert first.read_bytes() == PNG_1x1
    again = lookup.download_cover(match, tmp_path / "covers")
    assert again == first
    assert api.count("/covers/keeper.png") == 1


def test_a_missing_cover_is_none_and_a_non_image_is_refused(
    api: FakeBookApi, lookup: BookLookup, tmp_path: Path
):
    missing = BookMatch(provider="openlibrary", title="T", cover_url=f"{api.url}/covers/none.jpg")
    assert lookup.download_cover(missing, tmp_path) is None
    api.route("/covers/page.jpg", body=b"<html></html>", content_type="text/html")
    page = BookMatch(provider="openlibrary", title="T", cover_url=f"{api.url}/covers/page.jpg")
    with pytest.raises(LookupFailed, match="not an image"):
        lookup.download_cover(page, tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert lookup.download_cover(BookMatch(provider="x", title="T"), tmp_path) is None


AUDIBLE = BookMatch(
    provider="audnexus",
    title="T",
    chapters=((0, "Opening Credits"), (20000, "Chapter 1"), (50000, "Chapter 2")),
    brand_intro_ms=2100,
    brand_outro_ms=5000,
    runtime_ms=90000,
)


def test_chapters_keep_audibles_starts_when_the_intro_is_there():
    assert chapters_for_audio(AUDIBLE, has_intro=True) == list(AUDIBLE.chapters or ())
    assert chapters_for_audio(AUDIBLE) == list(AUDIBLE.chapters or ())  # length unknown


def test_chapters_move_earlier_by_the_intro_when_it_is_not_there():
    assert chapters_for_audio(AUDIBLE, has_intro=False) == [
        (0, "Opening Credits"),
        (17900, "Chapter 1"),
        (47900, "Chapter 2"),
    ]


def test_the_books_length_tells_whether_the_intro_is_there():
    assert audio_has_brand_intro(AUDIBLE, 90_020)  # Audible's full runtime
    assert not audio_has_brand_intro(AUDIBLE, 82_950)  # less intro and outro
    assert chapters_for_audio(AUDIBLE, 82_900)[1] == (17900, "Chapter 1")  # type: ignore[index]


def test_a_match_without_chapters_has_none_to_place():
    assert chapters_for_audio(BookMatch(provider="openlibrary", title="T"), 1000) is None


def test_a_chapter_file_of_the_placed_chapters():
    placed = chapters_for_audio(AUDIBLE, has_intro=False) or []
    text = chapter_file_json(placed, audio_end_ms(AUDIBLE, has_intro=False))
    assert json.loads(text)["chapters"][-1] == {
        "start_offset_ms": 47900,
        "length_ms": 35000,  # to 90000 - 2100 - 5000
        "title": "Chapter 2",
    }
    assert audio_end_ms(AUDIBLE, has_intro=True) == 90000
    assert json.loads(chapter_file_json([(0, "Only")]))["chapters"][0]["length_ms"] == 0
