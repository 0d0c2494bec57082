"""The keys, in one place (`?`)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

KEYS = (
    ("Library", ""),
    ("space", "mark or unmark the folder under the cursor"),
    ("a", "add each marked folder as its own book"),
    ("b", "make one book of all marked folders, in order"),
    ("→ / ←", "open / close a folder"),
    ("u", "show the parent folder (also backspace)"),
    ("ctrl+r", "read the folders again"),
    ("Jobs", ""),
    ("enter", "details: plan, chapters, tags, output, full log"),
    ("c", "cancel the job (a running one stops)"),
    ("r", "retry a failed or cancelled job"),
    ("d", "delete the job (asks first)"),
    ("/", "filter as you type: a status (failed…) and/or text"),
    ("home/end", "the first / the last job"),
    ("x", "clear finished jobs older than the days kept"),
    ("The queue", ""),
    ("p", "pause (running books finish, or stop) / resume"),
    ("S", "stop everything: workers stop, books resume later"),
    ("w", "have the worker watch an inbox for new books / stop"),
    ("Anywhere", ""),
    ("tab", "move between library, jobs and log"),
    ("l", "show the library or the jobs (narrow terminals)"),
    ("ctrl+p", "command palette: every action by name"),
    ("q", "quit; the worker carries on with the books"),
)


def keys_text() -> str:
    """The key list as aligned lines."""
    lines = []
    for key, meaning in KEYS:
        lines.append(f"[b]{key}[/b]" if not meaning else f"  [b]{key:<9}[/b] {meaning}")
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    """A list of keys; any of escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Keys", classes="question")
            with VerticalScroll():
                yield Static(keys_text())

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
