"""Open Library (lookup/openlibrary.py) against a local server that answers like it:
search by title and author, an edition by ISBN with its authors and work looked up,
covers by id or by ISBN, answers of an unknown shape."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aiom4b_tui.lookup.http import HttpGetter
from aiom4b_tui.lookup.openlibrary import OpenLibraryProvider
from aiom4b_tui.lookup.providers import LookupFailed
from tests.helpers.lookup_fakes import (
    ASIN,
    ISBN,
    OPENLIBRARY_EDITION,
    OPENLIBRARY_SEARCH,
    FakeBookApi,
    route_openlibrary_edition,
)


@pytest.fixture
def openlibrary(book_api: FakeBookApi, http_getter: HttpGetter) -> Iterator[OpenLibraryProvider]:
    yield OpenLibraryProvider(
        http_getter, base_url=book_api.url, covers_url=book_api.url + "/covers/"
    )


def test_openlibrary_search_finds_books(book_api: FakeBookApi, openlibrary: OpenLibraryProvider):
    book_api.route("/search.json", OPENLIBRARY_SEARCH)
    matches = openlibrary.search("Keeper's Night", "Castell")
    assert [m.title for m in matches] == ["The Keeper's Night", "Keeper of Nights"]
    first = matches[0]
    assert first.provider == "openlibrary"
    assert first.authors == ("Mira Castell",)
    assert (first.year, first.publisher, first.language) == ("2019", "Harbour Press", "eng")
    assert first.isbn == ISBN  # the 13-digit one preferred
    assert first.genres == ("Lighthouses", "Fiction", "Storms")
    assert first.cover_url == f"{book_api.url}/covers/b/id/12345-L.jpg"
    assert matches[1].cover_url is None and matches[1].isbn is None
    (request,) = book_api.requests
    assert request.query["title"] == ["Keeper's Night"]
    assert request.query["author"] == ["Castell"]
    assert request.query["limit"] == ["10"]
    assert "cover_i" in request.query["fields"][0]


def test_a_search_without_an_author_asks_for_none(
    book_api: FakeBookApi, openlibrary: OpenLibraryProvider
):
    book_api.route("/search.json", {"numFound": 0, "start": 0, "docs": []})
    assert openlibrary.search("Nothing Like It") == []
    assert "author" not in book_api.requests[0].query


def test_openlibrary_finds_an_edition_by_isbn(
    book_api: FakeBookApi, openlibrary: OpenLibraryProvider
):
    route_openlibrary_edition(book_api)
    match = openlibrary.by_isbn(ISBN)
    assert match is not None
    assert (match.title, match.subtitle) == ("The Keeper's Night", "A Novel")
    assert match.authors == ("Mira Castell",)  # resolved from /authors/OL300A.json
    assert match.description == "A storm, a keeper, a ship."  # from the work
    assert (match.year, match.publisher, match.language) == ("2019", "Harbour Press", "eng")
    assert match.isbn == ISBN
    assert match.genres == ("Lighthouses", "Fiction")  # the work's subjects
    assert match.cover_url == f"{book_api.url}/covers/b/id/12345-L.jpg"


def test_an_edition_that_says_all_asks_for_no_work(
    book_api: FakeBookApi, openlibrary: OpenLibraryProvider
):
    route_openlibrary_edition(book_api)
    edition = dict(OPENLIBRARY_EDITION, description="The edition's own.", subjects=["Sea"])
    book_api.route("/books/OL200M.json", edition)
    match = openlibrary.by_isbn(ISBN)
    assert match is not None and match.description == "The edition's own."
    assert match.genres == ("Sea",)
    assert book_api.count("/works/OL100W.json") == 0


def test_openlibrary_edition_without_cover_uses_the_isbn_cover(
    book_api: FakeBookApi, openlibrary: OpenLibraryProvider
):
    route_openlibrary_edition(book_api)
    book_api.route("/books/OL200M.json", dict(OPENLIBRARY_EDITION, covers=[-1]))
    match = openlibrary.by_isbn(ISBN)
    assert match is not None
    assert match.cover_url == f"{book_api.url}/covers/b/isbn/{ISBN}-L.jpg?default=false"


def test_openlibrary_unknown_isbn_is_no_match(
    book_api: FakeBookApi, openlibrary: OpenLibraryProvider
):
    assert openlibrary.by_isbn(ISBN) is None


def test_openlibrary_answers_nothing_to_an_asin(
    book_api: FakeBookApi, openlibrary: OpenLibraryProvider
):
    assert openlibrary.by_asin(ASIN) is None
    assert book_api.count() == 0


def test_search_results_of_an_unknown_shape_are_a_failed_lookup(
    book_api: FakeBookApi, openlibrary: OpenLibraryProvider
):
    book_api.route("/search.json", {"docs": [{"title": "T", "author_name": 5}]})
    with pytest.raises(LookupFailed, match="sent search results in a shape aiom4b does not know"):
        openlibrary.search("T")
    book_api.route("/search.json", {"docs": "not a list"})
    assert openlibrary.search("T") == []  # no results to read: none found
