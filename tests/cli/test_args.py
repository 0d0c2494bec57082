"""What every verb's parser shares (cli/args.py): the exit codes a CliError carries, the
--data-dir and --database-url options given before or after the verb, --json, and the
argument types that refuse a bad number with the reason."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from aiom4b_tui.cli.args import (
    EXIT_FAILURE,
    EXIT_USAGE,
    CliError,
    add_data_dir,
    add_json,
    nonnegative_int,
    nonnegative_seconds,
    positive_int,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aiom4b")
    add_data_dir(parser, top_level=True)
    verb = parser.add_subparsers(dest="verb").add_parser("jobs")
    add_data_dir(verb)
    add_json(verb)
    return parser


def test_a_cli_error_fails_with_1_unless_told():
    assert CliError("broken").exit_code == EXIT_FAILURE == 1
    assert CliError("bad input", EXIT_USAGE).exit_code == 2
    assert str(CliError("said once")) == "said once"


@pytest.mark.parametrize(
    ("argv", "data_dir", "url"),
    [
        (["jobs"], None, None),
        (["--data-dir", "/before", "jobs"], Path("/before"), None),
        (["jobs", "--data-dir", "/after"], Path("/after"), None),
        (["--data-dir", "/before", "jobs", "--data-dir", "/after"], Path("/after"), None),
        (["--database-url", "postgresql+psycopg://h/q", "jobs"], None, "postgresql+psycopg://h/q"),
        (["jobs", "--database-url", "postgresql+psycopg://h/q"], None, "postgresql+psycopg://h/q"),
    ],
)
def test_the_data_dir_and_url_may_come_before_or_after_the_verb(argv, data_dir, url):
    # A verb's own option, unset, does not hide the one given before the verb.
    args = _parser().parse_args(argv)
    assert (args.data_dir, args.database_url, args.json) == (data_dir, url, False)


def test_json_is_a_switch():
    assert _parser().parse_args(["jobs", "--json"]).json is True


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        (positive_int, "1", 1),
        (positive_int, "64", 64),
        (nonnegative_int, "0", 0),
        (nonnegative_seconds, "0", 0.0),
        (nonnegative_seconds, "2.5", 2.5),
    ],
)
def test_numbers_in_range_are_taken(kind, text, value):
    assert kind(text) == value


@pytest.mark.parametrize(
    ("kind", "text", "reason"),
    [
        (positive_int, "0", "must be 1 or more"),
        (nonnegative_int, "-1", "must be 0 or more"),
        (nonnegative_seconds, "-0.5", "must be 0 or more"),
        (nonnegative_seconds, "soon", "not a number of seconds: 'soon'"),
    ],
)
def test_numbers_out_of_range_are_refused_with_the_reason(kind, text, reason):
    with pytest.raises(argparse.ArgumentTypeError, match=reason):
        kind(text)


def test_a_word_for_a_whole_number_is_refused_by_argparse(capsys: pytest.CaptureFixture[str]):
    parser = argparse.ArgumentParser(prog="aiom4b")
    parser.add_argument("--limit", type=nonnegative_int)
    with pytest.raises(SystemExit) as caught:
        parser.parse_args(["--limit", "many"])
    assert caught.value.code == 2
    assert "invalid nonnegative_int value: 'many'" in capsys.readouterr().err
