"""Audnexus (lookup/audnexus.py) against a local server that answers like it: a book by
ASIN with Audible's chapters, found without them, not found, answers of an unknown shape;
Audible's chapters placed on a book's audio with or without its brand intro."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from aiom4b_tui.lookup.audnexus import (
    AudnexusProvider,
    audio_end_ms,
    audio_has_brand_intro,
    chapter_file_json,
    chapters_for_audio,
    html_to_text,
)
from aiom4b_tui.lookup.http import HttpGetter
from aiom4b_tui.lookup.providers import BookMatch, LookupFailed
from tests.helpers.lookup_fakes import (
    ASIN,
    ISBN,
    FakeBookApi,
    route_audnexus_book,
)


@pytest.fixture
def audnexus(book_api: FakeBookApi, http_getter: HttpGetter) -> Iterator[AudnexusProvider]:
    yield AudnexusProvider(http_getter, base_url=book_api.url)


def test_audnexus_finds_a_book_with_its_chapters(book_api: FakeBookApi, audnexus: AudnexusProvider):
    route_audnexus_book(book_api)
    match = audnexus.by_asin(ASIN)
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
    assert match.cover_url == f"{book_api.url}/covers/keeper.jpg"
    assert match.chapters == ((0, "Opening Credits"), (20000, "Chapter 1"), (50000, "Chapter 2"))
    assert (match.brand_intro_ms, match.brand_outro_ms, match.runtime_ms) == (2100, 5000, 90000)
    asked = [r for r in book_api.requests if r.path.startswith("/books/")]
    assert [r.path for r in asked] == [f"/books/{ASIN}", f"/books/{ASIN}/chapters"]
    assert all(r.query == {"region": ["us"]} for r in asked)
    assert all(r.user_agent.startswith("aiom4b/") for r in asked)


def test_audnexus_book_without_chapters_still_found(
    book_api: FakeBookApi, audnexus: AudnexusProvider
):
    route_audnexus_book(book_api)
    del book_api.routes[f"/books/{ASIN}/chapters"]
    match = audnexus.by_asin(ASIN)
    assert match is not None and match.title == "The Keeper's Night"
    assert match.chapters is None


def test_audnexus_unknown_asin_is_no_match(book_api: FakeBookApi, audnexus: AudnexusProvider):
    assert audnexus.by_asin("B0NOTTHERE") is None
    assert book_api.count("/books/B0NOTTHERE") == 1
    assert book_api.count("/books/B0NOTTHERE/chapters") == 0


def test_audnexus_answers_nothing_to_search_and_isbn(
    book_api: FakeBookApi, audnexus: AudnexusProvider
):
    assert audnexus.search("The Keeper's Night") == []
    assert audnexus.by_isbn(ISBN) is None
    assert book_api.count() == 0


def test_a_book_of_an_unknown_shape_is_a_failed_lookup(
    book_api: FakeBookApi, audnexus: AudnexusProvider
):
    book_api.route(f"/books/{ASIN}", {"title": "T", "seriesPrimary": "not an object"})
    with pytest.raises(LookupFailed, match="shape aiom4b does not know"):
        audnexus.by_asin(ASIN)
    book_api.route(f"/books/{ASIN}", {"subtitle": "no title"})
    with pytest.raises(LookupFailed, match=f"sent a book without a title \\({ASIN}\\)"):
        audnexus.by_asin(ASIN)


def test_chapters_of_an_unknown_shape_leave_the_book_without_chapters(
    book_api: FakeBookApi, audnexus: AudnexusProvider
):
    route_audnexus_book(book_api)
    book_api.route(f"/books/{ASIN}/chapters", {"chapters": [{"startOffsetMs": None, "title": 1}]})
    match = audnexus.by_asin(ASIN)
    assert match is not None and match.chapters is None


def test_html_summary_becomes_plain_lines():
    html = "<p>One &amp;amp; <b>two</b></p><br/><ul><li>three</li></ul>\x1b[2J"
    # Entities decoded once; control characters are kept (made safe where shown).
    assert html_to_text(html) == "One &amp; two\nthree\n\x1b[2J"


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
