"""The lookup screen: what is typed read as an ASIN, an ISBN or a title with its author;
each match as one line; a query that cannot be asked said, not sent."""

from __future__ import annotations

import pytest
from textual.app import App

from aiom4b_tui.lookup.providers import BookMatch
from aiom4b_tui.lookup.service import LookupQuery
from aiom4b_tui.store.database.db import open_database
from aiom4b_tui.ui.screens.lookup_book import LookupScreen, match_line, query_of
from tests.helpers.pilot import wait_for


def test_a_match_in_one_line():
    match = BookMatch(
        provider="audnexus",
        title="The Keeper's Night",
        authors=("Mira Castell", "Tom Ochre"),
        series="Lamp Rock",
        series_part="2",
        year="2021-03-09",
    )
    assert match_line(match).plain == (
        "audnexus    The Keeper's Night · Mira Castell, Tom O… · 2021 · Lamp Rock #2"
    )
    hostile = BookMatch(provider="openlibrary", title="Dune\x1b[2J")
    assert "\x1b" not in match_line(hostile).plain


@pytest.mark.ui
async def test_a_query_that_cannot_be_asked_is_said(data_dir):
    db = open_database(data_dir)
    app = App()
    async with app.run_test() as pilot:
        screen = LookupScreen(lambda: db, title="", author="Asimov")
        app.push_screen(screen)
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("enter")  # nothing to look for: an author alone
        await wait_for(pilot, lambda: app._notifications)
        note = next(iter(app._notifications))
        assert note.title == "Cannot look that up"
        assert note.message == "give one of an ASIN, an ISBN or a title"
        assert not screen.searching
    db.close()


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("B0TESTBOOK", LookupQuery(asin="B0TESTBOOK")),
        ("978-0-306-40615-7", LookupQuery(isbn="9780306406157")),
        ("Foundation", LookupQuery(title="Foundation", author="Asimov")),
    ],
)
def test_what_is_typed_is_read_as_an_asin_isbn_or_title(typed, query):
    assert query_of(typed, "Asimov") == query
