"""The add dialog's Cover tab (the folder's images, the pictures embedded in the sources,
a typed path, the lookup's cover, no cover, a picture widget where the terminal shows
graphics) at 80x24, and the words beside the picture."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from textual.widgets import Input

from aiom4b_tui.config.settings import load_settings
from aiom4b_tui.engine.plan.cover import CoverCandidate
from aiom4b_tui.ui.add_book.cover_picker import CoverPicker, choice_line, describe
from aiom4b_tui.ui.add_book.screen import AddBookScreen
from aiom4b_tui.ui.app import create_app
from aiom4b_tui.ui.screens.lookup_book import LookupScreen
from aiom4b_tui.ui.text.screen_text import screen_text
from tests.helpers.audio import make_image, make_tone
from tests.helpers.lookup_fakes import ASIN, AUDNEXUS_BOOK, running_book_api
from tests.helpers.pilot import focus, wait_for

SIZE = (80, 24)


async def wait_long(pilot, condition) -> None:
    """wait_for with room for a loaded machine (the tests share two cores)."""
    await wait_for(pilot, condition, timeout=30)


def pictured_book(root: Path) -> Path:
    """Two MP3s with one embedded picture (red, 120x90) and a large folder image."""
    folder = root / "Kestrel"
    folder.mkdir(parents=True)
    red = make_image(root / "red.png", "red", "120x90")
    tags = {"album": "Kestrel", "artist": "Ada Wren"}
    make_tone(folder / "01.mp3", 1.0, rate=22050, channels=1, picture=red, tags=tags)
    make_tone(folder / "02.mp3", 1.0, rate=22050, channels=1, picture=red, tags=tags)
    make_image(folder / "cover.jpg", "green", "2000x1500")
    return folder


async def open_cover_tab(pilot, app) -> tuple[AddBookScreen, CoverPicker]:
    await wait_long(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
    await pilot.press("a")
    await wait_long(pilot, lambda: isinstance(app.screen, AddBookScreen))
    dialog = app.screen
    await wait_long(pilot, lambda: dialog.covers_listed)
    await pilot.press("ctrl+t", "ctrl+t")  # Tags → Chapters → Cover
    picker = dialog.query_one(CoverPicker)
    await wait_long(pilot, lambda: picker.choices.has_focus)
    return dialog, picker


@pytest.mark.ui
async def test_the_cover_tab_lists_draws_and_keeps_the_choice(data_dir, tmp_path):
    root = tmp_path / "books"
    book = pictured_book(root)
    typed = make_image(tmp_path / "typed.png", "blue", "64x48")
    app = create_app(load_settings(data_dir, library_dir=root), root, start_worker=False)
    async with app.run_test(size=SIZE) as pilot:
        _dialog, picker = await open_cover_tab(pilot, app)
        assert [c.label for c in picker.candidates] == [
            "cover.jpg",
            "embedded in 01.mp3 (and 1 more)",
        ]
        text = screen_text(app)
        assert "2000×1500 px" in text and "scaled to 1400×1050 px in the book" in text
        assert "no cover" in text and "▀" in text  # the folder's cover, drawn
        await pilot.press("down")  # the embedded picture
        await wait_long(pilot, lambda: "120×90 px ·" in screen_text(app))
        assert picker.chosen is not None and picker.chosen.path == book / "01.mp3"
        await pilot.press("down")  # no cover
        await wait_long(pilot, lambda: "The book will have no cover." in screen_text(app))
        # a path typed in: refused when it is not a picture, else listed and chosen
        field = picker.query_one("#cover-path", Input)
        await focus(pilot, field)
        field.value = str(book / "01.mp3")
        await pilot.press("enter")
        await wait_long(pilot, lambda: any("not a JPEG" in n.message for n in app._notifications))
        assert isinstance(app.screen, AddBookScreen) and app.service.get_jobs() == []
        field.value = str(typed)
        await pilot.press("enter")
        await wait_long(pilot, lambda: picker.chosen is not None and picker.chosen.path == typed)
        assert "file: " in screen_text(app) and "64×48 px" in screen_text(app)
        await pilot.press("ctrl+s")
        await wait_long(pilot, lambda: app.service.get_jobs())
    options = app.service.get_jobs()[0].job_options()
    assert options.cover == typed and not options.no_cover


@pytest.mark.ui
async def test_no_cover_is_kept_as_such(data_dir, tmp_path):
    root = tmp_path / "books"
    pictured_book(root)
    app = create_app(load_settings(data_dir, library_dir=root), root, start_worker=False)
    async with app.run_test(size=SIZE) as pilot:
        _dialog, picker = await open_cover_tab(pilot, app)
        await pilot.press("end")
        await wait_long(pilot, lambda: picker.chosen is None)
        await pilot.press("ctrl+s")
        await wait_long(pilot, lambda: app.service.get_jobs())
    options = app.service.get_jobs()[0].job_options()
    assert options.no_cover and options.cover is None


def jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (250, 200, 0)).save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.ui
async def test_the_lookups_cover_is_downloaded_listed_and_chosen(data_dir, tmp_path, monkeypatch):
    root = tmp_path / "books"
    pictured_book(root)
    with running_book_api() as api:
        api.route(f"/books/{ASIN}", dict(AUDNEXUS_BOOK, image=f"{api.url}/img/k.jpg"))
        api.route(f"/books/{ASIN}/chapters", {"chapters": []}, status=404)
        api.route("/img/k.jpg", body=jpeg(500, 500), content_type="image/jpeg")
        for name in ("AIOM4B_AUDNEXUS_URL", "AIOM4B_OPENLIBRARY_URL", "AIOM4B_COVERS_URL"):
            monkeypatch.setenv(name, api.url)
        settings = load_settings(data_dir, library_dir=root)
        app = create_app(settings, root, start_worker=False)
        async with app.run_test(size=SIZE) as pilot:
            dialog, picker = await open_cover_tab(pilot, app)
            await pilot.press("ctrl+l")
            await wait_long(pilot, lambda: isinstance(app.screen, LookupScreen))
            lookup = app.screen
            lookup.query_one("#lookup-query", Input).value = ASIN
            await focus(pilot, lookup.query_one("#lookup-query", Input))
            await pilot.press("enter")
            await wait_long(pilot, lambda: lookup.matches)
            await pilot.press("enter")
            await wait_long(pilot, lambda: app.screen is dialog)
            await wait_long(pilot, lambda: picker.chosen and picker.chosen.kind == "lookup")
            assert picker.chosen.path.parent == settings.data_dir / "covers"
            assert "looked up  500×500 px" in screen_text(app)
            assert api.count("/img/k.jpg") == 1
            await pilot.press("ctrl+s")
            await wait_long(pilot, lambda: app.service.get_jobs())
    options = app.service.get_jobs()[0].job_options()
    assert options.cover is not None and options.cover.read_bytes() == jpeg(500, 500)


@pytest.mark.ui
async def test_where_the_terminal_shows_graphics_the_cover_is_a_picture_widget(
    data_dir, tmp_path, monkeypatch
):
    from textual_image.widget._base import Image as GraphicsImage

    from aiom4b_tui.ui.add_book import cover_art as cover

    monkeypatch.setattr(cover, "_graphics", "kitty")  # as detect_graphics finds in kitty
    root = tmp_path / "books"
    pictured_book(root)
    app = create_app(load_settings(data_dir, library_dir=root), root, start_worker=False)
    async with app.run_test(size=SIZE) as pilot:
        _dialog, picker = await open_cover_tab(pilot, app)
        await wait_long(pilot, lambda: picker.query(".cover-pixels"))
        pixels = picker.query_one(".cover-pixels")
        assert isinstance(pixels, GraphicsImage) and pixels.image.size[0] > 24
        assert not picker.query_one("#cover-art").display
        await pilot.press("end")  # no cover: the words again, no picture
        await wait_long(pilot, lambda: not picker.query(".cover-pixels"))
        assert picker.query_one("#cover-art").display
        assert "no cover" in screen_text(app)


def test_the_words_beside_the_cover():
    big = CoverCandidate("folder", Path("/b/cover.jpg"), "cover.jpg", 3000, 2000, 1_234_567)
    assert describe(big).plain == "3000×2000 px · 1.2 MB\nscaled to 1400×933 px in the book"
    small = CoverCandidate("lookup", Path("/c/x.jpg"), "looked up", 500, 500, 42_000)
    assert describe(small).plain == "500×500 px · 42 kB"
    assert describe(None).plain == "The book will have no cover."
    assert choice_line(small).plain == "looked up  500×500 px"
    typed = CoverCandidate("file", Path("/c/x.png"), "/c/x.png", 10, 10, 100)
    assert choice_line(typed).plain == "file: /c/x.png  10×10 px"
