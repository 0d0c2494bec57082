"""The add dialog's question when the book's .m4b is already there: give the new one
the next free name (`X (2).m4b`), or skip the book. Nothing is ever written over."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from aiom4b_tui.safe_text import visible

RENAME = "rename"
SKIP = "skip"


class OutputExistsScreen(ModalScreen[str | None]):
    """Returns "rename", "skip", or None (back to the dialog to change the name)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "choose('rename')", "New name"),
        Binding("s", "choose('skip')", "Skip"),
        Binding("escape", "choose('')", "Back"),
    ]

    def __init__(self, existing: Path, free: Path) -> None:
        super().__init__()
        self.existing = existing
        self.free = free

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog small", id="output-exists-dialog"):
            yield Static(
                f"{visible(self.existing.name)} is already in {visible(str(self.existing.parent))}",
                classes="question",
                markup=False,
            )
            yield Static(
                "It stays as it is. The new book can have the next free name,\n"
                f"  {visible(self.free.name)}\n"
                "or this book is skipped.",
                classes="hint",
                markup=False,
            )
            with Horizontal(classes="buttons"):
                yield Button("New name (r)", id=RENAME, variant="primary")
                yield Button("Skip (s)", id=SKIP)
                yield Button("Back (esc)", id="back")

    def on_mount(self) -> None:
        self.query_one(f"#{RENAME}", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id if event.button.id in (RENAME, SKIP) else None)

    def action_choose(self, choice: str) -> None:
        """Close with the choice (None: back to the dialog)."""
        self.dismiss(choice or None)
