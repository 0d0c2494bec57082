"""The add dialog's lookup (ctrl+l): a match's tags for the form and beside it, its
chapters fitted to the book; against the local fake Audnexus / Open Library server a
chosen match fills the tags and offers its chapters; off the network it says so and
nothing changes."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from aiom4b_tui.config.settings import load_settings
from aiom4b_tui.lookup.providers import BookMatch
from aiom4b_tui.ui.add_book.lookup import chapter_marks, extra_tags, form_tags
from aiom4b_tui.ui.add_book.screen import AddBookScreen
from aiom4b_tui.ui.app import create_app
from aiom4b_tui.ui.dialogs.confirm import ConfirmScreen
from aiom4b_tui.ui.screens.lookup_book import LookupScreen
from tests.helpers.audio import make_mp3
from tests.helpers.lookup_fakes import ASIN, AUDNEXUS_BOOK, running_book_api
from tests.helpers.pilot import focus, wait_for

# Chapters for a book of three 4-second files (Audible's shape, no brand intro).
SHORT_CHAPTERS = {
    "asin": ASIN,
    "brandIntroDurationMs": 0,
    "brandOutroDurationMs": 0,
    "chapters": [
        {"lengthMs": 3000, "startOffsetMs": 0, "startOffsetSec": 0, "title": "Opening"},
        {"lengthMs": 5000, "startOffsetMs": 3000, "startOffsetSec": 3, "title": "The Storm"},
        {"lengthMs": 4000, "startOffsetMs": 8000, "startOffsetSec": 8, "title": "The Ship"},
    ],
    "isAccurate": True,
    "region": "us",
    "runtimeLengthMs": 12000,
    "runtimeLengthSec": 12,
}


def short_book(root: Path) -> Path:
    folder = root / "Keeper"
    for n in range(1, 4):
        make_mp3(folder / f"{n:02d}.mp3", 4.0, album="Keeper", artist="M. Castell")
    return folder


def point_lookup_at(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    for name in ("AIOM4B_AUDNEXUS_URL", "AIOM4B_OPENLIBRARY_URL", "AIOM4B_COVERS_URL"):
        monkeypatch.setenv(name, url)


def closed_port_url() -> str:
    """The URL of a local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def open_lookup(pilot, app) -> AddBookScreen:
    await wait_for(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
    await pilot.press("a")
    await wait_for(pilot, lambda: isinstance(app.screen, AddBookScreen))
    dialog = app.screen
    await wait_for(pilot, lambda: dialog.draft is not None, timeout=20)
    await pilot.press("ctrl+l")
    await wait_for(pilot, lambda: isinstance(app.screen, LookupScreen))
    return dialog


@pytest.mark.ui
async def test_a_chosen_match_fills_the_tags_and_offers_its_chapters(
    data_dir, tmp_path, monkeypatch
):
    root = tmp_path / "books"
    short_book(root)
    with running_book_api() as api:
        api.route(f"/books/{ASIN}", dict(AUDNEXUS_BOOK, image=""))
        api.route(f"/books/{ASIN}/chapters", SHORT_CHAPTERS)
        point_lookup_at(monkeypatch, api.url)
        app = create_app(load_settings(data_dir, library_dir=root), root, start_worker=False)
        async with app.run_test(size=(80, 24)) as pilot:
            dialog = await open_lookup(pilot, app)
            lookup = app.screen
            assert lookup.query_one("#lookup-query", Input).value == "Keeper"
            assert lookup.query_one("#lookup-author", Input).value == "M. Castell"
            lookup.query_one("#lookup-query", Input).value = ASIN
            await focus(pilot, lookup.query_one("#lookup-query", Input))
            await pilot.press("enter")
            await wait_for(pilot, lambda: lookup.matches, timeout=20)
            assert lookup.query_one("#lookup-results", OptionList).option_count == 1
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("y")
            await wait_for(pilot, lambda: app.screen is dialog)
            fields = {f.id: f.value for f in dialog.query(Input)}
            assert fields["tag-title"] == "The Keeper's Night"
            assert fields["tag-subtitle"] == "A Lamp Rock Mystery"
            assert fields["tag-author"] == "Mira Castell, Tom Ochre"
            assert (fields["tag-series"], fields["tag-series_part"]) == ("Lamp Rock", "2")
            assert fields["tag-year"] == "2021-03-09"
            dialog.query_one("#tag-genre", Input).value = "Coastal Mystery"  # still editable
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: app.service.get_jobs())
    options = app.service.get_jobs()[0].job_options()
    assert options.tags.title == "The Keeper's Night"
    assert options.tags.genre == "Coastal Mystery"
    assert (options.tags.asin, options.tags.publisher) == (ASIN, "Harbour Audio")
    assert [(c.title, c.file) for c in options.chapters] == [
        ("Opening", "01.mp3"),
        ("The Storm", "01.mp3"),
        ("The Ship", "02.mp3"),
    ]
    assert [c.offset for c in options.chapters] == pytest.approx([0, 3, 4], abs=0.2)


@pytest.mark.ui
async def test_a_lookup_off_the_network_says_so_and_changes_nothing(
    data_dir, tmp_path, monkeypatch
):
    root = tmp_path / "books"
    short_book(root)
    point_lookup_at(monkeypatch, closed_port_url())
    app = create_app(load_settings(data_dir, library_dir=root), root, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_lookup(pilot, app)
        before = {f.id: f.value for f in dialog.query(Input)}
        await pilot.press("enter")  # the title and author, as prefilled
        await wait_for(
            pilot,
            lambda: any("lookup failed" in (n.title or "") for n in app._notifications),
            timeout=30,
        )
        message = next(n.message for n in app._notifications if n.title == "The lookup failed")
        assert "reach" in message or "network" in message or "connect" in message, message
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is dialog)
        assert {f.id: f.value for f in dialog.query(Input)} == before
        assert dialog.draft.chosen_chapters() is None


def test_a_matchs_tags_go_to_their_fields_and_the_rest_beside_them():
    match = BookMatch(
        provider="audnexus",
        title="Dune\x1b[2J",
        authors=("Frank Herbert",),
        publisher="Ace",
        asin="B0TESTBOOK",
    )
    assert form_tags(match) == {"title": "Dune␛[2J", "author": "Frank Herbert"}
    assert extra_tags(match) == {"publisher": "Ace", "asin": "B0TESTBOOK"}


def test_a_matchs_chapters_are_fitted_to_the_book():
    match = BookMatch(
        provider="audnexus",
        title="Keeper",
        chapters=((0, "Opening"), (5000, "The Storm\x07")),
        brand_intro_ms=2000,
        brand_outro_ms=0,
        runtime_ms=12000,
    )
    assert chapter_marks(match, 12.0) == [(0.0, "Opening"), (5.0, "The Storm␇")]
    assert chapter_marks(match, 10.0) == [(0.0, "Opening"), (3.0, "The Storm␇")]  # no intro
    assert chapter_marks(BookMatch(provider="openlibrary", title="X"), 10.0) == []
