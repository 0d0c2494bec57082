"""`aiom4b` tells a verb from a folder (the TUI) by `VERB_NAMES`, without building the verb
parsers: the names must be the parsers' own, in the same order."""

from __future__ import annotations

from aiom4b_tui.cli import build_tui_parser, build_verb_parser
from aiom4b_tui.cli.verb_parsers import VERB_NAMES


def test_the_verb_names_are_the_parsers_verbs():
    parser = build_verb_parser()
    registered = list(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert list(VERB_NAMES) == registered


def test_the_tui_help_lists_every_verb():
    help_text = build_tui_parser(VERB_NAMES).format_help()
    assert all(name in help_text for name in VERB_NAMES)
