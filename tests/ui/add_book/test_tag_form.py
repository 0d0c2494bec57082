"""The add dialog's Tags tab on its own: the plan fills its fields, a lookup's tags fill
theirs and leave the others, values come back without spaces around them, and the
chosen cover is drawn small beside the fields (or named, or "no cover")."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from textual.app import App, ComposeResult
from textual.widgets import Static

from aiom4b_tui.engine.plan.cover import CoverCandidate
from aiom4b_tui.ui.add_book.cover_picker import DrawnCover
from aiom4b_tui.ui.add_book.preview import TAG_FIELDS, unreadable_preview
from aiom4b_tui.ui.add_book.tag_form import TagForm, field_label


class FormApp(App[None]):
    def compose(self) -> ComposeResult:
        yield TagForm()


def test_the_words_beside_the_fields():
    assert [field_label(n) for n in ("title", "series_part", "output", "folder")] == [
        "Title",
        "Series part",
        "File name",
        "Folder",
    ]


@pytest.mark.ui
async def test_the_plan_and_a_lookup_fill_the_fields():
    app = FormApp()
    async with app.run_test(size=(80, 24)):
        form = app.query_one(TagForm)
        plan = unreadable_preview([Path("/books/Dune")], "")
        plan.tags.update(author="Frank Herbert\x1b[2J", year="1965")
        plan.output_name = "Frank Herbert - Dune"
        form.show_plan(plan, "~/Audiobooks")
        assert form.tags() == dict.fromkeys(TAG_FIELDS, "") | {
            "title": "Dune",
            "author": "Frank Herbert␛[2J",
            "year": "1965",
        }
        assert (form.value("output"), form.value("folder")) == (
            "Frank Herbert - Dune",
            "~/Audiobooks",
        )
        form.fill_tags({"title": "Dune Messiah", "genre": "Science Fiction", "year": ""})
        assert form.value("title") == "Dune Messiah" and form.value("year") == "1965"
        form.field("narrator").value = "  Scott Brick "
        assert form.tags()["narrator"] == "Scott Brick"


@pytest.mark.ui
async def test_the_small_cover_drawn_named_or_none():
    app = FormApp()
    async with app.run_test(size=(80, 24)):
        form = app.query_one(TagForm)
        cover = form.query_one("#cover", Static)
        candidate = CoverCandidate("folder", Path("/b/cover.jpg"), "cover.jpg", 64, 64, 1000)
        form.show_cover(None)
        assert str(cover.content) == "no cover"
        form.show_cover(DrawnCover(candidate, None, None))  # not decoded: its name
        assert str(cover.content) == "cover:\ncover.jpg"
        picture = Image.new("RGB", (32, 32), (250, 0, 0))
        form.show_cover(DrawnCover(candidate, picture, None))
        assert set(str(cover.content).replace("\n", "")) == {"▀"}
