"""The add dialog: the plan of one book before it is queued, with its tags to edit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from pydantic import ValidationError
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, LoadingIndicator, Static

from aiom4b_tui.core.job_title import job_title
from aiom4b_tui.core.models import JobCreate
from aiom4b_tui.core.options import JobOptions, TagOverrides
from aiom4b_tui.core.safe_text import visible
from aiom4b_tui.ui import formatting
from aiom4b_tui.ui.book_preview import (
    TAG_FIELDS,
    BookPreview,
    build_preview,
    unreadable_preview,
)
from aiom4b_tui.ui.cover import cover_text, default_ffmpeg

if TYPE_CHECKING:
    from aiom4b_tui.core.settings import Settings

QUEUE = "queue"
QUEUE_ALL = "all"
SKIP = "skip"
CANCEL = "cancel"
COVER_SIZE = (16, 8)  # cells wide, lines high


@dataclass(frozen=True)
class AddDecision:
    """What the person chose: queue this book (and maybe the rest), skip it, or stop."""

    action: str
    job: JobCreate | None = None


class AddBookScreen(ModalScreen[AddDecision]):
    """Shows the plan of one book from `folders` and returns an `AddDecision`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "decide('queue')", "Queue"),
        Binding("ctrl+n", "decide('skip')", "Skip"),
        Binding("ctrl+a", "decide('all')", "Queue all"),
        Binding("escape", "decide('cancel')", "Cancel"),
    ]

    def __init__(
        self,
        folders: list[Path],
        settings: Settings,
        *,
        position: tuple[int, int] = (1, 1),
        shown_root: Path | None = None,
    ) -> None:
        super().__init__()
        self.folders = folders
        self.settings = settings
        self.position = position
        self.shown_root = shown_root
        self.preview: BookPreview | None = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Skip and queue-all only make sense when several books are being added."""
        if action == "decide" and parameters and parameters[0] in (SKIP, QUEUE_ALL):
            return self.position[1] > 1
        return True

    def compose(self) -> ComposeResult:
        index, count = self.position
        heading = "Add book" if count == 1 else f"Add book {index} of {count}"
        with Vertical(classes="dialog", id="add-dialog"):
            yield Label(f"{heading}: {self._folders_text()}", classes="question", markup=False)
            with Horizontal(id="add-top"):
                with Grid(id="tag-form"):
                    for name in (*TAG_FIELDS, "output"):
                        yield Label(name.capitalize(), classes="field-label")
                        yield Input(id=f"tag-{name}", compact=True)
                yield Static("", id="cover")
            yield Static("", id="book-facts")
            yield LoadingIndicator(id="add-loading")
            with VerticalScroll(id="chapters", can_focus=True):
                yield Static("", id="chapter-list")
        yield Footer()

    def _folders_text(self) -> str:
        names = []
        for folder in self.folders:
            try:
                names.append(str(folder.relative_to(self.shown_root)) if self.shown_root else "")
            except ValueError:
                names.append("")
            names[-1] = names[-1] or folder.name
        return formatting.ellipsize(visible(" + ".join(names)), 56)

    def on_mount(self) -> None:
        self.query_one("#tag-title", Input).focus()
        self._load_preview()

    @work(thread=True, exclusive=True, group="add-preview")
    def _load_preview(self) -> None:
        """Scan and plan the book (and draw the cover) away from the event loop."""
        try:
            preview = build_preview(self.folders, self.settings)
        except Exception as exc:  # shown in the dialog rather than ending the app
            preview = unreadable_preview(self.folders, f"{type(exc).__name__}: {exc}")
        art = None
        if preview.cover is not None:
            ffmpeg = default_ffmpeg(getattr(self.settings, "ffmpeg", None))
            art = cover_text(preview.cover, ffmpeg, *COVER_SIZE)
        self.app.call_from_thread(self._show_preview, preview, art)

    def _show_preview(self, preview: BookPreview, art: Text | None) -> None:
        if not self.is_attached:
            return  # dismissed while the folders were being read
        self.preview = preview
        self.query_one("#add-loading").display = False
        for name in TAG_FIELDS:
            self.query_one(f"#tag-{name}", Input).value = visible(preview.tags.get(name, ""))
        self.query_one("#tag-output", Input).value = visible(preview.output_name)
        self.query_one("#cover", Static).update(art or self._cover_words(preview))
        self.query_one("#book-facts", Static).update(self._facts(preview))
        self.query_one("#chapter-list", Static).update(self._chapters(preview))

    @staticmethod
    def _cover_words(preview: BookPreview) -> Text:
        if preview.cover is None:
            return Text("no cover", style="dim")
        return Text(f"cover:\n{visible(preview.cover.name)}", style="dim")

    @staticmethod
    def _facts(preview: BookPreview) -> Text:
        if preview.error:
            return Text(f"Cannot make a book: {visible(preview.error)}", style="bold red")
        files = "1 file" if len(preview.files) == 1 else f"{len(preview.files)} files"
        facts = Text(
            f"{files} · {formatting.book_length(preview.duration)} · "
            f"{len(preview.chapters)} chapters · "
            f"about {formatting.file_size(preview.expected_bytes)} · {preview.audio_format}"
        )
        for note in preview.notes:
            facts.append(f"\n{visible(note)}", style="dim")
        return facts

    @staticmethod
    def _chapters(preview: BookPreview) -> Text:
        text = Text()
        for number, chapter in enumerate(preview.chapters, start=1):
            file = preview.files[chapter.file_index]
            text.append(f"{number:>3} ", style="dim")
            text.append(f"{formatting.track_time(chapter.start):>8}  ", style="cyan")
            text.append(formatting.ellipsize(visible(chapter.title), 34))
            text.append(f"  {formatting.ellipsize(visible(file.name), 24)}\n", style="dim")
        if not preview.chapters:
            text.append("no chapters", style="dim")
        text.rstrip()
        return text

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_decide(QUEUE)

    def action_decide(self, action: str) -> None:
        """Close with a decision; queueing waits until the plan has been read."""
        if action in (QUEUE, QUEUE_ALL):
            if self.preview is None:
                self.notify("Still reading the folders…")
                return
            if self.preview.error:
                self.notify(
                    visible(self.preview.error),
                    title="Cannot queue this book",
                    severity="error",
                    markup=False,
                )
                return
            try:
                job = self.job_create()
            except ValidationError as exc:
                self.notify(
                    visible(validation_text(exc)),
                    title="Cannot queue this book",
                    severity="error",
                    markup=False,
                )
                return
            self.dismiss(AddDecision(action, job))
        else:
            self.dismiss(AddDecision(action))

    def job_create(self) -> JobCreate:
        """The job as the form now says: tags that differ from what was found are overrides."""
        found = {k: visible(v) for k, v in (self.preview.tags if self.preview else {}).items()}
        values = {name: self.query_one(f"#tag-{name}", Input).value.strip() for name in TAG_FIELDS}
        overrides = {k: v for k, v in values.items() if v and v != found.get(k, "")}
        output = self.query_one("#tag-output", Input).value.strip()
        default_output = visible(self.preview.output_name) if self.preview else ""
        options = JobOptions(
            output_name=output if output and output != default_output else None,
            tags=TagOverrides(**overrides),
        )
        return JobCreate(
            input_folders=self.folders,
            title=job_title(self.folders, options),
            options=options,
        )


def validation_text(exc: ValidationError) -> str:
    """A refused value as a person reads it: "year: use YYYY or YYYY-MM-DD"."""
    parts = []
    for error in exc.errors():
        where = " ".join(str(p) for p in error.get("loc", ()) if not isinstance(p, int))
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        parts.append(f"{where.replace('_', ' ')}: {message}" if where else message)
    return "; ".join(parts)
