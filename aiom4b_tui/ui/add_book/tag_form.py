"""The add dialog's Tags tab: the book's tags, its file name and output folder as fields a
person edits, and the chosen cover drawn small beside them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.widgets import Input, Label, Static

from aiom4b_tui.safe_text import visible
from aiom4b_tui.ui.add_book.cover_art import half_block_text
from aiom4b_tui.ui.add_book.preview import TAG_FIELDS

if TYPE_CHECKING:
    from aiom4b_tui.ui.add_book.cover_picker import DrawnCover
    from aiom4b_tui.ui.add_book.preview import BookPreview

OUTPUT_FIELDS = ("output", "folder")
COVER_SIZE = (16, 8)  # cells wide, lines high
FIELD_LABELS = {
    "series_part": "Series part",
    "output": "File name",
    "folder": "Folder",
}


def field_label(name: str) -> str:
    """The words beside a field: `Series part`, `File name`, `Title`."""
    return FIELD_LABELS.get(name, name.capitalize())


class TagForm(VerticalScroll):
    """The tag fields (`#tag-title`…), the output's (`#tag-output`, `#tag-folder`) and the
    small cover (`#cover`)."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="add-top"):
            with Grid(id="tag-form", classes="field-grid"):
                yield from self._fields(TAG_FIELDS)
            yield Static("", id="cover")
        with Grid(id="output-form", classes="field-grid"):
            yield from self._fields(OUTPUT_FIELDS)

    @staticmethod
    def _fields(names: tuple[str, ...]) -> ComposeResult:
        for name in names:
            yield Label(field_label(name), classes="field-label")
            yield Input(id=f"tag-{name}", compact=True)

    def field(self, name: str) -> Input:
        """The field of a tag (`title`…) or of the output (`output`, `folder`)."""
        return self.query_one(f"#tag-{name}", Input)

    def value(self, name: str) -> str:
        """What a field holds, without the spaces around it."""
        return self.field(name).value.strip()

    def tags(self) -> dict[str, str]:
        """Every tag field's value, by tag name."""
        return {name: self.value(name) for name in TAG_FIELDS}

    def show_plan(self, preview: BookPreview, folder: str) -> None:
        """Fill the fields from the plan: its tags, its file name, and `folder`."""
        for name in TAG_FIELDS:
            self.field(name).value = visible(preview.tags.get(name, ""))
        self.field("output").value = visible(preview.output_name)
        self.field("folder").value = visible(folder)

    def fill_tags(self, tags: dict[str, str]) -> None:
        """Put these tags (already safe to show) in their fields; others are kept."""
        for name in TAG_FIELDS:
            if tags.get(name):
                self.field(name).value = tags[name]

    def show_cover(self, drawn: DrawnCover | None) -> None:
        """The chosen cover, drawn as half blocks (or its name, or "no cover")."""
        cover = self.query_one("#cover", Static)
        if drawn is None or drawn.candidate is None:
            cover.update(Text("no cover", style="dim"))
        elif drawn.picture is None:
            name = visible(drawn.candidate.path.name)
            cover.update(Text(f"cover:\n{name}", style="dim"))
        else:
            cover.update(half_block_text(drawn.picture, *COVER_SIZE))
