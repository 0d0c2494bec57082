"""The add dialog's lookup (ctrl+l): the chosen match fills the tags, offers its chapters
and downloads its cover (kept in the data dir) into the Cover tab. A mixin of
AddBookScreen, kept apart so the dialog's module stays about one thing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.widgets import Input

from aiom4b_tui.lookup.audnexus import chapters_for_audio
from aiom4b_tui.lookup.providers import BookMatch
from aiom4b_tui.safe_text import visible
from aiom4b_tui.ui.add_book.chapter_editor import ChapterEditor
from aiom4b_tui.ui.add_book.cover_picker import CoverPicker
from aiom4b_tui.ui.add_book.preview import TAG_FIELDS
from aiom4b_tui.ui.dialogs.confirm import ConfirmScreen
from aiom4b_tui.ui.screens.lookup_book import LookupScreen

if TYPE_CHECKING:
    from aiom4b_tui.engine.plan.cover import CoverCandidate


class LookupFill:
    """The lookup's part of the add dialog (self is the AddBookScreen)."""

    def action_lookup(self) -> None:
        """Look the book up (ASIN, ISBN or title) and fill the form with what is chosen."""
        if self.preview is None:
            self.notify("Still reading the folders…")
            return
        title = self.query_one("#tag-title", Input).value
        author = self.query_one("#tag-author", Input).value
        db = self.app.service.db  # type: ignore[attr-defined]
        self.app.push_screen(LookupScreen(db, title, author), self._use_match)

    def _use_match(self, match: BookMatch | None) -> None:
        if match is None:
            return
        if match.cover_url:
            self._fetch_cover(match)
        tags = match.tags()
        for name in TAG_FIELDS:
            if tags.get(name):
                self.query_one(f"#tag-{name}", Input).value = visible(tags[name])
        self.extra_tags = {k: visible(v) for k, v in tags.items() if k not in TAG_FIELDS}
        self.notify(f"Filled from {match.provider}: {visible(match.title)}", markup=False)
        if match.chapters and self.draft is not None:
            self._offer_chapters(match)

    @work(thread=True, exclusive=True, group="add-cover", exit_on_error=False)
    def _fetch_cover(self, match: BookMatch) -> None:
        """Download the match's cover (cached in the data dir) and offer it."""
        from aiom4b_tui.engine.plan.cover import cover_candidates
        from aiom4b_tui.lookup.providers import MetadataLookupError
        from aiom4b_tui.lookup.service import covers_dir, open_book_lookup
        from aiom4b_tui.store.answer_cache import DatabaseAnswerCache

        db = self.app.service.db  # type: ignore[attr-defined]
        try:
            with open_book_lookup(DatabaseAnswerCache(db)) as lookup:
                path = lookup.download_cover(match, covers_dir(self.settings.data_dir))
        except (MetadataLookupError, OSError) as exc:
            self.app.call_from_thread(
                self.notify,
                visible(str(exc)),
                title="No cover downloaded",
                severity="warning",
                markup=False,
            )
            return
        found = cover_candidates([], lookup_cover=path) if path else []
        if found:
            self.app.call_from_thread(self._offer_cover, found[0], match.provider)

    def _offer_cover(self, candidate: CoverCandidate, provider: str) -> None:
        if not self.is_attached or not self.covers_listed:
            return
        self.query_one(CoverPicker).add_candidate(candidate)
        self.notify(f"Cover from {provider} chosen ({candidate.size_text}): see the Cover tab")

    def _offer_chapters(self, match: BookMatch) -> None:
        assert self.draft is not None
        marks = chapters_for_audio(match, int(self.draft.duration() * 1000)) or []
        draft = self.draft

        def answered(use: bool | None) -> None:
            if not use or draft is not self.draft:
                return
            try:
                draft.replace_chapters([(ms / 1000, visible(title)) for ms, title in marks])
            except ValueError as exc:
                self.notify(str(exc), severity="warning", markup=False)
                return
            self.query_one(ChapterEditor).show_draft(draft)
            self._show_facts()

        question = f"Use the {len(marks)} chapter titles {match.provider} has?"
        detail = "They replace the chapters in the Chapters tab (you can still edit them)."
        self.app.push_screen(ConfirmScreen(question, "Use them", detail), answered)
