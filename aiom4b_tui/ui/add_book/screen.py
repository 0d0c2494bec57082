"""The add dialog: the plan of one book before it is queued. Tabs: Tags (the tags, the
file name and the output folder, editable), Chapters (the chapter editor) and Cover (the
cover picker); ctrl+l looks the book up and fills the tags (and offers the chapters and
the cover) from what is chosen. A book whose .m4b is already there asks: new name or skip."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from pydantic import ValidationError
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
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
from aiom4b_tui.ui.add_book.cover_picker import CoverPicker, DrawnCover
from aiom4b_tui.ui.add_book.draft import ChapterDraft
from aiom4b_tui.ui.add_book.lookup import (
    BookLookup,
    CoverNotFetched,
    chapter_marks,
    extra_tags,
    form_tags,
)
from aiom4b_tui.ui.add_book.parts import (
    book_covers,
    draft_of_preview,
    entries_of_preview,
    facts_text,
    folders_text,
    planned_output,
    shown_path,
    validation_text,
)
from aiom4b_tui.ui.add_book.preview import BookPreview, build_preview, unreadable_preview
from aiom4b_tui.ui.add_book.tag_form import TagForm
from aiom4b_tui.ui.dialogs.confirm import ConfirmScreen
from aiom4b_tui.ui.dialogs.output_exists import OutputExistsScreen

if TYPE_CHECKING:
    from aiom4b_tui.config.settings import Settings
    from aiom4b_tui.engine.plan.cover import CoverCandidate
    from aiom4b_tui.lookup.providers import BookMatch
    from aiom4b_tui.store.database.db import Database

QUEUE = "queue"
RENAME = "rename"
QUEUE_ALL = "all"
SKIP = "skip"
CANCEL = "cancel"


@dataclass(frozen=True)
class AddDecision:
    """What the person chose: queue this book (and maybe the rest), skip it, or stop."""

    action: str
    job: JobCreate | None = None


class AddBookScreen(ModalScreen[AddDecision]):
    """Shows the plan of one book from `folders` and returns an `AddDecision`;
    `database` opens (or gives) the job database, for the lookup's answers."""

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
        database: Callable[[], Database],
        *,
        position: tuple[int, int] = (1, 1),
        shown_root: Path | None = None,
    ) -> None:
        super().__init__()
        self.folders = folders
        self.settings = settings
        self.lookup = BookLookup(database, settings.data_dir)
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
            folders = folders_text(self.folders, self.shown_root)
            yield Label(f"{heading}: {folders}", classes="question", markup=False)
            yield Static("", id="book-facts")
            yield LoadingIndicator(id="add-loading")
            with TabbedContent(id="add-tabs"):
                with TabPane("Tags", id="tab-tags"):
                    yield TagForm(id="tag-scroll")
                with TabPane("Chapters", id="tab-chapters"):
                    yield ChapterEditor(id="chapter-editor")
                with TabPane("Cover", id="tab-cover"):
                    yield CoverPicker(id="cover-picker")
        yield Footer()

    @property
    def form(self) -> TagForm:
        """The Tags tab's fields."""
        return self.query_one(TagForm)

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
        self.form.show_plan(preview, self._default_folder())
        self._select_title_once_filled()
        self.form.show_cover(drawn)
        self.query_one(CoverPicker).show_choices(candidates, preview.cover, drawn)
        self.covers_listed = not preview.error
        if not preview.error:
            self.draft = draft_of_preview(preview)
            self.query_one(ChapterEditor).show_draft(self.draft)
        self._show_facts()

    def _select_title_once_filled(self) -> None:
        """Focus the title with its text selected, so typing replaces it; a field or the
        chapter editor the person already moved to keeps the focus."""
        title = self.form.field("title")
        if self.focused is title:
            title.select_all()  # focused while still empty (the first tab's activation)
        elif not isinstance(self.focused, Input | ChapterEditor):
            title.focus()

    def _default_folder(self) -> str:
        return shown_path(self.settings.resolved_output_dir())

    def _show_facts(self) -> None:
        if self.preview is not None:
            facts = facts_text(self.preview, self.draft)
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
            self.form.field("title").focus()

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

    def on_cover_picker_chosen(self, message: CoverPicker.Chosen) -> None:
        self.form.show_cover(message.drawn)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_decide(QUEUE)

    def action_decide(self, action: str) -> None:
        """Close with a decision; queueing waits until the plan has been read."""
        if action in (QUEUE, QUEUE_ALL):
            if self.preview is None:
                self.notify("Still reading the folders…")
                return
            if self.preview.error:
                self._cannot_queue(self.preview.error)
                return
            try:
                job = self.job_create()
            except ValidationError as exc:
                self._cannot_queue(validation_text(exc))
                return
            existing = self.existing_output(job)
            if existing is not None:
                self._ask_new_name_or_skip(action, job, existing)
                return
            self.dismiss(AddDecision(action, job))
        else:
            self.dismiss(AddDecision(action))

    def _cannot_queue(self, why: str) -> None:
        self.notify(visible(why), title="Cannot queue this book", severity="error", markup=False)

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
        form = self.form
        overrides = {k: v for k, v in form.tags().items() if v and v != found.get(k, "")}
        overrides = self.extra_tags | overrides
        output = form.value("output")
        default_output = visible(self.preview.output_name) if self.preview else ""
        typed = form.value("folder")
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

    # ---- the lookup ----------------------------------------------------------------------

    def action_lookup(self) -> None:
        """Look the book up (ASIN, ISBN or title) and fill the form with what is chosen."""
        if self.preview is None:
            self.notify("Still reading the folders…")
            return
        screen = self.lookup.screen(self.form.field("title").value, self.form.field("author").value)
        self.app.push_screen(screen, self._use_match)

    def _use_match(self, match: BookMatch | None) -> None:
        if match is None:
            return
        if match.cover_url:
            self._fetch_cover(match)
        self.form.fill_tags(form_tags(match))
        self.extra_tags = extra_tags(match)
        self.notify(f"Filled from {match.provider}: {visible(match.title)}", markup=False)
        if match.chapters and self.draft is not None:
            self._offer_chapters(match, self.draft)

    @work(thread=True, exclusive=True, group="add-cover", exit_on_error=False)
    def _fetch_cover(self, match: BookMatch) -> None:
        """Download the match's cover (cached in the data dir) and offer it."""
        try:
            candidate = self.lookup.cover(match)
        except CoverNotFetched as exc:
            self.app.call_from_thread(
                self.notify, str(exc), title="No cover downloaded", severity="warning", markup=False
            )
            return
        if candidate is not None:
            self.app.call_from_thread(self._offer_cover, candidate, match.provider)

    def _offer_cover(self, candidate: CoverCandidate, provider: str) -> None:
        if not self.is_attached or not self.covers_listed:
            return
        self.query_one(CoverPicker).add_candidate(candidate)
        self.notify(f"Cover from {provider} chosen ({candidate.size_text}): see the Cover tab")

    def _offer_chapters(self, match: BookMatch, draft: ChapterDraft) -> None:
        marks = chapter_marks(match, draft.duration())

        def answered(use: bool | None) -> None:
            if not use or draft is not self.draft:
                return
            try:
                draft.replace_chapters(marks)
            except ValueError as exc:
                self.notify(str(exc), severity="warning", markup=False)
                return
            self.query_one(ChapterEditor).show_draft(draft)
            self._show_facts()

        question = f"Use the {len(marks)} chapter titles {match.provider} has?"
        detail = "They replace the chapters in the Chapters tab (you can still edit them)."
        self.app.push_screen(ConfirmScreen(question, "Use them", detail), answered)
