"""The add dialog shows the engine's plan: its chapter titles, tags, cover and output name,
and a folder that cannot make a book says why instead of failing."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from aiom4b_tui.config.settings import Settings, load_settings
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.ui.add_book.screen import AddBookScreen, shown_path
from aiom4b_tui.ui.app import create_app
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.audio import make_image, make_tone
from tests.helpers.pilot import wait_for

pytestmark = pytest.mark.ui

BOOK_TAGS = {
    "album": "Moby Dick",
    "artist": "Herman Melville",
    "composer": "Frank Muller",
    "date": "1851",
    "genre": "Classics",
}


def tagged_book(root: Path) -> Path:
    """Three MP3s named like a rip, without title tags, and a cover image."""
    folder = root / "Moby Dick"
    folder.mkdir(parents=True)
    for number, name in enumerate(("Loomings", "The Carpet-Bag", "The Spouter-Inn"), 1):
        make_tone(
            folder / f"{number:02d} - {name}.mp3",
            1.0,
            rate=22050,
            channels=1,
            tags={**BOOK_TAGS, "track": str(number)},
        )
    make_image(folder / "cover.jpg", color="blue")
    return folder


def app_settings(data_dir: Path, root: Path) -> Settings:
    return load_settings(data_dir, library_dir=root)


async def test_the_dialog_shows_the_engines_chapters_tags_and_cover(data_dir, tmp_path):
    root = tmp_path / "books"
    tagged_book(root)
    settings = app_settings(data_dir, root)
    app = create_app(settings, root, start_worker=False)
    service: JobService = app.service
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AddBookScreen))
        dialog = app.screen
        await wait_for(pilot, lambda: dialog.preview is not None, timeout=20)
        # Titles from the file names with their track numbers taken off: the engine's rule.
        assert [c.title for c in dialog.preview.chapters] == [
            "Loomings",
            "The Carpet-Bag",
            "The Spouter-Inn",
        ]
        text = screen_text(app)
        assert "Moby Dick" in text and "3 chapters" in text
        fields = {f.id: f.value for f in dialog.query(Input)}
        assert fields == {
            "tag-title": "Moby Dick",
            "tag-subtitle": "",
            "tag-author": "Herman Melville",
            "tag-narrator": "Frank Muller",
            "tag-series": "",
            "tag-series_part": "",
            "tag-year": "1851",
            "tag-genre": "Classics",
            "tag-description": "",
            "tag-output": "Herman Melville - Moby Dick",
            "tag-folder": shown_path(settings.resolved_output_dir()),
            "cover-path": "",
        }
        assert dialog.preview.cover == root / "Moby Dick" / "cover.jpg"
        assert "▀" in text  # the cover, drawn
        assert "3 files" in text and "3 chapters" in text
        dialog.query_one("#tag-narrator", Input).value = "William Hootkins"
        dialog.query_one("#tag-output", Input).value = "Moby Dick (unabridged)"
        dialog.query_one("#tag-series", Input).value = "Sea Stories"
        dialog.query_one("#tag-series_part", Input).value = "2"
        dialog.query_one("#tag-folder", Input).value = str(tmp_path / "finished")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: service.get_jobs())
    options = service.get_jobs()[0].job_options()
    assert options.tags.narrator == "William Hootkins"
    assert options.tags.author is None  # unchanged tags are left to the engine
    assert options.output_name == "Moby Dick (unabridged)"
    assert (options.tags.series, options.tags.series_part) == ("Sea Stories", "2")
    assert options.output_dir == tmp_path / "finished"
    assert options.files is None and options.chapters is None  # nothing edited
    assert options.cover == root / "Moby Dick" / "cover.jpg"  # what the dialog showed


async def test_a_bad_year_keeps_the_dialog_open(data_dir, tmp_path):
    root = tmp_path / "books"
    tagged_book(root)
    app = create_app(app_settings(data_dir, root), root, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AddBookScreen))
        dialog = app.screen
        await wait_for(pilot, lambda: dialog.preview is not None, timeout=20)
        dialog.query_one("#tag-year", Input).value = "abcd"
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: any("year must be YYYY" in n.message for n in app._notifications)
        )
        assert app.screen is dialog
    assert app.service.get_jobs() == []


async def test_a_folder_without_audio_says_so_and_is_not_queued(settings, library, service):
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.main_screen.folder_tree
        await wait_for(pilot, lambda: tree.cursor_node is not None)
        await pilot.press("down", "down")  # Notes: a text file, no audio
        await wait_for(pilot, lambda: tree.cursor_folder() == library / "Notes")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AddBookScreen))
        dialog = app.screen
        await wait_for(pilot, lambda: dialog.preview is not None)
        await wait_for(pilot, lambda: "Cannot make a book: no audio files" in screen_text(app))
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: any(n.title == "Cannot queue this book" for n in app._notifications)
        )
        assert isinstance(app.screen, AddBookScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: "no audio files in" in screen_text(app))
    assert service.get_jobs() == []
