"""Snapshots at 80x24 of the add dialog: its Tags tab with the plan read, the chapter
editor after edits, the lookup's results, and the Cover tab (the folder's cover drawn with
half blocks: snapshots never ask the terminal for graphics), its size, the choices.

Deterministic as the main screen's (tests/ui/test_snapshots.py): fixed jobs and clock, UTC,
HOME at the test's folder, no worker."""

from __future__ import annotations

import pytest

from aiom4b_tui.ui.add_book.chapter_editor import ChapterEditor
from aiom4b_tui.ui.add_book.cover_picker import CoverPicker
from aiom4b_tui.ui.screens.lookup_book import LookupScreen
from tests.helpers.lookup_fakes import OPENLIBRARY_SEARCH, running_book_api
from tests.helpers.pilot import focus, wait_for
from tests.helpers.snapshots import (
    SIZE,
    add_sample_jobs,
    make_cover,
    open_add_dialog,
    show,
    snapshot_app,
    steady_cursors,
)

pytestmark = [pytest.mark.ui, pytest.mark.usefixtures("fixed_place_and_zone")]


def test_add_dialog_cover_tab(snap_compare, settings, library, service):
    add_sample_jobs(service)
    make_cover(library / "Dune" / "cover.png")
    app = snapshot_app(settings, library)

    async def run_before(pilot) -> None:
        dialog = await open_add_dialog(pilot, app)
        await wait_for(pilot, lambda: dialog.covers_listed, timeout=30)
        steady_cursors(dialog)
        await pilot.press("ctrl+t", "ctrl+t")
        picker = dialog.query_one(CoverPicker)
        await wait_for(pilot, lambda: picker.choices.has_focus)
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=SIZE, run_before=show(app, run_before))


def test_add_dialog(snap_compare, settings, library, service):
    add_sample_jobs(service)
    cover = library / "Dune" / "cover.png"
    make_cover(cover)
    app = snapshot_app(settings, library)

    async def run_before(pilot) -> None:
        dialog = await open_add_dialog(pilot, app)
        await wait_for(pilot, lambda: dialog.preview is not None)
        steady_cursors(dialog)
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=show(app, run_before))


def test_add_dialog_chapter_editor(snap_compare, settings, library, service):
    add_sample_jobs(service)
    app = snapshot_app(settings, library)

    async def run_before(pilot) -> None:
        dialog = await open_add_dialog(pilot, app)
        await wait_for(pilot, lambda: dialog.draft is not None)
        dialog.query_one("#add-tabs").active = "tab-chapters"
        await focus(pilot, dialog.query_one(ChapterEditor))
        await pilot.press("m", "end", "x")  # Part 1 and 2 merged, the last file left out
        await wait_for(pilot, lambda: len(dialog.preview.files) == 2)
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=SIZE, run_before=show(app, run_before))


def test_add_dialog_lookup_results(snap_compare, settings, library, service, monkeypatch):
    add_sample_jobs(service)
    app = snapshot_app(settings, library)
    with running_book_api() as api:
        api.route("/search.json", OPENLIBRARY_SEARCH)
        for name in ("AIOM4B_AUDNEXUS_URL", "AIOM4B_OPENLIBRARY_URL", "AIOM4B_COVERS_URL"):
            monkeypatch.setenv(name, api.url)

        async def run_before(pilot) -> None:
            dialog = await open_add_dialog(pilot, app)
            await wait_for(pilot, lambda: dialog.draft is not None)
            await pilot.press("ctrl+l")
            await wait_for(pilot, lambda: isinstance(app.screen, LookupScreen))
            lookup = app.screen
            steady_cursors(lookup)
            await pilot.press("enter")
            await wait_for(pilot, lambda: lookup.matches, timeout=20)
            await pilot.pause(0.3)

        assert snap_compare(app, terminal_size=SIZE, run_before=show(app, run_before))
