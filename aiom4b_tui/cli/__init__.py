"""The `aiom4b` command: the TUI by default, and headless verbs for scripts and servers.

Exit codes: 0 ok, 2 bad usage or bad input, 1 any other failure.

Starting is light: the parsers (cli/verb_parsers.py) import no verb; a verb's module, the
settings and the database load when that verb runs, textual when the TUI opens.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from aiom4b_tui import __version__
from aiom4b_tui.cli.args import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, CliError, add_data_dir
from aiom4b_tui.cli.verb_parsers import VERB_NAMES, register_verbs
from aiom4b_tui.safe_text import visible


def build_verb_parser() -> argparse.ArgumentParser:
    """The parser for `aiom4b VERB ...`."""
    parser = argparse.ArgumentParser(prog="aiom4b", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"aiom4b {__version__}")
    add_data_dir(parser, top_level=True)
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    register_verbs(verbs)
    return parser


def build_tui_parser(verb_names: Sequence[str]) -> argparse.ArgumentParser:
    """The parser for `aiom4b [PATH]`, which opens the TUI."""
    parser = argparse.ArgumentParser(
        prog="aiom4b",
        description="Open the aiom4b TUI. Verbs: " + ", ".join(verb_names) + " (aiom4b VERB -h).",
    )
    parser.add_argument("--version", action="version", version=f"aiom4b {__version__}")
    add_data_dir(parser, top_level=True)
    parser.add_argument("path", nargs="?", type=Path, help="folder the picker opens at")
    return parser


def _first_positional(argv: Sequence[str]) -> str | None:
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("--data-dir", "--database-url"):
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def _run_tui(args: argparse.Namespace) -> int:
    from aiom4b_tui.cli.cli_settings import load_tui_settings
    from aiom4b_tui.ui import run_tui

    settings = load_tui_settings(args.data_dir, args.database_url)
    start = args.path or settings.library_dir or Path.cwd()
    if not start.is_dir():
        raise CliError(f"not a folder: {start}", EXIT_USAGE)
    # The app builds the full settings and opens (and migrates) the database once its
    # first screen is drawn; either failing ends the app, and is told here in a sentence
    # on the restored terminal. Without a terminal there is no screen to show first:
    # both are checked before, as by a verb.
    if not all(stream.isatty() for stream in (sys.stdin, sys.stdout, sys.stderr)):
        from aiom4b_tui.cli.verb_context import open_cli_database

        open_cli_database(settings.full()).close()
    try:
        return run_tui(settings, start)
    except Exception as exc:
        from aiom4b_tui.cli.error_messages import as_cli_error

        built = settings.loaded
        busy_timeout = built.db_busy_timeout if built is not None else None
        error = as_cli_error(exc, settings.data_dir, busy_timeout)
        if error is exc:
            raise
        raise error from exc


def _data_dir_of(argv: Sequence[str]) -> Path | None:
    """The data dir the command line names, if it can be told without the parsers."""
    from aiom4b_tui.config.settings import resolve_data_dir

    for index, arg in enumerate(argv):
        if arg == "--data-dir" and index + 1 < len(argv):
            return resolve_data_dir(argv[index + 1])
        if arg.startswith("--data-dir="):
            return resolve_data_dir(arg.partition("=")[2])
    return resolve_data_dir()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        first = _first_positional(argv)
        if first in VERB_NAMES:
            args = build_verb_parser().parse_args(argv)
            return int(args.func(args))
        if first is not None and not Path(first).expanduser().exists():
            raise CliError(
                f"unknown verb {first!r} (verbs: {', '.join(VERB_NAMES)}; "
                "or give a folder to open the TUI at)",
                EXIT_USAGE,
            )
        return _run_tui(build_tui_parser(VERB_NAMES).parse_args(argv))
    except CliError as exc:
        print(f"aiom4b: {visible(exc)}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # `aiom4b jobs | head`: the reader has had enough
        _quiet_stdout()
        return EXIT_OK
    except Exception as exc:
        # The database or the settings failing outside a verb's context: one sentence.
        from aiom4b_tui.cli.error_messages import as_cli_error

        error = as_cli_error(exc, _data_dir_of(argv))
        if not isinstance(error, CliError):
            raise
        print(f"aiom4b: {visible(error)}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("aiom4b: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush to the closed pipe
    does not print a second error at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


__all__ = ["main"]
