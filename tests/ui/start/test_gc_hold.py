"""The collector is off from the TUI's start to its first frame, then on again with what
the start made frozen; held by nobody, releasing does nothing."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from aiom4b_tui.ui.app import AiomApp, create_app
from aiom4b_tui.ui.start.gc_hold import hold_collector, release_collector
from tests.helpers.pilot import wait_for


@pytest.fixture
def collector() -> Iterator[None]:
    """The collector as it was (on, nothing frozen) after each test."""
    yield
    release_collector()
    gc.unfreeze()
    gc.enable()


def test_held_then_released_the_collector_runs_and_the_start_is_frozen(collector):
    gc.unfreeze()
    hold_collector()
    assert not gc.isenabled()
    made = [[n] for n in range(1000)]  # what a start makes, tracked by the collector
    release_collector()
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(made)


def test_release_without_hold_leaves_the_collector_alone(collector):
    gc.unfreeze()
    gc.disable()  # someone else's choice
    release_collector()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0


@pytest.mark.ui
async def test_the_app_turns_the_collector_on_at_its_first_frame(collector, settings, library):
    seen: list[bool] = []
    app = create_app(settings, library, start_worker=False)
    hold_collector()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
        seen.append(gc.isenabled())
    assert seen == [True]
    assert isinstance(app, AiomApp)
