"""The add dialog's metadata lookup: asks for an ASIN, an ISBN or a title (and author),
looks it up in a thread (Audnexus, Open Library, answers cached in the job database, which
`database` opens in that thread) and lists what was found; choosing one returns its
`BookMatch`."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from aiom4b_tui.lookup.providers import BookMatch, MetadataLookupError
from aiom4b_tui.lookup.service import BadLookupQuery, LookupQuery, open_book_lookup
from aiom4b_tui.safe_text import visible
from aiom4b_tui.store.answer_cache import DatabaseAnswerCache
from aiom4b_tui.store.database.db import Database
from aiom4b_tui.ui.text import formatting

_ASIN = re.compile(r"^(?=.*\d)[A-Z0-9]{10}$")
_ISBN = re.compile(r"^(\d{9}[\dXx]|\d{13})$")


def query_of(text: str, author: str = "") -> LookupQuery:
    """What a person typed as a query: an ASIN (10 capitals and digits, a digit among
    them), an ISBN (10 or 13 digits, hyphens allowed), else a title with the author.
    BadLookupQuery when it cannot be asked."""
    text = text.strip()
    if _ASIN.match(text):
        return LookupQuery.of(asin=text)
    if _ISBN.match(re.sub(r"[\s-]", "", text)):
        return LookupQuery.of(isbn=text)
    return LookupQuery.of(title=text, author=author)


def match_line(match: BookMatch) -> Text:
    """One result as a line: provider, title, authors, year, series, chapters."""
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(f"{match.provider:<12}", style="dim")
    line.append(formatting.ellipsize(visible(match.title), 34), style="bold")
    if match.authors:
        line.append(f" · {formatting.ellipsize(visible(', '.join(match.authors)), 20)}")
    if match.year:
        line.append(f" · {visible(match.year[:4])}", style="dim")
    if match.series:
        part = f" #{visible(match.series_part)}" if match.series_part else ""
        line.append(f" · {visible(match.series)}{part}", style="cyan")
    if match.chapters:
        line.append(f" · {len(match.chapters)} chapters", style="green")
    return line


class LookupScreen(ModalScreen[BookMatch | None]):
    """Ask what to look up, show the matches; dismisses with the one chosen (or None)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, database: Callable[[], Database], title: str = "", author: str = "") -> None:
        super().__init__()
        self.database = database  # opens (or gives) the job database: called in a thread
        self.title_text = title
        self.author_text = author
        self.matches: list[BookMatch] = []
        self.searching = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="lookup-dialog"):
            yield Label("Look up the book", classes="question")
            with Grid(id="lookup-form"):
                yield Label("Find")
                yield Input(self.title_text, id="lookup-query", compact=True)
                yield Label("Author")
                yield Input(self.author_text, id="lookup-author", compact=True)
            yield Label(
                "an ASIN, an ISBN, or a title · enter: look up · escape: back",
                classes="hint",
                id="lookup-hint",
            )
            yield OptionList(id="lookup-results")

    def on_mount(self) -> None:
        self.query_one("#lookup-results").display = False
        self.query_one("#lookup-query", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.searching:
            return
        query_text = self.query_one("#lookup-query", Input).value
        author = self.query_one("#lookup-author", Input).value
        try:
            query = query_of(query_text, author)
        except BadLookupQuery as exc:
            self.notify(str(exc), title="Cannot look that up", severity="warning", markup=False)
            return
        self.searching = True
        self._say(f"looking up {visible(query.describe())}…")
        self._look_up(query)

    def _say(self, words: str) -> None:
        self.query_one("#lookup-hint", Label).update(Text(words))

    @work(thread=True, exclusive=True, group="lookup", exit_on_error=False)
    def _look_up(self, query: LookupQuery) -> None:
        """Ask the providers away from the event loop."""
        try:
            with open_book_lookup(DatabaseAnswerCache(self.database())) as lookup:
                found: list[BookMatch] | str = lookup.find(query)
        except MetadataLookupError as exc:
            found = str(exc)
        except Exception as exc:  # a bug in a provider must not end the app
            found = f"{type(exc).__name__}: {exc}"
        self.app.call_from_thread(self._show, query, found)

    def _show(self, query: LookupQuery, found: list[BookMatch] | str) -> None:
        self.searching = False
        if not self.is_attached:
            return
        if isinstance(found, str):
            self._say("an ASIN, an ISBN, or a title · enter: look up · escape: back")
            self.notify(visible(found), title="The lookup failed", severity="error", markup=False)
            return
        self.matches = found
        results = self.query_one("#lookup-results", OptionList)
        results.clear_options()
        if not found:
            self._say(f"nothing found for {visible(query.describe())}")
            results.display = False
            return
        self._say(f"{len(found)} found · enter: use it · escape: back")
        results.add_options([Option(match_line(m)) for m in found])
        results.display = True
        results.highlighted = 0
        results.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.matches[event.option_index])

    def action_cancel(self) -> None:
        """Back to the add dialog; nothing changes."""
        self.dismiss(None)
