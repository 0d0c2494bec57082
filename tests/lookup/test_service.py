"""The lookup as callers use it (lookup/service.py): checked queries, asking the
providers that can answer, a provider that fails passed over, covers downloaded once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aiom4b_tui.lookup.http import HttpGetter, make_timeout
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
    PNG_1x1,
    route_audnexus_book,
    route_openlibrary_edition,
)


@pytest.fixture
def lookup(book_api: FakeBookApi) -> Iterator[BookLookup]:
    urls = LookupUrls(
        audnexus=book_api.url, openlibrary=book_api.url, covers=book_api.url + "/covers"
    )
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


def test_by_asin_asks_audnexus_only(book_api: FakeBookApi, lookup: BookLookup):
    route_audnexus_book(book_api)
    (match,) = lookup.find(LookupQuery.of(asin=ASIN))
    assert match.provider == "audnexus"
    assert {r.path for r in book_api.requests} == {f"/books/{ASIN}", f"/books/{ASIN}/chapters"}


def test_by_isbn_and_by_title_ask_open_library(book_api: FakeBookApi, lookup: BookLookup):
    route_openlibrary_edition(book_api)
    book_api.route("/search.json", OPENLIBRARY_SEARCH)
    (by_isbn,) = lookup.find(LookupQuery.of(isbn=ISBN))
    assert (by_isbn.provider, by_isbn.title) == ("openlibrary", "The Keeper's Night")
    found = lookup.find(LookupQuery.of(title="Keeper"))
    assert len(found) == 2
    assert not any(r.path.startswith("/books/B") for r in book_api.requests)


def test_nothing_found_is_an_empty_list(book_api: FakeBookApi, lookup: BookLookup):
    assert lookup.find(LookupQuery.of(asin="B0NOTTHERE")) == []


def test_a_provider_that_cannot_answer_raises_when_none_does(book_api: FakeBookApi):
    urls = LookupUrls(audnexus=book_api.url, openlibrary=book_api.url)
    book_api.route("/search.json", {}, delay=2.0)
    with (
        BookLookup.create(urls=urls, timeout=make_timeout(read=0.3)) as slow,
        pytest.raises(LookupUnavailable),
    ):
        slow.find(LookupQuery.of(title="Keeper"))


def test_a_cover_is_downloaded_once(book_api: FakeBookApi, lookup: BookLookup, tmp_path: Path):
    book_api.route("/covers/keeper.png", body=PNG_1x1, content_type="image/png")
    match = BookMatch(provider="audnexus", title="T", cover_url=f"{book_api.url}/covers/keeper.png")
    first = lookup.download_cover(match, tmp_path / "covers")
    assert first is not None and first.suffix == ".png"
    assert first.read_bytes() == PNG_1x1
    again = lookup.download_cover(match, tmp_path / "covers")
    assert again == first
    assert book_api.count("/covers/keeper.png") == 1


def test_a_missing_cover_is_none_and_a_non_image_is_refused(
    book_api: FakeBookApi, lookup: BookLookup, tmp_path: Path
):
    missing = BookMatch(
        provider="openlibrary", title="T", cover_url=f"{book_api.url}/covers/none.jpg"
    )
    assert lookup.download_cover(missing, tmp_path) is None
    book_api.route("/covers/page.jpg", body=b"<html></html>", content_type="text/html")
    page = BookMatch(provider="openlibrary", title="T", cover_url=f"{book_api.url}/covers/page.jpg")
    with pytest.raises(LookupFailed, match="not an image"):
        lookup.download_cover(page, tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert lookup.download_cover(BookMatch(provider="x", title="T"), tmp_path) is None


class _Provider:
    """A provider that answers every question with `found`, or fails with `error`."""

    name = "fake"

    def __init__(self, found: list[BookMatch], error: Exception | None = None) -> None:
        self.found = found
        self.error = error

    def search(self, title: str, author: str | None = None) -> list[BookMatch]:
        if self.error is not None:
            raise self.error
        return self.found

    def by_asin(self, asin: str) -> BookMatch | None:
        return self.search(asin)[0] if self.search(asin) else None

    def by_isbn(self, isbn: str) -> BookMatch | None:
        return self.by_asin(isbn)


def test_a_provider_that_fails_is_passed_over_when_another_answers():
    found = BookMatch(provider="fake", title="Found")
    getter = HttpGetter()
    failing = _Provider([], LookupFailed("a bad answer"))
    with BookLookup([failing, _Provider([found])], getter) as lookup:
        assert lookup.find(LookupQuery.of(title="T")) == [found]
        assert lookup.find(LookupQuery.of(asin=ASIN)) == [found]
        lookup.providers = [failing, _Provider([])]  # nobody answers: the failure is told
        with pytest.raises(LookupFailed, match="a bad answer"):
            lookup.find(LookupQuery.of(isbn=ISBN))


def test_the_providers_urls_come_from_the_environment_when_set():
    env = {"AIOM4B_AUDNEXUS_URL": "http://a", "AIOM4B_COVERS_URL": ""}
    urls = LookupUrls.from_env(env)
    assert (urls.audnexus, urls.openlibrary, urls.covers) == (
        "http://a",
        "https://openlibrary.org",
        "https://covers.openlibrary.org",
    )


def test_a_query_says_what_it_asks():
    assert LookupQuery.of(asin=ASIN).describe() == f"ASIN {ASIN}"
    assert LookupQuery.of(isbn=ISBN).describe() == f"ISBN {ISBN}"
    assert LookupQuery.of(title="Dune", author="Herbert").describe() == "'Dune' by 'Herbert'"
