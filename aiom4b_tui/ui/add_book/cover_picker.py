"""The add dialog's cover picker: the book's cover candidates (folder images, embedded
pictures, a looked-up cover, files typed in) and "no cover", the highlighted one drawn
beside the list with its size in pixels and bytes. Highlighting a line chooses it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from aiom4b_tui.safe_text import visible
from aiom4b_tui.ui.add_book.cover_art import (
    graphics,
    graphics_widget,
    half_block_text,
    load_picture,
)
from aiom4b_tui.ui.text import formatting

if TYPE_CHECKING:
    from PIL.Image import Image

    from aiom4b_tui.engine.plan.cover import CoverCandidate

ART_SIZE = (24, 10)  # cells wide, lines high
KIND_WORDS = {"file": "file: "}  # the others' labels say where they are from


@dataclass(frozen=True)
class DrawnCover:
    """A candidate decoded: the picture (None: unreadable) and its half-block art."""

    candidate: CoverCandidate | None
    picture: Image | None
    art: Text | None


def describe(candidate: CoverCandidate | None) -> Text:
    """The chosen cover's size in pixels and bytes, and what the book will hold."""
    if candidate is None:
        return Text("The book will have no cover.")
    from aiom4b_tui.engine.plan.cover import scaled_size

    text = Text(f"{candidate.size_text} · {formatting.file_size(candidate.size_bytes)}")
    if candidate.oversized and candidate.width and candidate.height:
        width, height = scaled_size(candidate.width, candidate.height)
        text.append(f"\nscaled to {width}×{height} px in the book", style="dim")
    return text


def choice_line(candidate: CoverCandidate) -> Text:
    """One candidate as a line of the list: where it is from, its size in pixels."""
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(KIND_WORDS.get(candidate.kind, ""), style="dim")
    line.append(formatting.ellipsize(visible(candidate.label), 30))
    line.append(f"  {candidate.size_text}", style="dim")
    return line


class CoverPicker(Horizontal):
    """Lists the covers to choose from and draws the highlighted one."""

    @dataclass
    class Chosen(Message):
        """The person highlighted a cover (its `candidate` None: no cover), now drawn."""

        drawn: DrawnCover

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.candidates: list[CoverCandidate] = []
        self.chosen: CoverCandidate | None = None
        self._drawn: DrawnCover | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="cover-left"):
            yield Static("", id="cover-art")
        with Vertical(id="cover-right"):
            yield OptionList(id="cover-choices")
            yield Static("", id="cover-info")
            yield Input(
                placeholder="or type a picture's path, then enter", id="cover-path", compact=True
            )

    @property
    def choices(self) -> OptionList:
        """The list of candidates (and "no cover", last)."""
        return self.query_one("#cover-choices", OptionList)

    def show_choices(
        self, candidates: list[CoverCandidate], chosen: Path | None, drawn: DrawnCover | None
    ) -> None:
        """List `candidates`, highlight the one at `chosen` (None: "no cover"); `drawn`,
        when given, is that one already decoded."""
        self.candidates = list(candidates)
        self._drawn = drawn
        self._fill()
        self._highlight(next((c for c in candidates if c.path == chosen), None))

    def add_candidate(self, candidate: CoverCandidate) -> None:
        """Add a cover (or find it listed already) and choose it."""
        known = next((c for c in self.candidates if c.path == candidate.path), None)
        if known is None:
            place = len(self.candidates)
            if candidate.kind != "file":  # a looked-up cover goes before typed files
                kinds = [c.kind for c in self.candidates]
                place = kinds.index("file") if "file" in kinds else place
            self.candidates.insert(place, candidate)
            self._fill()
        self._highlight(known or candidate)

    def _fill(self) -> None:
        options = [Option(choice_line(c)) for c in self.candidates]
        options.append(Option(Text("no cover", style="italic")))
        self.choices.clear_options()
        self.choices.add_options(options)

    def _highlight(self, candidate: CoverCandidate | None) -> None:
        index = self.candidates.index(candidate) if candidate else len(self.candidates)
        if self.choices.highlighted == index:
            self._choose(candidate)
        else:
            self.choices.highlighted = index

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        index = event.option_index
        self._choose(self.candidates[index] if index < len(self.candidates) else None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # enter on the list chooses, as highlighting does; it queues nothing

    def _choose(self, candidate: CoverCandidate | None) -> None:
        self.chosen = candidate
        self.query_one("#cover-info", Static).update(describe(candidate))
        drawn = self._drawn
        if drawn is not None and drawn.candidate == candidate:
            self._show(drawn)
        elif candidate is None:
            self._show(DrawnCover(None, None, None))
        else:
            self._draw(candidate)

    @work(thread=True, exclusive=True, group="cover-art", exit_on_error=False)
    def _draw(self, candidate: CoverCandidate) -> None:
        drawn = draw_cover(candidate)
        self.app.call_from_thread(self._show, drawn)

    def _show(self, drawn: DrawnCover) -> None:
        if not self.is_attached or drawn.candidate != self.chosen:
            return  # another cover was highlighted meanwhile
        self._drawn = drawn
        left = self.query_one("#cover-left", Vertical)
        for old in left.query(".cover-pixels"):
            old.remove()
        art = self.query_one("#cover-art", Static)
        pixels = graphics_widget(drawn.picture) if drawn.picture is not None else None
        if pixels is not None:
            pixels.add_class("cover-pixels")
            art.display = False
            left.mount(pixels)
        else:
            art.display = True
            if drawn.art is not None:
                art.update(drawn.art)
            else:
                words = "no cover" if drawn.candidate is None else "cannot be drawn"
                art.update(Text(words, style="dim"))
        self.post_message(self.Chosen(drawn))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # a typed path is not the dialog's "queue"
        typed = event.value.strip()
        if not typed:
            return
        from aiom4b_tui.engine.plan.cover import cover_candidates

        path = Path(typed).expanduser().absolute()
        found = cover_candidates([], extra=[path]) if path.is_file() else []
        if not found:
            what = "no such file" if not path.is_file() else "not a JPEG, PNG, GIF or WebP"
            self.notify(f"{visible(typed)}: {what}", severity="warning", markup=False)
            return
        event.input.value = ""
        self.add_candidate(found[0])


def draw_cover(candidate: CoverCandidate, size: tuple[int, int] = ART_SIZE) -> DrawnCover:
    """Decode a candidate and draw it as half blocks (blocking: call it in a thread)."""
    from aiom4b_tui.engine.plan.cover import CoverError, load_cover

    try:
        picture = load_picture(load_cover(candidate.path))
    except CoverError:
        picture = None
    art = half_block_text(picture, *size) if picture is not None and graphics() is None else None
    return DrawnCover(candidate, picture, art)
