"""`reported`: work that fails posts `WorkFailed` (where: the work's name, the error) from
its node, which bubbles up to the app; work that does not fail gives its result."""

from __future__ import annotations

import pytest
from textual import work
from textual.app import App, ComposeResult
from textual.widget import Widget

from aiom4b_tui.ui.reported import WorkFailed, reported
from tests.helpers.pilot import wait_for

pytestmark = pytest.mark.ui


class Room(Widget):
    """A widget whose work fails, in a thread and on the loop."""

    @work(thread=True, exit_on_error=False)
    @reported
    def _read_the_disk(self) -> None:
        raise OSError("the disk is gone")

    @work(exit_on_error=False)
    @reported
    async def write_rows(self) -> None:
        raise ValueError("no such row")

    @reported
    def count(self, n: int) -> int:
        return n + 1


class FailuresApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.failed: list[WorkFailed] = []

    def compose(self) -> ComposeResult:
        yield Room()

    def on_work_failed(self, message: WorkFailed) -> None:
        self.failed.append(message)


async def test_failed_work_reaches_the_app_with_its_name_and_error():
    app = FailuresApp()
    async with app.run_test() as pilot:
        room = app.query_one(Room)
        room._read_the_disk()
        room.write_rows()
        await wait_for(pilot, lambda: len(app.failed) == 2)
        said = {(m.where, type(m.error).__name__, str(m.error)) for m in app.failed}
        assert said == {
            ("read the disk", "OSError", "the disk is gone"),
            ("write rows", "ValueError", "no such row"),
        }


async def test_work_that_does_not_fail_gives_its_result():
    app = FailuresApp()
    async with app.run_test() as pilot:
        room = app.query_one(Room)
        assert room.count(41) == 42
        room._read_the_disk()  # a failure posted after: once it is in, any before it are
        await wait_for(pilot, lambda: app.failed)
        assert [m.where for m in app.failed] == ["read the disk"]
