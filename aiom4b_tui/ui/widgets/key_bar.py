"""The key bar at the foot of a screen: the keys the focused widget and its screen answer
to, drawn as one line of text.

Textual's Footer mounts a widget per key and recomposes itself on every focus change; at
80x24 on this 2-core machine that was most of a key's cost (bench/RESULTS.md, "The key
bar"). This bar looks like the compact Footer, repaints only, and presses a key when its
name is clicked, as the Footer does.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.events import Click
from textual.screen import Screen
from textual.widget import Widget


class KeyBar(Widget, can_focus=False):
    """One line of `key description` pairs, dimmed where the action is not available."""

    ALLOW_SELECT = False
    _spans: list[tuple[int, int, str]]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description", "key-bar--gap"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-bar--gap {
            background: $footer-background;
        }
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()  # one line, whatever it holds: no layout

    def render(self) -> RenderResult:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        gap_style = self.get_component_rich_style("key-bar--gap")
        line = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        shown: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in shown:
                continue  # several keys for one action: the first names it
            shown.add(binding.action)
            dim = Style(dim=not enabled)
            start = len(line)
            line.append(self.app.get_key_display(binding), key_style + dim)
            line.append(f" {binding.description}", description_style + dim)
            self._spans.append((start, len(line), binding.key))
            line.append(" ", gap_style)
        return line

    def on_click(self, event: Click) -> None:
        """A click on a key's name presses that key."""
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
