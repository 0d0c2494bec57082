"""The first run's question: where finished books go. Asked when no output folder is
set; the answer is made a folder and saved as `output_dir` in the data dir's config.toml,
so it is asked once. Escape leaves it unset (the data dir's `output/`), asked next time."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from aiom4b_tui.safe_text import visible

if TYPE_CHECKING:
    from aiom4b_tui.config.settings import Settings

DEFAULT_FOLDER = "~/Audiobooks"


def should_ask(settings: Settings) -> bool:
    """True when no output folder is set (config.toml, AIOM4B_OUTPUT_DIR)."""
    return settings.output_dir is None


class OutputFolderScreen(ModalScreen[Path | None]):
    """Asks where finished books go; saves the answer; returns the folder (None: later)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "later", "Ask later")]

    def __init__(self, settings: Settings, default: str = DEFAULT_FOLDER) -> None:
        super().__init__()
        self.settings = settings
        self.default = default

    def compose(self) -> ComposeResult:
        config = visible(str(self.settings.data_dir / "config.toml"))
        with Vertical(classes="dialog small", id="output-folder-dialog"):
            yield Label("Where should finished books go?", classes="question")
            yield Input(self.default, id="output-folder", compact=True)
            yield Static(
                "enter: use this folder (made if missing) · escape: ask next time\n"
                f"saved as output_dir in {config}",
                classes="hint",
                markup=False,
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        typed = event.value.strip()
        if not typed:
            self.notify("Type a folder, or escape to decide later.", severity="warning")
            return
        folder = Path(typed).expanduser().absolute()
        from aiom4b_tui.config.setting_writer import save_setting
        from aiom4b_tui.config.settings import SettingsError

        try:
            folder.mkdir(parents=True, exist_ok=True)
            save_setting(self.settings.data_dir, "output_dir", str(folder))
        except (OSError, SettingsError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.notify(
                visible(why), title="Cannot use that folder", severity="error", markup=False
            )
            return
        self.settings.output_dir = folder
        self.dismiss(folder)

    def action_later(self) -> None:
        """Leave the output folder unset for now."""
        self.dismiss(None)
