"""The add dialog: the plan of one book before it is queued. Tabs: Tags (the tags, the
file name and the output folder, editable), Chapters (the chapter editor) and Cover (the
cover picker); ctrl+l looks the book up and fills the tags (and offers the chapters and
the cover) from what is chosen. A book whose .m4b is already there asks: new name or skip."""

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
from textual.widgets import (
    Footer,
    Input,
    Label,
    LoadingIndicator,
    Static,
    TabbedContent,
    TabPane,
)

from aiom4b_tui.engine.plan.plan import first_free_path
from aiom4b_tui.engine.plan.title import job_title
from aiom4b_tui.job_options.model import JobOptions, TagOverrides
from aiom4b_tui.safe_text import visible
from aiom4b_tui.store.models import JobCreate
from aiom4b_tui.ui.add_book.chapter_editor import ChapterEditor
from aiom4b_tui.ui.add_book.cover_art import half_block_text
from aiom4b_tui.ui.add_book.cover_picker import CoverPicker, DrawnCover
from aiom4b_tui.ui.add_book.draft import ChapterDraft
from aiom4b_tui.ui.add_book.lookup import LookupFill
from aiom4b_tui.ui.add_book.parts import (
    book_covers,
    draft_of_preview,
    entries_of_preview,
    planned_output,
    shown_path,
    validation_text,
)
from aiom4b_tui.ui.add_book.preview import (
    TAG_FIELDS,
    BookPreview,
    build_preview,
    unreadable_preview,
)
from aiom4b_tui.ui.dialogs.output_exists import OutputExistsScreen
from aiom4b_tui.ui.text import formatting

if TYPE_CHECKING:
    from aiom4b_tui.config.settings import Settings
    from aiom4b_tui.engine.plan.cover import CoverCandidate

QUEUE = "queue"
RENAME = "rename"
QUEUE_ALL = "all"
SKIP = "skip"
CANCEL = "cancel"
COVER_SIZE = (16, 8)  # cells wide, lines high
FIELD_LABELS = {
    "series_part": "Series part",
    "output": "File name",
    "folder": "Folder",
}


@dataclass(frozen=True)
class AddDecision:
    """What the person chose: queue this book (and maybe the rest), skip it, or stop."""

    action: str
    job: JobCreate | None = None


class AddBookScreen(LookupFill, ModalScreen[AddDecision]):
    """Shows the plan of one book from `folders` and returns an `AddDecision`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "decide('queue')", "Queue"),
        Binding("ctrl+n", "decide('skip')", "Skip"),
        Binding("ctrl+a", "decide('all')", "Queue all"),
        Binding("ctrl+l", "lookup", "Lookup"),
        Binding("ctrl+t", "next_tab", "Next tab"),
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
        self.found_tags: dict[str, str] = {}  # as first planned: unchanged ones are no override
        self.extra_tags: dict[str, str] = {}  # from a lookup, beyond the form's fields
        self.draft: ChapterDraft | None = None
        self.covers_listed = False  # the cover picker holds the book's candidates

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
            yield Static("", id="book-facts")
            yield LoadingIndicator(id="add-loading")
            with TabbedContent(id="add-tabs"):
                with TabPane("Tags", id="tab-tags"), VerticalScroll(id="tag-scroll"):
                    with Horizontal(id="add-top"):
                        with Grid(id="tag-form", classes="field-grid"):
                            yield from self._fields(TAG_FIELDS)
                        yield Static("", id="cover")
                    with Grid(id="output-form", classes="field-grid"):
                        yield from self._fields(("output", "folder"))
                with TabPane("Chapters", id="tab-chapters"):
                    yield ChapterEditor(id="chapter-editor")
                with TabPane("Cover", id="tab-cover"):
                    yield CoverPicker(id="cover-picker")
        yield Footer()

    @staticmethod
    def _fields(names: tuple[str, ...]) -> ComposeResult:
        for name in names:
            yield Label(FIELD_LABELS.get(name, name.capitalize()), classes="field-label")
            yield Input(id=f"tag-{name}", compact=True)

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
        self._load_preview()

    @work(thread=True, exclusive=True, group="add-preview")
    def _load_preview(self) -> None:
        """Scan and plan the book (and find and draw its covers) away from the event loop."""
        try:
            preview = build_preview(self.folders, self.settings)
        except Exception as exc:  # shown in the dialog rather than ending the app
            preview = unreadable_preview(self.folders, f"{type(exc).__name__}: {exc}")
        candidates, drawn = book_covers(preview)
        self.app.call_from_thread(self._show_preview, preview, candidates, drawn)

    def _show_preview(
        self, preview: BookPreview, candidates: list[CoverCandidate], drawn: DrawnCover | None
    ) -> None:
        if not self.is_attached:
            return  # dismissed while the folders were being read
        self.preview = preview
        self.found_tags = {k: visible(v) for k, v in preview.tags.items()}
        self.query_one("#add-loading").display = False
        for name in TAG_FIELDS:
            self.query_one(f"#tag-{name}", Input).value = visible(preview.tags.get(name, ""))
        self.query_one("#tag-output", Input).value = visible(preview.output_name)
        self.query_one("#tag-folder", Input).value = visible(self._default_folder())
        self._select_title_once_filled()
        self._show_small_cover(drawn)
        self.query_one(CoverPicker).show_choices(candidates, preview.cover, drawn)
        self.covers_listed = not preview.error
        if not preview.error:
            self.draft = draft_of_preview(preview)
            self.query_one(ChapterEditor).show_draft(self.draft)
        self._show_facts()

    def _select_title_once_filled(self) -> None:
        """Focus the title with its text selected, so typing replaces it; a field or the
        chapter editor the person already moved to keeps the focus."""
        title = self.query_one("#tag-title", Input)
        if self.focused is title:
            title.select_all()  # focused while still empty (the first tab's activation)
        elif not isinstance(self.focused, Input | ChapterEditor):
            title.focus()

    def _default_folder(self) -> str:
        return shown_path(self.settings.resolved_output_dir())

    def _show_facts(self) -> None:
        if self.preview is not None:
            facts = self._facts(self.preview, self.draft)
            self.query_one("#book-facts", Static).update(facts)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """The chapters and cover tabs hand their keys to their lists at once."""
        if event.pane.id == self.query_one("#add-tabs", TabbedContent).active:
            self._focus_tab(event.pane.id)  # not a tab already left again (ctrl+t ctrl+t)

    def _focus_tab(self, pane_id: str | None) -> None:
        if pane_id == "tab-chapters":
            self.query_one(ChapterEditor).focus()
        elif pane_id == "tab-cover":
            self.query_one(CoverPicker).choices.focus()
        elif pane_id == "tab-tags" and not isinstance(self.focused, Input):
            self.query_one("#tag-title", Input).focus()

    def action_next_tab(self) -> None:
        """Tags → Chapters → Cover → Tags."""
        tabs = self.query_one("#add-tabs", TabbedContent)
        order = [pane.id for pane in tabs.query(TabPane) if pane.id]
        at = order.index(tabs.active) if tabs.active in order else -1
        tabs.active = order[(at + 1) % len(order)]
        self._focus_tab(tabs.active)

    def on_chapter_editor_chapters_changed(self, message: ChapterEditor.ChaptersChanged) -> None:
        self._show_facts()

    def on_chapter_editor_files_changed(self, message: ChapterEditor.FilesChanged) -> None:
        self._show_facts()
        self._replan()

    def _draft_options(self) -> JobOptions:
        draft = self.draft
        if draft is None:
            return JobOptions()
        return JobOptions(files=draft.chosen_files(), chapters=draft.chosen_chapters())

    @work(thread=True, exclusive=True, group="add-replan", exit_on_error=False)
    def _replan(self) -> None:
        """Plan the book again with the files as the person ordered them."""
        options = self._draft_options()
        try:
            preview = build_preview(self.folders, self.settings, options)
        except Exception as exc:  # shown in the dialog rather than ending the app
            preview = unreadable_preview(self.folders, f"{type(exc).__name__}: {exc}")
        self.app.call_from_thread(self._show_replan, preview, options.files)

    def _show_replan(self, preview: BookPreview, files: list[str] | None) -> None:
        if not self.is_attached or self.draft is None or files != self.draft.chosen_files():
            return  # dismissed, or the files changed again since: a newer plan comes
        self.preview = preview
        if not preview.error and not self.draft.chapters_edited:
            self.draft.entries = entries_of_preview(preview)
            editor = self.query_one(ChapterEditor)
            row = editor.current_row()
            editor.show_draft(self.draft, keep=(row.file, row.chapter) if row else None)
        self._show_facts()

    def _show_small_cover(self, drawn: DrawnCover | None) -> None:
        """The chosen cover beside the tags, as half blocks."""
        cover = self.query_one("#cover", Static)
        if drawn is None or drawn.candidate is None:
            cover.update(Text("no cover", style="dim"))
        elif drawn.picture is None:
            name = visible(drawn.candidate.path.name)
            cover.update(Text(f"cover:\n{name}", style="dim"))
        else:
            cover.update(half_block_text(drawn.picture, *COVER_SIZE))

    def on_cover_picker_chosen(self, message: CoverPicker.Chosen) -> None:
        self._show_small_cover(message.drawn)

    @staticmethod
    def _facts(preview: BookPreview, draft: ChapterDraft | None) -> Text:
        if preview.error:
            return Text(f"Cannot make a book: {visible(preview.error)}", style="bold red")
        count = len(draft.included()) if draft else len(preview.files)
        seconds = draft.duration() if draft else preview.duration
        chapters = len(draft.chapter_order()) if draft else len(preview.chapters)
        share = seconds / preview.duration if preview.duration else 1.0
        files = "1 file" if count == 1 else f"{count} files"
        facts = Text(
            f"{files} · {formatting.book_length(seconds)} · "
            f"{chapters} chapter{'' if chapters == 1 else 's'} · "
            f"about {formatting.file_size(preview.expected_bytes * share)} · "
            f"{preview.audio_format}"
        )
        for note in preview.notes:
            facts.append(f"\n{visible(note)}", style="dim")
        return facts

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
            existing = self.existing_output(job)
            if existing is not None:
                self._ask_new_name_or_skip(action, job, existing)
                return
            self.dismiss(AddDecision(action, job))
        else:
            self.dismiss(AddDecision(action))

    def existing_output(self, job: JobCreate) -> Path | None:
        """The file already where this job's book would go (None: the place is free)."""
        if self.preview is None:
            return None
        wanted = planned_output(self.preview, job.options, self.settings.resolved_output_dir())
        return wanted if wanted is not None and wanted.exists() else None

    def _ask_new_name_or_skip(self, action: str, job: JobCreate, existing: Path) -> None:
        free = first_free_path(existing)

        def answered(choice: str | None) -> None:
            if choice == RENAME:
                named = job.options.model_copy(update={"output_name": free.stem})
                self.dismiss(AddDecision(action, job.model_copy(update={"options": named})))
            elif choice == SKIP:
                self.dismiss(AddDecision(SKIP))

        self.app.push_screen(OutputExistsScreen(existing, free), answered)

    def job_create(self) -> JobCreate:
        """The job as the form now says: tags that differ from what was found are overrides."""
        found = self.found_tags
        values = {name: self.query_one(f"#tag-{name}", Input).value.strip() for name in TAG_FIELDS}
        overrides = {k: v for k, v in values.items() if v and v != found.get(k, "")}
        overrides = self.extra_tags | overrides
        output = self.query_one("#tag-output", Input).value.strip()
        default_output = visible(self.preview.output_name) if self.preview else ""
        typed = self.query_one("#tag-folder", Input).value.strip()
        folder = Path(typed).expanduser() if typed else None
        edits = self._draft_options()
        picker = self.query_one(CoverPicker)
        chosen = picker.chosen.path if picker.chosen is not None else None
        options = JobOptions(
            output_dir=folder if folder != self.settings.resolved_output_dir() else None,
            output_name=output if output and output != default_output else None,
            tags=TagOverrides(**overrides),
            files=edits.files,
            chapters=edits.chapters,
            cover=chosen,
            no_cover=self.covers_listed and chosen is None and bool(picker.candidates),
        )
        return JobCreate(
            input_folders=self.folders,
            title=job_title(self.folders, options),
            options=options,
        )
