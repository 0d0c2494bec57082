"""The parser of every verb (cli/verb_parsers.py): the verbs README documents, each run by
a function that exists (imported only when it runs), statuses in the words the TUI shows,
bitrates as a person writes them."""

from __future__ import annotations

import argparse
import importlib
import sys

import pytest

from aiom4b_tui.cli import build_verb_parser
from aiom4b_tui.cli.verb_parsers import (
    STATUS_LISTED,
    STATUS_WORDS,
    VERB_NAMES,
    VerbCommand,
    parse_bitrate,
    parse_status,
)
from aiom4b_tui.store.models import JobStatus

VERBS = [
    "stats",
    "jobs",
    "add",
    "rm",
    "clear",
    "db",
    "convert",
    "worker",
    "cancel",
    "retry",
    "watch",
    "chapters",
    "lookup",
    "workers",
]


def _commands(parser: argparse.ArgumentParser) -> list[VerbCommand]:
    found = [parser.get_default("func")]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _commands(sub)
    return [f for f in found if f is not None]


def test_every_verb_runs_a_function_that_exists() -> None:
    parser = build_verb_parser()
    verbs = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert list(verbs) == VERBS == list(VERB_NAMES)
    commands = _commands(parser)
    assert len(commands) >= len(VERBS)
    for command in commands:
        assert isinstance(command, VerbCommand)
        module = importlib.import_module(f"aiom4b_tui.cli.{command.module}")
        assert callable(getattr(module, command.function)), command


def test_a_verb_command_imports_its_module_when_it_runs(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delitem(sys.modules, "aiom4b_tui.cli.fleet_verbs", raising=False)
    command = VerbCommand("fleet_verbs", "worker_json")
    assert repr(command) == "VerbCommand('fleet_verbs', 'worker_json')"
    assert "aiom4b_tui.cli.fleet_verbs" not in sys.modules  # named, not imported
    with pytest.raises(AttributeError):  # run: imported, then called with the args
        command(argparse.Namespace())
    assert "aiom4b_tui.cli.fleet_verbs" in sys.modules


def test_status_words_name_stored_statuses() -> None:
    assert {JobStatus(value) for value in STATUS_WORDS.values()} == set(JobStatus)
    assert set(STATUS_LISTED) <= set(STATUS_WORDS)
    assert parse_status(" Done ") == JobStatus.COMPLETED.value
    assert parse_status("canceled") == JobStatus.CANCELLED.value
    with pytest.raises(argparse.ArgumentTypeError, match="valid: queued"):
        parse_status("finished")


def test_parse_bitrate():
    assert parse_bitrate("64k") == 64_000
    assert parse_bitrate("96K") == 96_000
    assert parse_bitrate("128000") == 128_000
    for bad in ("fast", "1k", "9999k"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_bitrate(bad)


@pytest.mark.parametrize(
    ("argv", "wanted"),
    [
        (["jobs", "--status", "done", "--limit", "5"], {"status": "completed", "limit": 5}),
        (["worker", "--once", "--books", "2"], {"once": True, "books": 2, "settle": 30.0}),
        (["worker", "stop", "--all"], {"all": True, "wait": 15.0}),
        (["cancel", "abc"], {"id": "abc", "wait": 5.0}),
        (["db", "backup"], {"db_verb": "backup", "to": None}),
        (["chapters", "b.m4b"], {"format": "txt", "set": None}),
    ],
)
def test_verbs_take_their_options_with_their_defaults(argv, wanted):
    args = build_verb_parser().parse_args(argv)
    assert {name: getattr(args, name) for name in wanted} == wanted
