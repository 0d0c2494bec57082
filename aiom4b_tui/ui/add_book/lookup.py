"""The add dialog's lookup (ctrl+l), composed into the dialog: `BookLookup` is given what
it needs (the job database, for the answers kept, and the data dir, for the covers kept)
and makes the lookup screen and fetches a match's cover; the functions here turn a chosen
match into what fills the form (its tags) and the chapter editor (its chapter marks)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from aiom4b_tui.safe_text import visible
from aiom4b_tui.ui.add_book.preview import TAG_FIELDS

if TYPE_CHECKING:
    from aiom4b_tui.engine.plan.cover import CoverCandidate
    from aiom4b_tui.lookup.providers import BookMatch
    from aiom4b_tui.store.database.db import Database
    from aiom4b_tui.ui.screens.lookup_book import LookupScreen


class CoverNotFetched(Exception):
    """A match's cover could not be downloaded (the text says why)."""


def form_tags(match: BookMatch) -> dict[str, str]:
    """The match's tags that the form has fields for, safe to show."""
    tags = match.tags()
    return {name: visible(tags[name]) for name in TAG_FIELDS if tags.get(name)}


def extra_tags(match: BookMatch) -> dict[str, str]:
    """The match's other tags (ASIN, publisher…), kept for the job beside the form's."""
    return {name: visible(value) for name, value in match.tags().items() if name not in TAG_FIELDS}


def chapter_marks(match: BookMatch, seconds: float) -> list[tuple[float, str]]:
    """The match's chapters fitted to a book of `seconds`: (start in seconds, title)."""
    from aiom4b_tui.lookup.audnexus import chapters_for_audio

    marks = chapters_for_audio(match, int(seconds * 1000)) or []
    return [(ms / 1000, visible(title)) for ms, title in marks]


class BookLookup:
    """The lookup as the add dialog uses it; `database` opens (or gives) the job database."""

    def __init__(self, database: Callable[[], Database], data_dir: Path) -> None:
        self.database = database
        self.data_dir = data_dir

    def screen(self, title: str, author: str) -> LookupScreen:
        """The screen that asks what to look up (prefilled) and lists the matches."""
        from aiom4b_tui.ui.screens.lookup_book import LookupScreen

        return LookupScreen(self.database, title, author)

    def cover(self, match: BookMatch) -> CoverCandidate | None:
        """Download the match's cover (kept in the data dir) as a cover candidate; None
        when it is not a picture. Blocking: call it in a thread. CoverNotFetched when
        the download fails."""
        from aiom4b_tui.engine.plan.cover import cover_candidates
        from aiom4b_tui.lookup.providers import MetadataLookupError
        from aiom4b_tui.lookup.service import covers_dir, open_book_lookup
        from aiom4b_tui.store.answer_cache import DatabaseAnswerCache

        try:
            with open_book_lookup(DatabaseAnswerCache(self.database())) as lookup:
                path = lookup.download_cover(match, covers_dir(self.data_dir))
        except (MetadataLookupError, OSError) as exc:
            raise CoverNotFetched(visible(str(exc))) from exc
        found = cover_candidates([], lookup_cover=path) if path else []
        return found[0] if found else None
