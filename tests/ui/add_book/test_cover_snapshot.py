"""Snapshot at 80x24 of the add dialog's Cover tab: the folder's cover drawn with half
blocks (snapshots never ask the terminal for graphics), its size, the choices."""

from __future__ import annotations

import pytest

from aiom4b_tui.ui.add_book.cover_picker import CoverPicker
from tests.helpers.pilot import wait_for
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
