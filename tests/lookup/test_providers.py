"""The metadata providers against a local server that answers like Audnexus and Open
Library: found, not found, slow, bad JSON, errors, off the network."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from aiom4b_tui.lookup.audnexus import AudnexusProvider, html_to_text
from aiom4b_tui.lookup.http import HttpGetter, make_timeout
from aiom4b_tui.lookup.openlibrary import OpenLibraryProvider
from aiom4b_tui.lookup.providers import BookMatch, LookupFailed, LookupUnavailable
from tests.helpers.lookup_fakes import (
    ASIN,
    ISBN,
    OPENLIBRARY_SEARCH,
    FakeBookApi,
    route_audnexus_book,
    route_openlibrary_edition,
    running_book_api,
)


@pytest.fixture
def api() -> Iterator[FakeBookApi]:
    with running_book_api() as server:
        yield server


@pytest.fixture
def getter() -> Iterator[HttpGetter]:
    client = HttpGetter(timeout=make_timeout(connect=5, read=5))
    yield client
    client.close()


def _audnexus(api: FakeBookApi, getter: HttpGetter) -> AudnexusProvider:
    return AudnexusProvider(getter, base_url=api.url)


def _openlibrary(api: FakeBookApi, getter: HttpGetter) -> OpenLibraryProvider:
    return OpenLibraryProvider(getter, base_url=api.url, covers_url=api.url + "/covers")


def test_audnexus_finds_a_book_with_its_chapters(api: FakeBookApi, getter: HttpGetter):
    route_audnexus_book(api)
    match = _audnexus(api, getter).by_asin(ASIN)
    assert match is not None
    assert match.provider == "audnexus"
    assert match.title == "The Keeper's Night"
    assert match.subtitle == "A Lamp Rock Mystery"
    assert match.authors == ("Mira Castell", "Tom Ochre")
    assert match.narrators == ("Ada Lyle",)
    assert (match.series, match.series_part) == ("Lamp Rock", "2")
    assert match.year == "2021-03-09"
    assert match.publisher == "Harbour Audio"
    assert match.language == "english"
    assert match.description == "The storm came in at dusk & stayed.\nSecond paragraph."
    assert (match.asin, match.isbn) == (ASIN, ISBN)
    assert match.genres == ("Mystery", "Coastal")
    assert match.cover_url == f"{api.url}/covers/keeper.jpg"
    assert match.chapters == ((0, "Opening Credits"), (20000, "Chapter 1"), (50000, "Chapter 2"))
    assert (match.brand_intro_ms, match.brand_outro_ms, match.runtime_ms) == (2100, 5000, 90000)
    asked = [r for r in api.requests if r.path.startswith("/books/")]
    assert [r.path for r in asked] == [f"/books/{ASIN}", f"/books/{ASIN}/chapters"]
    assert all(r.query == {"region": ["us"]} for r in asked)
    assert all(r.user_agent.startswith("aiom4b/") for r in asked)


def test_audnexus_book_without_chapters_still_found(api: FakeBookApi, getter: HttpGetter):
    route_audnexus_book(api)
    del api.routes[f"/books/{ASIN}/chapters"]
    match = _audnexus(api, getter).by_asin(ASIN)
    assert match is not None and match.title == "The Keeper's Night"
    assert match.chapters is None


def test_audnexus_unknown_asin_is_no_match(api: FakeBookApi, getter: HttpGetter):
    assert _audnexus(api, getter).by_asin("B0NOTTHERE") is None
    assert api.count("/books/B0NOTTHERE") == 1
    assert api.count("/books/B0NOTTHERE/chapters") == 0


def test_audnexus_answers_nothing_to_search_and_isbn(api: FakeBookApi, getter: HttpGetter):
    provider = _audnexus(api, getter)
    assert provider.search("The Keeper's Night") == []
    assert provider.by_isbn(ISBN) is None
    assert api.count() == 0


def test_a_slow_provider_times_out_as_unavailable(api: FakeBookApi):
    route_audnexus_book(api)
    api.routes[f"/books/{ASIN}"].delay = 3.0
    getter = HttpGetter(timeout=make_timeout(connect=2, read=0.3))
    started = time.monotonic()
    with pytest.raises(LookupUnavailable) as caught:
        AudnexusProvider(getter, base_url=api.url).by_asin(ASIN)
    getter.close()
    assert time.monotonic() - started < 2.5  # gave up before the server answered
    host = api.url.removeprefix("http://")
    assert str(caught.value).startswith(f"cannot reach {host}: no answer in time")
    assert "(off the network?)" in str(caught.value)


def test_bad_json_is_a_failed_lookup(api: FakeBookApi, getter: HttpGetter):
    api.route(f"/books/{ASIN}", body=b"<html>oops</html>", content_type="application/json")
    with pytest.raises(LookupFailed, match="not JSON"):
        _audnexus(api, getter).by_asin(ASIN)


def test_an_error_status_is_a_failed_lookup_with_its_message(api: FakeBookApi, getter: HttpGetter):
    api.route(
        f"/books/{ASIN}",
        {"statusCode": 400, "error": "Bad Request", "message": "Bad ASIN"},
        status=400,
    )
    with pytest.raises(LookupFailed, match="answered 400: Bad ASIN"):
        _audnexus(api, getter).by_asin(ASIN)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_no_server_is_unavailable_naming_the_host(getter: HttpGetter):
    port = _closed_port()
    provider = AudnexusProvider(getter, base_url=f"http://127.0.0.1:{port}")
    with pytest.raises(LookupUnavailable) as caught:
        provider.by_asin(ASIN)
    message = str(caught.value)
    assert message.startswith(f"cannot reach 127.0.0.1:{port}: ")
    assert message.endswith("(off the network?)")


def test_openlibrary_search_finds_books(api: FakeBookApi, getter: HttpGetter):
    api.route("/search.json", OPENLIBRARY_SEARCH)
    matches = _openlibrary(api, getter).search("Keeper's Night", "Castell")
    assert [m.title for m in matches] == ["The Keeper's Night", "Keeper of Nights"]
    first = matches[0]
    assert first.provider == "openlibrary"
    assert first.authors == ("Mira Castell",)
    assert (first.year, first.publisher, first.language) == ("2019", "Harbour Press", "eng")
    assert first.isbn == ISBN  # the 13-digit one preferred
    assert first.genres == ("Lighthouses", "Fiction", "Storms")
    assert first.cover_url == f"{api.url}/covers/b/id/12345-L.jpg"
    assert matches[1].cover_url is None and matches[1].isbn is None
    (request,) = api.requests
    assert request.query["title"] == ["Keeper's Night"]
    assert request.query["author"] == ["Castell"]
    assert "cover_i" in request.query["fields"][0]


def test_openlibrary_search_with_no_docs_is_empty(api: FakeBookApi, getter: HttpGetter):
    api.route("/search.json", {"numFound": 0, "start": 0, "docs": []})
    assert _openlibrary(api, getter).search("Nothing Like It") == []


def test_openlibrary_finds_an_edition_by_isbn(api: FakeBookApi, getter: HttpGetter):
    route_openlibrary_edition(api)
    match = _openlibrary(api, getter).by_isbn(ISBN)
    assert match is not None
    assert (match.title, match.subtitle) == ("The Keeper's Night", "A Novel")
    assert match.authors == ("Mira Castell",)  # resolved from /authors/OL300A.json
    assert match.description == "A storm, a keeper, a ship."  # from the work
    assert (match.year, match.publisher, match.language) == ("2019", "Harbour Press", "eng")
    assert match.isbn == ISBN
    assert match.cover_url == f"{api.url}/covers/b/id/12345-L.jpg"


def test_openlibrary_edition_without_cover_uses_the_isbn_cover(
    api: FakeBookApi, getter: HttpGetter
):
    route_openlibrary_edition(api)
    edition = api.routes["/books/OL200M.json"]
    edition.body = edition.body.replace(b'"covers": [12345]', b'"covers": [-1]')
    match = _openlibrary(api, getter).by_isbn(ISBN)
    assert match is not None
    assert match.cover_url == f"{api.url}/covers/b/isbn/{ISBN}-L.jpg?default=false"


def test_openlibrary_unknown_isbn_is_no_match(api: FakeBookApi, getter: HttpGetter):
    assert _openlibrary(api, getter).by_isbn(ISBN) is None


def test_html_summary_becomes_plain_lines():
    html = "<p>One &amp;amp; <b>two</b></p><br/><ul><li>three</li></ul>\x1b[2J"
    # Entities decoded once; control characters are kept (made safe where shown).
    assert html_to_text(html) == "One &amp; two\nthree\n\x1b[2J"


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


def test_an_answer_of_an_unknown_shape_is_a_failed_lookup(api: FakeBookApi, getter: HttpGetter):
    api.route(f"/books/{ASIN}", {"title": "T", "seriesPrimary": "not an object"})
    with pytest.raises(LookupFailed, match="shape aiom4b does not know"):
        _audnexus(api, getter).by_asin(ASIN)
    api.route("/search.json", {"docs": [{"title": "T", "author_name": 5}]})
    with pytest.raises(LookupFailed, match="shape aiom4b does not know"):
        _openlibrary(api, getter).search("T")


def test_chapters_of_an_unknown_shape_leave_the_book_without_chapters(
    api: FakeBookApi, getter: HttpGetter
):
    route_audnexus_book(api)
    api.route(f"/books/{ASIN}/chapters", {"chapters": [{"startOffsetMs": None, "title": 1}]})
    match = _audnexus(api, getter).by_asin(ASIN)
    assert match is not None and match.chapters is None


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
