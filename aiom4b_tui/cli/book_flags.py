"""The flags that shape a book, shared by `add` and `convert`: tags, series, cover,
chapters and the file name template, turned into JobOptions (bad values exit 2).

Light at import (the parser of every verb is built from it): the models load when
`book_options` runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiom4b_tui.store.models import JobOptions

# job_options.model.DEFAULT_TEMPLATE, for the help text without importing the models;
# tests/cli/test_light_start.py keeps the two equal.
DEFAULT_TEMPLATE = "{author} - {title}"

NO_COVER = "none"
TAG_FLAGS = {
    "author": "author(s), separated by commas",
    "narrator": "narrator(s), separated by commas",
    "series": "series name",
    "series_part": "number in the series, e.g. 3 or 2.5",
    "year": "YYYY or YYYY-MM-DD",
    "genre": "genre",
    "description": "description (long text)",
}


def _existing_file(text: str) -> Path:
    path = Path(text).expanduser()
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {text}")
    return path.resolve()


def _cover(text: str) -> Path | str:
    """--cover FILE (an image, or an audio file with a picture in it) or `none`."""
    if text.strip().lower() == NO_COVER:
        return NO_COVER
    path = _existing_file(text)
    from aiom4b_tui.engine.plan.cover import CoverError, load_cover  # Pillow: only when asked

    try:
        load_cover(path)
    except CoverError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return path


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number of minutes: {text!r}") from exc
    if not 0 < value <= 24 * 60:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 1440 minutes")
    return value


def add_book_flags(parser: argparse.ArgumentParser) -> None:
    """Add --name, the tag flags, --cover, the chapter flags and --template."""
    parser.add_argument("--name", help="title of the book (tag) and name of the .m4b")
    for name, what in TAG_FLAGS.items():
        parser.add_argument("--" + name.replace("_", "-"), dest=f"tag_{name}", help=what)
    parser.add_argument(
        "--cover",
        type=_cover,
        metavar="FILE|none",
        help="cover: an image, or an audio file whose picture to use; none: no cover "
        "(default: the folder's cover image, else the first embedded picture)",
    )
    parser.add_argument(
        "--chapters",
        type=_existing_file,
        metavar="FILE",
        help="chapter file: chapters.txt, ffmetadata, .cue or JSON (default: one beside the "
        "book, else one chapter per file)",
    )
    parser.add_argument(
        "--chapters-by-silence", action="store_true", help="chapters where the audio is silent"
    )
    parser.add_argument(
        "--silence-threshold",
        type=float,
        metavar="DB",
        help="what counts as silence, in dBFS (default -35)",
    )
    parser.add_argument(
        "--silence-min",
        type=float,
        metavar="SECONDS",
        help="the shortest silence that places a chapter (default 1.5)",
    )
    parser.add_argument(
        "--max-chapter-length",
        type=_minutes,
        metavar="MINUTES",
        help="split longer chapters (at a silence near the limit, else at it)",
    )
    parser.add_argument(
        "--template",
        help=f"file name template (default {DEFAULT_TEMPLATE!r}); folders with /, "
        "fields: {author} {title} {subtitle} {series} {series_part} {narrator} {year} {genre}",
    )


def book_options(args: argparse.Namespace, **others: Any) -> JobOptions:
    """JobOptions from the book flags (and `others`); CliError (exit 2) on a bad value."""
    from pydantic import ValidationError

    from aiom4b_tui.cli.args import EXIT_USAGE, CliError
    from aiom4b_tui.cli.error_messages import validation_message
    from aiom4b_tui.job_options.model import TagOverrides
    from aiom4b_tui.store.models import JobOptions

    try:
        values = {n: getattr(args, f"tag_{n}", None) for n in TAG_FLAGS}
        tags = TagOverrides(title=args.name, **values)
        silence = {
            key: value
            for key, value in (
                ("silence_db", args.silence_threshold),
                ("silence_seconds", args.silence_min),
            )
            if value is not None
        }
        return JobOptions(
            output_name=args.name,
            tags=tags,
            cover=None if args.cover == NO_COVER else args.cover,
            no_cover=args.cover == NO_COVER,
            chapters_file=args.chapters,
            chapters_by_silence=args.chapters_by_silence,
            max_chapter_minutes=args.max_chapter_length,
            template=args.template,
            **silence,
            **others,
        )
    except ValidationError as exc:
        raise CliError(validation_message(exc), EXIT_USAGE) from exc
