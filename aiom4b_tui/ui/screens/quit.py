"""Quitting while books convert: stop them, or leave them to a background worker."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

STOP = "stop"
KEEP = "keep"


class QuitScreen(ModalScreen[str | None]):
    """Returns STOP, KEEP, or None to stay."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "choose('stop')", "Stop them"),
        Binding("k", "choose('keep')", "Keep running"),
        Binding("escape", "choose(None)", "Stay"),
    ]

    def __init__(self, running: int) -> None:
        super().__init__()
        self.running = running

    def compose(self) -> ComposeResult:
        books = "1 book is" if self.running == 1 else f"{self.running} books are"
        with Vertical(classes="dialog small"):
            yield Label(f"{books} converting.", classes="question")
            yield Label(
                "Stop: they go back to the queue and start again next time.\n"
                "Keep: a background `aiom4b worker` carries on with the queue.",
                classes="hint",
            )
            with Horizontal(classes="buttons"):
                yield Button("Stop (s)", id=STOP, variant="warning")
                yield Button("Keep (k)", id=KEEP, variant="primary")
                yield Button("Stay (esc)", id="stay")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id if event.button.id in (STOP, KEEP) else None)

    def action_choose(self, choice: str | None) -> None:
        """Close with the choice."""
        self.dismiss(choice)
