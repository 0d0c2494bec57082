"""The add dialog's chapter editor: chapters renamed, merged and split and files moved and
left out in the dialog are kept in the job's options, shown again in the details, and
found in the book the engine makes from those options (real ffmpeg, real SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.config.settings import load_settings
from aiom4b_tui.engine.convert import convert_folders
from aiom4b_tui.engine.convert_task import ConvertTask
from aiom4b_tui.engine.ffmpeg.run import find_ffmpeg
from aiom4b_tui.engine.mp4.chapters import read_chapters
from aiom4b_tui.queue.execute import make_pool
from aiom4b_tui.queue.planning import options_with_defaults
from aiom4b_tui.ui.add_book.chapter_editor import ChapterEditor
from aiom4b_tui.ui.add_book.screen import AddBookScreen
from aiom4b_tui.ui.app import create_app
from aiom4b_tui.ui.dialogs.prompt import PromptScreen
from aiom4b_tui.ui.screens.job_details import JobDetailsScreen
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.audio import make_mp3
from tests.helpers.pilot import focus, wait_for

pytestmark = [pytest.mark.ui, pytest.mark.integration]


def four_part_book(root: Path) -> Path:
    """Four 4-second MP3s named Part 1..4 (no title tags)."""
    folder = root / "Tides"
    for n in range(1, 5):
        make_mp3(folder / f"{n:02d} Part {n}.mp3", 4.0, album="Tides", artist="Ann Reed")
    return folder


async def open_editor(pilot, app) -> AddBookScreen:
    await wait_for(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
    await pilot.press("a")
    await wait_for(pilot, lambda: isinstance(app.screen, AddBookScreen))
    dialog = app.screen
    await wait_for(pilot, lambda: dialog.draft is not None, timeout=20)
    await pilot.click("#add-tabs Tab#--content-tab-tab-chapters")
    await wait_for(pilot, lambda: dialog.focused is dialog.query_one(ChapterEditor))
    return dialog


async def answer(pilot, app, text: str) -> None:
    """Type into the prompt the editor opened, and give it."""
    await wait_for(pilot, lambda: isinstance(app.screen, PromptScreen))
    field = app.screen.query_one("#answer")
    field.value = text
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, AddBookScreen))


async def test_edited_chapters_are_queued_shown_and_made(data_dir, tmp_path):
    root = tmp_path / "books"
    four_part_book(root)
    settings = load_settings(data_dir, library_dir=root)
    app = create_app(settings, root, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_editor(pilot, app)
        editor = dialog.query_one(ChapterEditor)
        assert [row.file for row in editor.draft.rows()] == [
            "01 Part 1.mp3",
            "02 Part 2.mp3",
            "03 Part 3.mp3",
            "04 Part 4.mp3",
        ]
        await pilot.press("r")  # rename the first chapter
        await answer(pilot, app, "Prologue")
        await pilot.press("down", "m")  # merge Part 2 with Part 3
        await pilot.press("s")  # split the merged chapter 6 s in (inside Part 3's file)
        await answer(pilot, app, "0:06")
        assert editor.current_row().chapter is not None
        assert editor.draft.entries[editor.current_row().chapter].title == "Part 2"
        await pilot.press("end", "J")  # Part 4's file is the last already
        assert editor.current_row().file == "04 Part 4.mp3"
        await pilot.press("K")  # Part 4's file moves up, before Part 3's
        await wait_for(pilot, lambda: "Part 2 (2)" in screen_text(app))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.service.get_jobs())
        job = app.service.get_jobs()[0]
        options = job.job_options()
        assert options.files == ["01 Part 1.mp3", "02 Part 2.mp3", "04 Part 4.mp3", "03 Part 3.mp3"]
        assert [(c.title, c.file) for c in options.chapters] == [
            ("Prologue", "01 Part 1.mp3"),
            ("Part 2", "02 Part 2.mp3"),
            ("Part 4", "04 Part 4.mp3"),
            ("Part 2 (2)", "03 Part 3.mp3"),
        ]
        # 6 s into Part 2, whose file plays about 4 s: about 2 s into Part 3's file.
        assert [c.offset for c in options.chapters] == pytest.approx([0, 0, 0, 2], abs=0.2)
        # The details plan the book from the job's options: the edits again.
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 1)
        await focus(pilot, app.main_screen.jobs.table)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, JobDetailsScreen))
        app.screen.query_one("#details-tabs").active = "tab-chapters"
        await wait_for(pilot, lambda: "Part 2 (2)" in screen_text(app), timeout=20)
        text = screen_text(app)
        assert text.index("Prologue") < text.index("Part 4") < text.index("Part 2 (2)")
        app.screen.query_one("#details-tabs").active = "tab-summary"
        await wait_for(pilot, lambda: "4, as edited" in screen_text(app))
    options = options_with_defaults(job.job_options(), settings)
    task = ConvertTask(
        ffmpeg=find_ffmpeg(settings.ffmpeg), pool=make_pool(settings, 1), work_name="editor-test"
    )
    book = await convert_folders(job.folders(), options, task, output_dir=options.output_dir)
    chapters = read_chapters(book)
    assert [c.title for c in chapters] == ["Prologue", "Part 2", "Part 4", "Part 2 (2)"]
    # Each file plays 4 s (an MP3 adds a frame or two): starts near 0, 4, 8, 14.
    for chapter, want in zip(chapters, (0.0, 4.0, 8.0, 14.0), strict=True):
        assert chapter.start == pytest.approx(want, abs=0.25)


async def test_a_left_out_file_is_not_in_the_plan(data_dir, tmp_path):
    root = tmp_path / "books"
    four_part_book(root)
    settings = load_settings(data_dir, library_dir=root)
    app = create_app(settings, root, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_editor(pilot, app)
        await pilot.press("down", "x")
        await wait_for(pilot, lambda: len(dialog.preview.files) == 3, timeout=20)
        assert "3 files" in screen_text(app) and "left out" in screen_text(app)
        assert [c.title for c in dialog.preview.chapters] == ["Part 1", "Part 3", "Part 4"]
        await pilot.press("x")  # taken back
        await wait_for(pilot, lambda: len(dialog.preview.files) == 4, timeout=20)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.service.get_jobs())
    options = app.service.get_jobs()[0].job_options()
    assert options.files == [f"0{n} Part {n}.mp3" for n in range(1, 5)]
    assert options.chapters is None  # no chapter was edited: planned from the files
