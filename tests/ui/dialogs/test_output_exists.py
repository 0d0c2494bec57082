"""The add dialog's question when the book's .m4b is already there: a new name (the next
free one) or skip; nothing is written over."""

from __future__ import annotations

import pytest
from textual.app import App

from aiom4b_tui.config.settings import load_settings
from aiom4b_tui.ui.add_book.screen import AddBookScreen
from aiom4b_tui.ui.app import create_app
from aiom4b_tui.ui.dialogs.output_exists import OutputExistsScreen
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.audio import make_image, make_tone
from tests.helpers.pilot import wait_for, wait_for_work

pytestmark = pytest.mark.ui

SIZE = (80, 24)


async def wait_long(pilot, condition) -> None:
    """wait_for with room for a loaded machine (the tests share two cores)."""
    await wait_for(pilot, condition, timeout=30)


def pictured_book(root):
    """Two MP3s tagged Kestrel by Ada Wren, and a folder image."""
    folder = root / "Kestrel"
    folder.mkdir(parents=True)
    tags = {"album": "Kestrel", "artist": "Ada Wren"}
    make_tone(folder / "01.mp3", 1.0, rate=22050, channels=1, tags=tags)
    make_tone(folder / "02.mp3", 1.0, rate=22050, channels=1, tags=tags)
    make_image(folder / "cover.jpg", "green", "200x150")
    return folder


@pytest.mark.parametrize(("key", "answer"), [("r", "rename"), ("s", "skip"), ("escape", None)])
async def test_each_key_gives_its_answer(tmp_path, key, answer):
    app = App()
    answers: list[str | None] = []
    async with app.run_test(size=SIZE) as pilot:
        existing, free = tmp_path / "Dune.m4b", tmp_path / "Dune (2).m4b"
        app.push_screen(OutputExistsScreen(existing, free), answers.append)
        await wait_for(pilot, lambda: "Dune.m4b is already in" in screen_text(app))
        assert "Dune (2).m4b" in screen_text(app)
        await pilot.press(key)
        await wait_for(pilot, lambda: answers)
    assert answers == [answer]


@pytest.mark.parametrize("answer", ["r", "s"])
async def test_an_existing_book_asks_new_name_or_skip(data_dir, tmp_path, answer):
    root = tmp_path / "books"
    pictured_book(root)
    out = tmp_path / "out"
    out.mkdir()
    (out / "Ada Wren - Kestrel.m4b").write_bytes(b"made before")
    (out / "Ada Wren - Kestrel (2).m4b").write_bytes(b"and again")
    settings = load_settings(data_dir, library_dir=root, output_dir=out)
    app = create_app(settings, root, start_worker=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_long(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
        await pilot.press("a")
        await wait_long(pilot, lambda: isinstance(app.screen, AddBookScreen))
        dialog = app.screen
        await wait_long(pilot, lambda: dialog.covers_listed)
        await pilot.press("ctrl+s")
        await wait_long(pilot, lambda: isinstance(app.screen, OutputExistsScreen))
        text = screen_text(app)
        assert "Ada Wren - Kestrel.m4b is already in" in text
        assert "Ada Wren - Kestrel (3).m4b" in text
        await pilot.press(answer)
        await wait_for(
            pilot, lambda: not isinstance(app.screen, AddBookScreen | OutputExistsScreen)
        )
        await wait_for_work(pilot, "add-books")  # the add flow is over: queued or not
    jobs = app.service.get_jobs()
    if answer == "s":
        assert jobs == []
    else:
        assert [j.job_options().output_name for j in jobs] == ["Ada Wren - Kestrel (3)"]
    assert (out / "Ada Wren - Kestrel.m4b").read_bytes() == b"made before"
