"""Pausing the queue: running books finish, or stop now keeping their progress."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from aiom4b_tui.store.workers import PauseMode

CHOICES = {"finish": PauseMode.FINISH, "stop": PauseMode.STOP}


class PauseScreen(ModalScreen[PauseMode | None]):
    """Returns how to pause (`f`: running books finish, `s`: they stop now), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "choose('finish')", "Let them finish"),
        Binding("s", "choose('stop')", "Stop them now"),
        Binding("escape", "choose('')", "Don't pause"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="pause-dialog"):
            yield Label("Pause the queue: no book starts until you resume (p).", classes="question")
            yield Label(
                "Running books finish, or stop now: they go back to the queue and\n"
                "resume from their finished segments when you resume.",
                classes="hint",
            )
            with Horizontal(classes="buttons"):
                yield Button("Running books finish (f)", id="finish", variant="primary")
                yield Button("Stop them now (s)", id="stop", variant="warning")
                yield Button("Cancel (esc)", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(CHOICES.get(event.button.id or ""))

    def action_choose(self, choice: str) -> None:
        """Close with the choice (None for no pause)."""
        self.dismiss(CHOICES.get(choice))
